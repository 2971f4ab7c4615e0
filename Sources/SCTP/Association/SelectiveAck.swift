import SansIO

/// What the cumulative TSN ack of a SACK (or SHUTDOWN) released, for the steps that follow it.
struct CumulativeAckResult {
    /// Chunks the ack point moved over.
    var newlyAcked = 0
    /// Payload bytes newly acknowledged: not counted before by a gap block, not abandoned.
    var bytesAcked = 0
    /// The RTT probe, when it was among them: the caller takes its sample (RFC 9260 §6.3.1 C4).
    var probe: OutboundFragment?
}

/// What the Gap Ack Blocks of a SACK newly acknowledged.
struct GapAckResult {
    /// Payload bytes newly gap-acknowledged (not abandoned).
    var bytesAcked = 0
    /// The highest TSN newly acknowledged by a block (RFC 9260 §7.2.4 "HTNA").
    var highestNewlyAcked: UInt32?
    /// The latest send time among newly gap-acknowledged chunks: a chunk sent again before that was
    /// missed again (see ``SenderState/countMissIndications(_:)``).
    var latestNewlyAckedSend: Instant?
    /// The RTT probe, when a block acknowledged it first: the caller takes its sample (§6.3.1 C4).
    var probe: OutboundFragment?
}

/// The sender's side of a SACK, one RFC 9260 step per function, in the order
/// `SCTPAssociation.handleCumulativeAck` runs them. Each reads and writes only the sending state, so
/// each can be tested alone; the association adds what is its own (RTT samples, counters, error count).
extension SenderState {
    /// RFC 9260 §6.2.1 D i: a cumulative ack behind ours is stale (the SACK arrived out
    /// of order), and one at or beyond the next TSN acknowledges what was never sent; both are ignored.
    func accepts(cumulativeAck cumulative: UInt32) -> Bool {
        tsnAtOrBefore(cumulativeAck, cumulative) && tsnBefore(cumulative, nextTSN)
    }

    /// RFC 9260 §6.2.1: moves the Cumulative TSN Ack Point to `cumulative` and removes the chunks it
    /// passes from the retransmission queue, releasing their bytes from the buffered amount. Abandoned
    /// chunks left the buffered amount when they were abandoned (``SCTPAssociation/abandonMessage(_:)``).
    mutating func advanceCumulativeAck(to cumulative: UInt32) -> CumulativeAckResult {
        var result = CumulativeAckResult(newlyAcked: Int(cumulative &- cumulativeAck))
        for fragment in outstanding.prefix(result.newlyAcked) {
            if !fragment.abandoned {
                if !fragment.gapAcked { result.bytesAcked += fragment.payload.count }
                release(fragment.payload.count, on: fragment.stream)
            }
            if rttProbe == fragment.tsn {
                // A probe gap-acknowledged earlier was sampled then and is no longer the probe.
                rttProbe = nil
                result.probe = fragment
            }
        }
        outstanding.removeFirst(result.newlyAcked)
        cumulativeAck = cumulative
        return result
    }

    /// RFC 9260 §6.2.1 (and §3.3.4 for the block offsets): marks the chunks the Gap Ack Blocks cover. The
    /// marks are recomputed from scratch each time: a block the peer stops reporting (a renege, §6.2.1 D
    /// iii) makes the chunk outstanding again. Offsets are relative to the cumulative ack; a block that is empty or starts at 0 is ignored.
    mutating func applyGapAckBlocks(_ gaps: [GapAckBlock]) -> GapAckResult {
        var result = GapAckResult()
        var gapAcked = [Bool](repeating: false, count: outstanding.count)
        for block in gaps where block.start >= 1 && block.start <= block.end {
            let first = Int(block.start) - 1
            let last = min(Int(block.end) - 1, outstanding.count - 1)
            guard first <= last else { continue }
            for index in first...last { gapAcked[index] = true }
        }
        for index in outstanding.indices {
            let wasAcked = outstanding[index].gapAcked
            outstanding[index].gapAcked = gapAcked[index]
            guard gapAcked[index], !wasAcked, !outstanding[index].abandoned else { continue }
            result.bytesAcked += outstanding[index].payload.count
            outstanding[index].needsRetransmit = false
            result.highestNewlyAcked = outstanding[index].tsn
            result.latestNewlyAckedSend = max(result.latestNewlyAckedSend ?? .zero, outstanding[index].sentAt)
            if rttProbe == outstanding[index].tsn {
                rttProbe = nil
                result.probe = outstanding[index]
            }
        }
        return result
    }

