import Foundation
import Media
import Synchronization

/// Ktor's `WebRtcMedia.AudioTrackConstraints` (W3C `MediaTrackConstraints` for audio). A Linux server
/// has no microphone: the track's source is a synthetic tone (or frames the application pushes), so
/// the capture-processing fields (`echoCancellation`, `autoGainControl`, `noiseSuppression`) are
/// recorded and reported back but change nothing; `sampleRate` is always 48 000 (Opus, RFC 7587 §4.1)
/// and `sampleSize` 16; `volume` scales the tone; `channelCount` 1 or 2 picks mono or stereo Opus;
/// `latency` is the frame duration, always 20 ms.
public struct AudioTrackConstraints: Hashable, Sendable {
    public var volume: Double?
    public var sampleRate: Int?
    public var sampleSize: Int?
    public var echoCancellation: Bool?
    public var autoGainControl: Bool?
    public var noiseSuppression: Bool?
    public var latency: Double?
    public var channelCount: Int?

    public init(
        volume: Double? = nil, sampleRate: Int? = nil, sampleSize: Int? = nil, echoCancellation: Bool? = nil,
        autoGainControl: Bool? = nil, noiseSuppression: Bool? = nil, latency: Double? = nil, channelCount: Int? = nil
    ) {
        self.volume = volume
        self.sampleRate = sampleRate
        self.sampleSize = sampleSize
        self.echoCancellation = echoCancellation
        self.autoGainControl = autoGainControl
        self.noiseSuppression = noiseSuppression
        self.latency = latency
        self.channelCount = channelCount
    }

    /// The tone this track plays: 440 Hz at −20 dBFS scaled by `volume` (0 … 1).
    var toneSource: TrackSource {
        let volume = min(1, max(0, self.volume ?? 1))
        let level = volume > 0 ? -20 + 20 * log10(volume) : -120
        return .tone(frequency: 440, level: level, channels: channelCount == 2 ? 2 : 1)
    }
}

/// W3C `facingMode`.
public enum FacingMode: String, Hashable, Sendable {
    case user, environment, left, right
}

/// W3C `resizeMode`.
public enum ResizeMode: String, Hashable, Sendable {
    case none, cropAndScale = "crop-and-scale"
}

/// Ktor's `WebRtcMedia.VideoTrackConstraints`. The source is the test pattern (or pushed frames):
/// `width`, `height` (640×480 by default; even sizes) and `frameRate` (30, at most 60) shape it;
/// `aspectRatio` fills in a missing width or height; `facingMode` and `resizeMode` name camera
/// features a pattern does not have and are only reported back.
public struct VideoTrackConstraints: Hashable, Sendable {
    public var width: Int?
    public var height: Int?
    public var frameRate: Int?
    public var aspectRatio: Double?
    public var facingMode: FacingMode?
    public var resizeMode: ResizeMode?

    public init(
        width: Int? = nil, height: Int? = nil, frameRate: Int? = nil, aspectRatio: Double? = nil, facingMode: FacingMode? = nil,
        resizeMode: ResizeMode? = nil
    ) {
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.aspectRatio = aspectRatio
        self.facingMode = facingMode
        self.resizeMode = resizeMode
    }

    /// The pattern this track shows.
    var patternSource: TrackSource {
        let ratio = aspectRatio.flatMap { $0 > 0 ? $0 : nil } ?? 4.0 / 3.0
        var width = self.width ?? self.height.map { Int(Double($0) * ratio) } ?? 640
        var height = self.height ?? self.width.map { Int(Double($0) / ratio) } ?? 480
        // VP8 takes any size, but I420 chroma is cleanest on even sizes; the frame-number mark wants 64×48.
        width = max(64, min(4_096, width)) & ~1
        height = max(48, min(4_096, height)) & ~1
        return .testPattern(width: width, height: height, frameRate: max(1, min(60, frameRate ?? 30)))
    }
}

/// A local track (Ktor's `WebRtcMedia.Track`, W3C `MediaStreamTrack`): made by
/// ``WebRTCClient/createAudioTrack(_:source:)`` or ``WebRTCClient/createVideoTrack(_:source:)`` and sent
/// with ``PeerConnection/addTrack(_:streamIDs:)``. One track may be sent on several connections.
public final class MediaTrack: Sendable {
    public let id: String
    public let kind: MediaKind
    /// The constraints it was made with, as given.
    public let audioConstraints: AudioTrackConstraints?
    public let videoConstraints: VideoTrackConstraints?
    /// Where its frames come from.
    public let source: TrackSource
    private let state = Mutex<(enabled: Bool, closed: Bool, senders: [Attachment])>((true, false, []))

    struct Attachment: Sendable {
        weak var connection: PeerConnection?
    }

    init(id: String, kind: MediaKind, source: TrackSource, audio: AudioTrackConstraints? = nil, video: VideoTrackConstraints? = nil) {
        self.id = id
        self.kind = kind
        self.source = source
        self.audioConstraints = audio
        self.videoConstraints = video
    }

    /// W3C `enabled`: a disabled track sends silence or black frames; the stream goes on (mediacapture §4.3.1).
    public var isEnabled: Bool { state.withLock { $0.enabled } }
    /// W3C `readyState == "ended"`.
    public var isClosed: Bool { state.withLock { $0.closed } }

    /// Enables or disables the track on every connection that sends it.
    public func enable(_ enabled: Bool) async {
        let connections = state.withLock { state in
            state.enabled = enabled
            return state.senders.compactMap(\.connection)
        }
        for connection in connections { await connection.setTrackEnabled(id, enabled) }
    }

    /// W3C `stop()`: the track ends; its senders stop sending (they keep their transceivers).
    public func close() async {
        let connections = state.withLock { state in
            state.closed = true
            return state.senders.compactMap(\.connection)
        }
        for connection in connections { await connection.trackEnded(self) }
    }

    /// Sends a frame on every connection carrying this track, for a ``TrackSource/pushed`` source.
    /// - Throws: `.invalidState` when the track's source is synthetic or the track is closed.
    public func push(_ frame: PushedFrame) async throws(WebRTCError) {
        guard source == .pushed else { throw .invalidState("track \(id) has a synthetic source; only .pushed tracks take frames") }
        let connections = state.withLock { $0.closed ? nil : $0.senders.compactMap(\.connection) }
        guard let connections else { throw .invalidState("track \(id) is closed") }
        for connection in connections { try await connection.pushFrame(frame, trackID: id) }
    }

    /// What the machine is told about this track.
    var description: LocalTrackDescription {
        LocalTrackDescription(id: id, kind: kind, source: source, isEnabled: isEnabled)
    }

    func attached(to connection: PeerConnection) {
        state.withLock { state in
            state.senders.removeAll { $0.connection == nil || $0.connection === connection }
            state.senders.append(Attachment(connection: connection))
        }
    }
}
