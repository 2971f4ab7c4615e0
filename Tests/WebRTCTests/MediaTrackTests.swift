import Media
import Testing
import WebRTC

/// Ktor's own media tests (WebRtcMediaTest, WebRtcEngineTest) as specifications, on both runtimes.
@Suite("Media tracks")
struct MediaTrackTests {
    /// Offer/answer without trickle: each side's description is taken once its gathering is complete.
    static func negotiate(_ offerer: PeerConnection, _ answerer: PeerConnection) async throws {
        let offer = try await offerer.createOffer()
        try await offerer.setLocalDescription(offer)
        try await offerer.awaitIceGatheringComplete()
        let fullOffer = try #require(try await offerer.localDescription())
        try await answerer.setRemoteDescription(fullOffer)
        let answer = try await answerer.createAnswer()
        try await answerer.setLocalDescription(answer)
        try await answerer.awaitIceGatheringComplete()
        let fullAnswer = try #require(try await answerer.localDescription())
        try await offerer.setRemoteDescription(fullAnswer)
    }

    /// Every `.add` (and `.remove`) a connection's track events give within the connection's timeout, until `count`.
    static func trackEvents(_ connection: PeerConnection, count: Int) async throws -> [TrackEvent] {
        var events: [TrackEvent] = []
        var iterator = connection.trackEvents.makeAsyncIterator()
        while events.count < count, let event = try await iterator.nextEvent() { events.append(event) }
        return events
    }

    @Test("A new track has its kind, is enabled, and enable toggles it")
    func newTrack() async throws {
        let client = WebRTCClient(engine: .native)
        let audio = try client.createAudioTrack(.init(echoCancellation: true))
        let video = try client.createVideoTrack(.init(width: 320, height: 240))
        #expect(audio.kind == .audio && video.kind == .video)
        #expect(audio.isEnabled && video.isEnabled)
        await audio.enable(false)
        #expect(!audio.isEnabled)
        await audio.enable(true)
        #expect(audio.isEnabled)
        #expect(video.source == .testPattern(width: 320, height: 240, frameRate: 30))
    }

    @Test("After addTrack the offer has an audio section", arguments: Runtime.allCases)
    func offerHasAudio(_ runtime: Runtime) async throws {
        let bench = Bench(runtime)
        let connection = try await bench.client.createPeerConnection()
        try await connection.addTrack(try bench.client.createAudioTrack())
        let offer = try await connection.createOffer()
        #expect(offer.sdp.contains("m=audio 9 UDP/TLS/RTP/SAVPF 111"), bench.replay)
        #expect(offer.sdp.contains("a=rtpmap:111 opus/48000/2"), bench.replay)
        await connection.close()
    }

    @Test("Both peers add audio and video: each sees one audio and one video .add, a late listener too", arguments: Runtime.allCases)
    func bothSidesAddTracks(_ runtime: Runtime) async throws {
        let bench = Bench(runtime)
        let caller = try await bench.client.createPeerConnection()
        let callee = try await bench.client.createPeerConnection()
        for connection in [caller, callee] {
            try await connection.addTrack(try bench.client.createAudioTrack(), streamIDs: ["s"])
            try await connection.addTrack(try bench.client.createVideoTrack(.init(width: 160, height: 120)), streamIDs: ["s"])
        }
        try await Self.negotiate(caller, callee)
        for connection in [caller, callee] {
            let events = try await Self.trackEvents(connection, count: 2)
            let added = events.compactMap { if case .add(let track) = $0 { track.kind } else { nil } }
            #expect(added.sorted { $0.rawValue < $1.rawValue } == [.audio, .video], bench.replay)
            // A second, late listener starts from the first event.
            let late = try await Self.trackEvents(connection, count: 2)
            #expect(late.count == 2, bench.replay)
        }
        let transceivers = try await caller.transceivers()
        #expect(transceivers.map(\.currentDirection) == [.sendrecv, .sendrecv], bench.replay)
        await caller.close()
        await callee.close()
    }

    @Test("removeTrack and renegotiation give the other side .remove", arguments: Runtime.allCases)
    func removeTrack(_ runtime: Runtime) async throws {
        let bench = Bench(runtime)
        let caller = try await bench.client.createPeerConnection()
        let callee = try await bench.client.createPeerConnection()
        let sender = try await caller.addTrack(try bench.client.createAudioTrack())
        try await Self.negotiate(caller, callee)
        let added = try await Self.trackEvents(callee, count: 1)
        #expect(added.count == 1, bench.replay)
        try await caller.removeTrack(sender)
        #expect(sender.track == nil)
        try await Self.negotiate(caller, callee)
        let events = try await Self.trackEvents(callee, count: 2)
        guard events.count == 2, case .remove(let removed) = events[1] else {
            Issue.record("expected .add then .remove, got \(events); \(bench.replay)")
            return
        }
        #expect(removed.kind == .audio && removed.isEnded, bench.replay)
        await caller.close()
        await callee.close()
    }

    @Test("Ten seconds of audio and video on the simulator: every frame number arrives once and in order, the tone is found")
    func mediaFlows() async throws {
        let bench = Bench(.simulated)
        let caller = try await bench.client.createPeerConnection()
        let callee = try await bench.client.createPeerConnection()
        let tone = try bench.client.createAudioTrack(source: .tone(frequency: 1_000, level: -10, channels: 1))
        try await caller.addTrack(tone)
        try await caller.addTrack(try bench.client.createVideoTrack(.init(width: 320, height: 240, frameRate: 30)))
        try await Self.negotiate(caller, callee)
        let events = try await Self.trackEvents(callee, count: 2)
        let tracks = events.map(\.track)
        let video = try #require(tracks.first { $0.kind == .video })
        let audio = try #require(tracks.first { $0.kind == .audio })

        // Ten seconds at 30 fps: every frame number once and in order.
        var numbers: [UInt32] = []
        while numbers.count < 300, let frame = try await video.nextFrame() {
            if let picture = frame.video, let number = FrameNumberMark.read(from: picture) { numbers.append(number) }
        }
        #expect(numbers == Array(numbers.first.map { $0..<$0 + 300 } ?? 0..<0), bench.replay)
        #expect(numbers.first == 0, bench.replay)

        var frequencies: [Double] = []
        while frequencies.count < 20, let frame = try await audio.nextFrame() {
            if let samples = frame.audio, let found = ToneDetector.dominantFrequency(in: samples) { frequencies.append(found) }
        }
        let late = frequencies.dropFirst(5)
        #expect(!late.isEmpty && late.allSatisfy { abs($0 - 1_000) < 20 }, "\(frequencies) \(bench.replay)")
        await caller.close()
        await callee.close()
    }
}
