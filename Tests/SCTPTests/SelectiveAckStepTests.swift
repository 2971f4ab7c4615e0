@testable import SCTP
import SansIO
import Testing

/// The sender's SACK steps one at a time (`SelectiveAck.swift`), on a sending state built by hand: no
/// association, no peer, no packets. The association tests cover the steps together.
@Suite("SCTP sender: SACK processing step by step (RFC 9260 §6.2.1, §6.3.2, §7.2)")
struct SelectiveAckStepTests {
    /// A sender (MTU 1000, first TSN 100) with `count` chunks of `size` bytes on stream 1 in flight, the
    /// i-th sent at i ms, and their bytes in the buffered amount.
    static func sender(sent count: Int, size: Int = 100) -> SenderState {
        var sender = SenderState(initialTSN: 100, mtu: 1000)
        sender.start(peerWindow: 100_000)
        for index in 0..<count {
            var fragment = OutboundFragment(
                messageID: UInt64(index), stream: 1, payloadProtocol: .binary, flags: [.beginning, .ending],
                payload: ArraySlice(repeating: 0, count: size), reliability: .reliable, queuedAt: .zero)
            fragment.tsn = sender.nextTSN
            sender.nextTSN &+= 1
            fragment.transmissions = 1
            fragment.sentAt = Instant.zero + .milliseconds(index)
            sender.outstanding.append(fragment)
            sender.buffered[1, default: 0] += size
            sender.bufferedTotal += size
        }
        return sender
    }

    // MARK: §6.2.1 D i: which cumulative acks count

    @Test("a cumulative ack at or past ours and below the next TSN is accepted (§6.2.1)")
    func acceptsCurrentAck() {
        let sender = Self.sender(sent: 3)
        #expect(sender.accepts(cumulativeAck: 99))
        #expect(sender.accepts(cumulativeAck: 102))
    }

    @Test("a cumulative ack behind ours is stale and ignored (§6.2.1 D i)")
    func rejectsStaleAck() {
        let sender = Self.sender(sent: 3)
        #expect(!sender.accepts(cumulativeAck: 98))
    }

    @Test("a cumulative ack of a TSN never sent is ignored")
    func rejectsAckBeyondSent() {
        let sender = Self.sender(sent: 3)
        #expect(!sender.accepts(cumulativeAck: 103))
    }

    // MARK: §6.2.1: advancing the Cumulative TSN Ack Point

    @Test("advancing the ack point removes the chunks it passes and releases their bytes")
    func advanceRemovesAndReleases() {
        var sender = Self.sender(sent: 3)
        let result = sender.advanceCumulativeAck(to: 101)
        #expect(result.newlyAcked == 2)
        #expect(result.bytesAcked == 200)
        #expect(sender.cumulativeAck == 101)
        #expect(sender.outstanding.map(\.tsn) == [102])
        #expect(sender.bufferedTotal == 100)
        #expect(sender.buffered[1] == 100)
    }

    @Test("gap-acknowledged chunks are released without counting twice; abandoned ones neither count nor are released again")
    func advanceSkipsGapAckedAndAbandoned() {
        var sender = Self.sender(sent: 3)
        sender.outstanding[1].gapAcked = true
        sender.outstanding[2].abandoned = true
        let result = sender.advanceCumulativeAck(to: 102)
        #expect(result.bytesAcked == 100)
        #expect(sender.bufferedTotal == 100)
    }

    @Test("the RTT probe among the acknowledged chunks is handed back for its sample and stops being the probe")
    func advanceHandsBackProbe() {
        var sender = Self.sender(sent: 3)
        sender.rttProbe = 101
        let result = sender.advanceCumulativeAck(to: 102)
        #expect(result.probe?.tsn == 101)
        #expect(sender.rttProbe == nil)
    }

    // MARK: §6.2.1: Gap Ack Blocks

    @Test("a gap block marks its chunks and reports the bytes, the highest TSN and the latest send time")
    func gapBlockMarks() {
        var sender = Self.sender(sent: 5)
        let result = sender.applyGapAckBlocks([GapAckBlock(start: 2, end: 3)])
        #expect(sender.outstanding.map(\.gapAcked) == [false, true, true, false, false])
        #expect(result.bytesAcked == 200)
        #expect(result.highestNewlyAcked == 102)
        #expect(result.latestNewlyAckedSend == Instant.zero + .milliseconds(2))
    }

