import Benchmark
import WebRTC

/// Two native engines in one process, on real UDP sockets on 127.0.0.1, joined by in-process
/// signalling (each description taken once its gathering is complete, as `PeerPair` does for data
/// channels), with media tracks instead of a data channel.
struct MediaCall: Sendable {
    let caller: PeerConnection
    let callee: PeerConnection
    /// The tracks each side sends, as given.
    let callerTracks: [MediaTrack]
    let calleeTracks: [MediaTrack]
    /// The tracks each side receives, in the order their `.add` events came.
    let receivedByCallee: [RemoteTrack]
    let receivedByCaller: [RemoteTrack]

    /// Connects a call in which the caller sends `callerTracks` and the callee `calleeTracks`, and
    /// returns once each side has seen an `.add` for every track the other sends.
    static func connect(
        client: WebRTCClient, callerTracks: [MediaTrack], calleeTracks: [MediaTrack]
    ) async throws -> MediaCall {
        let caller = try await client.createPeerConnection()
        let callee = try await client.createPeerConnection()
        for track in callerTracks { try await caller.addTrack(track, streamIDs: ["caller"]) }
        for track in calleeTracks { try await callee.addTrack(track, streamIDs: ["callee"]) }

        let offer = try await caller.createOffer()
        try await caller.setLocalDescription(offer)
        try await caller.awaitIceGatheringComplete()
        guard let fullOffer = try await caller.localDescription() else { throw WebRTCError.invalidState("no local offer") }
        try await callee.setRemoteDescription(fullOffer)
        let answer = try await callee.createAnswer()
        try await callee.setLocalDescription(answer)
        try await callee.awaitIceGatheringComplete()
        guard let fullAnswer = try await callee.localDescription() else { throw WebRTCError.invalidState("no local answer") }
        try await caller.setRemoteDescription(fullAnswer)

        return MediaCall(
            caller: caller, callee: callee, callerTracks: callerTracks, calleeTracks: calleeTracks,
            receivedByCallee: try await remoteTracks(callee, count: callerTracks.count),
            receivedByCaller: try await remoteTracks(caller, count: calleeTracks.count))
    }

    /// The first `count` tracks `connection`'s track events add.
    private static func remoteTracks(_ connection: PeerConnection, count: Int) async throws -> [RemoteTrack] {
        var tracks: [RemoteTrack] = []
        var events = connection.trackEvents.makeAsyncIterator()
        while tracks.count < count {
            guard let event = try await events.nextEvent() else { throw WebRTCError.invalidState("track events ended early") }
            if case .add(let track) = event { tracks.append(track) }
        }
        return tracks
    }

    func close() async {
        await caller.close()
        await callee.close()
    }
}

/// Reads every frame of a remote track as it comes, as an application's sink would, until the track
/// ends: the track's inbox holds up to 300 frames, so an unread 640×480 video track would otherwise
/// keep about 140 MB of decoded pictures alive and distort the memory figures.
func drain(_ track: RemoteTrack) -> Task<Int, Never> {
    Task {
        var frames = 0
        while let frame = try? await track.nextFrame(timeout: .seconds(2)) {
            blackHole(frame)
            frames += 1
        }
        return frames
    }
}
