import Conformance
import RTP
import Testing
import Wire

/// A VP8 frame (RFC 6386 §9.1) whose first partition has `first` bytes after the header, then `rest`
/// bytes of token partition. The first partition is zeros, which the boolean decoder reads as all-zero
/// fields: one token partition (`log2_nbr_of_dct_partitions` = 0).
private func frame(key: Bool, first: Int, rest: Int) -> [UInt8] {
    uncompressedHeader(key: key, first: first) + [UInt8](repeating: 0, count: first)
        + (0..<rest).map { UInt8(truncatingIfNeeded: $0 + 1) }
}

/// The frame tag (and on a key frame the start code and a 640 × 480 size) of RFC 6386 §9.1.
private func uncompressedHeader(key: Bool, first: Int) -> [UInt8] {
    let tag = UInt32(key ? 0 : 1) | 0x10 | UInt32(first) << 5
    return [UInt8(tag & 0xFF), UInt8(tag >> 8 & 0xFF), UInt8(tag >> 16)] + (key ? [0x9D, 0x01, 0x2A, 0x80, 0x02, 0xE0, 0x01] : [])
}

/// RFC 6386 §7.3's boolean encoder at probability 1/2, to write frame headers for the tests.
private struct BoolEncoder {
    var output: [UInt8] = []
    private var range: UInt32 = 255
    private var bottom: UInt32 = 0
    private var bitCount = 24

    private mutating func addOneToOutput() {
        var index = output.count - 1
        while output[index] == 255 {
            output[index] = 0
            index -= 1
        }
        output[index] += 1
    }

    mutating func write(_ bit: Bool) {
        let split = 1 + (((range - 1) * 128) >> 8)
        if bit {
            bottom &+= split
            range -= split
        } else {
            range = split
        }
        while range < 128 {
            range <<= 1
            if bottom & (1 << 31) != 0 { addOneToOutput() }
            bottom <<= 1
            bitCount -= 1
            if bitCount == 0 {
                output.append(UInt8(bottom >> 24))
                bottom &= (1 << 24) - 1
                bitCount = 8
            }
        }
    }

    mutating func write(_ value: UInt32, bits: Int) {
        for shift in (0..<bits).reversed() { write(value >> UInt32(shift) & 1 == 1) }
    }

    mutating func flush() -> [UInt8] {
        var count = bitCount
        var value = bottom
        if value & (1 << UInt32(32 - count)) != 0 { addOneToOutput() }
        value <<= UInt32(count & 7)
        count >>= 3
        for _ in 0..<count { value <<= 8 }
        for _ in 0..<4 {
            output.append(UInt8(value >> 24))
            value <<= 8
        }
        return output
    }
}

/// The fields of a first-partition header up to `log2_nbr_of_dct_partitions` (RFC 6386 §19.2).
private struct HeaderFields {
    var segmentation = false
    var loopFilterDeltas = false

    func encode(key: Bool, log2Partitions: UInt32) -> [UInt8] {
        var encoder = BoolEncoder()
        if key { encoder.write(0b01, bits: 2) }  // color_space, clamping_type
        encoder.write(segmentation)
        if segmentation {
            encoder.write(true)  // update_mb_segmentation_map
            encoder.write(true)  // update_segment_feature_data
            encoder.write(true)  // segment_feature_mode
            for index: UInt32 in 0..<4 {
                encoder.write(index != 2)
                if index != 2 { encoder.write(0x55 << 1 | 1, bits: 8) }
            }
            for index: UInt32 in 0..<4 {
                encoder.write(index == 1)
                if index == 1 { encoder.write(0x2A << 1, bits: 7) }
            }
            for index: UInt32 in 0..<3 {
                encoder.write(index != 0)
                if index != 0 { encoder.write(0xC3, bits: 8) }
            }
        }
        encoder.write(1, bits: 1)  // filter_type
        encoder.write(0x3F, bits: 6)  // loop_filter_level
        encoder.write(5, bits: 3)  // sharpness_level
        encoder.write(loopFilterDeltas)  // loop_filter_adj_enable
        if loopFilterDeltas {
            encoder.write(true)  // mode_ref_lf_delta_update
            for index: UInt32 in 0..<8 {
                encoder.write(index % 3 == 0)
                if index % 3 == 0 { encoder.write(0x7F, bits: 7) }
            }
        }
        encoder.write(log2Partitions, bits: 2)
        encoder.write(0xABCDE, bits: 20)  // the quantizer indices and the rest, for the decoder to look ahead into
        return encoder.flush() + [UInt8](repeating: 0x77, count: 8)
    }
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
        #expect(key.partitions(frame: frame(key: true, first: 0x12345, rest: 7)) == [0..<(10 + 0x12345), (10 + 0x12345)..<(10 + 0x12345 + 7)])
        let inter = try #require(VP8FrameLayout(frame: frame(key: false, first: 5, rest: 0)))
        #expect(!inter.isKeyFrame && inter.headerLength == 3)
        #expect(inter.partitions(frame: frame(key: false, first: 5, rest: 0)) == [0..<8])
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