    @Test("blocks that start at 0, run backwards or lie beyond the queue are ignored")
    func gapBlockIgnoresInvalid() {
        var sender = Self.sender(sent: 3)
        let result = sender.applyGapAckBlocks([
            GapAckBlock(start: 0, end: 2), GapAckBlock(start: 3, end: 2), GapAckBlock(start: 9, end: 12),
        ])
        #expect(sender.outstanding.allSatisfy { !$0.gapAcked })
        #expect(result.bytesAcked == 0)
        #expect(result.highestNewlyAcked == nil)
    }

    @Test("a chunk acknowledged by an earlier block is not acknowledged again")
    func gapBlockCountsOnce() {
        var sender = Self.sender(sent: 3)
        _ = sender.applyGapAckBlocks([GapAckBlock(start: 2, end: 2)])
        let again = sender.applyGapAckBlocks([GapAckBlock(start: 2, end: 3)])
        #expect(again.bytesAcked == 100)
        #expect(again.highestNewlyAcked == 102)
    }

    @Test("a block the peer stops reporting makes its chunk outstanding again (renege, §6.2.1 D iii)")
    func gapBlockRenege() {
        var sender = Self.sender(sent: 3)
        _ = sender.applyGapAckBlocks([GapAckBlock(start: 2, end: 2)])
        _ = sender.applyGapAckBlocks([])
        #expect(sender.outstanding.allSatisfy { !$0.gapAcked })
    }

    @Test("a gap-acknowledged chunk no longer waits for retransmission, and a probe among them is handed back")
    func gapBlockClearsRetransmitAndProbe() {
        var sender = Self.sender(sent: 3)
        sender.outstanding[2].needsRetransmit = true
        sender.rttProbe = 102
        let result = sender.applyGapAckBlocks([GapAckBlock(start: 3, end: 3)])
        #expect(!sender.outstanding[2].needsRetransmit)
        #expect(result.probe?.tsn == 102)
        #expect(sender.rttProbe == nil)
    }

    // MARK: §7.2.4: miss indications and fast retransmit

    /// Gap-acknowledges the chunk at `index`, as the SACK steps do, and counts the misses it implies.
    static func ackAndCount(_ sender: inout SenderState, index: Int) -> Int {
        let offset = UInt16(index + 1)
        let gaps = sender.applyGapAckBlocks([GapAckBlock(start: 2, end: offset)])
        return sender.countMissIndications(gaps)
    }

    @Test("each SACK that newly acknowledges a higher TSN counts one miss for the chunks below it (§7.2.4)")
    func missIndicationCounted() {
        var sender = Self.sender(sent: 5)
        #expect(Self.ackAndCount(&sender, index: 1) == 0)
        #expect(Self.ackAndCount(&sender, index: 2) == 0)
        #expect(sender.outstanding[0].missIndications == 2)
        #expect(!sender.outstanding[0].needsRetransmit)
    }

    @Test("the third miss marks the chunk for fast retransmission and enters fast recovery once (§7.2.4)")
    func thirdMissEntersFastRecovery() {
        var sender = Self.sender(sent: 5)
        sender.cwnd = 12_000
        for index in 1...3 { _ = Self.ackAndCount(&sender, index: index) }
        #expect(sender.outstanding[0].needsRetransmit && sender.outstanding[0].fastRetransmitted)
        #expect(sender.ssthresh == 6_000)
        #expect(sender.cwnd == 6_000)
        #expect(sender.fastRecoveryExit == 104)
        #expect(sender.partialBytesAcked == 0)
    }

    @Test("a chunk already resent counts a miss only when a chunk sent after its resend was acknowledged")
    func resentChunkMissRule() {
        var sender = Self.sender(sent: 3)
        sender.outstanding[0].transmissions = 2
        sender.outstanding[0].sentAt = Instant.zero + .milliseconds(10)
        _ = Self.ackAndCount(&sender, index: 1)
        #expect(sender.outstanding[0].missIndications == 0)
        sender.outstanding[2].sentAt = Instant.zero + .milliseconds(20)
        _ = Self.ackAndCount(&sender, index: 2)
        #expect(sender.outstanding[0].missIndications == 1)
    }

