import RTP
import SansIO
import Testing
import Wire

/// A header of stream 1 with payload type 96.
private func header(_ sequence: UInt16, timestamp: UInt32 = 0, ssrc: UInt32 = 1) -> RTPHeader {
    RTPHeader(payloadType: 96, sequenceNumber: sequence, timestamp: timestamp, ssrc: ssrc)
}

/// A receiver without probation fed `sequences` at time zero; returns it and the verdicts.
private func feed(_ sequences: [UInt16], minimumSequential: Int = 1) -> (RTPStreamReceiver, [RTPReceptionVerdict]) {
    var receiver = RTPStreamReceiver(ssrc: 1, clockRate: 90_000, minimumSequential: minimumSequential)
    let verdicts = sequences.map { receiver.received(header($0), payloadBytes: 100, at: .zero) }
    return (receiver, verdicts)
}

@Suite("RTP stream receiver: RFC 3550 A.1 validation and sequence numbers")
struct SessionSequenceTests {
    @Test("A.1: a source counts after MIN_SEQUENTIAL = 2 packets in sequence; the probation packet is not counted")
    func probation() {
        let (receiver, verdicts) = feed([100, 101, 102], minimumSequential: 2)
        #expect(verdicts == [.probation, .accepted(extendedSequence: 101), .accepted(extendedSequence: 102)])
        #expect(verdicts[0].isDeliverable)
        #expect(receiver.statistics.packetsReceived == 2)
        #expect(receiver.statistics.packetsExpected == 2)
        #expect(receiver.statistics.packetsLost == 0)
    }

    @Test("A.1: probation starts again when the second packet is out of sequence")
    func probationRestarts() {
        let (receiver, verdicts) = feed([100, 105, 106], minimumSequential: 2)
        #expect(verdicts == [.probation, .probation, .accepted(extendedSequence: 106)])
        #expect(receiver.isValid)
        #expect(receiver.statistics.packetsDiscarded == 2)
    }

    @Test("A.1: sequence numbers wrap into the next cycle: 65535 then 0 is extended 65536")
    func wrapAround() {
        var (receiver, verdicts) = feed([65534, 65535, 0, 1])
        #expect(verdicts.map(\.extendedSequence) == [65534, 65535, 65536, 65537])
        let block = receiver.reportBlock(at: .zero)
        #expect(block.highestSequence == 65537)
        #expect(block.cumulativeLost == 0)
        #expect(block.fractionLost == 0)
    }

    @Test("A.1: a packet late across the wrap gets the previous cycle's extended number")
    func lateAcrossWrap() {
        let (_, verdicts) = feed([65533, 65535, 0, 65534])
        #expect(verdicts.last == .late(extendedSequence: 65534))
    }

    @Test("A.1: a jump of MAX_DROPOUT or more is dropped once, then the packet after it re-synchronises the count")
    func resyncAfterJump() {
        let (receiver, verdicts) = feed([10, 11, 12, 5000, 5001, 5002])
        #expect(verdicts[3] == .jumped)
        #expect(!verdicts[3].isDeliverable)
        #expect(verdicts[4] == .resynchronized(extendedSequence: 5001))
        #expect(verdicts[5] == .accepted(extendedSequence: 5002))
        let statistics = receiver.statistics
        #expect(statistics.resynchronizations == 1)
        #expect(statistics.packetsExpected == 2)  // 5001 and 5002: counting restarted at 5001
        #expect(statistics.packetsLost == 0)
        #expect(statistics.packetsReceived == 5)  // over the stream's life: all but the jump
    }

