public import Fuzzing
import RTP
import SansIO
import Wire

/// Fuzz target `rtp-receiver`: the receiving half of a media stream as the engine runs it, fed a
/// script of datagrams: `RTPCodec.parse` → `RTPStreamReceiver` → `RTPReorderBuffer` →
/// `VP8Depacketizer`, with a reception report written along the way.
///
/// The input is a script of records, each `step` (1 byte), `length` (2 bytes, big-endian) and that many
/// bytes of RTP packet (fewer if the input ends first). The clock advances by `step & 0x7F`
/// milliseconds before the packet; `step & 0x80` asks for a report block after it. The first packet
/// that parses names the SSRC the receiver follows; the others are foreign and must be refused.
///
/// Oracles besides not trapping (DESIGN §4): the loss never exceeds what was expected, the fraction
/// lost is 0 over an interval that lost nothing, the cumulative loss fits 24 bits, the jitter is finite
/// and non-negative, the reorder buffer never holds more than its capacity, what it releases strictly
/// increases in extended order (until a re-synchronisation resets it), and reassembled frames stay
/// within the depacketizer's bound.
public enum RTPReceiverFuzzTarget {
    public static let name = "rtp-receiver"
    /// Small bounds, so the fuzzer reaches the capacity and delay paths with short inputs.
    static let capacity = 16
    static let maximumDelay = Duration.milliseconds(60)
    static let maximumFrameSize = 64 << 10

    public static var target: FuzzTarget {
        FuzzTarget(name: name, dictionary: [[0x80, 0x60], [0x90, 0x60], [0xBE, 0xDE], [0x10, 0x00], [0x90, 0xE0]]) { input in
            run(input)
        }
    }

    /// One record of a script.
    public struct Step: Hashable, Sendable {
        /// 0–127 ms before the packet.
        public var milliseconds: UInt8
        public var report: Bool
        public var packet: [UInt8]

        public init(milliseconds: UInt8, report: Bool = false, packet: [UInt8]) {
            self.milliseconds = milliseconds & 0x7F
            self.report = report
            self.packet = packet
        }
    }

    /// The bytes of a script; packets longer than 65 535 bytes are cut.
    public static func script(_ steps: [Step]) -> [UInt8] {
        var writer = ByteWriter()
        for step in steps {
            writer.writeUInt8(step.milliseconds & 0x7F | (step.report ? 0x80 : 0))
            let packet = step.packet.prefix(Int(UInt16.max))
            writer.writeUInt16(UInt16(packet.count))
            writer.writeBytes(Array(packet))
        }
        return writer.bytes
    }

    /// Reads a script: every byte belongs to some record, the last one possibly short.
    static func steps(_ input: [UInt8]) -> [Step] {
        var steps: [Step] = []
        var index = 0
        while index < input.count {
            let step = input[index]
            let high = index + 1 < input.count ? Int(input[index + 1]) : 0
            let low = index + 2 < input.count ? Int(input[index + 2]) : 0
            let start = min(input.count, index + 3)
            let end = min(input.count, start + (high << 8 | low))
            steps.append(Step(milliseconds: step, report: step & 0x80 != 0, packet: Array(input[start..<end])))
            index = end
        }
        return steps
    }

