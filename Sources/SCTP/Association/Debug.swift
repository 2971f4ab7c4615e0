extension SCTPAssociation {
    /// The sequence-number state of both directions, in one line: what a stuck transfer's failure
    /// message needs (cumulative acks, the RFC 3758 advanced ack point, what is outstanding).
    public var sequenceSummary: String {
        let outstanding = sender.outstanding.prefix(6).map { fragment in
            "\(fragment.tsn)\(fragment.abandoned ? "A" : "")\(fragment.gapAcked ? "G" : "")\(fragment.needsRetransmit ? "R" : "")x\(fragment.transmissions)"
        }
        return "sent: cumAck \(sender.cumulativeAck) advancedPeerAckPoint \(sender.advancedPeerAckPoint) outstanding \(sender.outstanding.count) [\(outstanding.joined(separator: " "))] pending \(sender.pending.count - sender.pendingHead); received: cumTSN \(receiver.cumulativeTSN)"
    }
}