    @Test("no newly gap-acknowledged chunk, no miss indication")
    func noGapNoMiss() {
        var sender = Self.sender(sent: 3)
        #expect(sender.countMissIndications(GapAckResult()) == 0)
        #expect(sender.outstanding.allSatisfy { $0.missIndications == 0 })
    }

    @Test("fast recovery ends when the cumulative ack reaches its exit point (§6.2.1 D iv)")
    func leavesFastRecovery() {
        var sender = Self.sender(sent: 5)
        sender.fastRecoveryExit = 103
        sender.leaveFastRecovery(at: 102)
        #expect(sender.fastRecoveryExit == 103)
        sender.leaveFastRecovery(at: 103)
        #expect(sender.fastRecoveryExit == nil)
    }

    // MARK: §7.2.1, §7.2.2: the congestion window

    @Test("slow start grows cwnd by the bytes acknowledged, at most one MTU, when the window was full (§7.2.1)")
    func slowStartGrowth() {
        var sender = Self.sender(sent: 0)
        let before = sender.cwnd
        sender.growCongestionWindow(newlyAcked: 1, bytesAcked: 400, flightBefore: before)
        #expect(sender.cwnd == before + 400)
        sender.growCongestionWindow(newlyAcked: 3, bytesAcked: 3000, flightBefore: sender.cwnd)
        #expect(sender.cwnd == before + 1400)
    }

    @Test("cwnd does not grow when the window was not in use, nothing new was cumulatively acked, or in fast recovery")
    func noGrowth() {
        var sender = Self.sender(sent: 0)
        let before = sender.cwnd
        sender.growCongestionWindow(newlyAcked: 1, bytesAcked: 400, flightBefore: before - 1)
        sender.growCongestionWindow(newlyAcked: 0, bytesAcked: 400, flightBefore: before)
        sender.fastRecoveryExit = 100
        sender.growCongestionWindow(newlyAcked: 1, bytesAcked: 400, flightBefore: before)
        #expect(sender.cwnd == before)
    }

    @Test("congestion avoidance adds one MTU per cwnd of acknowledged bytes (§7.2.2)")
    func congestionAvoidanceGrowth() {
        var sender = Self.sender(sent: 0)
        sender.cwnd = 4000
        sender.ssthresh = 3000
        sender.growCongestionWindow(newlyAcked: 1, bytesAcked: 3000, flightBefore: 4000)
        #expect(sender.cwnd == 4000)
        #expect(sender.partialBytesAcked == 3000)
        sender.growCongestionWindow(newlyAcked: 1, bytesAcked: 1500, flightBefore: 4000)
        #expect(sender.cwnd == 5000)
        #expect(sender.partialBytesAcked == 500)
    }

    // MARK: §6.2.1 D ii: the peer's window

    @Test("the peer's window is its advertised credit less the bytes in flight, never below zero (§6.2.1 D ii)")
    func peerWindow() {
        var sender = Self.sender(sent: 3)
        sender.updatePeerWindow(advertised: 1000)
        #expect(sender.peerWindow == 700)
        sender.updatePeerWindow(advertised: 200)
        #expect(sender.peerWindow == 0)
    }

    // MARK: §6.3.2: the retransmission timer

    @Test("T3 stops when nothing is outstanding (§6.3.2 R2)")
    func timerStopsWhenIdle() {
        var sender = Self.sender(sent: 0)
        sender.t3Deadline = Instant.zero + .seconds(1)
        sender.updateRetransmissionTimer(newlyAcked: 0, at: .zero, rto: .seconds(3))
        #expect(sender.t3Deadline == nil)
    }

    @Test(
        "T3 restarts with the RTO when the earliest outstanding TSN was acknowledged (§6.3.2 R3), and runs on when not",
        arguments: [(1, Instant.zero + .seconds(5)), (0, Instant.zero + .seconds(1))] as [(Int, Instant)])
    func timerRestartsOnlyOnAck(newlyAcked: Int, deadline: Instant) {
        var sender = Self.sender(sent: 2)
        sender.t3Deadline = Instant.zero + .seconds(1)
        sender.updateRetransmissionTimer(newlyAcked: newlyAcked, at: Instant.zero + .seconds(2), rto: .seconds(3))
        #expect(sender.t3Deadline == deadline)
    }
}
