public import DataChannels
import Foundation
import Hashing
import Media
import Synchronization
public import WebRTC
public import Wire

/// Crucible's side of a cell: a peer connection of our engine, in process, doing CONTROL.md's requests
/// through the public client API (so the matrix tests what a user gets).
public final class EnginePeer: InteropPeer {
    public let stack = InteropStack.crucible
    public let version = "main"
    public let events: PeerEventLog
    public let connection: PeerConnection
    private let client: WebRTCClient

    private struct State {
        var channels: [String: DataChannel] = [:]
        /// Labels of the channels this side created (the others were announced by the far side).
        var local: Set<String> = []
        var echo = false
        /// Bytes coming back to a running `bulk`, by label.
        var bulkSinks: [String: [UInt8]] = [:]
        /// What the remote tracks gave, by kind (CONTROL.md `mediaReport`).
        var received: [MediaKind: ReceivedMedia] = [:]
        /// `echoMedia`: the pushed tracks that send received frames back, by kind.
        var mediaEcho = false
        var echoTracks: [MediaKind: MediaTrack] = [:]
    }

    /// One remote kind's figures as its frames come.
    struct ReceivedMedia {
        var frames = 0
        var decoded = 0
        var width: Int?
        var height: Int?
        var numbers = FrameNumberTally()
        /// The latest decoded audio, 20 ms a frame, for the tone's frequency at report time.
        var recentAudio: [AudioFrame] = []
        static let recentAudioFrames = 5
    }
    private let state = Mutex(State())
    private let observers = Mutex<[Task<Void, Never>]>([])

    /// A new connection of `client`'s, observed from its first event.
    public static func start(client: WebRTCClient, role: String, localAddresses: [IPAddress] = [.loopbackV4]) async throws(InteropError) -> EnginePeer {
        let connection: PeerConnection
        // The key log lets the cell's capture be decrypted, so the replay checker judges SCTP and DCEP too.
        do {
            connection = try await client.createPeerConnection {
                $0.keyLog = true
                $0.localAddresses = localAddresses.map { TransportAddress($0, port: 0) }
            }
        } catch { throw InteropError("crucible: \(error)") }
        let peer = EnginePeer(connection: connection, client: client, owner: "crucible (\(role))")
        peer.observe()
        return peer
    }

    private init(connection: PeerConnection, client: WebRTCClient, owner: String) {
        self.connection = connection
        self.client = client
        self.events = PeerEventLog(owner: owner)
    }

    private func observe() {
        let connection = self.connection
        let events = self.events
        let channelEvents = Task { [self] in
            await withTaskGroup(of: Void.self) { group in
                for await event in connection.dataChannelEvents {
                    switch event {
                    case .open(let channel):
                        let label = channel.label
                        let announced = state.withLock { state in
                            state.channels[label] = channel
                            return !state.local.contains(label)
                        }
                        if announced { events.append(.dataChannel(label: label, options: channel.options)) }
                        events.append(.open(label: label))
                        group.addTask { await self.receive(on: channel) }
                    case .closed(let channel):
                        events.append(.closed(label: channel.label))
                    case .error(let channel, let error):
                        events.append(.error("channel \(channel.label): \(error)"))
                    case .closing, .bufferedAmountLow:
                        break
                    }
                }
            }
        }
        let connectionStates = Task {
            for await value in connection.state { events.append(.connectionState(value.rawValue)) }
        }
        let iceStates = Task {
            for await value in connection.iceConnectionState { events.append(.iceConnectionState("\(value)")) }
        }
        let tracks = Task { [self] in
            await withTaskGroup(of: Void.self) { group in
                for await event in connection.trackEvents {
                    if case .add(let track) = event { group.addTask { await self.receive(on: track) } }
                }
            }
        }
        observers.withLock { $0 = [channelEvents, connectionStates, iceStates, tracks] }
    }

