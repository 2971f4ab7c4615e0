public import Wire

extension OpusPacket {
    static let maximumFrameLength = 1275
    static let maximumDuration = 120_000

    /// Parses an Opus packet, enforcing RFC 6716 §3.4 requirements R1–R7.
    public static func parse(_ bytes: [UInt8]) throws(OpusError) -> OpusPacket {
        guard let toc = bytes.first else { throw OpusError(.empty, at: 0, "an Opus packet has at least its TOC byte") }
        let configuration = toc >> 3
        let stereo = toc & 0x04 != 0
        let rest = bytes.count - 1
        let framing: Framing
        switch toc & 3 {
        case 0:
            try checkFrameLength(rest, at: 1)
            framing = .one(Array(bytes[1...]))
        case 1:
            guard rest % 2 == 0 else {
                throw OpusError(.code1Length, at: 1, "\(rest) byte(s) cannot be split into two equal frames")
            }
            try checkFrameLength(rest / 2, at: 1)
            framing = .twoEqual(Array(bytes[1..<(1 + rest / 2)]), Array(bytes[(1 + rest / 2)...]))
        case 2:
            var index = 1
            let first = try frameLength(bytes, &index)
            guard first <= bytes.count - index else {
                throw OpusError(.frameLength, at: 1, "first frame of \(first) byte(s), \(bytes.count - index) left")
            }
            try checkFrameLength(bytes.count - index - first, at: index + first)
            framing = .twoDifferent(Array(bytes[index..<(index + first)]), Array(bytes[(index + first)...]))
        default:
            framing = .arbitrary(try parseCode3(bytes, configuration: configuration))
        }
        let packet = OpusPacket(configuration: configuration, stereo: stereo, framing: framing)
        guard packet.duration <= maximumDuration else {
            throw OpusError(.duration, at: 1, "\(packet.frameCount) frames of \(packet.frameDuration) µs exceed 120 ms")
        }
        return packet
    }

    private static func checkFrameLength(_ length: Int, at offset: Int) throws(OpusError) {
        guard length <= maximumFrameLength else {
            throw OpusError(.frameLength, at: offset, "frame of \(length) bytes exceeds 1275")
        }
    }

    /// A frame length: one byte below 252, else two bytes, 4 · second + first (RFC 6716 §3.2.1).
    private static func frameLength(_ bytes: [UInt8], _ index: inout Int) throws(OpusError) -> Int {
        guard index < bytes.count else { throw OpusError(.truncated, at: index, "frame length byte missing") }
        let first = Int(bytes[index])
        index += 1
        if first < 252 { return first }
        guard index < bytes.count else { throw OpusError(.truncated, at: index, "second frame length byte missing") }
        let second = Int(bytes[index])
        index += 1
        return 4 * second + first
    }

    private static func parseCode3(_ bytes: [UInt8], configuration: UInt8) throws(OpusError) -> OpusCode3 {
        guard bytes.count >= 2 else { throw OpusError(.truncated, at: 1, "code 3 needs its frame count byte") }
        let countByte = bytes[1]
        let vbr = countByte & 0x80 != 0
        let hasPadding = countByte & 0x40 != 0
        let count = Int(countByte & 0x3F)
        guard count >= 1 else { throw OpusError(.frameCount, at: 1, "M = 0") }
        guard count * frameDuration(configuration: configuration) <= maximumDuration else {
            throw OpusError(.duration, at: 1, "\(count) frames exceed 120 ms")
        }
        var index = 2
        var padding: OpusPadding?
        var paddingCount = 0
        if hasPadding {
            var lengthBytes: [UInt8] = []
            while true {
                guard index < bytes.count else { throw OpusError(.truncated, at: index, "padding length byte missing") }
                let byte = bytes[index]
                lengthBytes.append(byte)
                index += 1
                paddingCount += byte == 255 ? 254 : Int(byte)
                if byte != 255 { break }
            }
            padding = OpusPadding(lengthBytes: lengthBytes, bytes: [])
        }
        var lengths: [Int] = []
        if vbr {
            for _ in 0..<(count - 1) { lengths.append(try frameLength(bytes, &index)) }
        }
        let available = bytes.count - index - paddingCount
        guard available >= 0 else {
            throw OpusError(.padding, at: 2, "\(paddingCount) padding byte(s) but \(bytes.count - index) left")
        }
        if vbr {
            let coded = lengths.reduce(0, +)
            guard coded <= available else {
                throw OpusError(.frameLength, at: index, "frame lengths total \(coded), \(available) byte(s) available")
            }
            lengths.append(available - coded)
        } else {
            guard available % count == 0 else {
                throw OpusError(.cbrLength, at: index, "\(available) byte(s) do not split into \(count) equal frames")
            }
            lengths = Array(repeating: available / count, count: count)
        }
        var frames: [[UInt8]] = []
        for length in lengths {
            try checkFrameLength(length, at: index)
            frames.append(Array(bytes[index..<(index + length)]))
            index += length
        }
        if hasPadding { padding?.bytes = Array(bytes[index...]) }
        return OpusCode3(variableBitrate: vbr, frames: frames, padding: padding)
    }

    public func serialize() -> [UInt8] {
        var writer = ByteWriter(capacity: 2 + framing.frames.reduce(0) { $0 + $1.count })
        writer.writeUInt8(toc)
        func writeLength(_ length: Int) {
            if length < 252 {
                writer.writeUInt8(UInt8(length))
            } else {
                let first = 252 + (length - 252) % 4
                writer.writeUInt8(UInt8(first))
                writer.writeUInt8(UInt8(truncatingIfNeeded: (length - first) / 4))
            }
        }
        switch framing {
        case .one(let frame):
            writer.writeBytes(frame)
        case .twoEqual(let first, let second):
            writer.writeBytes(first)
            writer.writeBytes(second)
        case .twoDifferent(let first, let second):
            writeLength(first.count)
            writer.writeBytes(first)
            writer.writeBytes(second)
        case .arbitrary(let code3):
            writer.writeUInt8(
                (code3.variableBitrate ? 0x80 : 0) | (code3.padding != nil ? 0x40 : 0) | UInt8(code3.frames.count & 0x3F))
            if let padding = code3.padding { writer.writeBytes(padding.lengthBytes) }
            if code3.variableBitrate {
                for frame in code3.frames.dropLast() { writeLength(frame.count) }
            }
            for frame in code3.frames { writer.writeBytes(frame) }
            if let padding = code3.padding { writer.writeBytes(padding.bytes) }
        }
        return writer.bytes
    }
}
