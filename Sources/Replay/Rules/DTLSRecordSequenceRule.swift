import DTLSRecord

/// DTLS record sequence numbers per epoch and direction (RFC 6347 §4.1): a sender numbers records
/// in increasing order and gives a retransmitted flight new numbers, so a number seen twice is an
/// error. A number lower than one already seen, but new, is network reordering: a warning (both
/// Google-served captures in `../shared/captures` show the server's Finished after its first
/// application-data record).
/// Only DTLS 1.2-style headers carry the full number; DTLS 1.3 unified headers are skipped.
public struct DTLSRecordSequenceRule: PacketRule {
    public static let rules = [ReplayRules.dtlsRecordSequence, ReplayRules.dtlsRecordReorder]

    /// How many recent numbers are remembered per epoch and direction.
    static let memory = 1024

    private struct Key: Hashable { let flow: Int; let direction: FlowDirection; let epoch: UInt16 }
    private struct Numbers {
        var highest: UInt64
        var recent = RecentSet<UInt64>(capacity: DTLSRecordSequenceRule.memory)
    }
    private var numbers: [Key: Numbers] = [:]

    public init() {}

    public mutating func observe(_ decoded: DecodedPacket) -> [ReplayFinding] {
        guard case .dtls(let datagram) = decoded.content else { return [] }
        let packet = decoded.packet
        var findings: [ReplayFinding] = []
        for record in datagram.records {
            guard case .classic(let classic) = record else { continue }
            let key = Key(flow: packet.flow, direction: packet.direction, epoch: classic.epoch)
            let number = classic.sequenceNumber
            // Updated in place (the default-value subscript's modify accessor): one lookup, and the set of
            // recent numbers is never copied.
            let (repeated, previousHighest) = Self.record(number, in: &numbers[key, default: Numbers(highest: number)])
            var context: String { "epoch \(classic.epoch) \(packet.direction.rawValue): \(classic.contentType) record \(number)" }
            if repeated {
                findings.append(
                    ReplayFinding(ReplayRules.dtlsRecordSequence, frame: packet.frame, flow: packet.flow, context + " repeats a number already used"))
            } else if number < previousHighest {
                findings.append(
                    ReplayFinding(ReplayRules.dtlsRecordReorder, frame: packet.frame, flow: packet.flow, context + " arrives after \(previousHighest)"))
            }
        }
        return findings
    }

    /// Remembers `number`; says whether it was seen already and the highest number before it.
    private static func record(_ number: UInt64, in seen: inout Numbers) -> (repeated: Bool, previousHighest: UInt64) {
        let previousHighest = seen.highest
        seen.highest = max(seen.highest, number)
        return (!seen.recent.insert(number), previousHighest)
    }
}