    /// Every frame of a remote track until it ends: counted, its mark read, and sent back in echo mode.
    private func receive(on track: RemoteTrack) async {
        let kind = track.kind
        var previousTimestamp: UInt32?
        while !track.isEnded {
            let frame: ReceivedMediaFrame
            do {
                guard let next = try await track.nextFrame(timeout: .seconds(1)) else { return }
                frame = next
            } catch {
                if case .timeout = error { continue }
                return
            }
            let number = frame.video.flatMap(FrameNumberMark.read(from:))
            let echo = state.withLock { state -> MediaTrack? in
                var media = state.received[kind] ?? ReceivedMedia()
                media.frames += 1
                if let audio = frame.audio {
                    media.decoded += 1
                    media.recentAudio.append(audio)
                    if media.recentAudio.count > ReceivedMedia.recentAudioFrames { media.recentAudio.removeFirst() }
                }
                if let picture = frame.video {
                    media.decoded += 1
                    media.width = picture.width
                    media.height = picture.height
                }
                if let number { media.numbers.add(number) }
                state.received[kind] = media
                return state.echoTracks[kind]
            }
            if let echo {
                // The encoded frame goes back as it came; its duration from the RTP clock (48 kHz Opus, 90 kHz VP8).
                let rate: Int64 = kind == .audio ? 48_000 : 90_000
                let ticks = previousTimestamp.map { Int64(frame.rtpTimestamp &- $0) } ?? 0
                let duration: Duration = ticks > 0 && ticks < rate ? .microseconds(ticks * 1_000_000 / rate) : kind == .audio ? .milliseconds(20) : .milliseconds(33)
                do { try await echo.push(.encoded(frame.encoded, duration: duration)) } catch {
                    events.append(.error("media echo of \(kind.rawValue): \(error)"))
                }
            }
            previousTimestamp = frame.rtpTimestamp
        }
    }

    /// Every message of `channel` until it closes: to a running bulk, back to the far side, or to the log.
    private func receive(on channel: DataChannel) async {
        let label = channel.label
        while channel.state != .closed {
            let message: DataChannelMessage
            do { message = try await channel.receive() } catch {
                if case .timeout = error { continue }
                return
            }
            let route = state.withLock { state -> (echo: Bool, sunk: Bool) in
                if case .binary(let bytes) = message, state.bulkSinks[label] != nil {
                    state.bulkSinks[label]?.append(contentsOf: bytes)
                    return (false, true)
                }
                return (state.echo, false)
            }
            if route.sunk { continue }
            if route.echo {
                do { try await channel.send(message) } catch { events.append(.error("echo on \(label): \(error)")) }
            } else {
                events.append(.message(label: label, message))
            }
        }
    }

    private func channel(_ label: String) throws(InteropError) -> DataChannel {
        guard let channel = state.withLock({ $0.channels[label] }) else { throw InteropError("\(events.owner): no open channel \(label.debugDescription)") }
        return channel
    }

    public func createOffer(iceRestart: Bool) async throws(InteropError) -> String {
        // An echoing offerer cannot know what will come: it offers a pushed track of each kind.
        try await addEchoTracks(for: MediaKind.allCases)
        do {
            if iceRestart { try await connection.restartIce() }
            try await connection.setLocalDescription(try await connection.createOffer())
            return try await gatheredDescription()
        } catch { throw InteropError("\(events.owner): createOffer: \(error)") }
    }

    public func createAnswer() async throws(InteropError) -> String {
        // An echoing answerer sends back on each kind the offer brought (addTrack reuses its transceiver).
        do {
            let offered = try await connection.transceivers().filter { !$0.isStopped }.map(\.kind)
            try await addEchoTracks(for: offered)
        } catch let error as InteropError { throw error } catch { throw InteropError("\(events.owner): createAnswer: \(error)") }
        do {
            try await connection.setLocalDescription(try await connection.createAnswer())
            return try await gatheredDescription()
        } catch { throw InteropError("\(events.owner): createAnswer: \(error)") }
    }

    private func gatheredDescription() async throws(WebRTCError) -> String {
        try await connection.awaitIceGatheringComplete()
        guard let description = try await connection.localDescription() else { throw .invalidState("no local description") }
        return description.sdp
    }

    public func setRemoteDescription(offer: Bool, sdp: String) async throws(InteropError) {
        do {
            try await connection.setRemoteDescription(SessionDescription(type: offer ? .offer : .answer, sdp: sdp))
        } catch { throw InteropError("\(events.owner): setRemoteDescription: \(error)") }
    }

    public func createDataChannel(_ label: String, options: DataChannelOptions) async throws(InteropError) {
        state.withLock { _ = $0.local.insert(label) }
        do {
            let channel = try await connection.createDataChannel(label) { $0 = options }
            state.withLock { $0.channels[label] = channel }
        } catch { throw InteropError("\(events.owner): createDataChannel \(label): \(error)") }
    }

    public func send(_ message: DataChannelMessage, on label: String) async throws(InteropError) {
        let channel = try channel(label)
        do { try await channel.send(message) } catch { throw InteropError("\(events.owner): send on \(label): \(error)") }
    }

    public func closeChannel(_ label: String) async throws(InteropError) {
        let channel = try channel(label)
        await channel.close()
    }

