public import SDP
import SansIO

/// Tracks on a connection (Ktor's `addTrack`, `removeTrack`, `trackEvents`; W3C webrtc-pc §5).
extension PeerConnection {
    /// Remote tracks appearing and going away. Like every event sequence it starts at the first event,
    /// so a late listener sees tracks added before it started listening.
    public var trackEvents: EventSequence<TrackEvent> { EventSequence(log: core.trackEvents) }

    /// W3C `addTrack`: sends `track` on a transceiver of its kind (a reused one the peer offered, or a
    /// new one). Negotiation is needed before media flows.
    /// - Throws: `.invalidState` when the connection is closed or already sends this track.
    @discardableResult
    public func addTrack(_ track: MediaTrack, streamIDs: [String] = []) async throws(WebRTCError) -> RtpSender {
        guard !track.isClosed else { throw .invalidState("track \(track.id) is closed") }
        let description = track.description
        let id = try await core.host.call { machine, now throws(WebRTCError) in
            try machine.addTrack(description, streamIDs: streamIDs, at: now)
        }
        track.attached(to: self)
        let sender = RtpSender(connection: self, transceiver: id, track: track)
        senders.withLock { $0.append(sender) }
        return sender
    }

    /// W3C `removeTrack`: the sender stops; its transceiver stays (recvonly or inactive after the next
    /// exchange, which the peer sees as a `.remove`).
    public func removeTrack(_ sender: RtpSender) async throws(WebRTCError) {
        try await core.host.call { machine, now throws(WebRTCError) in try machine.removeTrack(sender.transceiver, at: now) }
        sender.trackRemoved()
    }

    /// Removes every sender of `track` (Ktor's `removeTrack(track)`).
    public func removeTrack(_ track: MediaTrack) async throws(WebRTCError) {
        for sender in senders.withLock({ $0 }) where sender.track === track { try await removeTrack(sender) }
    }

    /// The tracks the peer sends now, in transceiver order (W3C `getReceivers().map(track)` for live ones).
    public var remoteTracks: [RemoteTrack] {
        core.remoteTracks.withLock { tracks in tracks.keys.sorted().compactMap { tracks[$0] } }
    }

    /// The senders `addTrack` made, in order (W3C `getSenders`).
    public var rtpSenders: [RtpSender] { senders.withLock { $0 } }

    /// The transceivers (W3C `getTransceivers`): kind, mid, direction, current direction, stopped.
    public func transceivers() async throws(WebRTCError) -> [TransceiverState] {
        try await core.host.call { machine, _ in machine.transceiverStates }
    }

    /// W3C `RTCRtpTransceiver.direction`: what this side wants; takes effect with the next exchange.
    public func setDirection(_ direction: Direction, of transceiver: TransceiverID) async throws(WebRTCError) {
        try await core.host.call { machine, now throws(WebRTCError) in try machine.setDirection(direction, of: transceiver, at: now) }
    }

    /// W3C `RTCRtpTransceiver.stop()`.
    public func stopTransceiver(_ transceiver: TransceiverID) async throws(WebRTCError) {
        try await core.host.call { machine, now throws(WebRTCError) in try machine.stopTransceiver(transceiver, at: now) }
    }

    // MARK: For tracks and senders

    func transceiverState(_ id: TransceiverID) async throws(WebRTCError) -> TransceiverState? {
        try await core.host.call { machine, _ in machine.transceiverStates.first { $0.id == id } }
    }

    var cname: String {
        get async { (try? await core.host.call { machine, _ in machine.cname }) ?? "" }
    }

    func replaceTrack(on transceiver: TransceiverID, with track: MediaTrack?) async throws(WebRTCError) {
        let description = track?.description
        try await core.host.call { machine, now throws(WebRTCError) in try machine.replaceTrack(transceiver, with: description, at: now) }
        track?.attached(to: self)
    }

    func setTrackEnabled(_ trackID: String, _ enabled: Bool) async {
        _ = try? await core.host.call { machine, now in machine.setTrackEnabled(trackID, enabled, at: now) }
    }

    func trackEnded(_ track: MediaTrack) async {
        for sender in senders.withLock({ $0 }) where sender.track === track {
            try? await replaceTrack(on: sender.transceiver, with: nil)
        }
    }

    func pushFrame(_ frame: PushedFrame, trackID: String) async throws(WebRTCError) {
        try await core.host.call { machine, now in machine.pushFrame(frame, trackID: trackID, at: now) }
    }
}
