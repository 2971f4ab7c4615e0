import DataChannels
import JSEP
import Testing
import WebRTC

/// Security negatives of issue 7 at the engine level; the SCTP and DCEP floods are proven where they
/// are handled (`SCTPTests`, `DataChannelTests`).
@Suite("Security negatives between two engines")
struct SecurityTests {
    /// Replaces the first fingerprint's last byte: a certificate other than the one the peer will show.
    static func tamperFingerprint(_ sdp: String) -> String {
        var lines = sdp.components(separatedBy: "\r\n")
        guard let index = lines.firstIndex(where: { $0.hasPrefix("a=fingerprint:") }) else { return sdp }
        let line = lines[index]
        let last = line.suffix(2)
        lines[index] = line.dropLast(2) + (last == "00" ? "01" : "00")
        return lines.joined(separator: "\r\n")
    }

    @Test("A wrong a=fingerprint fails the connection and no application data is delivered", arguments: Runtime.allCases)
    func wrongFingerprint(runtime: Runtime) async throws {
        let bench = Bench(runtime)
        let offerer = try await bench.client.createPeerConnection()
        let answerer = try await bench.client.createPeerConnection()
        let channel = try await offerer.createDataChannel("secret")
        try await channel.send("must not arrive")
        try await offerer.setLocalDescription(try await offerer.createOffer())
        try await offerer.awaitIceGatheringComplete()
        let offer = try #require(try await offerer.localDescription())
        try await answerer.setRemoteDescription(offer)
        try await answerer.setLocalDescription(try await answerer.createAnswer())
        try await answerer.awaitIceGatheringComplete()
        let answer = try #require(try await answerer.localDescription())
        try await offerer.setRemoteDescription(SessionDescription(type: .answer, sdp: Self.tamperFingerprint(answer.sdp)))

        let final = try await offerer.state.wait(until: { $0 == .failed || $0 == .connected }, timeout: .seconds(30))
        #expect(final == .failed, bench.replay)
        #expect(offerer.dtlsState.current == .failed)
        #expect(!offerer.dtlsState.history.contains(.connected))
        // The cause reaches the caller as a value, not only as text (issue 13).
        let cause = try #require(offerer.failureReason)
        if case .dtls(.fingerprintMismatch) = cause {} else { Issue.record("the cause is \(cause), expected .dtls(.fingerprintMismatch)") }
        await #expect(throws: cause) { try await offerer.awaitState(.connected) }
        #expect(channel.state != .open)
        #expect(answerer.dataChannelEvents.all.isEmpty, "the answerer never saw a channel")
        await offerer.close()
        await answerer.close()
    }

    @Test("Descriptions that break JSEP are refused with typed errors, and the state does not move")
    func invalidDescriptions() async throws {
        let bench = Bench(.simulated)
        let peer = try await bench.client.createPeerConnection()
        let cases: [(String, SessionDescription)] = [
            ("not SDP", SessionDescription(type: .offer, sdp: "hello")),
            ("an answer in stable", SessionDescription(type: .answer, sdp: "v=0\r\n")),
            ("no ICE credentials", SessionDescription(type: .offer, sdp: """
                v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=fingerprint:sha-256 \(Array(repeating: "AB", count: 32).joined(separator: ":"))\r\na=setup:actpass\r\na=sctp-port:5000\r\n
                """)),
        ]
        for (name, description) in cases {
            do {
                try await peer.setRemoteDescription(description)
                Issue.record("\(name) was accepted")
            } catch {
                // webrtc-pc §4.4.1.5 checks the signalling state before the content: an answer in stable is
                // InvalidStateError whatever it holds.
                switch (error, description.type) {
                case (.invalidState, .answer), (.invalidDescription, .offer): break
                default: Issue.record("\(name): expected \(description.type == .answer ? ".invalidState" : ".invalidDescription"), got \(error)")
                }
            }
        }
        #expect(peer.signalingState.current == .stable)
        await peer.close()
    }

    @Test("Candidates that do not parse or name no media section are refused with typed errors")
    func invalidCandidates() async throws {
        let bench = Bench(.simulated)
        let pair = try await bench.pair()
        let bad: [IceCandidate] = [
            IceCandidate(candidate: "candidate:garbage", sdpMid: "0", sdpMLineIndex: 0),
            IceCandidate(candidate: "candidate:1 1 udp 2130706431 192.0.2.9 5000 typ host", sdpMid: "7", sdpMLineIndex: nil),
            IceCandidate(candidate: "candidate:1 1 udp 2130706431 192.0.2.9 5000 typ host", sdpMid: nil, sdpMLineIndex: 9),
        ]
        for candidate in bad {
            do {
                try await pair.answerer.addIceCandidate(candidate)
                Issue.record("\(candidate) was accepted")
            } catch {
                guard case .invalidCandidate = error else {
                    Issue.record("expected .invalidCandidate, got \(error)")
                    continue
                }
            }
        }
        try await pair.offererChannel.send("still connected")
        #expect(try await pair.answererChannel.receiveText() == "still connected")
        await pair.close()
    }

