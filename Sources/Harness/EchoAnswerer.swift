public import WebRTC
import DataChannels
import Synchronization

/// The answering side of the webrtc-echoes interop convention: answers each offer with a new peer
/// connection and echoes every message on every channel back on the channel it came from, and every
/// audio and video track back on a track of its own, as an SFU's echo test does (decoded, then encoded
/// again here, so a key frame the offerer asks for is ours to give).
///
/// One addition to the convention, shared with `Scripts/interop/aiortc_peer.py serve`: a channel that
/// receives the text ``closeRequest`` closes itself instead of echoing, so an offerer can watch a close
/// that starts on the answering side.
public final class EchoAnswerer: Sendable {
    public let client: WebRTCClient
    /// Negotiated channels (RFC 8832 §6 "negotiated") to create on every connection, by id.
    public let negotiatedIDs: [UInt16]
    /// The text that makes a channel close itself.
    public static let closeRequest = "close-me"
    private let state = Mutex<(connections: [PeerConnection], tasks: [Task<Void, Never>])>(([], []))
    private let counts = Counts()

    public init(client: WebRTCClient, negotiatedIDs: [UInt16] = []) {
        self.client = client
        self.negotiatedIDs = negotiatedIDs
    }

    /// The connections made so far.
    public var connections: [PeerConnection] { state.withLock { $0.connections } }

    /// Channels that reached `open` on any of the connections, so far.
    public var openedChannels: Int { counts.value.withLock { $0.opened } }

    /// Messages received and sent back, on every channel of every connection, so far.
    public var echoedMessages: Int { counts.value.withLock { $0.echoed } }

    /// Audio and video frames received and sent back, on every connection, so far.
    public var echoedFrames: Int { counts.value.withLock { $0.frames } }

    /// Answers `offer` (SDP text with the offerer's candidates) and returns the answer with ours.
    public func answer(_ offer: String, recording: Recording? = nil) async throws(WebRTCError) -> String {
        let connection = try await client.createPeerConnection { $0.recording = recording }
        do throws(WebRTCError) {
            try await connection.setRemoteDescription(SessionDescription(type: .offer, sdp: offer))
            // Each offered track gets its echo before the answer, on the transceiver the offer made (W3C addTrack reuse).
            var echoes: [(RemoteTrack, MediaTrack)] = []
            for remote in connection.remoteTracks {
                let echo = try remote.kind == .audio
                    ? client.createAudioTrack(source: .pushed) : client.createVideoTrack(source: .pushed)
                try await connection.addTrack(echo, streamIDs: remote.streamIDs)
                echoes.append((remote, echo))
            }
            for id in negotiatedIDs {
                _ = try await connection.createDataChannel("negotiated-\(id)") {
                    $0.negotiated = true
                    $0.id = id
                }
            }
            let answer = try await connection.createAnswer()
            try await connection.setLocalDescription(answer)
            try await connection.awaitIceGatheringComplete()
            guard let full = try await connection.localDescription() else { throw .invalidState("no local answer") }
            let echo = Task { [counts] in await Self.echo(on: connection, counts: counts) }
            let mediaEchoes = echoes.map { remote, track in Task { [counts] in await Self.echo(remote, on: track, counts: counts) } }
            state.withLock {
                $0.connections.append(connection)
                $0.tasks.append(echo)
                $0.tasks.append(contentsOf: mediaEchoes)
            }
            return full.sdp
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Closes every connection.
    public func close() async {
        let (connections, tasks) = state.withLock { ($0.connections, $0.tasks) }
        for connection in connections { await connection.close() }
        for task in tasks { await task.value }
    }

    /// Echoes on every channel that opens, until the connection ends.
    static func echo(on connection: PeerConnection, counts: Counts) async {
        await withTaskGroup(of: Void.self) { group in
            for await event in connection.dataChannelEvents {
                guard case .open(let channel) = event else { continue }
                counts.value.withLock { $0.opened += 1 }
                group.addTask { await echo(channel, counts: counts) }
            }
        }
    }

    /// Sends every decoded frame of `remote` back on `echo` until the track ends.
    static func echo(_ remote: RemoteTrack, on echo: MediaTrack, counts: Counts) async {
        while true {
            let frame: ReceivedMediaFrame?
            do {
                frame = try await remote.nextFrame()
            } catch {
                if case .timeout = error { continue }
                return
            }
            guard let frame else { return }
            let pushed: PushedFrame? = frame.audio.map(PushedFrame.audio) ?? frame.video.map(PushedFrame.video)
            guard let pushed else { continue }
            do {
                try await echo.push(pushed)
                counts.value.withLock { $0.frames += 1 }
            } catch {
                return
            }
        }
    }

    /// Sends back every message until the channel closes.
    static func echo(_ channel: DataChannel, counts: Counts) async {
        while channel.state != .closed {
            do {
                let message = try await channel.receive()
                if message == .text(closeRequest) {
                    await channel.close()
                    return
                }
                try await channel.send(message)
                counts.value.withLock { $0.echoed += 1 }
            } catch {
                if case .timeout = error { continue }
                return
            }
        }
    }
}

/// What an ``EchoAnswerer`` did, shared with its echo tasks.
final class Counts: Sendable {
    let value = Mutex<(opened: Int, echoed: Int, frames: Int)>((0, 0, 0))
}
