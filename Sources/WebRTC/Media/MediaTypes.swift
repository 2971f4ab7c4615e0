public import JSEP

/// W3C `MediaStreamTrack.kind`.
public enum MediaKind: String, Hashable, Sendable, CaseIterable {
    case audio, video

    /// The m= section kind that carries it.
    public var sectionKind: MediaSection.Kind { self == .audio ? .audio : .video }

    init?(_ kind: MediaSection.Kind) {
        switch kind {
        case .audio: self = .audio
        case .video: self = .video
        case .application, .other: return nil
        }
    }
}

/// Where a local track's frames come from. A Linux server has no camera or microphone, so the
/// synthetic sources stand in for them (issue #15): their frames are made on the machine's clock,
/// which keeps a simulated session deterministic.
public enum TrackSource: Hashable, Sendable {
    /// A sine tone: `frequency` in Hz at `level` dBFS, 48 kHz, in 20 ms frames.
    case tone(frequency: Double, level: Double, channels: Int)
    /// The test pattern whose every picture carries its frame number (`FrameNumberMark`).
    case testPattern(width: Int, height: Int, frameRate: Int)
    /// Frames the application pushes (PCM or I420, or already encoded Opus/VP8 frames): nothing is sent
    /// until it does.
    case pushed

    /// The kind of media this source makes; nil for pushed frames, whose kind is the track's.
    var kind: MediaKind? {
        switch self {
        case .tone: .audio
        case .testPattern: .video
        case .pushed: nil
        }
    }
}

/// A local track as the machine knows it.
public struct LocalTrackDescription: Hashable, Sendable {
    public var id: String
    public var kind: MediaKind
    public var source: TrackSource
    /// W3C `enabled`: a disabled track sends silence or black frames, it does not stop the stream.
    public var isEnabled: Bool
    /// Target bitrate for the encoder, bits per second (nil: the codec's default for the size).
    public var maxBitrate: Int?

    public init(id: String, kind: MediaKind, source: TrackSource, isEnabled: Bool = true, maxBitrate: Int? = nil) {
        self.id = id
        self.kind = kind
        self.source = source
        self.isEnabled = isEnabled
        self.maxBitrate = maxBitrate
    }
}

/// A transceiver's identity on its machine (stable for the connection's life).
public struct TransceiverID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let value: Int
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
    public var description: String { "transceiver \(value)" }
}

/// What a remote track is: the receiving side of one transceiver (W3C `RTCRtpReceiver.track`).
public struct RemoteTrackInfo: Hashable, Sendable {
    public var transceiver: TransceiverID
    /// The track id the peer signalled (`a=msid` second field), else one we made from the mid.
    public var id: String
    public var kind: MediaKind
    public var mid: String
    /// The peer's stream ids (`a=msid` first field).
    public var streamIDs: [String]
}