    @Test("A.1: a lone jump is dropped and the stream carries on where it was")
    func loneJump() {
        let (receiver, verdicts) = feed([10, 11, 9000, 12, 13])
        #expect(verdicts == [
            .accepted(extendedSequence: 10), .accepted(extendedSequence: 11), .jumped,
            .accepted(extendedSequence: 12), .accepted(extendedSequence: 13),
        ])
        #expect(receiver.statistics.packetsLost == 0)
        #expect(receiver.statistics.resynchronizations == 0)
    }

    @Test("A.1: a gap below MAX_DROPOUT is loss, not a restart", arguments: [2, 100, 2999] as [UInt16])
    func permissibleGap(gap: UInt16) {
        let (receiver, verdicts) = feed([10, 10 + gap])
        #expect(verdicts.last == .accepted(extendedSequence: UInt64(10 + gap)))
        #expect(receiver.statistics.packetsLost == Int64(gap) - 1)
    }

    @Test("A.1: up to MAX_MISORDER behind is a late packet; a second copy is a duplicate, counted but not deliverable")
    func lateAndDuplicate() {
        let (receiver, verdicts) = feed([1, 2, 4, 3, 3, 4])
        #expect(verdicts[3] == .late(extendedSequence: 3))
        #expect(verdicts[3].isDeliverable)
        #expect(verdicts[4] == .duplicate(extendedSequence: 3))
        #expect(verdicts[5] == .duplicate(extendedSequence: 4))
        #expect(!verdicts[4].isDeliverable)
        #expect(receiver.statistics.packetsDuplicated == 2)
        #expect(receiver.statistics.packetsLost == -2)
    }

    @Test("A packet reordered from before the first counted one is too old: neither counted nor delivered")
    func tooOld() {
        let (receiver, verdicts) = feed([10, 11, 9])
        #expect(verdicts.last == .tooOld)
        #expect(receiver.statistics.packetsReceived == 2)
    }

    @Test("Packets of another SSRC are refused and not counted")
    func foreign() {
        var receiver = RTPStreamReceiver(ssrc: 1, clockRate: 90_000)
        #expect(receiver.received(header(5, ssrc: 2), payloadBytes: 10, at: .zero) == .foreignSSRC)
        #expect(receiver.statistics.packetsReceived == 0)
        #expect(!receiver.isValid)
    }

    @Test("missing(limit:) lists the holes for a NACK, oldest first, the newest kept under the limit")
    func missing() {
        let (receiver, _) = feed([100, 101, 103, 106, 107, 105])
        #expect(receiver.missing(limit: 10) == [102, 104])
        #expect(receiver.missing(limit: 1) == [104])
        #expect(feed([65534, 1]).0.missing(limit: 10) == [65535, 0])
    }

    @Test("missing(limit:) looks back at most the window, and never before the first packet")
    func missingWindow() {
        let (receiver, _) = feed([0, 2000])
        let missing = receiver.missing(limit: 10_000)
        #expect(missing.count == RTPStreamReceiver.window - 1)
        #expect(missing.first == 2000 - UInt16(RTPStreamReceiver.window - 1))
        #expect(missing.last == 1999)
    }
}

@Suite("RTP stream receiver: RFC 3550 A.3 loss and A.8 jitter")
struct SessionLossJitterTests {
    @Test("A.3: 2 of 10 lost gives a fraction of 51/256 and a cumulative loss of 2")
    func fractionAfterLoss() {
        var (receiver, _) = feed([0, 1, 2, 4, 5, 6, 8, 9])
        let block = receiver.reportBlock(at: .zero)
        #expect(block.fractionLost == 51)  // (2 << 8) / 10
        #expect(block.cumulativeLost == 2)
        #expect(block.highestSequence == 9)
    }

    @Test("A.3: the fraction covers only the interval since the previous block; the cumulative loss stays")
    func fractionPerInterval() {
        var receiver = RTPStreamReceiver(ssrc: 1, clockRate: 90_000, minimumSequential: 1)
        for sequence: UInt16 in [0, 1, 3] { _ = receiver.received(header(sequence), payloadBytes: 1, at: .zero) }
        #expect(receiver.reportBlock(at: .zero).fractionLost == 64)  // 1 of 4: 256 / 4
        for sequence: UInt16 in 4...13 { _ = receiver.received(header(sequence), payloadBytes: 1, at: .zero) }
        let second = receiver.reportBlock(at: .zero)
        #expect(second.fractionLost == 0)
        #expect(second.cumulativeLost == 1)
    }

    @Test("A.3: duplicates count as received, so the fraction is 0 and the cumulative loss goes negative (24-bit two's complement)")
    func fractionAfterDuplicates() {
        var (receiver, _) = feed([0, 1, 2, 2, 3, 3, 3, 5])
        let block = receiver.reportBlock(at: .zero)
        #expect(block.fractionLost == 0)
        #expect(block.signedCumulativeLost == -2)  // 6 expected, 8 received
        #expect(block.cumulativeLost == 0xFF_FFFE)
    }

    @Test("A.3: a burst of loss gives (lost << 8) / expected for its interval, and an interval that expected nothing gives 0")
    func fractionAllLost() {
        var (receiver, _) = feed([0])
        _ = receiver.reportBlock(at: .zero)
        // Nothing arrives, then one packet 10 later: 10 expected, 1 received in this interval.
        _ = receiver.received(header(10), payloadBytes: 1, at: .zero)
        #expect(receiver.reportBlock(at: .zero).fractionLost == 230)  // (9 << 8) / 10
        #expect(receiver.reportBlock(at: .zero).fractionLost == 0)  // nothing expected since
    }

