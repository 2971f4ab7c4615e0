import Media
import Testing

/// The box-filter scaler behind `scaleResolutionDownBy`.
@Suite("I420 scaling")
struct I420ScalingTests {
    @Test("scaleResolutionDownBy divides each dimension and rounds down, never below 1×1", arguments: [
        (640, 480, 1.0, 640, 480), (640, 480, 2.0, 320, 240), (640, 480, 4.0, 160, 120), (640, 480, 1.5, 426, 320),
        (641, 481, 2.0, 320, 240), (64, 48, 1_000.0, 1, 1),
    ])
    func sizes(width: Int, height: Int, factor: Double, newWidth: Int, newHeight: Int) throws {
        let scaled = try #require(I420Frame.black(width: width, height: height).scaledDown(by: factor))
        #expect(scaled.width == newWidth && scaled.height == newHeight && scaled.isWellFormed)
    }

    @Test("Factors below 1 or not finite give nil", arguments: [0.5, 0, -2, .infinity, .nan])
    func refused(factor: Double) {
        #expect(I420Frame.black(width: 64, height: 48).scaledDown(by: factor) == nil)
    }

    @Test("A picture whose planes do not match its size, or a 0×0 target, gives nil")
    func malformed() {
        var frame = I420Frame.black(width: 64, height: 48)
        #expect(frame.scaled(toWidth: 0, height: 10) == nil)
        frame.v.removeLast()
        #expect(frame.scaledDown(by: 2) == nil)
    }

    @Test("Halving averages each 2×2 block, rounding to nearest")
    func boxAverage() throws {
        let frame = I420Frame(
            width: 4, height: 2, y: [0, 10, 100, 101, 20, 30, 100, 100], u: [7, 9], v: [200, 100])
        let half = try #require(frame.scaledDown(by: 2))
        #expect(half.y == [15, 100])  // (0 + 10 + 20 + 30) / 4 = 15; 401 / 4 = 100.25
        #expect(half.u == [8] && half.v == [150])
    }

    @Test("A uniform picture stays exactly uniform at any size", arguments: [(1.0, 3, 7), (1.3, 0, 0), (2.7, 0, 0)])
    func uniform(factor: Double, extraWidth: Int, extraHeight: Int) throws {
        let frame = I420Frame(
            width: 100 + extraWidth, height: 60 + extraHeight, y: [UInt8](repeating: 77, count: (100 + extraWidth) * (60 + extraHeight)),
            u: [UInt8](repeating: 90, count: ((101 + extraWidth) / 2) * ((61 + extraHeight) / 2)),
            v: [UInt8](repeating: 160, count: ((101 + extraWidth) / 2) * ((61 + extraHeight) / 2)))
        let scaled = try #require(frame.scaledDown(by: factor))
        #expect(scaled.y.allSatisfy { $0 == 77 } && scaled.u.allSatisfy { $0 == 90 } && scaled.v.allSatisfy { $0 == 160 })
    }

    @Test("Growing a picture repeats its samples")
    func grow() throws {
        let frame = I420Frame(width: 2, height: 1, y: [10, 20], u: [1], v: [2])
        let grown = try #require(frame.scaled(toWidth: 4, height: 2))
        #expect(grown.y == [10, 10, 20, 20, 10, 10, 20, 20])
    }

    @Test("The frame-number mark survives halving and quartering (band and cells scale with the picture)", arguments: [2.0, 4.0])
    func markSurvives(factor: Double) throws {
        let frame = TestPatternSource(width: 640, height: 480).frame(number: 123_456)
        let scaled = try #require(frame.scaledDown(by: factor))
        #expect(FrameNumberMark.read(from: scaled) == 123_456)
    }
}
