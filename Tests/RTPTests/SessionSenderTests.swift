import RTP
import SansIO
import Testing
import Wire

@Suite("RTP stream sender (RFC 3550 §5.1, §6.4.1) and the NTP clock")
struct SessionSenderTests {
    private func sender(seed: UInt64 = 42, clockRate: Int = 90_000, history: Int = 512) -> RTPStreamSender {
        var generator = SeededGenerator(seed: seed)
        return RTPStreamSender(ssrc: 0xCAFE, payloadType: 96, clockRate: clockRate, historyCapacity: history, using: &generator)
    }

    @Test("§5.1: the initial sequence number and timestamp offset come from the generator: the same seed gives the same, others differ")
    func randomStart() {
        #expect(sender(seed: 1).nextSequence == sender(seed: 1).nextSequence)
        #expect(sender(seed: 1).timestampOffset == sender(seed: 1).timestampOffset)
        let starts = Set((0..<20).map { sender(seed: $0).timestampOffset })
        #expect(starts.count == 20)
        #expect(Set((0..<20).map { sender(seed: $0).nextSequence }).count > 15)
    }

    @Test("A frame's packets: consecutive sequence numbers, one timestamp, the marker on the last only")
    func framePackets() {
        var stream = sender()
        let first = stream.nextSequence
        let packets = stream.packets(payloads: [[1], [2, 2], [3, 3, 3]], captureTime: Instant(nanoseconds: 1_000_000_000), marker: true)
        #expect(packets.map(\.header.sequenceNumber) == [first, first &+ 1, first &+ 2])
        #expect(Set(packets.map(\.header.timestamp)).count == 1)
        #expect(packets.map(\.header.marker) == [false, false, true])
        #expect(packets.allSatisfy { $0.header.ssrc == 0xCAFE && $0.header.payloadType == 96 })
        #expect(stream.nextSequence == first &+ 3)
        let unmarked = stream.packets(payloads: [[4]], captureTime: Instant(nanoseconds: 1_020_000_000), marker: false)
        #expect(unmarked[0].header.marker == false)
    }

    @Test("The timestamp advances at the clock rate with capture time", arguments: [
        (48_000, 20_000_000, 960),  // a 20 ms Opus frame
        (90_000, 33_333_333, 2999),  // one frame at 30 fps, rounded down
        (90_000, 1_000_000_000, 90_000),
        (8_000, 125_000, 1),
    ] as [(Int, UInt64, UInt32)])
    func timestampRate(clockRate: Int, nanoseconds: UInt64, ticks: UInt32) {
        var stream = sender(clockRate: clockRate)
        let start = Instant(nanoseconds: 7_000_000_000)
        let a = stream.packets(payloads: [[0]], captureTime: start, marker: true)[0].header.timestamp
        let b = stream.packets(payloads: [[0]], captureTime: Instant(nanoseconds: start.nanoseconds + nanoseconds), marker: true)[0].header.timestamp
        #expect(b &- a == ticks)
    }

    @Test("Header extensions use RFC 8285's one-byte form when every element fits, the two-byte form otherwise")
    func extensions() throws {
        var stream = sender()
        let small = [RTPExtensionElement(id: 1, data: [0x30]), RTPExtensionElement(id: 3, data: [1, 2, 3])]
        let packets = stream.packets(payloads: [[9], [9]], captureTime: .zero, marker: true, extensions: small)
        for packet in packets {
            #expect(packet.header.headerExtension?.profile == 0xBEDE)
            #expect(try extensionElements(of: packet).elements == small)
        }
        let large = [RTPExtensionElement(id: 15, data: [1])]
        let wide = stream.packets(payloads: [[9]], captureTime: .zero, marker: true, extensions: large)[0]
        #expect(wide.header.headerExtension?.profile == 0x1000)
        #expect(try extensionElements(of: wide).elements == large)
        #expect(stream.packets(payloads: [[9]], captureTime: .zero, marker: true)[0].header.headerExtension == nil)
    }

    @Test("Packets, payload octets and header octets are counted; the SR carries the first two (§6.4.1)")
    func counts() {
        var stream = sender()
        let packets = stream.packets(
            payloads: [[UInt8](repeating: 0, count: 100), [UInt8](repeating: 0, count: 50)], captureTime: .zero, marker: true,
            extensions: [RTPExtensionElement(id: 1, data: [7])])
        #expect(stream.statistics.packetsSent == 2)
        #expect(stream.statistics.bytesSent == 150)
        #expect(stream.statistics.headerBytesSent == UInt64(packets.map(\.header.encodedLength).reduce(0, +)))
        #expect(stream.statistics.headerBytesSent == 2 * (12 + 8))
        let report = stream.senderReport(at: .zero, clock: NTPClock(ntpAtZero: 0))
        #expect(report.packetCount == 2)
        #expect(report.octetCount == 150)
        #expect(report.ssrc == 0xCAFE)
    }