    @Test("Calls after close fail with invalidState")
    func afterClose() async throws {
        let bench = Bench(.simulated)
        let peer = try await bench.client.createPeerConnection()
        await peer.close()
        await #expect(throws: WebRTCError.self) { _ = try await peer.createOffer() }
        await #expect(throws: WebRTCError.self) { _ = try await peer.createDataChannel("late") }
    }
}

/// The signaling state machine through the API (W3C webrtc-pc §4.4.1): provisional answers and rollback.
@Suite("Signaling through the client API")
struct SignalingTests {
    @Test("A provisional answer, then the final one, connects; states pass through have-*-pranswer", arguments: Runtime.allCases)
    func provisionalAnswer(runtime: Runtime) async throws {
        let bench = Bench(runtime)
        let offerer = try await bench.client.createPeerConnection()
        let answerer = try await bench.client.createPeerConnection()
        let channel = try await offerer.createDataChannel("pr")
        try await offerer.setLocalDescription(try await offerer.createOffer())
        try await offerer.awaitIceGatheringComplete()
        try await answerer.setRemoteDescription(try #require(try await offerer.localDescription()))
        let provisional = try await answerer.createAnswer(type: .pranswer)
        try await answerer.setLocalDescription(provisional)
        try await answerer.awaitIceGatheringComplete()
        try await offerer.setRemoteDescription(try #require(try await answerer.localDescription()))
        #expect(offerer.signalingState.current == .haveRemotePranswer)
        #expect(answerer.signalingState.current == .haveLocalPranswer)
        try await channel.awaitState(.open)
        let final = try await answerer.createAnswer()
        try await answerer.setLocalDescription(final)
        try await offerer.setRemoteDescription(try #require(try await answerer.localDescription()))
        #expect(offerer.signalingState.history == [.stable, .haveLocalOffer, .haveRemotePranswer, .stable])
        #expect(answerer.signalingState.history == [.stable, .haveRemoteOffer, .haveLocalPranswer, .stable])
        let remote = try await answerer.firstOpenedChannel()
        try await channel.send("after the final answer")
        #expect(try await remote.receiveText() == "after the final answer", bench.replay)
        await offerer.close()
        await answerer.close()
    }

    @Test("Rolling back a local offer returns to stable, and a new offer can be made")
    func rollback() async throws {
        let bench = Bench(.simulated)
        let peer = try await bench.client.createPeerConnection()
        _ = try await peer.createDataChannel("x")
        try await peer.setLocalDescription(try await peer.createOffer())
        try await peer.setLocalDescription(SessionDescription(type: .rollback, sdp: ""))
        #expect(peer.signalingState.history == [.stable, .haveLocalOffer, .stable])
        #expect(try await peer.localDescription() == nil)
        try await peer.setLocalDescription(try await peer.createOffer())
        #expect(peer.signalingState.current == .haveLocalOffer)
        await peer.close()
    }

    @Test("The first data channel fires negotiationNeeded once; a completed exchange clears it")
    func negotiationNeeded() async throws {
        let bench = Bench(.simulated)
        let pair = try await bench.pair()
        #expect(pair.offerer.negotiationNeeded.all == [1])
        _ = try await pair.offerer.createDataChannel("second")
        #expect(pair.offerer.negotiationNeeded.all == [1], "the data section exists: no new negotiation")
        try await pair.offerer.restartIce()
        #expect(pair.offerer.negotiationNeeded.all == [1, 2])
        await pair.close()
    }
}

/// Trickle ICE through the API (RFC 8838, W3C addIceCandidate): descriptions go without candidates, and
/// each side's candidates follow one by one, then end-of-candidates.
@Suite("Trickle ICE through the client API")
struct TrickleTests {
    @Test("Candidates trickled after the descriptions connect both sides; an empty candidate ends them", arguments: Runtime.allCases)
    func trickle(runtime: Runtime) async throws {
        let bench = Bench(runtime)
        let offerer = try await bench.client.createPeerConnection()
        let answerer = try await bench.client.createPeerConnection()
        let channel = try await offerer.createDataChannel("trickled")
        let offer = try await offerer.createOffer()
        #expect(!offer.sdp.contains("a=candidate"), "created before gathering: no candidates yet")
        try await offerer.setLocalDescription(offer)
        try await answerer.setRemoteDescription(offer)
        let answer = try await answerer.createAnswer()
        try await answerer.setLocalDescription(answer)
        try await offerer.setRemoteDescription(answer)
        try await offerer.awaitIceGatheringComplete()
        try await answerer.awaitIceGatheringComplete()
        for (from, to) in [(offerer, answerer), (answerer, offerer)] {
            let candidates = from.iceCandidates.all
            #expect(!candidates.isEmpty)
            for candidate in candidates { try await to.addIceCandidate(candidate) }
            try await to.addIceCandidate(IceCandidate(candidate: "", sdpMid: candidates.first?.sdpMid, sdpMLineIndex: candidates.first?.sdpMLineIndex))
        }
        try await channel.awaitState(.open)
        let remote = try await answerer.firstOpenedChannel(label: "trickled")
        try await channel.send("trickled")
        #expect(try await remote.receiveText() == "trickled", bench.replay)
        #expect(offerer.iceConnectionState.current == .completed, "completed once both sides signalled end-of-candidates")
        await offerer.close()
        await answerer.close()
    }
}
