import Wire

/// A link-layer header type as libpcap reports it (`pcap_datalink`, the DLT_ values).
public struct LinkType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// BSD loopback: a 4-byte address family in host byte order.
    public static let null = LinkType(rawValue: 0)
    public static let ethernet = LinkType(rawValue: 1)
    /// Raw IP, as libpcap maps LINKTYPE_RAW (101) on Linux.
    public static let raw = LinkType(rawValue: 12)
    /// OpenBSD loopback: a 4-byte address family in network byte order.
    public static let loop = LinkType(rawValue: 108)
    /// Linux cooked capture v1 (16-byte header).
    public static let linuxSLL = LinkType(rawValue: 113)
    public static let ipv4 = LinkType(rawValue: 228)
    public static let ipv6 = LinkType(rawValue: 229)
    /// Linux cooked capture v2 (20-byte header).
    public static let linuxSLL2 = LinkType(rawValue: 276)

    public var description: String {
        switch self {
        case .null: "null"
        case .ethernet: "ethernet"
        case .raw: "raw"
        case .loop: "loop"
        case .linuxSLL: "linux-sll"
        case .ipv4: "ipv4"
        case .ipv6: "ipv6"
        case .linuxSLL2: "linux-sll2"
        default: "dlt-\(rawValue)"
        }
    }
}

/// An IP address and port seen in a capture.
///
/// The address is held inline, in network byte order across two words, rather than as an array: a
/// capture's every datagram carries two endpoints, and the replay copies, hashes and orders them per
/// packet, which an array (an allocation and a reference count each) made a tenth of its time.
public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
    /// The address's first eight bytes (an IPv4 address fills the top four).
    private let high: UInt64
    /// The address's last eight bytes (zero for IPv4).
    private let low: UInt64
    public let isIPv6: Bool
    public let port: UInt16

    public init(ipv4: UInt32, port: UInt16) {
        self.init(high: UInt64(ipv4) << 32, low: 0, isIPv6: false, port: port)
    }

    public init(ipv6High high: UInt64, low: UInt64, port: UInt16) {
        self.init(high: high, low: low, isIPv6: true, port: port)
    }

    init(high: UInt64, low: UInt64, isIPv6: Bool, port: UInt16) {
        (self.high, self.low, self.isIPv6, self.port) = (high, low, isIPv6, port)
    }

    /// `address` is 16 bytes for IPv6 and 4 for IPv4; any other length is read as IPv4 from its first
    /// bytes, zero-padded to four.
    public init(address: [UInt8], port: UInt16) {
        func word(_ bytes: ArraySlice<UInt8>) -> UInt64 { bytes.reduce(0) { $0 << 8 | UInt64($1) } }
        if address.count == 16 {
            self.init(ipv6High: word(address[0..<8]), low: word(address[8..<16]), port: port)
        } else {
            let bytes = address.prefix(4)
            self.init(ipv4: UInt32(truncatingIfNeeded: word(bytes) << (8 * UInt64(4 - bytes.count))), port: port)
        }
    }

    /// 4 bytes for IPv4, 16 for IPv6, in network order.
    public var address: [UInt8] {
        let words = isIPv6 ? [high, low] : [high]
        let bytes = words.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (56 - 8 * $0)) } }
        return Array(bytes.prefix(isIPv6 ? 16 : 4))
    }

    /// The order of the address bytes, then the port; an IPv4 address precedes an IPv6 address that
    /// starts with the same four bytes (the order of the byte arrays compared lexicographically).
    public func precedes(_ other: Endpoint) -> Bool {
        (high, low, isIPv6 ? 1 : 0, port) <= (other.high, other.low, other.isIPv6 ? 1 : 0, other.port)
    }

    public var description: String {
        if isIPv6 {
            let groups = (0..<8).map { index in
                String(UInt16(truncatingIfNeeded: (index < 4 ? high : low) >> (48 - 16 * UInt64(index % 4))), radix: 16)
            }
            return "[\(groups.joined(separator: ":"))]:\(port)"
        }
        return address.map(String.init).joined(separator: ".") + ":\(port)"
    }
}

public struct UDPDatagram: Hashable, Sendable {
    /// The frame number it came from (1-based).
    public let frame: Int
    public let timestampNanoseconds: Int64
    public let source: Endpoint
    public let destination: Endpoint
    public let payload: [UInt8]

    public init(frame: Int, timestampNanoseconds: Int64, source: Endpoint, destination: Endpoint, payload: [UInt8]) {
        self.frame = frame
        self.timestampNanoseconds = timestampNanoseconds
        self.source = source
        self.destination = destination
        self.payload = payload
    }
}