    @Test("The SR's RTP/NTP pair follows the clock rate: 2.5 s apart, NTP moves 2.5 · 2³² and RTP 2.5 · 90 000")
    func senderReportPair() {
        var stream = sender()
        let clock = NTPClock(ntpAtZero: 0xE000_0000_0000_0000)
        let first = stream.senderReport(at: Instant(nanoseconds: 3_000_000_000), clock: clock)
        let second = stream.senderReport(at: Instant(nanoseconds: 5_500_000_000), clock: clock)
        #expect(second.ntpTimestamp - first.ntpTimestamp == 5 << 31)
        #expect(second.rtpTimestamp &- first.rtpTimestamp == 225_000)
        // The pair names the same instant as the packets: a frame captured at the SR's time has its RTP time.
        let packet = stream.packets(payloads: [[1]], captureTime: Instant(nanoseconds: 5_500_000_000), marker: true)[0]
        #expect(packet.header.timestamp == second.rtpTimestamp)
        #expect(stream.statistics.senderReportsSent == 2)
    }

    @Test("NACK history: packets come back by sequence number until newer ones push them out")
    func history() {
        var stream = sender(history: 4)
        let packets = stream.packets(payloads: (0..<6).map { [UInt8($0)] }, captureTime: .zero, marker: true)
        #expect(stream.retransmission(of: packets[0].header.sequenceNumber) == nil)
        #expect(stream.retransmission(of: packets[1].header.sequenceNumber) == nil)
        for packet in packets[2...] { #expect(stream.retransmission(of: packet.header.sequenceNumber) == packet) }
        #expect(stream.retransmission(of: packets[5].header.sequenceNumber &+ 1) == nil)
    }

    @Test("NTP clock: ntp(at:) adds the instant in 32.32 seconds; middle32 takes bits 16 to 47")
    func ntpClock() {
        let clock = NTPClock(ntpAtZero: 0x0000_1000_0000_0000)
        #expect(clock.ntp(at: Instant(nanoseconds: 1_500_000_000)) == 0x0000_1001_8000_0000)
        #expect(clock.ntp(at: Instant(nanoseconds: 250_000_000)) == 0x0000_1000_4000_0000)
        #expect(NTPClock.middle32(0x1234_5678_9ABC_DEF0) == 0x5678_9ABC)
        #expect(NTPClock.compactUnits(.milliseconds(1500)) == 0x0001_8000)
        #expect(NTPClock.compactUnits(.seconds(100_000)) == .max)
        #expect(NTPClock.compactUnits(.seconds(-1)) == 0)
        #expect(NTPClock.duration(compactUnits: 0x0006_2000) == .milliseconds(6125))
    }
}

@Suite("RTCP schedule (RFC 3550 §6.2, §6.3.1)")
struct SessionScheduleTests {
    @Test("Every interval is the nominal one times a factor in [0.5, 1.5]; the first is half that")
    func randomization() {
        var generator = SeededGenerator(seed: 3)
        let start = Instant(nanoseconds: 1_000_000_000)
        var schedule = RTCPSchedule(interval: .seconds(1), start: start, using: &generator)
        let first = schedule.nextDeadline - start
        #expect(first >= .milliseconds(250) && first <= .milliseconds(750))
        var now = schedule.nextDeadline
        var intervals: [Duration] = []
        for _ in 0..<1000 {
            schedule.fired(at: now, using: &generator)
            intervals.append(schedule.nextDeadline - now)
            now = schedule.nextDeadline
        }
        #expect(intervals.allSatisfy { $0 >= .milliseconds(500) && $0 <= .milliseconds(1500) })
        // Spread over the whole range, not stuck at one end: both outer tenths are visited.
        #expect(intervals.contains { $0 < .milliseconds(600) })
        #expect(intervals.contains { $0 > .milliseconds(1400) })
        #expect(schedule.reportsSent == 1000)
        #expect(schedule.isDue(at: schedule.nextDeadline) && !schedule.isDue(at: schedule.nextDeadline - .nanoseconds(1)))
    }

    @Test("The schedule is a function of the seed: the same seed gives the same deadlines, another seed others")
    func determinism() {
        func deadlines(seed: UInt64) -> [Instant] {
            var generator = SeededGenerator(seed: seed)
            var schedule = RTCPSchedule(start: .zero, using: &generator)
            var result = [schedule.nextDeadline]
            for _ in 0..<20 {
                schedule.fired(at: schedule.nextDeadline, using: &generator)
                result.append(schedule.nextDeadline)
            }
            return result
        }
        #expect(deadlines(seed: 11) == deadlines(seed: 11))
        #expect(deadlines(seed: 11) != deadlines(seed: 12))
    }

    @Test("§6.3.1 deterministic interval, worked examples", arguments: [
        // Two members, both sending, 400 octets/s of RTCP, 200-octet packets: 1 s, raised to Tmin.
        (2, 2, true, false, Duration.seconds(5)),
        (2, 2, true, true, Duration.milliseconds(2500)),
        // 1 000 members, 10 senders: receivers share 3/4 of the bandwidth, 990 · 200 / 300 = 660 s;
        (1000, 10, false, false, Duration.seconds(660)),
        // senders share 1/4: 10 · 200 / 100 = 20 s.
        (1000, 10, true, false, Duration.seconds(20)),
    ] as [(Int, Int, Bool, Bool, Duration)])
    func deterministicInterval(members: Int, senders: Int, weSent: Bool, initial: Bool, expected: Duration) {
        let interval = RTCPSchedule.deterministicInterval(
            members: members, senders: senders, rtcpBandwidth: 400, weSent: weSent, averagePacketSize: 200, initial: initial)
        #expect(abs((interval - expected).nanosecondsSaturated) < 1000)
    }
}
