import DTLSRecord

/// DTLS record sequence numbers strictly increase per epoch and direction (RFC 6347 §4.1: a
/// retransmitted flight gets new sequence numbers, so even retransmissions never repeat one).
/// Only DTLS 1.2-style headers carry the full number; DTLS 1.3 unified headers are skipped.
public struct DTLSRecordSequenceRule: PacketRule {
    public static let rules = [ReplayRules.dtlsRecordSequence]

    private struct Key: Hashable { let flow: Int; let direction: FlowDirection; let epoch: UInt16 }
    private var last: [Key: UInt64] = [:]

    public init() {}

    public mutating func observe(_ decoded: DecodedPacket) -> [ReplayFinding] {
        guard case .dtls(let datagram) = decoded.content else { return [] }
        var findings: [ReplayFinding] = []
        for record in datagram.records {
            guard case .classic(let classic) = record else { continue }
            let key = Key(flow: decoded.packet.flow, direction: decoded.packet.direction, epoch: classic.epoch)
            if let previous = last[key], classic.sequenceNumber <= previous {
                findings.append(
                    ReplayFinding(
                        ReplayRules.dtlsRecordSequence, frame: decoded.packet.frame, flow: decoded.packet.flow,
                        "epoch \(classic.epoch) \(decoded.packet.direction.rawValue): record \(classic.sequenceNumber) "
                            + "after \(previous)"))
            }
            last[key] = max(last[key] ?? 0, classic.sequenceNumber)
        }
        return findings
    }
}
