public import DataChannels
public import ICE
public import JSEP
import SansIO
import Synchronization

/// One peer connection (Ktor's `WebRtcPeerConnection`, W3C `RTCPeerConnection`): offer/answer,
/// trickle ICE, data channels, states and statistics. Every method runs on the connection's engine
/// (real sockets or a simulation); the states are async sequences that also give their current value.
public final class PeerConnection: Sendable {
    let core: ConnectionCore
    /// The connection's configuration as created.
    public let configuration: ConnectionConfiguration
    /// The senders `addTrack` made.
    let senders = Mutex<[RtpSender]>([])

    init(core: ConnectionCore, configuration: ConnectionConfiguration) {
        self.core = core
        self.configuration = configuration
    }

    // MARK: States

    public var signalingState: StateSequence<SignalingState> { StateSequence(log: core.signaling, initial: .stable) }
    public var iceConnectionState: StateSequence<IceConnectionState> { StateSequence(log: core.iceConnection, initial: .new) }
    public var iceGatheringState: StateSequence<IceGatheringState> { StateSequence(log: core.iceGathering, initial: .new) }
    /// W3C `connectionState`: ICE and DTLS together (webrtc-pc §4.3.3).
    public var state: StateSequence<PeerConnectionState> { StateSequence(log: core.connection, initial: .new) }
    public var dtlsState: StateSequence<DTLSTransportState> { StateSequence(log: core.dtls, initial: .new) }
    /// Local candidates to signal to the peer, as gathered (trickle ICE, RFC 8838).
    public var iceCandidates: EventSequence<IceCandidate> { EventSequence(log: core.candidates) }
    /// Channels opened (by either side), closing, closed, low on buffered data, or in error.
    public var dataChannelEvents: EventSequence<DataChannelEvent> { EventSequence(log: core.channelEvents) }
    /// One element per W3C `negotiationneeded` event (its ordinal).
    public var negotiationNeeded: EventSequence<Int> { EventSequence(log: core.negotiationNeeded) }
    /// The DTLS key log lines so far (NSS format), when the configuration asked for them.
    public var keyLog: [String] { core.keyLog.withLock { $0 } }

    // MARK: Offer and answer

    public func createOffer() async throws(WebRTCError) -> SessionDescription {
        let sdp = try await core.host.call { machine, now throws(WebRTCError) in try machine.createOffer(at: now) }
        return SessionDescription(type: .offer, sdp: sdp)
    }

    /// An answer to the remote offer; `.pranswer` for a provisional one.
    public func createAnswer(type: SessionDescriptionType = .answer) async throws(WebRTCError) -> SessionDescription {
        let sdp = try await core.host.call { machine, now throws(WebRTCError) in try machine.createAnswer(type: type, at: now) }
        return SessionDescription(type: type, sdp: sdp)
    }

    public func setLocalDescription(_ description: SessionDescription) async throws(WebRTCError) {
        try await core.host.call { machine, now throws(WebRTCError) in
            try machine.setLocalDescription(description.type, sdp: description.sdp, at: now)
        }
        core.record(description)
    }

    public func setRemoteDescription(_ description: SessionDescription) async throws(WebRTCError) {
        try await core.host.call { machine, now throws(WebRTCError) in
            try machine.setRemoteDescription(description.type, sdp: description.sdp, at: now)
        }
        core.record(description)
    }

    /// The local description in force (pending, else current) with every candidate gathered so far,
    /// and end-of-candidates once gathering is complete (W3C `localDescription`).
    public func localDescription() async throws(WebRTCError) -> SessionDescription? {
        try await core.host.call { machine, _ in
            machine.localDescriptionWithCandidates().map { SessionDescription(type: $0.type, sdp: $0.sdp) }
        }
    }

    public func remoteDescription() async throws(WebRTCError) -> SessionDescription? {
        try await core.host.call { machine, _ in
            machine.remoteDescription.map { SessionDescription(type: $0.type, sdp: $0.sdp) }
        }
    }

