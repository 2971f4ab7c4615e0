public import Pcap
import DTLSRecord
import RTP
import SCTP
import STUN

/// One packet as the ladder diagram draws it: who sent it to whom, when, and what it was.
public struct LadderEvent: Hashable, Sendable {
    public let frame: Int
    /// The flow it belongs to (the report's flow id).
    public let flow: Int
    /// Seconds since the capture's first packet.
    public let seconds: Double
    public let from: String
    public let to: String
    public let kind: PacketKind
    /// What a reader wants to see on the arrow: `Binding request`, `handshake(ClientHello)`, `RTP PT 111 seq 7`.
    public let label: String
    /// Through a TURN relay.
    public let relayed: Bool

    public init(frame: Int, flow: Int, seconds: Double, from: String, to: String, kind: PacketKind, label: String, relayed: Bool) {
        self.frame = frame
        self.flow = flow
        self.seconds = seconds
        self.from = from
        self.to = to
        self.kind = kind
        self.label = label
        self.relayed = relayed
    }
}

/// The session as a sequence of labelled packets between endpoints, for the HTML ladder diagram.
///
/// ``ReplayChecker/checkWithLadder(_:capture:skippedFrames:options:)`` labels packets by what the
/// replay found inside them (SCTP chunks and DCEP in decrypted DTLS, codecs of decrypted RTP);
/// `events(_:)` labels them from their outer bytes alone.
public enum Ladder {
    public static func events(_ datagrams: [ReplayDatagram]) -> [LadderEvent] {
        var demultiplexer = Demultiplexer()
        var events: [LadderEvent] = []
        let start = datagrams.first?.timestampNanoseconds ?? 0
        for datagram in datagrams {
            for packet in demultiplexer.packets(for: datagram) {
                events.append(event(packet, flow: demultiplexer.flows[packet.flow], start: start, label: label(packet)))
            }
        }
        return events
    }

    /// The event of one packet with its label.
    static func event(_ packet: ReplayPacket, flow: Flow, start: Int64, label: String) -> LadderEvent {
        let (from, to) = packet.direction == .aToB ? (flow.a, flow.b) : (flow.b, flow.a)
        return LadderEvent(
            frame: packet.frame, flow: packet.flow, seconds: Double(packet.timestampNanoseconds - start) / 1e9,
            from: from.description, to: to.description, kind: packet.kind, label: label, relayed: packet.encapsulation != .none)
    }

    /// A DTLS datagram record by record; the protected application data records, in order, by what
    /// decryption found in them (`inside`), when it did.
    static func dtlsLabel(_ datagram: DTLSDatagram, inside: [String] = []) -> String {
        var inside = inside[...]
        return datagram.records.map { record -> String in
            guard case .classic(let classic) = record else { return "encrypted" }
            if classic.contentType == .applicationData, classic.isEncrypted, let found = inside.popFirst() { return found }
            if classic.contentType == .handshake, classic.epoch == 0, let type = classic.fragment.first {
                return HandshakeType(rawValue: type).description
            }
            return classic.epoch == 0 ? classic.contentType.description : "\(classic.contentType) (epoch \(classic.epoch))"
        }.joined(separator: ", ")
    }

    /// What a decrypted SCTP packet carries, chunk by chunk: `SCTP DATA stream 1 (1200 B), SACK`, and
    /// `DCEP OPEN "chat"` / `DCEP ACK` for the data channel protocol (RFC 8832).
    static func sctpLabel(_ bytes: [UInt8]) -> String {
        guard let packet = try? SCTPPacket.parse(bytes, checksum: .zeroAllowed) else { return "SCTP (malformed)" }
        let chunks = packet.chunks.map { chunk -> String in
            switch chunk {
            case .data(let data):
                if data.payloadProtocol == .dcep, let message = try? DCEPMessage.parse(data.userData, mode: .tolerant).value {
                    switch message {
                    case .open(let open): return "DCEP OPEN \"\(open.label)\" stream \(data.streamIdentifier)"
                    case .ack: return "DCEP ACK stream \(data.streamIdentifier)"
                    case .unknown(let type, _): return "DCEP type \(type)"
                    }
                }
                return "DATA stream \(data.streamIdentifier) (\(data.userData.count) B)"
            case .initiation: return "INIT"
            case .initiationAck: return "INIT ACK"
            case .selectiveAck(let sack): return "SACK \(sack.cumulativeTSNAck)"
            case .heartbeat: return "HEARTBEAT"
            case .heartbeatAck: return "HEARTBEAT ACK"
            case .abort: return "ABORT"
            case .shutdown: return "SHUTDOWN"
            case .shutdownAck: return "SHUTDOWN ACK"
            case .shutdownComplete: return "SHUTDOWN COMPLETE"
            case .error: return "ERROR"
            case .cookieEcho: return "COOKIE ECHO"
            case .cookieAck: return "COOKIE ACK"
            case .forwardTSN: return "FORWARD-TSN"
            case .reconfig: return "RE-CONFIG"
            case .iData: return "I-DATA"
            case .iForwardTSN: return "I-FORWARD-TSN"
            case .pad: return "PAD"
            case .unknown(let unknown): return "chunk \(unknown.type)"
            }
        }
        return "SCTP " + chunks.joined(separator: ", ")
    }

    /// A decrypted RTP packet: payload type with its codec when known, sequence number.
    static func clearRTPLabel(_ bytes: [UInt8], codecs: [UInt8: SignalledCodec]) -> String? {
        guard let packet = try? RTPCodec.parse(bytes) else { return nil }
        let header = packet.header
        let codec = codecs[header.payloadType].map { " \($0.name)" } ?? ""
        return "RTP PT \(header.payloadType)\(codec) seq \(header.sequenceNumber) (\(packet.payload.count) B)"
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
            return dtlsLabel(datagram)
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
