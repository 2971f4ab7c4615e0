/// A protocol that shares UDP with WebRTC on real machines but is not WebRTC, told by its port and a
/// cheap look at its bytes. A port alone never decides: a STUN or TURN server on 443 or 53 must still be
/// judged, and evidence of WebRTC always wins (``FlowClassifier``).
enum WellKnownProtocol: String, CaseIterable, Sendable {
    case dns = "DNS"
    case mdns = "mDNS"
    case llmnr = "LLMNR"
    case dhcp = "DHCP"
    case dhcpv6 = "DHCPv6"
    case ntp = "NTP"
    case netbiosName = "NetBIOS-NS"
    case netbiosDatagram = "NetBIOS-DGM"
    case ssdp = "SSDP"
    case quic = "QUIC"
    case wsDiscovery = "WS-Discovery"
    case snmp = "SNMP"
    case syslog = "Syslog"
    case natPMP = "NAT-PMP/PCP"
    case dropboxLANSync = "Dropbox LAN sync"

    /// The ports the protocol is assigned or known to use (either end of the flow).
    var ports: ClosedRange<UInt16>? {
        switch self {
        case .dns: 53...53
        case .mdns: 5353...5353
        case .llmnr: 5355...5355
        case .dhcp: 67...68
        case .dhcpv6: 546...547
        case .ntp: 123...123
        case .netbiosName: 137...137
        case .netbiosDatagram: 138...138
        case .ssdp: 1900...1900
        case .quic: 443...443
        case .wsDiscovery: 3702...3702
        case .snmp: 161...162
        case .syslog: 514...514
        case .natPMP: 5351...5351
        case .dropboxLANSync: 17500...17500
        }
    }

    /// Where the shape checked by `matches` is defined.
    var shape: String {
        switch self {
        case .dns: "a DNS header (RFC 1035 §4.1.1)"
        case .mdns: "a DNS header (RFC 6762 §18)"
        case .llmnr: "a DNS-style header (RFC 4795 §2.1.1)"
        case .dhcp: "the BOOTP magic cookie 63 82 53 63 (RFC 2131 §3, RFC 2132 §2)"
        case .dhcpv6: "a DHCPv6 message type (RFC 8415 §7.3)"
        case .ntp: "an NTP header (RFC 5905 §7.3)"
        case .netbiosName: "a NetBIOS name service header (RFC 1002 §4.2.1)"
        case .netbiosDatagram: "a NetBIOS datagram header (RFC 1002 §4.4.1)"
        case .ssdp: "an HTTPU request or response line (UPnP Device Architecture §1)"
        case .quic: "a QUIC long header (RFC 9000 §17.2, RFC 8999 §5.1)"
        case .wsDiscovery: "a SOAP envelope (WS-Discovery 1.1 §2)"
        case .snmp: "a BER SEQUENCE (RFC 3416 §3)"
        case .syslog: "a syslog PRI (RFC 5424 §6.2.1, RFC 5426)"
        case .natPMP: "a NAT-PMP or PCP version byte (RFC 6886 §3, RFC 6887 §7)"
        case .dropboxLANSync: "a JSON announcement"
        }
    }

    /// The protocols whose port range contains `port`.
    static func on(port: UInt16) -> [WellKnownProtocol] {
        allCases.filter { $0.ports?.contains(port) == true }
    }

    /// Whether `payload` has the protocol's shape. Cheap: fixed offsets and a few comparisons.
    func matches(_ payload: [UInt8]) -> Bool {
        switch self {
        case .dns, .mdns, .llmnr, .netbiosName: return Self.isDNSHeader(payload)
        case .dhcp:
            // op 1 (BOOTREQUEST) or 2 (BOOTREPLY), then the options' magic cookie at offset 236.
            return payload.count >= 240 && (1...2).contains(payload[0])
                && payload[236] == 0x63 && payload[237] == 0x82 && payload[238] == 0x53 && payload[239] == 0x63
        case .dhcpv6:
            // msg-type 1 (SOLICIT) … 13 (RELAY-REPL), then a 3-byte transaction id (RFC 8415 §8).
            return payload.count >= 4 && (1...13).contains(payload[0])
        case .ntp:
            // 48-byte header; VN 1–4, mode 1–7 (6 is control, 7 private: both also on 123).
            let version = (payload.first ?? 0) >> 3 & 7
            let mode = (payload.first ?? 0) & 7
            return payload.count >= 48 && (1...4).contains(version) && (1...7).contains(mode)
        case .netbiosDatagram:
            // MSG_TYPE 0x10–0x16, then flags, datagram id, source address and port.
            return payload.count >= 10 && (0x10...0x16).contains(payload[0])
        case .ssdp:
            return Self.startsWith(payload, "M-SEARCH ") || Self.startsWith(payload, "NOTIFY ")
                || Self.startsWith(payload, "HTTP/1.1 ")
        case .quic:
            // Header form and fixed bit set; version 1, 2, 0 (version negotiation), an IETF draft
            // (0xff0000xx) or Google QUIC ("Qxxx").
            guard payload.count >= 7, payload[0] & 0xC0 == 0xC0 else { return false }
            let version = payload[1...4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return version == 1 || version == 0x6B33_43CF || version == 0 || version >> 8 == 0xFF_0000 || payload[1] == 0x51
        case .wsDiscovery:
            return payload.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D && $0 != 0x0A && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF } == UInt8(ascii: "<")
        case .snmp: return payload.count >= 2 && payload[0] == 0x30
        case .syslog: return payload.count >= 3 && payload[0] == UInt8(ascii: "<") && (0x30...0x39).contains(payload[1])
        case .natPMP: return payload.count >= 2 && (payload[0] == 0 || payload[0] == 2)
        case .dropboxLANSync: return Self.startsWith(payload, "{\"")
        }
    }

    /// RFC 1035 §4.1.1: 12-byte header with an opcode in use (QUERY, IQUERY, STATUS, NOTIFY, UPDATE),
    /// a plausible count of questions (each at least 5 bytes) and at least one record of any kind.
    static func isDNSHeader(_ payload: [UInt8]) -> Bool {
        guard payload.count >= 12 else { return false }
        func count(_ offset: Int) -> Int { Int(payload[offset]) << 8 | Int(payload[offset + 1]) }
        let opcode = payload[2] >> 3 & 0x0F
        let questions = count(4)
        let records = count(6) + count(8) + count(10)
        return [0, 1, 2, 4, 5].contains(opcode) && questions <= 64 && records <= 1024 && questions + records > 0
            && payload.count >= 12 + 5 * questions
    }

    private static func startsWith(_ payload: [UInt8], _ prefix: String) -> Bool {
        payload.starts(with: prefix.utf8)
    }
}
