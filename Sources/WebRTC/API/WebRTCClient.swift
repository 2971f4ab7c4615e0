/// What every connection of a client starts from (Ktor's `WebRtcConfig`).
public struct WebRTCClientConfiguration: Sendable {
    /// The configuration each new connection starts with; `createPeerConnection` may change it.
    public var defaultConnection = ConnectionConfiguration()

    public init() {}
}

/// The entry point (Ktor's `WebRtcClient`): makes peer connections on one engine.
public final class WebRTCClient: Sendable {
    public let engine: any WebRTCEngine
    public let configuration: WebRTCClientConfiguration

    public init(engine: any WebRTCEngine = .native, configure: (inout WebRTCClientConfiguration) -> Void = { _ in }) {
        var configuration = WebRTCClientConfiguration()
        configure(&configuration)
        self.engine = engine
        self.configuration = configuration
    }

    /// A new peer connection; `configure` adjusts this connection's copy of the default configuration.
    public func createPeerConnection(
        configure: (inout ConnectionConfiguration) -> Void = { _ in }
    ) async throws(WebRTCError) -> PeerConnection {
        var connection = configuration.defaultConnection
        configure(&connection)
        let seed = connection.seed ?? engine.nextConnectionSeed()
        let engineConfiguration = try connection.engineConfiguration(seed: seed)
        guard let machineEngine = engine as? any MachineEngine else {
            throw .invalidState("the engine \(type(of: engine)) hosts no Crucible peer connection machine (only .native and .simulated do)")
        }
        let certificate = try machineEngine.makeCertificate(seed: seed)
        let slot = HostSlot(
            sequenceTimeout: engine.sequenceTimeout(operationTimeout: connection.operationTimeout),
            operationTimeout: connection.operationTimeout)
        let core = ConnectionCore(slot: slot, timeout: connection.operationTimeout, recording: connection.recording)
        let host = try await machineEngine.makeHost(
            configuration: engineConfiguration, certificate: certificate, recording: connection.recording
        ) { [weak core] event in core?.ingest(event) }
        slot.set(host)
        let peer = PeerConnection(core: core, configuration: connection)
        if connection.iceCandidatePoolSize > 0 {
            _ = await host.perform { machine, now in machine.pregather(at: now) }
        }
        return peer
    }

    /// Ktor's `createAudioTrack`: a track whose source is a tone shaped by `constraints` (see
    /// ``AudioTrackConstraints`` for what a Linux source honours), or `source` when given (`.pushed` to
    /// feed PCM or encoded Opus yourself).
    public func createAudioTrack(_ constraints: AudioTrackConstraints = .init(), source: TrackSource? = nil) throws(WebRTCError) -> MediaTrack {
        let source = source ?? constraints.toneSource
        if let kind = source.kind, kind != .audio { throw .invalidState("an audio track needs an audio source, not \(source)") }
        return MediaTrack(id: engine.nextTrackID(), kind: .audio, source: source, audio: constraints)
    }

    /// Ktor's `createVideoTrack`: a track whose source is the test pattern shaped by `constraints` (every
    /// picture carries its frame number), or `source` when given (`.pushed` to feed I420 or encoded VP8).
    public func createVideoTrack(_ constraints: VideoTrackConstraints = .init(), source: TrackSource? = nil) throws(WebRTCError) -> MediaTrack {
        let source = source ?? constraints.patternSource
        if let kind = source.kind, kind != .video { throw .invalidState("a video track needs a video source, not \(source)") }
        return MediaTrack(id: engine.nextTrackID(), kind: .video, source: source, video: constraints)
    }
}
