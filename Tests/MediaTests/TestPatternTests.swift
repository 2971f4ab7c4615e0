import Media
import Testing

/// The moving test pattern: well-formed, deterministic, moving, and always marked.
@Suite("Test pattern source")
struct TestPatternTests {
    @Test("Pictures are well-formed at the size asked for and carry their number", arguments: [(640, 480), (320, 240), (64, 48), (99, 67)])
    func shape(width: Int, height: Int) {
        let source = TestPatternSource(width: width, height: height)
        for number: UInt32 in [0, 1, 77, 0xFF_FFFF, 0x1_000_000] {
            let frame = source.frame(number: number)
            #expect(frame.width == width && frame.height == height && frame.isWellFormed)
            #expect(FrameNumberMark.read(from: frame) == number % FrameNumberMark.modulus)
        }
    }

    @Test("A picture is a pure function of its number")
    func pure() {
        let source = TestPatternSource(width: 160, height: 120)
        #expect(source.frame(number: 12) == source.frame(number: 12))
    }

    @Test("The content below the mark moves from one frame to the next, in luma and chroma")
    func moves() {
        let source = TestPatternSource(width: 320, height: 240)
        let band = FrameNumberMark.bandHeight(forHeight: 240)
        let a = source.frame(number: 10)
        let b = source.frame(number: 11)
        #expect(a.y[(band * 320)...] != b.y[(band * 320)...])
        #expect(a.u[(band / 2 * 160)...] != b.u[(band / 2 * 160)...])
        // The upper half is colour bars, the lower half the zone plate: both change.
        #expect(a.y[(200 * 320)...] != b.y[(200 * 320)...])
        #expect(a.y[(100 * 320)..<(101 * 320)] != b.y[(100 * 320)..<(101 * 320)])
        // The bars move by 4 pixels a frame: frame 11's row is frame 10's shifted left by 4.
        let row = 60 * 320
        #expect(Array(a.y[(row + 4)..<(row + 320)]) == Array(b.y[row..<(row + 316)]))
    }

    @Test("Pictures too small for a mark are still made, unmarked")
    func tiny() {
        let frame = TestPatternSource(width: 8, height: 8).frame(number: 3)
        #expect(frame.isWellFormed && frame.width == 8)
        #expect(FrameNumberMark.read(from: frame) == nil)
        #expect(TestPatternSource(width: 0, height: -5).frame(number: 0).isWellFormed)
    }
}