    /// Runs one script through the pipeline and checks the oracles.
    public static func run(_ input: [UInt8]) -> FuzzOutcome {
        func finding(_ detail: String) -> FuzzOutcome {
            .finding(FuzzFinding(target: name, oracle: .invariant, input: input, detail: detail))
        }
        var now = Instant.zero
        var receiver: RTPStreamReceiver?
        var buffer = RTPReorderBuffer<RTPPacket>(capacity: capacity, maximumDelay: maximumDelay)
        var depacketizer = VP8Depacketizer(maximumFrameSize: maximumFrameSize)
        var lastReleased: Int64?
        var firstRefusal: String?
        var accepted = 0
        /// Expected and lost at the last report block, since the last (re)synchronisation.
        var reported: (expected: Int64, lost: Int64) = (0, 0)

        func take(_ outputs: [RTPReorderOutput<RTPPacket>]) -> String? {
            for output in outputs {
                switch output {
                case .element(let packet, let sequence, let extended):
                    if let lastReleased, extended <= lastReleased {
                        return "reorder buffer released extended sequence \(extended) after \(lastReleased)"
                    }
                    guard UInt16(truncatingIfNeeded: extended) == sequence, packet.header.sequenceNumber == sequence else {
                        return "released sequence \(sequence) does not match its packet or extended value \(extended)"
                    }
                    lastReleased = extended
                    let events = depacketizer.push(
                        sequenceNumber: sequence, timestamp: packet.header.timestamp, marker: packet.header.marker,
                        payload: Array(packet.payload))
                    if let problem = check(events) { return problem }
                case .skipped(_, let count):
                    if count <= 0 { return "a skip of \(count) sequence numbers" }
                case .discarded:
                    break
                }
            }
            if buffer.count > buffer.capacity { return "reorder buffer holds \(buffer.count) > capacity \(buffer.capacity)" }
            return nil
        }

        func check(_ events: [VP8DepacketizerEvent]) -> String? {
            for case .frame(let frame) in events where frame.data.count > maximumFrameSize {
                return "a reassembled frame of \(frame.data.count) bytes passed the \(maximumFrameSize)-byte bound"
            }
            return nil
        }

        for step in steps(input) {
            now += .milliseconds(Int64(step.milliseconds & 0x7F))
            if let problem = take(buffer.flush(at: now)) { return finding(problem) }
            let packet: RTPPacket
            do throws(RTPError) {
                packet = try RTPCodec.parse(step.packet)
            } catch {
                firstRefusal = firstRefusal ?? error.rule.id
                continue
            }
            accepted += 1
            var stream = receiver ?? RTPStreamReceiver(ssrc: packet.header.ssrc, clockRate: 90_000)
            let before = stream.statistics
            let verdict = stream.received(packet.header, payloadBytes: packet.payload.count, at: now)
            if packet.header.ssrc != stream.ssrc, verdict != .foreignSSRC {
                return finding("a packet of SSRC \(packet.header.ssrc) counted by the receiver of \(stream.ssrc): \(verdict)")
            }
            if case .duplicate = verdict, verdict.isDeliverable { return finding("a duplicate is deliverable") }
            if case .resynchronized = verdict {
                buffer.reset()
                lastReleased = nil
                reported = (0, 0)
                if let problem = check(depacketizer.finish()) { return finding(problem) }
            } else if let previous = before.highestSequence, let highest = stream.statistics.highestSequence, highest < previous {
                return finding("the extended highest sequence went back from \(previous) to \(highest)")
            }
            if verdict.isDeliverable {
                let outputs = buffer.insert(sequence: packet.header.sequenceNumber, packet, at: now)
                if let problem = take(outputs) { return finding(problem) }
            }
            let statistics = stream.statistics
            if statistics.packetsLost > Int64(clamping: statistics.packetsExpected) {
                return finding("packetsLost \(statistics.packetsLost) exceeds packetsExpected \(statistics.packetsExpected)")
            }
            if !statistics.jitter.isFinite || statistics.jitter < 0 { return finding("jitter \(statistics.jitter)") }
            if step.report {
                let block = stream.reportBlock(at: now)
                if block.cumulativeLost > 0xFF_FFFF { return finding("cumulative lost \(block.cumulativeLost) is wider than 24 bits") }
                // A.3 from the public counters: the interval's loss over the interval's expected packets.
                let expectedInterval = Int64(clamping: statistics.packetsExpected) - reported.expected
                let lostInterval = statistics.packetsLost - reported.lost
                let fraction = expectedInterval > 0 && lostInterval > 0 ? min(255, (lostInterval << 8) / expectedInterval) : 0
                if Int64(block.fractionLost) != fraction {
                    return finding("fraction lost \(block.fractionLost) where \(lostInterval) of \(expectedInterval) give \(fraction)")
                }
                reported = (Int64(clamping: statistics.packetsExpected), statistics.packetsLost)
            }
            receiver = stream
        }
        if let problem = take(buffer.drain()) { return finding(problem) }
        if let problem = check(depacketizer.finish()) { return finding(problem) }
        guard accepted > 0 else { return .rejected(rule: firstRefusal ?? RTPRule.truncated.id) }
        return .accepted
    }

    /// A script of a VP8 stream through a bad link, from `generator`: frames with real frame tags,
    /// packetized at a small MTU by `RTPStreamSender`, then dropped, duplicated, swapped, delayed, cut,
    /// garbled, mixed with a foreign SSRC and, now and then, renumbered as a restarted sender would.
    /// Seeds and the unit test use it; the same generator state gives the same script.
    public static func randomScript(using generator: inout some RandomNumberGenerator) -> [UInt8] {
        var sender = RTPStreamSender(ssrc: 0x1234_5678, payloadType: 96, clockRate: 90_000, using: &generator)
        let packetizer = VP8Packetizer(maximumPayloadSize: Int.random(in: 8...64, using: &generator))
        var steps: [Step] = []
        var time = Instant.zero
        for frameIndex in 0..<Int.random(in: 1...12, using: &generator) {
            time += .milliseconds(33)
            let body = (0..<Int.random(in: 0...150, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let packets = sender.packets(
                payloads: packetizer.packetize(vp8Frame(key: frameIndex == 0, body: body, using: &generator)).map { $0.serialize() },
                captureTime: time, marker: true)
            for var packet in packets {
                switch Int.random(in: 0..<40, using: &generator) {
                case 0: continue  // lost
                case 1: packet.header.sequenceNumber &+= UInt16.random(in: 3000...30000, using: &generator)  // a jump
                case 2: packet.header.ssrc ^= 1  // someone else's
                default: break
                }
                var bytes = RTPCodec.serialize(packet)
                switch Int.random(in: 0..<30, using: &generator) {
                case 0: bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator)))
                case 1: bytes[Int.random(in: 0..<bytes.count, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
                default: break
                }
                let step = Step(
                    milliseconds: UInt8.random(in: 0...20, using: &generator), report: Int.random(in: 0..<8, using: &generator) == 0,
                    packet: bytes)
                steps.append(step)
                if Int.random(in: 0..<25, using: &generator) == 0 { steps.append(step) }  // duplicated
                if steps.count >= 2, Int.random(in: 0..<6, using: &generator) == 0 { steps.swapAt(steps.count - 1, steps.count - 2) }
                if Int.random(in: 0..<50, using: &generator) == 0 {
                    steps.append(Step(milliseconds: 100, packet: []))  // a long pause: gaps time out
                }
            }
        }
        return script(steps)
    }

    /// A VP8 frame with a valid tag (RFC 6386 §9.1) whose first partition covers part of `body`.
    static func vp8Frame(key: Bool, body: [UInt8], using generator: inout some RandomNumberGenerator) -> [UInt8] {
        let firstPartition = body.isEmpty ? 0 : Int.random(in: 1...body.count, using: &generator)
        let tag = UInt32(key ? 0 : 1) | 0x10 | UInt32(firstPartition) << 5
        var frame = [UInt8(tag & 0xFF), UInt8(tag >> 8 & 0xFF), UInt8(tag >> 16 & 0xFF)]
        if key { frame += [0x9D, 0x01, 0x2A, 0x40, 0x01, 0xF0, 0x00] }  // start code, 320 × 240
        return frame + body
    }
}