    @Test("A.3: the cumulative loss saturates at the 24-bit field's 0x7FFFFF")
    func cumulativeClamp() {
        var receiver = RTPStreamReceiver(ssrc: 1, clockRate: 90_000, minimumSequential: 1)
        var sequence: UInt16 = 0
        for _ in 0..<2900 {
            _ = receiver.received(header(sequence), payloadBytes: 1, at: .zero)
            sequence &+= 2999
        }
        #expect(receiver.statistics.packetsLost > 0x7F_FFFF)
        #expect(receiver.reportBlock(at: .zero).cumulativeLost == 0x7F_FFFF)
    }

    @Test("A.8: a stream with constant transit delay has zero jitter")
    func constantDelay() {
        var receiver = RTPStreamReceiver(ssrc: 1, clockRate: 90_000, minimumSequential: 1)
        for index in 0..<50 {
            // 20 ms apart on the media clock (1 800 ticks) and 37 ms of network delay each.
            let arrival = Instant(nanoseconds: UInt64(index) * 20_000_000 + 37_000_000)
            _ = receiver.received(header(UInt16(index), timestamp: 4_000_000_000 &+ UInt32(index) * 1800), payloadBytes: 1, at: arrival)
        }
        #expect(receiver.statistics.jitter == 0)
        #expect(receiver.reportBlock(at: .zero).jitter == 0)
    }

    @Test("A.8: transit alternating by 10 ms (900 ticks at 90 kHz) gives J = 900 · (1 − (15/16)ⁿ⁻¹)")
    func alternatingDelay() {
        var receiver = RTPStreamReceiver(ssrc: 1, clockRate: 90_000, minimumSequential: 1)
        let count = 40
        for index in 0..<count {
            let delay: UInt64 = index % 2 == 0 ? 30_000_000 : 40_000_000
            let arrival = Instant(nanoseconds: UInt64(index) * 20_000_000 + delay)
            _ = receiver.received(header(UInt16(index), timestamp: UInt32(index) * 1800), payloadBytes: 1, at: arrival)
        }
        var expected = 0.0
        for _ in 1..<count { expected += (900 - expected) / 16 }
        #expect(abs(expected - 900 * (1 - pow15over16(count - 1))) < 1e-9)
        #expect(abs(receiver.statistics.jitter - expected) < 1e-9)
        #expect(abs(receiver.statistics.jitterSeconds - expected / 90_000) < 1e-12)
        #expect(receiver.reportBlock(at: .zero).jitter == UInt32(expected))
    }

    @Test("A.8 worked step: one 900-tick transit change from zero jitter gives 900/16 = 56.25, reported as 56")
    func oneStep() {
        var receiver = RTPStreamReceiver(ssrc: 1, clockRate: 90_000, minimumSequential: 1)
        _ = receiver.received(header(0, timestamp: 0), payloadBytes: 1, at: Instant(nanoseconds: 0))
        _ = receiver.received(header(1, timestamp: 1800), payloadBytes: 1, at: Instant(nanoseconds: 30_000_000))
        #expect(receiver.statistics.jitter == 56.25)
        #expect(receiver.reportBlock(at: .zero).jitter == 56)
    }

    @Test("A.8: an RTP timestamp wrap is not a transit jump")
    func timestampWrap() {
        var receiver = RTPStreamReceiver(ssrc: 1, clockRate: 90_000, minimumSequential: 1)
        for index in 0..<10 {
            let timestamp = UInt32.max - 5000 &+ UInt32(index) * 1800
            _ = receiver.received(header(UInt16(index), timestamp: timestamp), payloadBytes: 1, at: Instant(nanoseconds: UInt64(index) * 20_000_000))
        }
        #expect(receiver.statistics.jitter == 0)
    }

    private func pow15over16(_ exponent: Int) -> Double {
        (0..<exponent).reduce(1.0) { value, _ in value * 15 / 16 }
    }
}

