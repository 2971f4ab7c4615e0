import DataChannels
import Decryption
import EchoSignaling
import Foundation
import Replay
import Testing
import Harness
import WebRTC

/// Our engine against aiortc over loopback (issue 7), both ways round, through the webrtc-echoes
/// convention: aiortc offers to our `EchoAnswerer` behind `EchoSignalingServer`, and our engine offers
/// to `aiortc_peer.py serve`. The aiortc side is `Scripts/interop/aiortc_peer.py` in `.venv-interop/`.
@Suite("Our engine against aiortc")
struct EngineAiortcTests {
    /// Runs `body` with our echo answerer listening on loopback; it is closed afterwards.
    static func withOurServer<R>(negotiated: [UInt16] = [], recording: Recording? = nil, _ body: (String) async throws -> R) async throws -> R {
        let answerer = EchoAnswerer(client: WebRTCClient(engine: .native), negotiatedIDs: negotiated)
        let server = try await EchoSignalingServer.start(port: 0) { offer in
            .answer(try await answerer.answer(offer.sdp, recording: recording))
        }
        do {
            let result = try await body("http://127.0.0.1:\(server.port)/offer")
            await server.stop()
            await answerer.close()
            return result
        } catch {
            await server.stop()
            await answerer.close()
            throw error
        }
    }

    /// JSON booleans as `AiortcPeer.fields` renders them (through NSNumber: "1"/"0").
    static func isTrue(_ field: String?) -> Bool { field == "1" || field == "true" }
    static func isFalse(_ field: String?) -> Bool { field == "0" || field == "false" }

    static let scenarios = ["text", "binary", "ordered-1000", "unreliable", "negotiated", "bulk", "close-by-offerer", "close-by-answerer"]

    @Test("aiortc offers and our engine answers: every scenario passes (reliable, unreliable, negotiated, 16 MiB by hash, close both ways)", arguments: scenarios)
    func aiortcOffers(scenario: String) async throws {
        try InteropEnvironment.requireInstalled("aiortc")
        let result = try await Self.withOurServer(negotiated: [5]) { url in
            try await AiortcPeer.connect(url, scenario: scenario, arguments: ["--id", "5"], timeout: .seconds(200))
        }
        #expect(Self.isTrue(result["ok"]), "\(result["detail"] ?? ""): \(result["output"] ?? "")")
        if scenario == "bulk" {
            #expect(result["bytes"] == String(16 * 1024 * 1024))
        }
    }

