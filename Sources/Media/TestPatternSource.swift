/// A moving test picture whose every frame carries its frame number (``FrameNumberMark``): the video a
/// Linux server without a camera sends, and what a receiver checks order, loss and delay with.
///
/// Below the mark, the upper half holds eight 75% colour bars (BT.601 limited range: white, yellow,
/// cyan, green, magenta, red, blue, black) scrolling left by 4 pixels a frame: motion the encoder's
/// motion search predicts. The lower half is a grey zone plate (rings of rising frequency around the
/// centre) whose phase advances a sixteenth of a cycle a frame: fine detail that changes everywhere,
/// so the rate control has real work at any bitrate. Frame `n` is a pure function of `n` and the size.
public struct TestPatternSource: Hashable, Sendable {
    /// The pictures' size in pixels.
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

    /// One cycle of a sine-like wave in 256 steps, scaled to limited-range luma (16 … 235), so the zone
    /// plate costs an integer multiply and a table look-up per pixel. Each half cycle is the parabola
    /// 4x(1 − x), within 6% of a sine: enough for a test picture.
    static let sine: [UInt8] = (0..<256).map { step in
        let x = Double(step % 128) / 128
        let half = 4 * x * (1 - x)
        let value = step < 128 ? half : -half
        return UInt8(125.5 + 109.5 * value)
    }

    /// Picture `number`, with `number` written into its mark.
    public func frame(number: UInt32) -> I420Frame {
        var frame = I420Frame.black(width: width, height: height)
        let width = width
        let height = height
        let barShift = Int(number % UInt32(width)) * 4 % width
        let plateTop = height / 2
        // Rings reach half the Nyquist frequency at the picture's half height (phase r² · 256 / 4h,
        // in table steps); the phase moves 16 steps a frame.
        let scale = max(1, 4 * height)
        let phase = Int(number % 16) * 16
        let centreX = width / 2
        let centreY = plateTop + (height - plateTop) / 2
        func bar(_ x: Int) -> (y: UInt8, u: UInt8, v: UInt8) { Self.bars[((x + barShift) % width) * 8 / width] }
        let barRow = (0..<width).map { bar($0).y }
        Self.sine.withUnsafeBufferPointer { sine in
            frame.y.withUnsafeMutableBufferPointer { luma in
                for row in 0..<plateTop {
                    for x in 0..<width { luma[row * width + x] = barRow[x] }
                }
                for row in plateTop..<height {
                    let dy = row - centreY
                    for x in 0..<width {
                        let dx = x - centreX
                        luma[row * width + x] = sine[((dx * dx + dy * dy) * 256 / scale + phase) & 255]
                    }
                }
            }
        }
        let chromaWidth = frame.chromaWidth
        let uRow = (0..<chromaWidth).map { bar(min(width - 1, 2 * $0)).u }
        let vRow = (0..<chromaWidth).map { bar(min(width - 1, 2 * $0)).v }
        for row in 0..<min(plateTop / 2, frame.chromaHeight) {
            for x in 0..<chromaWidth {
                frame.u[row * chromaWidth + x] = uRow[x]
                frame.v[row * chromaWidth + x] = vRow[x]
            }
        }
        FrameNumberMark.write(number, into: &frame)
        return frame
    }
}
