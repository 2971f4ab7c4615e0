import RTP
import SansIO
import Testing
import Wire

/// Milliseconds as an instant.
private func ms(_ value: UInt64) -> Instant { Instant(nanoseconds: value * 1_000_000) }

/// The sequence numbers of the elements in `outputs`.
private func released(_ outputs: [RTPReorderOutput<String>]) -> [UInt16] {
    outputs.compactMap { if case .element(_, let sequence, _) = $0 { sequence } else { nil } }
}

@Suite("RTP reorder buffer")
struct SessionReorderTests {
    @Test("In order, every element passes straight through and nothing waits")
    func passthrough() {
        var buffer = RTPReorderBuffer<String>()
        for sequence: UInt16 in 10...20 {
            #expect(buffer.insert(sequence: sequence, "p\(sequence)", at: ms(UInt64(sequence))) == [
                .element("p\(sequence)", sequence: sequence, extendedSequence: Int64(sequence)),
            ])
        }
        #expect(buffer.count == 0)
        #expect(buffer.nextDeadline == nil)
    }

    @Test("A swapped pair comes out in order, as soon as the missing one arrives")
    func swappedPair() {
        var buffer = RTPReorderBuffer<String>()
        #expect(released(buffer.insert(sequence: 1, "a", at: ms(0))) == [1])
        #expect(buffer.insert(sequence: 3, "c", at: ms(1)).isEmpty)
        #expect(buffer.nextDeadline == ms(101))
        #expect(released(buffer.insert(sequence: 2, "b", at: ms(2))) == [2, 3])
        #expect(buffer.nextDeadline == nil)
    }

    @Test("A gap is waited for maximumDelay after the first element behind it, then skipped and reported; the straggler is late")
    func gapSkipped() {
        var buffer = RTPReorderBuffer<String>(maximumDelay: .milliseconds(100))
        _ = buffer.insert(sequence: 1, "a", at: ms(0))
        _ = buffer.insert(sequence: 3, "c", at: ms(10))
        _ = buffer.insert(sequence: 4, "d", at: ms(20))
        #expect(buffer.flush(at: ms(109)).isEmpty)
        #expect(buffer.flush(at: ms(110)) == [
            .skipped(first: 2, count: 1),
            .element("c", sequence: 3, extendedSequence: 3),
            .element("d", sequence: 4, extendedSequence: 4),
        ])
        #expect(buffer.insert(sequence: 2, "b", at: ms(111)) == [.discarded(sequence: 2, reason: .late)])
    }

    @Test("An insert after a missed deadline gives the gap up first, so output does not depend on flush timing")
    func lateFlush() {
        var buffer = RTPReorderBuffer<String>(maximumDelay: .milliseconds(50))
        _ = buffer.insert(sequence: 100, "a", at: ms(0))
        _ = buffer.insert(sequence: 102, "c", at: ms(0))
        #expect(buffer.insert(sequence: 103, "d", at: ms(60)) == [
            .skipped(first: 101, count: 1),
            .element("c", sequence: 102, extendedSequence: 102),
            .element("d", sequence: 103, extendedSequence: 103),
        ])
    }

    @Test("The buffer never holds more than its capacity: a full buffer gives up the oldest gap")
    func capacityBound() {
        var buffer = RTPReorderBuffer<String>(capacity: 4, maximumDelay: .seconds(10))
        _ = buffer.insert(sequence: 1, "1", at: ms(0))
        for sequence: UInt16 in 3...6 {
            #expect(buffer.insert(sequence: sequence, "\(sequence)", at: ms(0)).isEmpty)
            #expect(buffer.count <= 4)
        }
        let outputs = buffer.insert(sequence: 8, "8", at: ms(0))
        #expect(outputs.first == .skipped(first: 2, count: 1))
        #expect(released(outputs) == [3, 4, 5, 6])
        #expect(buffer.count == 1)  // 8 waits for 7
    }

    @Test("Sequence numbers wrap: 65534, 0, 65535, 1 come out as 65534, 65535, 0, 1 with extended numbers counting on")
    func wrap() {
        var buffer = RTPReorderBuffer<String>()
        var outputs: [RTPReorderOutput<String>] = []
        for sequence: UInt16 in [65534, 0, 65535, 1] { outputs += buffer.insert(sequence: sequence, "\(sequence)", at: ms(0)) }
        #expect(released(outputs) == [65534, 65535, 0, 1])
        let extended = outputs.compactMap { if case .element(_, _, let value) = $0 { value } else { nil } }
        #expect(extended == [65534, 65535, 65536, 65537])
    }

    @Test("A second copy of a held element is discarded as a duplicate")
    func duplicate() {
        var buffer = RTPReorderBuffer<String>()
        _ = buffer.insert(sequence: 1, "a", at: ms(0))
        _ = buffer.insert(sequence: 3, "c", at: ms(0))
        #expect(buffer.insert(sequence: 3, "c again", at: ms(0)) == [.discarded(sequence: 3, reason: .duplicate)])
        #expect(buffer.insert(sequence: 1, "a again", at: ms(0)) == [.discarded(sequence: 1, reason: .late)])
    }

    @Test("drain gives everything held in order, skipping the gaps; reset starts a new order")
    func drainAndReset() {
        var buffer = RTPReorderBuffer<String>()
        _ = buffer.insert(sequence: 5, "5", at: ms(0))
        _ = buffer.insert(sequence: 9, "9", at: ms(0))
        _ = buffer.insert(sequence: 7, "7", at: ms(0))
        #expect(buffer.drain() == [
            .skipped(first: 6, count: 1), .element("7", sequence: 7, extendedSequence: 7),
            .skipped(first: 8, count: 1), .element("9", sequence: 9, extendedSequence: 9),
        ])
        buffer.reset()
        #expect(released(buffer.insert(sequence: 2, "2", at: ms(1))) == [2])
    }

    @Test("Receiver, reorder buffer and VP8 depacketizer together: a stream with swapped packets gives every frame whole")
    func pipeline() throws {
        var generator = SeededGenerator(seed: 5)
        var sender = RTPStreamSender(ssrc: 1, payloadType: 96, clockRate: 90_000, using: &generator)
        let packetizer = VP8Packetizer(maximumPayloadSize: 20)
        var frames: [[UInt8]] = []
        var packets: [RTPPacket] = []
        for index in 0..<10 {
            let frame = [UInt8(0x10 | (index == 0 ? 0 : 1)), 0x02, 0x00] + (0..<60).map { UInt8(truncatingIfNeeded: $0 * index) }
            frames.append(frame)
            packets += sender.packets(
                payloads: packetizer.packetize(frame).map { $0.serialize() }, captureTime: ms(UInt64(33 * index)), marker: true)
        }
        for index in stride(from: 1, to: packets.count - 1, by: 3) { packets.swapAt(index, index + 1) }
        var receiver = RTPStreamReceiver(ssrc: 1, clockRate: 90_000)
        var buffer = RTPReorderBuffer<RTPPacket>()
        var depacketizer = VP8Depacketizer()
        var received: [[UInt8]] = []
        for (index, packet) in packets.enumerated() {
            let now = ms(UInt64(index))
            guard receiver.received(packet.header, payloadBytes: packet.payload.count, at: now).isDeliverable else { continue }
            for case .element(let packet, let sequence, _) in buffer.insert(sequence: packet.header.sequenceNumber, packet, at: now) {
                for case .frame(let frame) in depacketizer.push(
                    sequenceNumber: sequence, timestamp: packet.header.timestamp, marker: packet.header.marker, payload: Array(packet.payload))
                {
                    received.append(frame.data)
                }
            }
        }
        #expect(received == frames)
        #expect(receiver.statistics.packetsLost == 0)
    }
}
