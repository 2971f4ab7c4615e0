import Harness
import Media
import SDP
import Testing
import WebRTC

/// Changes on a live call (issue #15: "Renegotiation after the connection is up", RtpSender parameters).
@Suite("Media on a live call")
struct MediaRenegotiationTests {
    @Test("A video track added after the call is up is negotiated again and its frames flow; audio goes on")
    func addTrackLater() async throws {
        let bench = Bench(.simulated)
        let caller = try await bench.client.createPeerConnection()
        let callee = try await bench.client.createPeerConnection()
        try await caller.addTrack(try bench.client.createAudioTrack())
        try await MediaTrackTests.negotiate(caller, callee)
        let first = try await MediaTrackTests.trackEvents(callee, count: 1)
        let audio = try #require(first.first?.track)
        _ = try await audio.nextFrame()

        try await caller.addTrack(try bench.client.createVideoTrack(.init(width: 160, height: 120)))
        try await MediaTrackTests.negotiate(caller, callee)
        let events = try await MediaTrackTests.trackEvents(callee, count: 2)
        let video = try #require(events.last?.track, bench.replay)
        #expect(video.kind == .video && video.mid != audio.mid, bench.replay)
        let seen = await MediaCheck.video(video, frames: 30)
        #expect(seen.isClean(atLeast: 30), "\(seen.numbers); \(bench.replay)")
        #expect(try await audio.nextFrame()?.audio != nil, bench.replay)
        await caller.close()
        await callee.close()
    }

    @Test("Setting a transceiver recvonly and negotiating again removes the peer's remote track; sendrecv brings a new one")
    func directionChange() async throws {
        let bench = Bench(.simulated)
        let caller = try await bench.client.createPeerConnection()
        let callee = try await bench.client.createPeerConnection()
        try await caller.addTrack(try bench.client.createAudioTrack())
        try await MediaTrackTests.negotiate(caller, callee)
        _ = try await MediaTrackTests.trackEvents(callee, count: 1)
        let transceiver = try #require(try await caller.transceivers().first)

        try await caller.setDirection(.recvonly, of: transceiver.id)
        try await MediaTrackTests.negotiate(caller, callee)
        let removed = try await MediaTrackTests.trackEvents(callee, count: 2)
        guard removed.count == 2, case .remove = removed[1] else {
            Issue.record("expected .add then .remove, got \(removed); \(bench.replay)")
            return
        }
        // The callee sends nothing back, so recvonly against its recvonly settles on inactive (RFC 3264 §6.1).
        #expect(try await caller.transceivers().first?.currentDirection == .inactive, bench.replay)

        try await caller.setDirection(.sendrecv, of: transceiver.id)
        try await MediaTrackTests.negotiate(caller, callee)
        let back = try await MediaTrackTests.trackEvents(callee, count: 3)
        guard back.count == 3, case .add(let track) = back[2] else {
            Issue.record("expected a new .add, got \(back); \(bench.replay)")
            return
        }
        #expect(try await track.nextFrame()?.audio != nil, bench.replay)
        await caller.close()
        await callee.close()
    }

    @Test("setParameters applies at once: scaleResolutionDownBy 2 halves the pictures, active false stops them; a stale transaction id is refused")
    func senderParameters() async throws {
        let bench = Bench(.simulated)
        let caller = try await bench.client.createPeerConnection()
        let callee = try await bench.client.createPeerConnection()
        let sender = try await caller.addTrack(try bench.client.createVideoTrack(.init(width: 320, height: 240)))
        try await MediaTrackTests.negotiate(caller, callee)
        let video = try #require(try await MediaTrackTests.trackEvents(callee, count: 1).first?.track)
        #expect(try await video.nextFrame()?.video?.width == 320, bench.replay)

        var parameters = try await sender.parameters()
        #expect(parameters.codecs.map(\.name) == ["VP8", "rtx"], bench.replay)
        #expect(parameters.headerExtensions.contains { $0.uri == "urn:ietf:params:rtp-hdrext:sdes:mid" })
        #expect(parameters.encodings.first?.ssrc != nil)
        parameters.encodings[0].scaleResolutionDownBy = 2
        try await sender.setParameters(parameters)
        await expectStaleTransactionRefused(sender, parameters)
        await bench.network?.run(for: .milliseconds(300))
        for _ in 0..<video.pendingFrames { _ = try await video.nextFrame() }
        let scaled = try await video.nextFrame()?.video
        #expect(scaled?.width == 160 && scaled?.height == 120, bench.replay)

        parameters = try await sender.parameters()
        parameters.encodings[0].active = false
        try await sender.setParameters(parameters)
        await bench.network?.run(for: .milliseconds(300))
        let before = video.framesDelivered
        await bench.network?.run(for: .seconds(1))
        #expect(video.framesDelivered == before, bench.replay)
        await caller.close()
        await callee.close()
    }

    func expectStaleTransactionRefused(_ sender: RtpSender, _ parameters: RtpParameters) async {
        await #expect(throws: WebRTCError.self) { try await sender.setParameters(parameters) }
    }
}
