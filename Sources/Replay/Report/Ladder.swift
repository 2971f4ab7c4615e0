public import Pcap
import DTLSRecord
import STUN

/// One packet as the ladder diagram draws it: who sent it to whom, when, and what it was.
public struct LadderEvent: Hashable, Sendable {
    public let frame: Int
    /// Seconds since the capture's first packet.
    public let seconds: Double
    public let from: String
    public let to: String
    public let kind: PacketKind
    /// What a reader wants to see on the arrow: `Binding request`, `handshake(ClientHello)`, `RTP PT 111 seq 7`.
    public let label: String
    /// Through a TURN relay.
    public let relayed: Bool
}

/// The session as a sequence of labelled packets between endpoints, for the HTML ladder diagram.
public enum Ladder {
    public static func events(_ datagrams: [ReplayDatagram]) -> [LadderEvent] {
        var demultiplexer = Demultiplexer()
        var events: [LadderEvent] = []
        let start = datagrams.first?.timestampNanoseconds ?? 0
        for datagram in datagrams {
            for packet in demultiplexer.packets(for: datagram) {
                let flow = demultiplexer.flows[packet.flow]
                let (from, to) = packet.direction == .aToB ? (flow.a, flow.b) : (flow.b, flow.a)
                events.append(LadderEvent(
                    frame: packet.frame, seconds: Double(packet.timestampNanoseconds - start) / 1e9,
                    from: from.description, to: to.description, kind: packet.kind,
                    label: label(packet), relayed: packet.encapsulation != .none))
            }
        }
        return events
    }

    /// A short name for a packet, from its codec where it parses.
    static func label(_ packet: ReplayPacket) -> String {
        let bytes = packet.payload
        switch packet.kind {
        case .stun:
            guard let message = try? STUNMessage.parse(bytes, checkFingerprint: false) else { return "STUN (malformed)" }
            return message.type.description
        case .dtls:
            guard let datagram = try? DTLSCodec.parse(bytes) else { return "DTLS (malformed)" }
            return datagram.records.map { record -> String in
                guard case .classic(let classic) = record else { return "encrypted" }
                if classic.contentType == .handshake, classic.epoch == 0, let type = classic.fragment.first {
                    return HandshakeType(rawValue: type).description
                }
                return classic.epoch == 0 ? classic.contentType.description : "\(classic.contentType) (epoch \(classic.epoch))"
            }.joined(separator: ", ")
        case .rtp where bytes.count >= 4:
            return "RTP PT \(bytes[1] & 0x7F) seq \(UInt16(bytes[2]) << 8 | UInt16(bytes[3]))"
        case .rtcp where bytes.count >= 2:
            return "RTCP PT \(bytes[1])"
        case .turnChannel where bytes.count >= 2:
            return "ChannelData 0x" + String(UInt16(bytes[0]) << 8 | UInt16(bytes[1]), radix: 16)
        default:
            return packet.kind.rawValue
        }
    }
}
