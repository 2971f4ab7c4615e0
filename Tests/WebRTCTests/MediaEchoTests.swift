import Harness
import Testing
import WebRTC

/// The webrtc-echoes answerer echoes media as an SFU's echo test does (issue #15, "The harnesses").
@Suite("Media echo")
struct MediaEchoTests {
    /// Loopback only: the answerer echoes from tasks of its own, and a simulation advances only while one
    /// caller waits, so two independent waiters (the echo tasks and this test) would take turns by timeouts.
    @Test("Audio, video and a data channel offered to the echo answerer all come back: frame numbers in order, the tone found")
    func echoesEverything() async throws {
        let runtime = Runtime.loopback
        let bench = Bench(runtime)
        let answerer = EchoAnswerer(client: bench.client)
        let caller = try await bench.client.createPeerConnection()
        let channel = try await caller.createDataChannel("echo")
        try await caller.addTrack(try bench.client.createAudioTrack(), streamIDs: ["echo"])
        let pattern = try await caller.addTrack(
            try bench.client.createVideoTrack(.init(width: 320, height: 240, frameRate: 30)), streamIDs: ["echo"])
        try await caller.setLocalDescription(try await caller.createOffer())
        try await caller.awaitIceGatheringComplete()
        let offer = try #require(try await caller.localDescription())
        let answer = try await answerer.answer(offer.sdp)
        try await caller.setRemoteDescription(SessionDescription(type: .answer, sdp: answer))
        try await channel.awaitState(.open)
        try await channel.send("ping")
        #expect(try await channel.receiveText() == "ping", bench.replay)

        let tracks = caller.remoteTracks
        let video = try #require(tracks.first { $0.kind == .video }, "no echoed video; \(bench.replay)")
        let audio = try #require(tracks.first { $0.kind == .audio }, "no echoed audio; \(bench.replay)")
        async let videoCheck = MediaCheck.video(video, frames: 60, sender: pattern)
        async let audioCheck = MediaCheck.audio(audio, frames: 100)
        let (seen, heard) = await (videoCheck, audioCheck)
        #expect(seen.isClean(atLeast: 55), "numbers \(seen.numbers); \(bench.replay)")
        #expect(seen.width == 320 && seen.height == 240, bench.replay)
        #expect(heard.found(440), "frequencies \(heard.frequencies); \(bench.replay)")
        #expect(!seen.delays.isEmpty, bench.replay)
        if runtime == .simulated {
            // A perfect simulated link and instant processing: an echo is back within a frame interval or two.
            #expect((seen.maximumDelay ?? .seconds(1)) < .milliseconds(100), "delays \(seen.delays); \(bench.replay)")
        }
        #expect(answerer.echoedFrames > 100, bench.replay)
        await caller.close()
        await answerer.close()
    }
}