    /// RFC 9260 §7.2.4 steps 1-3: a miss indication for each chunk below the highest newly acknowledged TSN
    /// (HTNA); at three, the chunk is marked for fast retransmission and, unless already in fast
    /// recovery, the sender enters it (ssthresh = max(cwnd/2, 4 * MTU), cwnd = ssthresh). Returns how
    /// many chunks were marked.
    ///
    /// A chunk already sent again counts a miss only when a chunk sent at or after its latest
    /// transmission was newly acknowledged: then that retransmission was lost too, and it may be fast
    /// retransmitted again after three such indications (the counter restarts when it is sent, §7.2.4;
    /// dcSCTP does the same). Otherwise, under steady loss, every lost retransmission waits for T3,
    /// and each T3 collapses cwnd and doubles the RTO.
    mutating func countMissIndications(_ gaps: GapAckResult) -> Int {
        guard let highest = gaps.highestNewlyAcked, let latestSend = gaps.latestNewlyAckedSend else { return 0 }
        var marked = 0
        for index in outstanding.indices {
            let fragment = outstanding[index]
            guard tsnBefore(fragment.tsn, highest), !fragment.gapAcked, !fragment.abandoned, !fragment.needsRetransmit,
                fragment.transmissions == 1 || latestSend >= fragment.sentAt
            else { continue }
            outstanding[index].missIndications += 1
            guard outstanding[index].missIndications >= 3 else { continue }
            outstanding[index].needsRetransmit = true
            outstanding[index].fastRetransmitted = true
            marked += 1
            if fastRecoveryExit == nil {
                ssthresh = max(cwnd / 2, 4 * mtu)
                cwnd = ssthresh
                partialBytesAcked = 0
                fastRecoveryExit = nextTSN &- 1
            }
        }
        return marked
    }

    /// RFC 9260 §6.2.1 D iv and §7.2.4: fast recovery ends when the cumulative ack reaches its exit point,
    /// the highest TSN outstanding when it began.
    mutating func leaveFastRecovery(at cumulative: UInt32) {
        if let exit = fastRecoveryExit, tsnAtOrBefore(exit, cumulative) { fastRecoveryExit = nil }
    }

    /// RFC 9260 §7.2.1 (slow start: cwnd += min(bytes acked, MTU)) and §7.2.2 (congestion avoidance: one
    /// MTU per cwnd of acknowledged bytes). cwnd grows only when the cumulative ack advanced, the window
    /// was in use (`flightBefore` >= cwnd) and the sender is not in fast recovery.
    mutating func growCongestionWindow(newlyAcked: Int, bytesAcked: Int, flightBefore: Int) {
        guard newlyAcked > 0, fastRecoveryExit == nil else { return }
        if cwnd <= ssthresh {
            if flightBefore >= cwnd { cwnd += min(bytesAcked, mtu) }
        } else {
            partialBytesAcked += bytesAcked
            if partialBytesAcked >= cwnd, flightBefore >= cwnd {
                partialBytesAcked -= cwnd
                cwnd += mtu
            }
        }
    }

    /// RFC 9260 §6.2.1 D ii: the peer's receiver window is its advertised credit less what is still in
    /// flight.
    mutating func updatePeerWindow(advertised window: UInt32) {
        peerWindow = max(Int(window) - flightSize, 0)
    }

    /// RFC 9260 §6.3.2 R2 and R3: T3 stops when nothing is outstanding and restarts (for `rto`) when the
    /// earliest outstanding TSN was acknowledged. Abandoned chunks keep it running until FORWARD TSN is
    /// acknowledged (RFC 3758 §3.5 C3).
    mutating func updateRetransmissionTimer(newlyAcked: Int, at now: Instant, rto: Duration) {
        if outstanding.isEmpty {
            t3Deadline = nil
        } else if newlyAcked > 0 {
            t3Deadline = now + rto
        }
    }
}
