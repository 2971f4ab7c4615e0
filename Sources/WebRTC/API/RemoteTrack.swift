import Synchronization

/// Ktor's `TrackEvent`: a remote track appeared or went away (W3C `track` event and "remove track").
public enum TrackEvent: Sendable {
    case add(RemoteTrack)
    case remove(RemoteTrack)

    public var track: RemoteTrack {
        switch self {
        case .add(let track), .remove(let track): track
        }
    }
}

/// A track the peer sends (W3C `RTCRtpReceiver.track`): its frames, decoded and encoded, as they arrive.
///
/// Frames wait in a bounded inbox (the newest ``inboxLimit``); a reader that falls further behind loses
/// the oldest, counted in ``framesOverflowed``.
public final class RemoteTrack: Sendable {
    public let id: String
    public let kind: MediaKind
    /// The m= section's mid.
    public let mid: String
    /// The peer's stream ids (`a=msid`).
    public let streamIDs: [String]
    let transceiver: TransceiverID
    let core: ConnectionCore
    private let inbox = Mutex<(frames: [ReceivedMediaFrame], delivered: Int, overflowed: Int, ended: Bool)>(([], 0, 0, false))
    /// Frames kept for a reader that has not taken them yet.
    public static let inboxLimit = 300

    init(info: RemoteTrackInfo, core: ConnectionCore) {
        id = info.id
        kind = info.kind
        mid = info.mid
        streamIDs = info.streamIDs
        transceiver = info.transceiver
        self.core = core
    }

    /// Frames received so far, read or not.
    public var framesDelivered: Int { inbox.withLock { $0.delivered } }
    /// Frames dropped because nobody read them in time.
    public var framesOverflowed: Int { inbox.withLock { $0.overflowed } }
    /// Frames received and not read yet.
    public var pendingFrames: Int { inbox.withLock { $0.frames.count } }
    /// Whether the track was removed (or the connection closed).
    public var isEnded: Bool { inbox.withLock { $0.ended } }

    /// The next frame; nil once the track ended and every frame was read, or `.timeout` when none
    /// came within `timeout` (the connection's operation timeout when nil).
    public func nextFrame(timeout: Duration? = nil) async throws(WebRTCError) -> ReceivedMediaFrame? {
        try await core.wait("a \(kind.rawValue) frame on track \(id)", timeout: timeout) { [self] in
            inbox.withLock { !$0.frames.isEmpty || $0.ended }
        }
        return inbox.withLock { $0.frames.isEmpty ? nil : $0.frames.removeFirst() }
    }

    /// Every frame as it comes, until the track ends.
    public var frames: AsyncThrowingStream<ReceivedMediaFrame, any Error> {
        AsyncThrowingStream { [self] in try await self.nextFrame(timeout: core.slot.sequenceTimeout) }
    }

    func deliver(_ frame: ReceivedMediaFrame) {
        inbox.withLock { inbox in
            inbox.delivered += 1
            inbox.frames.append(frame)
            if inbox.frames.count > Self.inboxLimit {
                inbox.frames.removeFirst()
                inbox.overflowed += 1
            }
        }
    }

    func end() { inbox.withLock { $0.ended = true } }
}
