/// An Opus packet (RFC 6716 §3): the TOC byte and its frames. RFC 7587 §4.2 puts exactly one Opus
/// packet in each RTP payload.
public struct OpusPacket: Hashable, Sendable {
    /// 5 bits: operating mode, audio bandwidth and frame size (RFC 6716 §3.1, Table 2).
    public var configuration: UInt8
    public var stereo: Bool
    public var framing: Framing

    public init(configuration: UInt8, stereo: Bool, framing: Framing) {
        self.configuration = configuration
        self.stereo = stereo
        self.framing = framing
    }

    /// How the frames are laid out: the frame count code `c` of the TOC (RFC 6716 §3.2).
    public enum Framing: Hashable, Sendable {
        /// Code 0: one frame (possibly empty: DTX).
        case one([UInt8])
        /// Code 1: two frames of equal size.
        case twoEqual([UInt8], [UInt8])
        /// Code 2: two frames, the first with an explicit length.
        case twoDifferent([UInt8], [UInt8])
        /// Code 3: 1–48 frames, CBR or VBR, optional padding.
        case arbitrary(OpusCode3)

        public var code: UInt8 {
            switch self {
            case .one: 0
            case .twoEqual: 1
            case .twoDifferent: 2
            case .arbitrary: 3
            }
        }

        public var frames: [[UInt8]] {
            switch self {
            case .one(let frame): [frame]
            case .twoEqual(let first, let second), .twoDifferent(let first, let second): [first, second]
            case .arbitrary(let code3): code3.frames
            }
        }
    }

    public var toc: UInt8 { configuration << 3 | (stereo ? 0x04 : 0) | framing.code }
    public var frameCount: Int { framing.frames.count }
    public var mode: OpusMode { OpusMode(configuration: configuration) }
    public var bandwidth: OpusBandwidth { OpusBandwidth(configuration: configuration) }
    /// One frame's duration in microseconds (2500 … 60000).
    public var frameDuration: Int { Self.frameDuration(configuration: configuration) }
    /// The packet's duration in microseconds.
    public var duration: Int { frameCount * frameDuration }

    /// RFC 6716 §3.1 Table 2.
    public static func frameDuration(configuration: UInt8) -> Int {
        let index = Int(configuration & 3)
        switch configuration & 0x1F {
        case 0...11: return [10_000, 20_000, 40_000, 60_000][index]
        case 12...15: return [10_000, 20_000][index & 1]
        default: return [2_500, 5_000, 10_000, 20_000][index]
        }
    }
}

/// Code 3 framing (RFC 6716 §3.2.5).
public struct OpusCode3: Hashable, Sendable {
    /// The v bit: frame lengths are coded (VBR) or all equal (CBR).
    public var variableBitrate: Bool
    /// 1–48 frames.
    public var frames: [[UInt8]]
    /// The padding, when the p bit is set.
    public var padding: OpusPadding?

    public init(variableBitrate: Bool, frames: [[UInt8]], padding: OpusPadding? = nil) {
        self.variableBitrate = variableBitrate
        self.frames = frames
        self.padding = padding
    }
}

/// Code 3 padding: the padding length bytes as sent (255 means 254 and another byte follows, so one
/// length has several encodings) and the padding bytes at the end of the packet.
public struct OpusPadding: Hashable, Sendable {
    public var lengthBytes: [UInt8]
    public var bytes: [UInt8]

    public init(lengthBytes: [UInt8], bytes: [UInt8]) {
        self.lengthBytes = lengthBytes
        self.bytes = bytes
    }

    /// The shortest length encoding for `count` padding bytes, with zero bytes.
    public init(count: Int) {
        var lengthBytes: [UInt8] = []
        var left = max(0, count)
        while left >= 255 {
            lengthBytes.append(255)
            left -= 254
        }
        lengthBytes.append(UInt8(left))
        self.init(lengthBytes: lengthBytes, bytes: Array(repeating: 0, count: max(0, count)))
    }
}

/// RFC 6716 §3.1: which layer codes the frames.
public enum OpusMode: String, Hashable, Sendable {
    case silk = "SILK"
    case hybrid = "Hybrid"
    case celt = "CELT"

    public init(configuration: UInt8) {
        switch configuration & 0x1F {
        case 0...11: self = .silk
        case 12...15: self = .hybrid
        default: self = .celt
        }
    }
}

/// RFC 6716 §2: audio bandwidth.
public enum OpusBandwidth: String, Hashable, Sendable {
    case narrowband = "NB"
    case mediumband = "MB"
    case wideband = "WB"
    case superWideband = "SWB"
    case fullband = "FB"

    public init(configuration: UInt8) {
        switch configuration & 0x1F {
        case 0...3, 16...19: self = .narrowband
        case 4...7: self = .mediumband
        case 8...11, 20...23: self = .wideband
        case 12...13, 24...27: self = .superWideband
        default: self = .fullband
        }
    }
}