    /// A trickled candidate from the peer; an empty `candidate` is end-of-candidates.
    public func addIceCandidate(_ candidate: IceCandidate) async throws(WebRTCError) {
        try await core.host.call { machine, now throws(WebRTCError) in
            try machine.addIceCandidate(candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex, at: now)
        }
    }

    /// Returns once gathering is complete (Ktor's `awaitIceGatheringComplete`).
    public func awaitIceGatheringComplete() async throws(WebRTCError) {
        let log = core.iceGathering
        try await core.wait("ICE gathering") { log.last == .complete }
    }

    /// Returns once the connection state is `state`; throws on timeout, and when the connection fails or
    /// closes first: with the cause when a layer reported one (``failureReason``), `.invalidState` otherwise.
    public func awaitState(_ wanted: PeerConnectionState, timeout: Duration? = nil) async throws(WebRTCError) {
        let log = core.connection
        try await core.wait("connection state \(wanted.rawValue)", timeout: timeout) {
            guard let last = log.last else { return false }
            return last == wanted || last == .failed || last == .closed
        }
        let reached = log.last
        guard reached == wanted else {
            if reached == .failed, let cause = failureReason { throw cause }
            throw .invalidState("the connection became \(reached?.rawValue ?? "?") instead of \(wanted.rawValue)")
        }
    }

    /// Why the connection failed, as a typed value (for example `.dtls(.fingerprintMismatch(…))`); nil
    /// while it has not failed or when no layer named a cause.
    public var failureReason: WebRTCError? { core.failure.withLock { $0 } }

    /// W3C `restartIce`: the next offer restarts ICE.
    public func restartIce() async throws(WebRTCError) {
        try await core.host.call { machine, now in machine.restartIce(at: now) }
    }

    // MARK: Data channels

    /// Creates a channel (W3C `createDataChannel`); it opens once the connection is up.
    public func createDataChannel(
        _ label: String, configure: (inout DataChannelOptions) -> Void = { _ in }
    ) async throws(WebRTCError) -> DataChannel {
        var options = DataChannelOptions()
        configure(&options)
        let core = self.core
        let requested = options
        let handle = try await core.host.call { machine, now throws(WebRTCError) in
            let handle = try machine.createDataChannel(label: label, options: requested, at: now)
            // Registered before the call's events are delivered, so they find the channel.
            if let info = machine.channels.channel(handle) { core.update(info) }
            return handle
        }
        guard let channel = core.object(handle) else { throw .invalidState("channel \(handle) vanished") }
        return channel
    }

    // MARK: Statistics and close

    /// Where the connection stands, in a few lines (states, ICE check list, counters): for failure messages.
    public func diagnostics() async -> String {
        await core.slot.host?.perform { machine, _ in machine.diagnostics } ?? "no runtime"
    }

    /// A W3C webrtc-stats report: peer-connection, transport, candidate-pair, local/remote-candidate,
    /// certificate and data-channel entries.
    public func statistics() async throws(WebRTCError) -> StatisticsReport {
        try await core.host.call { machine, now in machine.statisticsReport(at: now) }
    }

    /// Ktor's `stats`: a report every ``ConnectionConfiguration/statsRefreshRate`` (on the connection's
    /// clock: virtual time in a simulation), until the connection closes.
    public var stats: AsyncStream<StatisticsReport> {
        let core = self.core
        let rate = configuration.statsRefreshRate
        return AsyncStream {
            let log = core.connection
            let closed = await core.slot.wait(until: { log.last == .closed }, timeout: rate)
            guard !closed, let host = core.slot.host else { return nil }
            return await host.perform { machine, now in machine.statisticsReport(at: now) }
        }
    }

    /// Closes the connection: channels close, DTLS sends close_notify, ICE stops; every sequence ends.
    public func close() async {
        if let host = core.slot.host {
            _ = await host.perform { machine, now in machine.close(at: now) }
            // Finished before the host stops, so the host's last wake-up lets every waiting reader end.
            core.finish()
            await host.stop()
            // The channel objects and their events refer back to the core, so a closed connection's core
            // can outlive the caller's references; letting go of the host here frees the machine, its
            // sockets or simulated host, and its OpenSSL objects all the same.
            core.slot.release()
        } else {
            core.finish()
        }
    }
}
