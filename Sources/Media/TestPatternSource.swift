/// A moving test picture whose every frame carries its frame number (``FrameNumberMark``): the video a
/// Linux server without a camera sends, and what a receiver checks order, loss and delay with.
///
/// Below the mark, eight 75% colour bars (BT.601 limited range: white, yellow, cyan, green, magenta,
/// red, blue, black) scroll left by 4 pixels a frame, and the bottom quarter is a luma ramp scrolling
/// right by 2 pixels a frame, so the encoder always has motion to code. Frame `n` is a pure function
/// of `n` and the size.
public struct TestPatternSource: Hashable, Sendable {
    public var width: Int
    public var height: Int

    /// A source of `width`×`height` pictures; sizes below 1 are raised to 1 (a picture that small
    /// carries no mark, ``FrameNumberMark`` needs 64×48).
    public init(width: Int = 640, height: Int = 480) {
        self.width = max(1, width)
        self.height = max(1, height)
    }

    /// Luma, blue- and red-difference of the eight bars, left to right (ITU-R BT.601, 75% amplitude).
    static let bars: [(y: UInt8, u: UInt8, v: UInt8)] = [
        (180, 128, 128), (162, 44, 142), (131, 156, 44), (112, 72, 58),
        (84, 184, 198), (65, 100, 212), (35, 212, 114), (16, 128, 128),
    ]

    /// Picture `number`, with `number` written into its mark.
    public func frame(number: UInt32) -> I420Frame {
        var frame = I420Frame.black(width: width, height: height)
        let barShift = Int(number % UInt32(width)) * 4 % width
        let rampShift = Int(number % UInt32(width)) * 2 % width
        let rampTop = height - height / 4
        // Each region's rows are all alike, so one row is made and copied down.
        func bar(_ x: Int) -> (y: UInt8, u: UInt8, v: UInt8) { Self.bars[((x + barShift) % width) * 8 / width] }
        let barRow = (0..<width).map { bar($0).y }
        let rampRow = (0..<width).map { UInt8(16 + ((($0 - rampShift) % width + width) % width) * 219 / max(1, width - 1)) }
        frame.y.withUnsafeMutableBufferPointer { luma in
            for row in 0..<height {
                let source = row < rampTop ? barRow : rampRow
                for x in 0..<width { luma[row * width + x] = source[x] }
            }
        }
        let chromaWidth = frame.chromaWidth
        let uRow = (0..<chromaWidth).map { bar(min(width - 1, 2 * $0)).u }
        let vRow = (0..<chromaWidth).map { bar(min(width - 1, 2 * $0)).v }
        let chromaRampTop = rampTop / 2
        for row in 0..<min(chromaRampTop, frame.chromaHeight) {
            for x in 0..<chromaWidth {
                frame.u[row * chromaWidth + x] = uRow[x]
                frame.v[row * chromaWidth + x] = vRow[x]
            }
        }
        FrameNumberMark.write(number, into: &frame)
        return frame
    }
}