    @Test("The token partition count is read from the first partition's header (RFC 6386 §9.5, §19.2)", arguments: [
        (false, false, false), (true, false, false), (true, true, false), (true, false, true), (true, true, true),
        (false, true, true),
    ] as [(Bool, Bool, Bool)], [0, 1, 2, 3] as [UInt32])
    func tokenPartitionCount(variant: (key: Bool, segmentation: Bool, deltas: Bool), log2: UInt32) throws {
        let first = HeaderFields(segmentation: variant.segmentation, loopFilterDeltas: variant.deltas).encode(key: variant.key, log2Partitions: log2)
        let bytes = uncompressedHeader(key: variant.key, first: first.count) + first
        let layout = try #require(VP8FrameLayout(frame: bytes))
        #expect(layout.tokenPartitions(frame: bytes) == 1 << log2)
    }

    @Test("Four token partitions: the size table goes with the first partition, each token partition starts a packet with S = 1 and its PID")
    func fourPartitions() throws {
        let first = HeaderFields(segmentation: true).encode(key: true, log2Partitions: 2)
        // Sizes 5, 0 and 9; the fourth partition takes the rest (6 bytes); the second is empty.
        let table: [UInt8] = [5, 0, 0, 0, 0, 0, 9, 0, 0]
        let tokens: [UInt8] = (0..<20).map { UInt8(200 + $0) }
        let bytes: [UInt8] = uncompressedHeader(key: true, first: first.count) + first + table + tokens
        let tableStart = 10 + first.count
        let tokenStart = tableStart + 9
        let layout = try #require(VP8FrameLayout(frame: bytes))
        let expected: [Range<Int>] = [
            0..<tokenStart, tokenStart..<(tokenStart + 5), (tokenStart + 5)..<(tokenStart + 5),
            (tokenStart + 5)..<(tokenStart + 14), (tokenStart + 14)..<bytes.count,
        ]
        #expect(layout.partitions(frame: bytes) == expected)
        let payloads = VP8Packetizer(maximumPayloadSize: 8).packetize(bytes)  // 7 bytes of frame each
        let starts = payloads.filter { $0.descriptor.startOfPartition }
        #expect(starts.map { $0.descriptor.partitionIndex } == [0, 1, 3, 4])  // partition 2 is empty
        #expect(starts.dropFirst().map { $0.data.first } == [200, 205, 214])
        #expect(payloads.flatMap(\.data) == bytes)
        guard case .frame(let reassembled) = depacketize(payloads).first else {
            Issue.record("no frame")
            return
        }
        #expect(reassembled.data == bytes)
    }

    @Test("A size table that runs past the frame falls back to one token partition")
    func badSizeTable() throws {
        let first = HeaderFields().encode(key: false, log2Partitions: 3)  // 8 partitions: 21 bytes of sizes
        let bytes = uncompressedHeader(key: false, first: first.count) + first + [0xFF, 0xFF, 0xFF] + [UInt8](repeating: 1, count: 30)
        let layout = try #require(VP8FrameLayout(frame: bytes))
        #expect(layout.tokenPartitions(frame: bytes) == 8)
        #expect(layout.partitions(frame: bytes) == [0..<(3 + first.count), (3 + first.count)..<bytes.count])
    }

    @Test("A header cut short by its partition's end is not trusted: one token partition")
    func shortHeader() throws {
        let bytes = uncompressedHeader(key: true, first: 1) + [0xFF] + [UInt8](repeating: 9, count: 20)
        let layout = try #require(VP8FrameLayout(frame: bytes))
        #expect(layout.tokenPartitions(frame: bytes) == nil)
        #expect(layout.partitions(frame: bytes) == [0..<11, 11..<bytes.count])
    }

    @Test("More than eight partitions cannot be named: PID stops at 7 (RFC 7741 §4.2)")
    func pidCap() {
        let first = HeaderFields().encode(key: false, log2Partitions: 3)
        let table: [UInt8] = Array([[UInt8]](repeating: [3, 0, 0], count: 7).joined())
        let bytes: [UInt8] = uncompressedHeader(key: false, first: first.count) + first + table + [UInt8](repeating: 4, count: 8 * 3)
        let payloads = VP8Packetizer(maximumPayloadSize: 4).packetize(bytes)
        let pids = payloads.filter { $0.descriptor.startOfPartition }.map { $0.descriptor.partitionIndex }
        #expect(pids == [0, 1, 2, 3, 4, 5, 6, 7, 7])
    }

    @Test("str0m_vp8.pcap's 101 libvpx frames: every header parses, one token partition each, and they re-packetize losslessly")
    func realFrames() throws {
        var depacketizer = VP8Depacketizer()
        var frames: [VP8Frame] = []
        for datagram in try CaptureTests.datagrams() where datagram.capture == CaptureTests.plaintext {
            let packet = try RTPCodec.parse(datagram.datagram.payload)
            for case .frame(let frame) in depacketizer.push(
                sequenceNumber: packet.header.sequenceNumber, timestamp: packet.header.timestamp,
                marker: packet.header.marker, payload: Array(packet.payload))
            {
                frames.append(frame)
            }
        }
        #expect(frames.count == 101)
        var counts: [Int: Int] = [:]
        for frame in frames {
            let layout = try #require(VP8FrameLayout(frame: frame.data))
            #expect(layout.isKeyFrame == frame.isKeyFrame)
            counts[layout.tokenPartitions(frame: frame.data) ?? 0, default: 0] += 1
            let payloads = VP8Packetizer(maximumPayloadSize: 300).packetize(frame.data)
            #expect(payloads.filter { $0.descriptor.startOfPartition }.map { $0.descriptor.partitionIndex } == [0, 1])
            guard case .frame(let again) = depacketize(payloads).first else {
                Issue.record("no frame")
                continue
            }
            #expect(again.data == frame.data)
        }
        #expect(counts == [1: 101])
    }
}
