import RTP

/// RTP sequence continuity and timestamp monotonicity per SSRC (RFC 3550 §A.1, §5.1).
///
/// Sequence numbers are compared modulo 2^16 as RFC 3550 §A.1 does: a forward step of more than one is
/// a gap, a step of zero or to a number seen recently a duplicate, any other backward step a late
/// (reordered) packet. Timestamps are compared modulo 2^32 between in-order packets only. All of these
/// are warnings: loss and reordering happen on real networks and say nothing about the sender.
///
/// Some packets' timestamps say nothing about the stream's clock and are neither judged nor used as a
/// reference: retransmissions (an RTX payload type, RFC 4588 §4: they carry the original packet's
/// timestamp, so they legitimately go back) and packets with the P bit set (RFC 3550 §5.1; a sender
/// probing bandwidth sends padding-only packets, libwebrtc with the timestamp of whatever it sent
/// last, which may be nothing yet: 0).
public struct RTPSequenceRule: PacketRule {
    public static let rules = [
        ReplayRules.rtpSequenceGap, ReplayRules.rtpSequenceDuplicate, ReplayRules.rtpSequenceReorder,
        ReplayRules.rtpTimestampMonotonic,
    ]

    /// How many recent sequence numbers are remembered per SSRC to tell duplicates from late packets.
    static let memory = 1024

    private struct Key: Hashable { let flow: Int; let ssrc: UInt32 }
    private struct Stream {
        var highest: UInt16
        /// The timestamp of the in-order packet last judged, and its sequence number.
        var timestamp: (value: UInt32, sequence: UInt16)?
        var recent = RecentSet<UInt16>(capacity: RTPSequenceRule.memory)
    }

    private var streams: [Key: Stream] = [:]
    /// Payload types that are retransmissions, from the descriptions (`a=rtpmap:… rtx/…`).
    let retransmissionPayloadTypes: Set<UInt8>

    public init(retransmissionPayloadTypes: Set<UInt8> = []) { self.retransmissionPayloadTypes = retransmissionPayloadTypes }

    public mutating func observe(_ decoded: DecodedPacket) -> [ReplayFinding] {
        guard case .rtp(let header) = decoded.content else { return [] }
        let packet = decoded.packet
        let key = Key(flow: packet.flow, ssrc: header.ssrc)
        let sequence = header.sequenceNumber
        let clocked = !header.hasPadding && !retransmissionPayloadTypes.contains(header.payloadType)
        // Taken out, not copied: a copy would duplicate the `recent` set on every packet (copy on write).
        guard var stream = streams.removeValue(forKey: key) else {
            var stream = Stream(highest: sequence, timestamp: clocked ? (header.timestamp, sequence) : nil)
            stream.recent.insert(sequence)
            streams[key] = stream
            return []
        }
        defer { streams[key] = stream }
        let step = Int(Int16(bitPattern: sequence &- stream.highest))
        func finding(_ rule: ReplayRule, _ detail: String) -> [ReplayFinding] {
            [ReplayFinding(rule, frame: packet.frame, flow: packet.flow, "SSRC 0x\(String(header.ssrc, radix: 16)): " + detail)]
        }
        if step <= 0 {
            if stream.recent.contains(sequence) {
                return finding(ReplayRules.rtpSequenceDuplicate, "sequence \(sequence) seen before")
            }
            stream.recent.insert(sequence)
            return finding(ReplayRules.rtpSequenceReorder, "sequence \(sequence) arrives after \(stream.highest)")
        }
        var findings: [ReplayFinding] = []
        if step > 1 {
            findings += finding(
                ReplayRules.rtpSequenceGap, "sequence jumps from \(stream.highest) to \(sequence) (\(step - 1) missing)")
        }
        if clocked, let previous = stream.timestamp, Int32(bitPattern: header.timestamp &- previous.value) < 0 {
            findings += finding(
                ReplayRules.rtpTimestampMonotonic,
                "timestamp \(header.timestamp) at sequence \(sequence) is before \(previous.value) at \(previous.sequence)")
        }
        stream.highest = sequence
        if clocked { stream.timestamp = (header.timestamp, sequence) }
        stream.recent.insert(sequence)
        return findings
    }
}