    public func startEcho() async throws(InteropError) {
        state.withLock { $0.echo = true }
    }

    public func bulk(on label: String, bytes: Int, chunk: Int) async throws(InteropError) -> BulkReport {
        let channel = try channel(label)
        state.withLock { $0.bulkSinks[label] = [] }
        defer { state.withLock { _ = $0.bulkSinks.removeValue(forKey: label) } }
        let clock = ContinuousClock()
        let start = clock.now
        var sent = [UInt8]()
        sent.reserveCapacity(bytes)
        do {
            var offset = 0
            while offset < bytes {
                try await channel.awaitBufferedAmount(atMost: 1 << 20, timeout: .seconds(60))
                let piece = BulkReport.pattern(offset: offset, count: min(chunk, bytes - offset))
                try await channel.send(piece)
                sent.append(contentsOf: piece)
                offset += piece.count
            }
        } catch { throw InteropError("\(events.owner): bulk on \(label) after sending: \(error)") }
        try await events.wait(for: "\(bytes) bulk bytes back on \(label)", timeout: .seconds(240)) { _ in
            state.withLock { ($0.bulkSinks[label]?.count ?? 0) >= bytes }
        }
        let seconds = Double((clock.now - start) / .milliseconds(1)) / 1000
        let received = state.withLock { $0.bulkSinks[label] ?? [] }
        return BulkReport(
            bytes: received.count, seconds: seconds, sha256: Hex.encode(DigestAlgorithm.sha256.hash(received)),
            sentSha256: Hex.encode(DigestAlgorithm.sha256.hash(sent)))
    }

    public func addMedia(_ request: MediaRequest) async throws(InteropError) {
        do {
            if request.audio {
                let tone = try client.createAudioTrack(source: .tone(frequency: request.toneFrequency, level: -10, channels: 1))
                try await connection.addTrack(tone, streamIDs: ["crucible"])
            }
            if let video = request.video {
                let pattern = try client.createVideoTrack(.init(width: video.width, height: video.height, frameRate: video.frameRate))
                try await connection.addTrack(pattern, streamIDs: ["crucible"])
            }
        } catch { throw InteropError("\(events.owner): addMedia: \(error)") }
    }

    public func startMediaEcho() async throws(InteropError) {
        state.withLock { $0.mediaEcho = true }
    }

    /// In echo mode, a pushed track of each of `kinds` that has none yet.
    private func addEchoTracks(for kinds: [MediaKind]) async throws(InteropError) {
        let needed = state.withLock { state in state.mediaEcho ? Set(kinds).subtracting(state.echoTracks.keys) : [] }
        for kind in MediaKind.allCases where needed.contains(kind) {
            do {
                let track = kind == .audio ? try client.createAudioTrack(source: .pushed) : try client.createVideoTrack(source: .pushed)
                try await connection.addTrack(track, streamIDs: ["crucible-echo"])
                state.withLock { $0.echoTracks[kind] = track }
            } catch { throw InteropError("\(events.owner): echoMedia: \(error)") }
        }
    }

    public func mediaReport() async throws(InteropError) -> MediaReport {
        var report = MediaReport()
        let statistics: StatisticsReport
        do { statistics = try await connection.statistics() } catch { throw InteropError("\(events.owner): mediaReport: \(error)") }
        for source in statistics.entries(ofType: "media-source") {
            guard case .int(let frames)? = source["frames"], case .string(let kind)? = source["kind"] else { continue }
            if kind == MediaKind.audio.rawValue { report.sentAudioFrames += frames } else { report.sentVideoFrames += frames }
        }
        let received = state.withLock { $0.received }
        if let audio = received[.audio] {
            let samples = audio.recentAudio.flatMap(\.samples)
            let frequency = audio.recentAudio.first.flatMap { first in
                ToneDetector.dominantFrequency(
                    in: AudioFrame(samples: samples, sampleRate: first.sampleRate, channels: first.channels), scanning: 100...4_000, step: 2)
            }
            report.audio = MediaReport.Audio(packets: audio.frames, decoded: audio.decoded, frequency: frequency)
        }
        if let video = received[.video] {
            report.video = MediaReport.Video(frames: video.frames, decoded: video.decoded, width: video.width, height: video.height, numbers: video.numbers)
        }
        return report
    }

    public func close() async {
        await connection.close()
        for task in observers.withLock({ $0 }) { task.cancel() }
    }

    public var logTail: String { "" }
    public var keyLog: [String] { connection.keyLog }

    /// Where the connection stands, for a failed cell's report.
    public func diagnostics() async -> String { await connection.diagnostics() }
}
