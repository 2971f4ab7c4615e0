/// A block of PCM audio: signed 16-bit samples, interleaved by channel (left, right, left, …).
///
/// This is what audio sources give, what the Opus encoder takes and what the Opus decoder gives back.
/// WebRTC audio runs at 48 kHz in 20 ms frames (RFC 7587 §4.1, RFC 7874 §3), so a typical frame holds
/// 960 samples per channel.
public struct AudioFrame: Hashable, Sendable {
    /// Interleaved samples: `samplesPerChannel × channels` of them.
    public var samples: [Int16]
    /// Samples per second per channel.
    public var sampleRate: Int
    /// 1 (mono) or 2 (stereo).
    public var channels: Int

    public init(samples: [Int16], sampleRate: Int, channels: Int) {
        self.samples = samples
        self.sampleRate = sampleRate
        self.channels = channels
    }

    /// Silence of `samplesPerChannel` samples in each channel (what a disabled track sends, W3C mediacapture §4.3.1).
    public static func silence(samplesPerChannel: Int, sampleRate: Int, channels: Int) -> AudioFrame {
        AudioFrame(samples: [Int16](repeating: 0, count: max(0, samplesPerChannel) * max(1, channels)),
                   sampleRate: sampleRate, channels: channels)
    }

    /// Samples in each channel.
    public var samplesPerChannel: Int { channels > 0 ? samples.count / channels : 0 }

    /// The frame's length in time, in microseconds.
    public var durationMicroseconds: Int { sampleRate > 0 ? samplesPerChannel * 1_000_000 / sampleRate : 0 }
}

/// A picture in I420 (planar YUV 4:2:0, BT.601 limited range): a full-size luma plane and two chroma
/// planes of half the width and half the height, rounded up.
///
/// This is what video sources give, what the VP8 encoder takes and what the VP8 decoder gives back.
/// Rows are packed (the stride is the plane's width).
public struct I420Frame: Hashable, Sendable {
    public var width: Int
    public var height: Int
    /// `width × height` luma samples, row by row.
    public var y: [UInt8]
    /// `chromaWidth × chromaHeight` blue-difference samples.
    public var u: [UInt8]
    /// `chromaWidth × chromaHeight` red-difference samples.
    public var v: [UInt8]

    public init(width: Int, height: Int, y: [UInt8], u: [UInt8], v: [UInt8]) {
        self.width = width
        self.height = height
        self.y = y
        self.u = u
        self.v = v
    }

    /// Width of the chroma planes: half the picture's, rounded up.
    public var chromaWidth: Int { (width + 1) / 2 }
    /// Height of the chroma planes: half the picture's, rounded up.
    public var chromaHeight: Int { (height + 1) / 2 }

    /// A black picture (Y 16, U and V 128: BT.601 limited-range black), what a disabled video track
    /// sends (W3C mediacapture §4.3.1).
    public static func black(width: Int, height: Int) -> I420Frame {
        let width = max(0, width)
        let height = max(0, height)
        let chroma = ((width + 1) / 2) * ((height + 1) / 2)
        return I420Frame(
            width: width, height: height, y: [UInt8](repeating: 16, count: width * height),
            u: [UInt8](repeating: 128, count: chroma), v: [UInt8](repeating: 128, count: chroma))
    }

    /// Whether the three planes have the sizes the dimensions call for.
    public var isWellFormed: Bool {
        width > 0 && height > 0 && y.count == width * height && u.count == chromaWidth * chromaHeight
            && v.count == chromaWidth * chromaHeight
    }
}
