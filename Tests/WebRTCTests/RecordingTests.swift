import Conformance
import Decryption
import Foundation
import Replay
import Simulation
import Testing
import Harness
import WebRTC

/// Sessions recorded as pcapng plus key log (DESIGN §1.6) are judged clean by the replay checker,
/// through every layer: STUN/ICE, DTLS records decrypted, SCTP and DCEP (issue 7).
@Suite("Recorded engine sessions replay clean")
struct RecordingTests {
    /// A session with text, binary, an in-band channel from each side and a close.
    static func exercise(_ pair: PeerPair) async throws {
        try await pair.offererChannel.send("hello")
        _ = try await pair.answererChannel.receive()
        try await pair.answererChannel.send([1, 2, 3])
        _ = try await pair.offererChannel.receive()
        let second = try await pair.answerer.createDataChannel("second") { $0.ordered = false }
        try await second.awaitState(.open)
        try await second.send(String(repeating: "x", count: 5000))
        let seen = try await pair.offerer.firstOpenedChannel(label: "second")
        _ = try await seen.receive()
        await pair.offererChannel.close()
        try await pair.answererChannel.awaitState(.closed)
    }

    static func judge(capture: String, keyLog: String) throws -> ReplayReport {
        try ReplayChecker.check(capturePath: capture, name: "engine session", options: ReplayOptions(keyLog: KeyLog(parsing: keyLog)))
    }

    @Test("A loopback session recorded by the UDP driver replays clean with its key log")
    func loopback() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crucible-rec-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let recording = Recording(directory: folder, name: "loopback")
        let client = WebRTCClient(engine: .native)
        let origin = ContinuousClock.now
        let pair = try await PeerPair.connect(
            client: client, configure: { side, configuration in if side == 0 { configuration.recording = recording } },
            clock: { ContinuousClock.now - origin })
        try await Self.exercise(pair)
        await pair.close()
        let report = try Self.judge(capture: recording.capturePath, keyLog: String(decoding: FileManager.default.contents(atPath: recording.keyLogPath) ?? Data(), as: UTF8.self))
        #expect(report.findings.isEmpty, "\(report.brokenRules)")
        let dtls = try #require(report.dtls)
        #expect(dtls.keyedHandshakes == 1 && dtls.missingKeys == 0 && dtls.failed == 0)
        #expect(dtls.decrypted > 10)
        #expect(report.sctpPackets > 10)
    }

    @Test("A simulated session under 5 % loss replays clean with its key log")
    func simulated() async throws {
        let bench = Bench(.simulated, conditions: .loss5, seed: 0x5417, filter: "RecordingTests", recording: true)
        let pair = try await bench.pair()
        try await Self.exercise(pair)
        await pair.close()
        let network = try #require(bench.network)
        await network.run(for: .seconds(1))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("crucible-sim-\(UUID().uuidString).pcapng").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try network.writeCapture(to: path)
        let report = try Self.judge(capture: path, keyLog: pair.offerer.keyLog.joined(separator: "\n"))
        #expect(report.findings.isEmpty, "\(report.brokenRules); \(bench.replay)")
        #expect(report.dtls?.keyedHandshakes == 1)
        #expect((report.dtls?.decrypted ?? 0) > 10)
    }

    @Test("The engine sessions kept in Captures/ replay clean with their key logs")
    func kept() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.appendingPathComponent("Captures")
        let captures = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".pcapng") }.sorted()
        #expect(!captures.isEmpty, "Captures/ holds the sessions `crucible tour --record Captures` writes")
        for capture in captures {
            let keys = folder.appendingPathComponent(capture.replacingOccurrences(of: ".pcapng", with: ".keys"))
            let keyLog = try String(contentsOf: keys, encoding: .utf8)
            let report = try Self.judge(capture: folder.appendingPathComponent(capture).path, keyLog: keyLog)
            #expect(report.findings.isEmpty, "\(capture): \(report.brokenRules)")
            #expect(report.dtls?.keyedHandshakes ?? 0 >= 1, "\(capture)")
        }
    }
}


/// Media sessions recorded the same way: SRTP decrypted from the key log, payloads judged (issue #15).
@Suite("Recorded media sessions replay clean")
struct MediaRecordingTests {
    @Test("A simulated audio and video call under 2 % loss replays with no error: SRTP authenticates, Opus and VP8 payloads judged")
    func simulatedCall() async throws {
        let conditions = LinkConditions(delay: .milliseconds(25), jitter: .milliseconds(2), loss: .independent(0.02))
        let bench = Bench(.simulated, conditions: conditions, seed: 0x15, filter: "MediaRecordingTests", recording: true)
        let call = try await MediaSessionTests.call(bench)
        await bench.network?.run(for: .seconds(3))
        await call.caller.close()
        await call.callee.close()
        let network = try #require(bench.network)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("crucible-media-\(UUID().uuidString).pcapng").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try network.writeCapture(to: path)
        let options = ReplayOptions(
            payloadTypes: [PayloadTypeAssignment(payloadType: 111, codec: .opus), PayloadTypeAssignment(payloadType: 96, codec: .vp8)],
            keyLog: KeyLog(parsing: call.caller.keyLog.joined(separator: "\n")))
        let report = try ReplayChecker.check(capturePath: path, name: "media call", options: options)
        #expect(!report.hasErrors, "\(report.brokenRules); \(bench.replay)")
        let decryption = try #require(report.decryption)
        #expect(decryption.authenticated > 250 && decryption.failed == 0, "\(decryption); \(bench.replay)")
        #expect(report.media.opusPackets > 100 && report.media.vp8Frames > 50 && report.media.vp8KeyFrames >= 1, "\(report.media)")
    }
}
