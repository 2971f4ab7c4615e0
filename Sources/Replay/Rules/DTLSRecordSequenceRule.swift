import DTLSRecord

/// DTLS record sequence numbers per epoch and direction (RFC 6347 §4.1): a sender numbers records
/// in increasing order and gives a retransmitted flight new numbers, so a number seen twice with other
/// bytes is an error. The same record again, byte for byte, is a duplicated datagram (nDPI's dtls.pcap
/// holds one ClientHello twice, same IP id and time): a warning, as networks and captures make such
/// copies (RFC 6347 §4.1.2.6). A number lower than one already seen, but new, is network reordering: a warning (both
/// Google-served captures in `../shared/captures` show the server's Finished after its first
/// application-data record).
/// Only DTLS 1.2-style headers carry the full number; DTLS 1.3 unified headers are skipped.
public struct DTLSRecordSequenceRule: PacketRule {
    public static let rules = [ReplayRules.dtlsRecordSequence, ReplayRules.dtlsRecordDuplicate, ReplayRules.dtlsRecordReorder]

    /// How many recent numbers are remembered per epoch and direction.
    static let memory = 1024

    private struct Key: Hashable { let flow: Int; let direction: FlowDirection; let epoch: UInt16 }
    private struct Numbers {
        var highest: UInt64
        /// Recent numbers with their record, to tell a copy from a reuse by its bytes. The record's fragment
        /// is a slice of its datagram, which the replay holds anyway: remembering it copies nothing.
        var recent = RecentDictionary<UInt64, ClassicRecord>(capacity: DTLSRecordSequenceRule.memory)
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
            let (earlier, previousHighest) = Self.record(classic, in: &numbers[key, default: Numbers(highest: number)])
            var context: String { "epoch \(classic.epoch) \(packet.direction.rawValue): \(classic.contentType) record \(number)" }
            if let earlier {
                let copy = earlier == classic
                findings.append(
                    ReplayFinding(
                        copy ? ReplayRules.dtlsRecordDuplicate : ReplayRules.dtlsRecordSequence, frame: packet.frame, flow: packet.flow,
                        context + (copy ? " is an exact copy of a record already seen" : " repeats a number already used for other bytes")))
            } else if number < previousHighest {
                findings.append(
                    ReplayFinding(ReplayRules.dtlsRecordReorder, frame: packet.frame, flow: packet.flow, context + " arrives after \(previousHighest)"))
            }
        }
        return findings
    }

    /// Remembers `record` by its number; gives the record seen earlier under that number, if any, and
    /// the highest number before this one.
    private static func record(_ record: ClassicRecord, in seen: inout Numbers) -> (earlier: ClassicRecord?, previousHighest: UInt64) {
        let number = record.sequenceNumber
        let previousHighest = seen.highest
        seen.highest = max(seen.highest, number)
        let earlier = seen.recent[number]
        if earlier == nil { seen.recent.store(record, for: number) }
        return (earlier, previousHighest)
    }
}
