/// The RTCP packets of one datagram (RFC 3550 §6.1), in order.
public struct RTCPCompound: Hashable, Sendable {
    public var packets: [RTCPPacket]

    public init(packets: [RTCPPacket]) {
        self.packets = packets
    }

    /// A reduced-size RTCP packet (RFC 5506 §3.1): one packet that is neither SR nor RR, exempt from
    /// the compound rules.
    public var isReducedSize: Bool {
        packets.count == 1 && !packets[0].isReport
    }

    /// The RFC 3550 §6.1 rules this compound packet breaks. Reported, not thrown: receivers commonly
    /// accept such packets, and a replay checker wants to name them.
    public var violations: [RTCPCompoundViolation] {
        guard !isReducedSize, let first = packets.first else { return [] }
        var found: [RTCPCompoundViolation] = []
        if !first.isReport {
            found.append(.init(rule: .compoundFirstPacket, packetIndex: 0, detail: "first packet has type \(first.packetType), not SR/RR"))
        }
        let hasCNAME = packets.contains { packet in
            guard case .sourceDescription(let sdes) = packet.body else { return false }
            return sdes.chunks.contains { $0.items.contains { $0.type == SDESItem.cname } }
        }
        if !hasCNAME {
            found.append(.init(rule: .compoundCNAME, packetIndex: nil, detail: "no SDES CNAME item"))
        }
        for (index, packet) in packets.enumerated() where !packet.padding.isEmpty && index != packets.count - 1 {
            found.append(.init(rule: .compoundPadding, packetIndex: index, detail: "padding on packet \(index) of \(packets.count)"))
        }
        var departed: Set<UInt32> = []
        for (index, packet) in packets.enumerated() {
            if let sender = packet.senderSSRC, departed.contains(sender) {
                found.append(.init(rule: .compoundByeLast, packetIndex: index, detail: "packet from SSRC \(sender) after its BYE"))
            }
            if case .goodbye(let bye) = packet.body { departed.formUnion(bye.sources) }
        }
        return found
    }
}

/// One RFC 3550 §6.1 rule a compound RTCP packet breaks.
public struct RTCPCompoundViolation: Hashable, Sendable, CustomStringConvertible {
    public let rule: RTCPRule
    /// The packet at fault, when one is.
    public let packetIndex: Int?
    public let detail: String

    public var description: String {
        "\(rule.id)\(packetIndex.map { " (packet \($0))" } ?? ""): \(detail)"
    }
}

extension RTCPPacket {
    /// SR or RR.
    public var isReport: Bool { packetType == 200 || packetType == 201 }

    /// The SSRC of the packet's sender, for the types that name one.
    public var senderSSRC: UInt32? {
        switch body {
        case .senderReport(let report): report.ssrc
        case .receiverReport(let report): report.ssrc
        case .applicationDefined(let app): app.ssrc
        case .transportFeedback(let feedback): feedback.senderSSRC
        case .payloadFeedback(let feedback): feedback.senderSSRC
        case .extendedReport(let report): report.ssrc
        case .sourceDescription, .goodbye, .unknown: nil
        }
    }
}

/// What a datagram in the RTP range (first byte 128–191) carries when RTP and RTCP share a port.
public enum RTPMultiplexKind: Hashable, Sendable {
    case rtp
    case rtcp

    /// RFC 5761 §4: a second octet of 192–223 (RTCP packet types 192–223, which would be RTP payload
    /// types 64–95 with the marker set) is RTCP; anything else is RTP.
    public init?(datagram: some Collection<UInt8>) {
        guard datagram.count >= 2 else { return nil }
        let second = datagram[datagram.index(after: datagram.startIndex)]
        self = (192...223).contains(second) ? .rtcp : .rtp
    }
}
