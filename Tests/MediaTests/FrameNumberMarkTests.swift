import Media
import Testing
import Wire

/// The frame-number mark as its doc comment specifies it, pixel by pixel, and through a real VP8 codec.
@Suite("Frame-number mark")
struct FrameNumberMarkTests {
    @Test("The band is max(16, (height / 6) & ~1) rows", arguments: [
        (48, 16), (96, 16), (120, 20), (240, 40), (480, 80), (486, 80), (720, 120), (1_080, 180), (130, 20),
    ])
    func bandHeight(height: Int, rows: Int) {
        #expect(FrameNumberMark.bandHeight(forHeight: height) == rows)
    }

    @Test("The word is the 24-bit number then ~(b2 ^ b1 ^ b0)", arguments: [
        (UInt32(0), UInt32(0x0000_00FF)), (1, 0x0000_01FE), (0x12_3456, 0x1234_568F), (0xFF_FFFF, 0xFFFF_FF00),
        (0x0100_0005, 0x0000_05FA),  // modulo 2^24
    ])
    func word(number: UInt32, word: UInt32) {
        #expect(FrameNumberMark.word(for: number) == word)
    }

    @Test("Cell k holds bit 31 − k as luma 235 or 16 over the whole cell, chroma 128, the rest untouched")
    func pixels() {
        var frame = I420Frame(
            width: 650, height: 480, y: [UInt8](repeating: 77, count: 650 * 480), u: [UInt8](repeating: 99, count: 325 * 240),
            v: [UInt8](repeating: 55, count: 325 * 240))
        FrameNumberMark.write(0x12_3456, into: &frame)
        let word: UInt32 = 0x1234_568F
        let cell = 650 / 32  // 20, with 10 columns of remainder
        for k in 0..<32 {
            let expected: UInt8 = (word >> UInt32(31 - k)) & 1 == 1 ? 235 : 16
            for row in [0, 40, 79] {
                for column in [k * cell, k * cell + cell - 1] {
                    #expect(frame.y[row * 650 + column] == expected, "cell \(k) row \(row) column \(column)")
                }
            }
        }
        #expect(frame.y[80 * 650] == 77, "the row below the band is content")
        #expect(frame.y[640] == 77 && frame.y[649] == 77, "the remainder on the right is content")
        #expect(frame.u[0] == 128 && frame.v[39 * 325 + 319] == 128)
        #expect(frame.u[40 * 325] == 99 && frame.v[324] == 55, "chroma outside the band's cells is content")
    }

    @Test("Numbers read back as written, modulo 2^24, at many sizes", arguments: [
        (64, 48), (65, 49), (160, 120), (320, 240), (640, 480), (1_280, 720), (100, 1_000),
    ])
    func roundTrip(width: Int, height: Int) {
        for number: UInt32 in [0, 1, 2, 255, 256, 0xABCDEF, 0xFF_FFFF, 0x100_0000, 0xFFFF_FFFF] {
            var frame = I420Frame.black(width: width, height: height)
            FrameNumberMark.write(number, into: &frame)
            #expect(FrameNumberMark.read(from: frame) == number % (1 << 24), "\(number) at \(width)×\(height)")
        }
    }

    @Test("Any one cell inverted makes the mark unreadable, never another number", arguments: 0..<32)
    func singleCellGarbled(cell: Int) {
        for number: UInt32 in [0, 42, 0x80_0001, 0xFF_FFFF] {
            var frame = I420Frame.black(width: 320, height: 240)
            FrameNumberMark.write(number, into: &frame)
            let width = 320 / 32
            for row in 0..<40 {
                for column in (cell * width)..<((cell + 1) * width) { frame.y[row * 320 + column] = 251 - frame.y[row * 320 + column] }
            }
            #expect(FrameNumberMark.read(from: frame) == nil, "number \(number), cell \(cell)")
        }
    }

    @Test("Pictures without a mark read as no number", arguments: [
        Named("black", I420Frame.black(width: 640, height: 480)),
        Named("white", I420Frame(width: 640, height: 480, y: [UInt8](repeating: 235, count: 640 * 480), u: [UInt8](repeating: 128, count: 320 * 240), v: [UInt8](repeating: 128, count: 320 * 240))),
        Named("mid-grey", I420Frame(width: 640, height: 480, y: [UInt8](repeating: 128, count: 640 * 480), u: [UInt8](repeating: 128, count: 320 * 240), v: [UInt8](repeating: 128, count: 320 * 240))),
        Named("too small to carry one", Self.marked(7, width: 63, height: 480)),
        Named("too short to carry one", Self.marked(7, width: 640, height: 47)),
        Named("planes not matching the size", Self.truncated(Self.marked(7, width: 640, height: 480))),
    ])
    func unmarked(picture: Named<I420Frame>) {
        #expect(FrameNumberMark.read(from: picture.value) == nil)
    }

    /// A picture of the size given with a mark drawn as if it were large enough.
    static func marked(_ number: UInt32, width: Int, height: Int) -> I420Frame {
        var frame = I420Frame.black(width: width, height: height)
        FrameNumberMark.write(number, into: &frame)
        return frame
    }

    static func truncated(_ frame: I420Frame) -> I420Frame {
        var frame = frame
        frame.y.removeLast()
        return frame
    }

    @Test("A third of the band replaced by seeded noise still reads the right number (the mean over each cell's centre decides)")
    func moderateNoise() {
        var generator = SeededGenerator(seed: 0x5EED)
        for number in UInt32(0)..<32 {
            var frame = TestPatternSource(width: 320, height: 240).frame(number: number)
            for index in 0..<(320 * 40) where generator.next() % 3 == 0 { frame.y[index] = UInt8(truncatingIfNeeded: generator.next()) }
            #expect(FrameNumberMark.read(from: frame) == number)
        }
    }

    @Test("A band of pure noise reads as no number, but for the check byte's 1-in-256 chance")
    func pureNoise() {
        var generator = SeededGenerator(seed: 0xBAD5EED)
        var read = 0
        for number in UInt32(0)..<256 {
            var frame = TestPatternSource(width: 128, height: 96).frame(number: number)
            for index in 0..<(128 * 16) { frame.y[index] = UInt8(truncatingIfNeeded: generator.next()) }
            if FrameNumberMark.read(from: frame) != nil { read += 1 }
        }
        // 256 trials at p = 1/256: more than 4 passes would mean the check is weaker than it says.
        #expect(read <= 4, "\(read) of 256 noise bands passed the check")
    }

    @Test("The mark survives a real VP8 encode and decode: 60 consecutive numbers read back exactly", arguments: [
        (640, 480, 300_000), (640, 480, 1_000_000), (320, 240, 300_000), (320, 240, 1_000_000),
    ])
    func survivesVP8(width: Int, height: Int, bitrate: Int) throws {
        let source = TestPatternSource(width: width, height: height)
        let encoder = try VP8Encoder(VP8EncoderConfiguration(width: width, height: height, targetBitrate: bitrate))
        let decoder = try VP8Decoder()
        let first: UInt32 = 1_000
        var read: [UInt32?] = []
        for number in first..<(first + 60) {
            let encoded = try #require(try encoder.encode(source.frame(number: number)))
            let picture = try #require(try decoder.decode(encoded.data))
            read.append(FrameNumberMark.read(from: picture))
        }
        #expect(read == (first..<(first + 60)).map { Optional($0) })
    }
}