    /// The next message, or nil when none comes within `timeout`.
    static func receive(on channel: DataChannel, within timeout: Duration) async throws -> DataChannelMessage? {
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while clock.now < end {
            if let message = channel.tryReceive() { return message }
            try await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    /// Our offer to aiortc's echo server: a connection with its channel open.
    static func offer(to url: String, label: String, options: DataChannelOptions = DataChannelOptions(), recording: Recording? = nil) async throws -> (PeerConnection, DataChannel) {
        let client = WebRTCClient(engine: .native)
        let connection = try await client.createPeerConnection { $0.recording = recording }
        let channel = try await connection.createDataChannel(label) { $0 = options }
        try await connection.setLocalDescription(try await connection.createOffer())
        try await connection.awaitIceGatheringComplete()
        let offer = try #require(try await connection.localDescription())
        let answer = try await EchoSignalingClient.exchange(.offer(offer.sdp), with: url)
        try await connection.setRemoteDescription(SessionDescription(type: .answer, sdp: answer.sdp))
        try await channel.awaitState(.open)
        return (connection, channel)
    }

    @Test("Our engine offers and aiortc answers: text and binary echo on a reliable channel, options reflected")
    func weOfferReliable() async throws {
        try await AiortcPeer.Server.with(negotiated: []) { server in
            let options = DataChannelOptions.with { $0.protocol = "crucible" }
            let (connection, channel) = try await Self.offer(to: "http://127.0.0.1:\(server.port)/offer", label: "reliable", options: options)
            let messages: [DataChannelMessage] = [.text("hello"), .text(""), .text("grüße 🎉"), .binary([1, 2, 3]), .binary([])]
            for message in messages {
                try await channel.send(message)
                #expect(try await channel.receive() == message)
            }
            let seen = try #require(server.channel("reliable"))
            #expect(seen["protocol"] == "crucible" && Self.isTrue(seen["ordered"]) && Self.isFalse(seen["negotiated"]))
            await connection.close()
        }
    }

    @Test("Our engine offers and aiortc answers: an unreliable channel (unordered, maxRetransmits 0) echoes without duplicates")
    func weOfferUnreliable() async throws {
        try await AiortcPeer.Server.with(negotiated: []) { server in
            let options = DataChannelOptions.with {
                $0.ordered = false
                $0.maxRetransmits = 0
            }
            let (connection, channel) = try await Self.offer(to: "http://127.0.0.1:\(server.port)/offer", label: "lossy", options: options)
            for index in 0..<200 { try await channel.send("u\(index)") }
            // Unreliable both ways: even on loopback a full socket buffer may lose a message, which is then
            // never retransmitted. Collect until 200 arrived or nothing came for 5 s.
            var seen = Set<String>()
            while seen.count < 200 {
                guard let message = try? await Self.receive(on: channel, within: .seconds(5)) else { break }
                guard case .text(let text) = message else { continue }
                #expect(seen.insert(text).inserted, "duplicate \(text)")
            }
            #expect(seen.count >= 100, "most echoes arrive on loopback: \(seen.count) of 200")
            #expect(seen.isSubset(of: Set((0..<200).map { "u\($0)" })), "nothing that was not sent")
            let reported = try #require(server.channel("lossy"))
            #expect(Self.isFalse(reported["ordered"]) && reported["maxRetransmits"] == "0")
            await connection.close()
        }
    }

    @Test("Our engine offers and aiortc answers: a negotiated channel with an agreed id")
    func weOfferNegotiated() async throws {
        try await AiortcPeer.Server.with(negotiated: [5]) { server in
            let options = DataChannelOptions.with {
                $0.negotiated = true
                $0.id = 5
            }
            let (connection, channel) = try await Self.offer(to: "http://127.0.0.1:\(server.port)/offer", label: "negotiated-5", options: options)
            #expect(channel.id == 5)
            try await channel.send("agreed")
            #expect(try await channel.receiveText() == "agreed")
            await connection.close()
        }
    }

    @Test("Our engine offers and aiortc answers: 16 MiB echoed back intact (SHA-256)")
    func weOfferBulk() async throws {
        try await AiortcPeer.Server.with(negotiated: []) { server in
            let (connection, channel) = try await Self.offer(to: "http://127.0.0.1:\(server.port)/offer", label: "bulk")
            let result = try await BulkTransfer.echo(bytes: 16 * 1024 * 1024, over: channel)
            #expect(result.bytes == 16 * 1024 * 1024)
            await connection.close()
        }
    }

    @Test("Close propagates both ways: our close reaches aiortc, and aiortc's close reaches us")
    func closeBothWays() async throws {
        try await AiortcPeer.Server.with(negotiated: []) { server in
            let url = "http://127.0.0.1:\(server.port)/offer"
            let (connection, ours) = try await Self.offer(to: url, label: "closed-by-us")
            await ours.close()
            try await ours.awaitState(.closed)
            try await server.wait(for: "aiortc to see our close") { events in
                events.contains { $0["event"] == "closed" && $0["label"] == "closed-by-us" }
            }
            let theirs = try await connection.createDataChannel("closed-by-them")
            try await theirs.awaitState(.open)
            try await theirs.send("close-me")
            try await theirs.awaitState(.closed)
            await connection.close()
        }
    }

    @Test("An engine↔aiortc session recorded on our side replays clean with our key log")
    func recorded() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crucible-aiortc-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let recording = Recording(directory: folder, name: "engine-aiortc")
        try await AiortcPeer.Server.with(negotiated: []) { server in
            let (connection, channel) = try await Self.offer(to: "http://127.0.0.1:\(server.port)/offer", label: "recorded", recording: recording)
            try await channel.send("recorded")
            _ = try await channel.receive()
            await channel.close()
            try await channel.awaitState(.closed)
            await connection.close()
        }
        let keyLog = try String(contentsOfFile: recording.keyLogPath, encoding: .utf8)
        let report = try ReplayChecker.check(capturePath: recording.capturePath, name: "engine-aiortc", options: ReplayOptions(keyLog: KeyLog(parsing: keyLog)))
        #expect(report.findings.isEmpty, "\(report.brokenRules)")
        #expect(report.dtls?.keyedHandshakes == 1)
        #expect((report.dtls?.decrypted ?? 0) >= 6)
    }
}

