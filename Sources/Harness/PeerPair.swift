public import WebRTC
public import DataChannels

/// Two peer connections of one client joined through in-process signalling, with one data channel
/// open between them: the fixture of the two-engine scenarios, the tour and the benchmarks.
///
/// Signalling is the webrtc-echoes way (no trickle): each side's description is taken once its
/// gathering is complete, so it carries every candidate.
public struct PeerPair: Sendable {
    /// A named instant of the connection, measured from the start of ``connect(client:label:options:clock:)``.
    public struct Milestone: Hashable, Sendable {
        public var name: String
        public var at: Duration
    }

    public let offerer: PeerConnection
    public let answerer: PeerConnection
    /// The channel the offerer created, and the same channel as the answerer sees it.
    public let offererChannel: DataChannel
    public let answererChannel: DataChannel
    /// Offer, answer, ICE connected, DTLS connected, channel open on both sides, in order.
    public let timeline: [Milestone]

    /// Creates both connections, negotiates, and returns once the channel is open on both sides.
    ///
    /// - Parameters:
    ///   - configure: per-side connection settings (`0`: offerer, `1`: answerer).
    ///   - clock: the time since some fixed origin: the wall clock for real sockets, the network's
    ///     virtual clock for a simulation.
    public static func connect(
        client: WebRTCClient, label: String = "crucible", options: DataChannelOptions = DataChannelOptions(),
        configure: @escaping @Sendable (Int, inout ConnectionConfiguration) -> Void = { _, _ in },
        clock: @escaping @Sendable () -> Duration
    ) async throws(WebRTCError) -> PeerPair {
        let start = clock()
        var timeline: [Milestone] = []
        func mark(_ name: String) { timeline.append(Milestone(name: name, at: clock() - start)) }

        let offerer = try await client.createPeerConnection { configure(0, &$0) }
        let answerer = try await client.createPeerConnection { configure(1, &$0) }
        let channel = try await offerer.createDataChannel(label) { $0 = options }
        let offer = try await offerer.createOffer()
        try await offerer.setLocalDescription(offer)
        try await offerer.awaitIceGatheringComplete()
        guard let fullOffer = try await offerer.localDescription() else { throw .invalidState("no local offer") }
        mark("offer")

        try await answerer.setRemoteDescription(fullOffer)
        let remoteChannel: DataChannel? = options.negotiated
            ? try await answerer.createDataChannel(label) { $0 = options } : nil
        let answer = try await answerer.createAnswer()
        try await answerer.setLocalDescription(answer)
        try await answerer.awaitIceGatheringComplete()
        guard let fullAnswer = try await answerer.localDescription() else { throw .invalidState("no local answer") }
        try await offerer.setRemoteDescription(fullAnswer)
        mark("answer")

        do {
            try await offerer.iceConnectionState.wait(until: { $0 == .connected || $0 == .completed || $0 == .failed })
        } catch {
            let offererState = await offerer.diagnostics()
            let answererState = await answerer.diagnostics()
            throw .timeout("ICE did not connect.\nofferer:\n\(offererState)\nanswerer:\n\(answererState)")
        }
        mark("ICE connected")
        try await offerer.dtlsState.wait(until: { $0 == .connected || $0 == .failed })
        mark("DTLS connected")
        try await channel.awaitState(.open)
        mark("channel open (offerer)")
        let answererChannel: DataChannel
        if let remoteChannel {
            try await remoteChannel.awaitState(.open)
            answererChannel = remoteChannel
        } else {
            answererChannel = try await answerer.firstOpenedChannel()
        }
        mark("channel open (answerer)")
        return PeerPair(
            offerer: offerer, answerer: answerer, offererChannel: channel, answererChannel: answererChannel,
            timeline: timeline)
    }

    /// Closes both connections.
    public func close() async {
        await offerer.close()
        await answerer.close()
    }
}
