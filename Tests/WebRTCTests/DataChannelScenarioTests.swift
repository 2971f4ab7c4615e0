import DataChannels
import Testing
import WebRTC

/// The data channel and connection scenarios of Ktor's WebRTC client tests, on both runtimes (issue 7).
@Suite("Data channel scenarios between two engines")
struct DataChannelScenarioTests {
    @Test("Text goes both ways on a channel the offerer opened", arguments: Runtime.allCases)
    func textBothWays(runtime: Runtime) async throws {
        let bench = Bench(runtime)
        let pair = try await bench.pair()
        try await pair.offererChannel.send("hello from the offerer")
        #expect(try await pair.answererChannel.receiveText() == "hello from the offerer", bench.replay)
        try await pair.answererChannel.send("hello back")
        #expect(try await pair.offererChannel.receiveText() == "hello back", bench.replay)
        await pair.close()
    }

    @Test("Binary, empty binary, empty text and non-ASCII text arrive as sent, with their kinds", arguments: Runtime.allCases)
    func messageKinds(runtime: Runtime) async throws {
        let bench = Bench(runtime)
        let pair = try await bench.pair()
        let messages: [DataChannelMessage] = [.binary([0, 1, 2, 255]), .binary([]), .text(""), .text("grüße, 世界 🎉")]
        for message in messages { try await pair.offererChannel.send(message) }
        for message in messages { #expect(try await pair.answererChannel.receive() == message, bench.replay) }
        await pair.close()
    }

    @Test("The answerer sees the label, protocol and reliability options the offerer chose", arguments: Runtime.allCases)
    func optionsReflected(runtime: Runtime) async throws {
        let bench = Bench(runtime)
        let options = DataChannelOptions.with {
            $0.ordered = false
            $0.maxRetransmits = 3
            $0.protocol = "crucible-proto"
        }
        let pair = try await bench.pair(label: "options", options: options)
        let remote = pair.answererChannel
        #expect(remote.label == "options")
        #expect(remote.protocol == "crucible-proto")
        #expect(remote.ordered == false)
        #expect(remote.maxRetransmits == 3)
        #expect(remote.maxPacketLifeTime == nil)
        #expect(remote.negotiated == false)
        #expect(remote.id == pair.offererChannel.id)
        await pair.close()
    }

    @Test("Stream ids follow the DTLS role: even for the DTLS client, odd for the server (RFC 8832 §6)", arguments: Runtime.allCases)
    func streamParity(runtime: Runtime) async throws {
        let bench = Bench(runtime)
        let pair = try await bench.pair()
        let offererRole = try await pair.offerer.statistics().entries(ofType: "transport").first?["dtlsRole"]
        let id = try #require(pair.offererChannel.id)
        #expect(offererRole == .string(id % 2 == 0 ? "client" : "server"), bench.replay)
        let second = try await pair.answerer.createDataChannel("from-answerer")
        try await second.awaitState(.open)
        let secondID = try #require(second.id)
        #expect(secondID % 2 != id % 2, "the answerer is the other DTLS role")
        await pair.close()
    }

    @Test("Negotiated channels with the same id on both sides talk without DCEP", arguments: Runtime.allCases)
    func negotiated(runtime: Runtime) async throws {
        let bench = Bench(runtime)
        let options = DataChannelOptions.with {
            $0.negotiated = true
            $0.id = 7
        }
        let pair = try await bench.pair(label: "agreed", options: options)
        #expect(pair.offererChannel.id == 7 && pair.answererChannel.id == 7)
        #expect(pair.answererChannel.negotiated)
        try await pair.answererChannel.send("negotiated")
        #expect(try await pair.offererChannel.receiveText() == "negotiated", bench.replay)
        await pair.close()
    }

    @Test("1000 ordered messages arrive exactly once and in order", arguments: Runtime.allCases)
    func thousandOrdered(runtime: Runtime) async throws {
        let bench = Bench(runtime)
        let pair = try await bench.pair()
        for index in 0..<1000 { try await pair.offererChannel.send("message \(index)") }
        for index in 0..<1000 {
            let text = try await pair.answererChannel.receiveText()
            guard text == "message \(index)" else {
                Issue.record("message \(index) arrived as \(text); \(bench.replay)")
                break
            }
        }
        #expect(pair.answererChannel.tryReceive() == nil, "nothing more")
        await pair.close()
    }

    @Test("bufferedAmountLow fires exactly once when the buffer drains past the threshold (simulated: every send is buffered before any acknowledgement)")
    func bufferedAmountLow() async throws {
        let bench = Bench(.simulated)
        let pair = try await bench.pair()
        let channel = pair.offererChannel
        try await channel.setBufferedAmountLowThreshold(16 * 1024)
        for _ in 0..<8 { try await channel.send([UInt8](repeating: 0xAB, count: 16 * 1024)) }
        #expect(channel.bufferedAmount == 8 * 16 * 1024, "the messages are buffered right after send")
        for _ in 0..<8 { _ = try await pair.answererChannel.receiveBinary() }
        try await channel.awaitBufferedAmount(atMost: 0)
        #expect(Self.lows(of: channel, in: pair.offerer).count == 1, bench.replay)
        await pair.close()
    }

    @Test("On loopback, bufferedAmountLow fires once per crossing of the threshold, at least once and at most once per send")
    func bufferedAmountLowLoopback() async throws {
        let bench = Bench(.loopback)
        let pair = try await bench.pair()
        let channel = pair.offererChannel
        try await channel.setBufferedAmountLowThreshold(16 * 1024)
        // Acknowledgements come back while we send, so the amount may dip below the threshold between sends.
        for _ in 0..<8 { try await channel.send([UInt8](repeating: 0xAB, count: 32 * 1024)) }
        for _ in 0..<8 { _ = try await pair.answererChannel.receiveBinary() }
        try await channel.awaitBufferedAmount(atMost: 0)
        let lows = Self.lows(of: channel, in: pair.offerer).count
        #expect(lows >= 1 && lows <= 8)
        await pair.close()
    }

    static func lows(of channel: DataChannel, in connection: PeerConnection) -> [DataChannelEvent] {
        connection.dataChannelEvents.all.filter {
            if case .bufferedAmountLow(let low) = $0 { low.handle == channel.handle } else { false }
        }
    }

    @Test("Closing a channel is seen by both sides: closing then closed, and the peer's channel closes", arguments: Runtime.allCases)
    func closeSeenByBoth(runtime: Runtime) async throws {
        let bench = Bench(runtime)
        let pair = try await bench.pair()
        await pair.offererChannel.close()
        try await pair.answererChannel.awaitState(.closed)
        try await pair.offererChannel.awaitState(.closed)
        let localEvents = pair.offerer.dataChannelEvents.all.compactMap { event -> String? in
            switch event {
            case .closing(let channel) where channel.handle == pair.offererChannel.handle: "closing"
            case .closed(let channel) where channel.handle == pair.offererChannel.handle: "closed"
            default: nil
            }
        }
        #expect(localEvents == ["closing", "closed"], bench.replay)
        #expect(pair.answerer.dataChannelEvents.all.contains { if case .closed = $0 { true } else { false } })
        await pair.close()
    }

    @Test("Sending on a closed channel fails with a typed error", arguments: Runtime.allCases)
    func sendAfterClose(runtime: Runtime) async throws {
        let bench = Bench(runtime)
        let pair = try await bench.pair()
        await pair.offererChannel.close()
        try await pair.offererChannel.awaitState(.closed)
        await #expect(throws: WebRTCError.self) { try await pair.offererChannel.send("too late") }
        do {
            try await pair.offererChannel.send("too late")
        } catch {
            guard case .dataChannel(.notOpen) = error else {
                Issue.record("expected .dataChannel(.notOpen), got \(error)")
                return
            }
        }
        await pair.close()
    }

    @Test("A message over the peer's max-message-size fails with a typed error at send", arguments: Runtime.allCases)
    func oversized(runtime: Runtime) async throws {
        let bench = Bench(runtime)
        let pair = try await bench.pair()
        do {
            try await pair.offererChannel.send([UInt8](repeating: 1, count: 262_145))
            Issue.record("an oversized message was accepted")
        } catch {
            guard case .dataChannel(.messageTooLarge(let size, let limit)) = error else {
                Issue.record("expected .messageTooLarge, got \(error)")
                return
            }
            #expect(size == 262_145 && limit == 262_144)
        }
        try await pair.offererChannel.send("still usable")
        #expect(try await pair.answererChannel.receiveText() == "still usable")
        await pair.close()
    }

    @Test("Connection states go new → connecting → connected on both sides; signaling ends stable", arguments: Runtime.allCases)
    func states(runtime: Runtime) async throws {
        let bench = Bench(runtime)
        let pair = try await bench.pair()
        for peer in [pair.offerer, pair.answerer] {
            #expect(Array(peer.state.history.prefix(3)) == [.new, .connecting, .connected], bench.replay)
            #expect(peer.signalingState.current == .stable)
            #expect(peer.iceGatheringState.current == .complete)
            #expect([.connected, .completed].contains(peer.iceConnectionState.current))
            #expect(peer.dtlsState.current == .connected)
        }
        #expect(pair.offerer.signalingState.history == [.stable, .haveLocalOffer, .stable])
        #expect(pair.answerer.signalingState.history == [.stable, .haveRemoteOffer, .stable])
        await pair.close()
        #expect(pair.offerer.state.current == .closed)
        #expect(pair.offerer.signalingState.current == .closed)
    }

    @Test("Closing a peer connection closes the peer's channels with events (SCTP ABORT)", arguments: Runtime.allCases)
    func peerCloseClosesChannels(runtime: Runtime) async throws {
        let bench = Bench(runtime)
        let pair = try await bench.pair()
        await pair.offerer.close()
        try await pair.answererChannel.awaitState(.closed)
        #expect(pair.answerer.dataChannelEvents.all.contains { if case .closed = $0 { true } else { false } }, bench.replay)
        await pair.answerer.close()
    }
}
