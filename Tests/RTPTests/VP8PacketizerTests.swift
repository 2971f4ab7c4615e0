import RTP
import Testing
import Wire

/// A VP8 frame (RFC 6386 §9.1) whose first partition has `first` bytes after the header, then `rest`
/// bytes of token partition.
private func frame(key: Bool, first: Int, rest: Int) -> [UInt8] {
    let tag = UInt32(key ? 0 : 1) | 0x10 | UInt32(first) << 5
    let header: [UInt8] = [UInt8(tag & 0xFF), UInt8(tag >> 8 & 0xFF), UInt8(tag >> 16)] + (key ? [0x9D, 0x01, 0x2A, 0x80, 0x02, 0xE0, 0x01] : [])
    return header + (0..<(first + rest)).map { UInt8(truncatingIfNeeded: $0) }
}

/// Reassembles payloads in order as consecutive packets of one frame.
private func depacketize(_ payloads: [VP8Payload]) -> [VP8DepacketizerEvent] {
    var depacketizer = VP8Depacketizer()
    var events: [VP8DepacketizerEvent] = []
    for (index, payload) in payloads.enumerated() {
        events += depacketizer.push(
            sequenceNumber: 65530 &+ UInt16(index), timestamp: 3000, marker: index == payloads.count - 1, payload: payload.serialize())
    }
    return events + depacketizer.finish()
}

@Suite("VP8 packetizer: partition boundaries (RFC 7741 §4.1, RFC 6386 §9.1)")
struct VP8PacketizerTests {
    @Test("The frame tag's 19-bit first_part_size, key flag, version and show_frame are read (RFC 6386 §9.1)")
    func layout() throws {
        let key = try #require(VP8FrameLayout(frame: frame(key: true, first: 0x12345, rest: 7)))
        #expect(key.isKeyFrame && key.showFrame && key.version == 0)
        #expect(key.firstPartitionSize == 0x12345)
        #expect(key.headerLength == 10)
        #expect(key.partitions(frameLength: 10 + 0x12345 + 7) == [0..<(10 + 0x12345), (10 + 0x12345)..<(10 + 0x12345 + 7)])
        let inter = try #require(VP8FrameLayout(frame: frame(key: false, first: 5, rest: 0)))
        #expect(!inter.isKeyFrame && inter.headerLength == 3)
        #expect(inter.partitions(frameLength: 8) == [0..<8])
    }

    @Test("Headers that do not describe the bytes are refused", arguments: [
        ("too short", [0x10, 0x02] as [UInt8]),
        ("key frame without the start code", [0x10, 0x01, 0x00, 0x9D, 0x01, 0x2B, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]),
        ("first partition past the end", [0x11, 0x02, 0x00, 1, 2, 3]),
        ("empty first partition", [0x11, 0x00, 0x00, 1, 2, 3]),
        ("version 4", [0x19, 0x01, 0x00, 1, 2, 3]),
    ])
    func refused(name: String, bytes: [UInt8]) {
        #expect(VP8FrameLayout(frame: bytes) == nil, "\(name)")
    }

    @Test("A key frame is cut at the end of its first partition: S = 1 and PID 0, then S = 1 and PID 1")
    func keyFrame() {
        let bytes = frame(key: true, first: 20, rest: 30)  // partition 0: 30 bytes, partition 1: 30 bytes
        let payloads = VP8Packetizer(maximumPayloadSize: 17).packetize(bytes)  // 16 bytes of frame each
        #expect(payloads.map(\.data.count) == [16, 14, 16, 14])
        #expect(payloads.map(\.descriptor.startOfPartition) == [true, false, true, false])
        #expect(payloads.map(\.descriptor.partitionIndex) == [0, 0, 1, 1])
        #expect(payloads.flatMap(\.data) == bytes)
    }

    @Test("Any frame and MTU: no payload straddles the first partition's end, and the bytes come back in order")
    func noStraddle() throws {
        var generator = SeededGenerator(seed: 17)
        for _ in 0..<300 {
            let key = Bool.random(using: &generator)
            let first = Int.random(in: 1...200, using: &generator)
            let bytes = frame(key: key, first: first, rest: Int.random(in: 0...300, using: &generator))
            let boundary = (key ? 10 : 3) + first
            let packetizer = VP8Packetizer(
                template: VP8PayloadDescriptor(startOfPartition: true, pictureID: .long(300)),
                maximumPayloadSize: Int.random(in: 5...120, using: &generator))
            let payloads = packetizer.packetize(bytes)
            var offset = 0
            for payload in payloads {
                let end = offset + payload.data.count
                #expect(!(offset < boundary && end > boundary), "payload \(offset)..<\(end) straddles \(boundary)")
                #expect(payload.descriptor.partitionIndex == (offset < boundary ? 0 : 1))
                #expect(payload.descriptor.startOfPartition == (offset == 0 || offset == boundary))
                #expect(payload.serialize().count <= packetizer.maximumPayloadSize)
                offset = end
            }
            guard case .frame(let reassembled) = depacketize(payloads).first else {
                Issue.record("no frame")
                continue
            }
            #expect(reassembled.data == bytes)
        }
    }

    @Test("Frames whose header does not parse, and a packetizer told not to, are cut as one partition as before")
    func onePartition() {
        let garbled: [UInt8] = [0x10, 0xFF, 0xFF] + [UInt8](repeating: 7, count: 40)
        let payloads = VP8Packetizer(maximumPayloadSize: 11).packetize(garbled)
        #expect(payloads.map(\.descriptor.partitionIndex) == [0, 0, 0, 0, 0])
        #expect(payloads.map(\.descriptor.startOfPartition) == [true, false, false, false, false])
        let valid = frame(key: false, first: 4, rest: 30)
        let legacy = VP8Packetizer(maximumPayloadSize: 11, followsPartitions: false).packetize(valid)
        #expect(legacy.allSatisfy { $0.descriptor.partitionIndex == 0 })
        #expect(legacy.filter(\.descriptor.startOfPartition).count == 1)
    }

    @Test("The depacketizer takes both cuts of a frame to the same bytes")
    func bothCuts() {
        let bytes = frame(key: true, first: 33, rest: 70)
        for follows in [true, false] {
            let events = depacketize(VP8Packetizer(maximumPayloadSize: 25, followsPartitions: follows).packetize(bytes))
            guard events.count == 1, case .frame(let reassembled) = events[0] else {
                Issue.record("followsPartitions \(follows): \(events)")
                continue
            }
            #expect(reassembled.data == bytes)
            #expect(reassembled.isKeyFrame)
        }
    }

    @Test("S = 1 with PID = 1 continues a frame and does not start one (RFC 7741 §4.5: a frame starts at S = 1, PID = 0)")
    func partitionStartDoesNotStartFrame() {
        let payloads = VP8Packetizer(maximumPayloadSize: 17).packetize(frame(key: true, first: 20, rest: 30))
        // Without the first packet, the S = 1, PID = 1 packet must not open a frame.
        var depacketizer = VP8Depacketizer()
        var events: [VP8DepacketizerEvent] = []
        for (index, payload) in payloads.enumerated().dropFirst() {
            events += depacketizer.push(sequenceNumber: UInt16(index), timestamp: 9, marker: index == payloads.count - 1, payload: payload.serialize())
        }
        #expect(events == [.dropped(timestamp: 9, reason: .missingStart)])
    }
}