/// Peels link, IP and UDP headers off captured frames. Pure: no IO, never traps on odd frames.
public enum LinkLayer {
    /// The UDP datagram inside `frame`, or nil when the frame holds none that is complete.
    public static func udpDatagram(in frame: CapturedFrame) -> UDPDatagram? {
        var reader = ByteReader(frame.bytes)
        do {
            guard let version = try skipLinkHeader(frame.linkType, &reader) else { return nil }
            return try ipPacket(version: version, &reader, frame: frame)
        } catch {
            return nil
        }
    }

    /// Skips the link header; returns the IP version it announces (4 or 6), or nil for other payloads.
    static func skipLinkHeader(_ linkType: LinkType, _ reader: inout ByteReader) throws(TruncatedInput) -> Int? {
        let etherType: UInt16
        switch linkType {
        case .ethernet:
            try reader.skip(12)
            var type = try reader.readUInt16()
            // IEEE 802.1Q and 802.1ad VLAN tags, possibly stacked.
            while type == 0x8100 || type == 0x88A8 {
                try reader.skip(2)
                type = try reader.readUInt16()
            }
            etherType = type
        case .linuxSLL:
            try reader.skip(14)
            etherType = try reader.readUInt16()
        case .linuxSLL2:
            etherType = try reader.readUInt16()
            try reader.skip(18)
        case .null, .loop:
            let family = try reader.readBytes(4)
            // AF_INET is 2 everywhere; AF_INET6 is 10, 24, 28 or 30 depending on the OS. Byte order is the
            // capturing host's for .null, so look at whichever end holds the value.
            let first = family[family.startIndex], last = family[family.endIndex - 1]
            let value = first == 0 ? last : first
            return value == 2 ? 4 : ([10, 24, 28, 30].contains(value) ? 6 : nil)
        case .raw, .ipv4, .ipv6:
            return Int(try reader.peekUInt8() >> 4)
        default:
            return nil
        }
        switch etherType {
        case 0x0800: return 4
        case 0x86DD: return 6
        default: return nil
        }
    }

    static func ipPacket(version: Int, _ reader: inout ByteReader, frame: CapturedFrame) throws(TruncatedInput) -> UDPDatagram? {
        // Addresses as the two words an `Endpoint` holds: the ports come after the IP header.
        let source: (high: UInt64, low: UInt64)
        let destination: (high: UInt64, low: UInt64)
        var body: ByteReader
        switch version {
        case 4:
            let versionAndLength = try reader.readUInt8()
            guard versionAndLength >> 4 == 4 else { return nil }
            let headerLength = Int(versionAndLength & 0x0F) * 4
            guard headerLength >= 20 else { return nil }
            try reader.skip(1)
            let totalLength = Int(try reader.readUInt16())
            try reader.skip(2)
            let fragment = try reader.readUInt16()
            // More-fragments set or a non-zero offset: not a whole datagram.
            guard fragment & 0x3FFF == 0 else { return nil }
            try reader.skip(1)
            let protocolNumber = try reader.readUInt8()
            try reader.skip(2)
            source = (UInt64(try reader.readUInt32()) << 32, 0)
            destination = (UInt64(try reader.readUInt32()) << 32, 0)
            try reader.skip(headerLength - 20)
            guard protocolNumber == 17, totalLength >= headerLength else { return nil }
            body = try reader.subReader(totalLength - headerLength)
        case 6:
            guard try reader.readUInt8() >> 4 == 6 else { return nil }
            try reader.skip(3)
            let payloadLength = Int(try reader.readUInt16())
            var next = try reader.readUInt8()
            try reader.skip(1)
            source = (try reader.readUInt64(), try reader.readUInt64())
            destination = (try reader.readUInt64(), try reader.readUInt64())
            body = try reader.subReader(payloadLength)
            // Extension headers (RFC 8200 §4): hop-by-hop, routing, destination options; a fragment
            // header means this is not a whole datagram.
            while next == 0 || next == 43 || next == 60 {
                next = try body.readUInt8()
                let length = Int(try body.readUInt8()) * 8 + 6
                try body.skip(length)
            }
            guard next == 17 else { return nil }
        default:
            return nil
        }
        let sourcePort = try body.readUInt16()
        let destinationPort = try body.readUInt16()
        let udpLength = Int(try body.readUInt16())
        try body.skip(2)
        guard udpLength >= 8 else { return nil }
        let payload = try body.readBytes(udpLength - 8)
        return UDPDatagram(
            frame: frame.number, timestampNanoseconds: frame.timestampNanoseconds,
            source: Endpoint(high: source.high, low: source.low, isIPv6: version == 6, port: sourcePort),
            destination: Endpoint(high: destination.high, low: destination.low, isIPv6: version == 6, port: destinationPort),
            payload: Array(payload))
    }
}