@Suite("RTP sessions: LSR, DLSR and round-trip time (RFC 3550 §6.4.1)")
struct SessionRoundTripTests {
    @Test("Before any SR, LSR and DLSR are 0; after one, LSR is its NTP time's middle 32 bits and DLSR the delay in 1/65536 s")
    func lastSenderReport() {
        var receiver = RTPStreamReceiver(ssrc: 7, clockRate: 48_000)
        #expect(receiver.reportBlock(at: .zero).lastSenderReport == 0)
        #expect(receiver.reportBlock(at: .zero).delaySinceLastSenderReport == 0)
        let report = SenderReport(ssrc: 7, ntpTimestamp: 0x0000_1234_5678_9ABC, rtpTimestamp: 1, packetCount: 9, octetCount: 99)
        receiver.senderReportReceived(report, at: Instant(nanoseconds: 1_000_000_000))
        let block = receiver.reportBlock(at: Instant(nanoseconds: 1_500_000_000))
        #expect(block.lastSenderReport == 0x1234_5678)
        #expect(block.delaySinceLastSenderReport == 32768)  // 0.5 s
        #expect(receiver.statistics.remoteSender?.packetCount == 9)
        #expect(receiver.statistics.remoteSender?.octetCount == 99)
    }

    @Test("An SR of another SSRC does not set LSR")
    func foreignReport() {
        var receiver = RTPStreamReceiver(ssrc: 7, clockRate: 48_000)
        receiver.senderReportReceived(SenderReport(ssrc: 8, ntpTimestamp: 1 << 40, rtpTimestamp: 0, packetCount: 0, octetCount: 0), at: .zero)
        #expect(receiver.reportBlock(at: .zero).lastSenderReport == 0)
        #expect(receiver.statistics.remoteSender == nil)
    }

    @Test("RFC 3550 §6.4.1's example: A = b710:8000, LSR = b705:2000, DLSR = 0005:4000 give an RTT of 6.125 s")
    func rfcExample() {
        var generator = SeededGenerator(seed: 1)
        var sender = RTPStreamSender(ssrc: 5, payloadType: 96, clockRate: 90_000, using: &generator)
        let clock = NTPClock(ntpAtZero: 0xB710_8000 << 16)
        let block = ReportBlock(ssrc: 5, lastSenderReport: 0xB705_2000, delaySinceLastSenderReport: 0x0005_4000)
        #expect(sender.receiverReportReceived(block, at: .zero, clock: clock) == .milliseconds(6125))
        #expect(sender.statistics.roundTripTime == .milliseconds(6125))
        #expect(sender.statistics.roundTripTimeMeasurements == 1)
    }

    @Test("No RTT without LSR, for another SSRC, or when DLSR exceeds A − LSR; the loss figures are kept")
    func noRoundTrip() {
        var generator = SeededGenerator(seed: 1)
        var sender = RTPStreamSender(ssrc: 5, payloadType: 96, clockRate: 90_000, using: &generator)
        let clock = NTPClock(ntpAtZero: 0xB710_8000 << 16)
        let noLSR = ReportBlock(ssrc: 5, fractionLost: 12, cumulativeLost: 0xFF_FFFF, jitter: 900)
        #expect(sender.receiverReportReceived(noLSR, at: .zero, clock: clock) == nil)
        #expect(sender.statistics.remoteFractionLost == 12)
        #expect(sender.statistics.remotePacketsLost == -1)
        #expect(sender.statistics.remoteJitterSeconds == 0.01)
        let other = ReportBlock(ssrc: 6, lastSenderReport: 0xB705_2000)
        #expect(sender.receiverReportReceived(other, at: .zero, clock: clock) == nil)
        let lying = ReportBlock(ssrc: 5, lastSenderReport: 0xB710_0000, delaySinceLastSenderReport: 0x0001_0000)
        #expect(sender.receiverReportReceived(lying, at: .zero, clock: clock) == nil)
        #expect(sender.statistics.reportsReceived == 2)
        #expect(sender.statistics.roundTripTime == nil)
    }

    @Test("SR → RR round trip between a sender and a receiver on different clocks measures the network's 80 ms")
    func endToEnd() {
        var generator = SeededGenerator(seed: 9)
        var sender = RTPStreamSender(ssrc: 0xAB, payloadType: 111, clockRate: 48_000, using: &generator)
        var receiver = RTPStreamReceiver(ssrc: 0xAB, clockRate: 48_000)
        let senderClock = NTPClock(ntpAtZero: 3_900_000_000 << 32)
        let start = Instant(nanoseconds: 10_000_000_000)
        let report = sender.senderReport(at: start, clock: senderClock)
        receiver.senderReportReceived(report, at: start + .milliseconds(40))  // 40 ms each way
        let block = receiver.reportBlock(at: start + .milliseconds(540))  // held 500 ms
        let roundTrip = sender.receiverReportReceived(block, at: start + .milliseconds(580), clock: senderClock)
        let error = (roundTrip ?? .zero) - .milliseconds(80)
        #expect(roundTrip != nil)
        #expect(abs(error.nanosecondsSaturated) < 31_000)  // two roundings of 1/65536 s
    }
}
