import Decryption
import Foundation
import Replay
import Testing

/// The sessions our harnesses recorded in `Captures/`, with the offer and answer kept beside each.
enum SignallingFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Captures")

    static func text(_ file: String) -> String {
        (try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)) ?? ""
    }

    /// A recording's offer and answer, each optionally rewritten first.
    static func signalling(
        _ capture: String, offer: (String) -> String = { $0 }, answer: (String) -> String = { $0 }
    ) -> ReplaySignalling {
        ReplaySignalling([
            SignalledText(source: "\(capture).offer.sdp", text: offer(text("\(capture).offer.sdp")), side: .offerer),
            SignalledText(source: "\(capture).answer.sdp", text: answer(text("\(capture).answer.sdp")), side: .answerer),
        ])
    }

    /// The media tour's offer and answer (Opus 111, VP8 96, RTX 97 apt=96).
    static let media = signalling("engine-engine-media")

    /// A recording judged with its key log and the given signalling.
    static func report(_ capture: String, _ signalling: ReplaySignalling) throws -> ReplayReport {
        try ReplayChecker.check(
            capturePath: folder.appendingPathComponent("\(capture).pcapng").path, name: capture,
            options: ReplayOptions(keyLog: KeyLog(parsing: text("\(capture).keys")), signalling: signalling))
    }

    /// `text` with every match of `pattern` (a regular expression) replaced.
    static func replacing(_ pattern: String, with replacement: String) -> @Sendable (String) -> String {
        { text in text.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression) }
    }
}

@Suite("Replay with the session's signalling")
struct SignallingTests {
    @Test("A recording's offer and answer: every rule they add holds, and the inventory names the data channel")
    func dataSession() throws {
        let report = try SignallingFixtures.report("engine-engine-loopback", SignallingFixtures.signalling("engine-engine-loopback"))
        #expect(report.findings.isEmpty, "\(report.brokenRules)")
        #expect(report.unjudged.isEmpty)
        let inventory = report.inventory
        #expect(inventory.signalling?.dtlsClient == "answerer")
        #expect(inventory.signalling?.sources == ["offerer": "engine-engine-loopback.offer.sdp", "answerer": "engine-engine-loopback.answer.sdp"])
        let channel = try #require(inventory.dataChannels.first)
        #expect(inventory.dataChannels.count == 1)
        #expect(channel.label == "tour" && channel.protocol == "" && channel.channelType == "reliable")
        #expect(channel.establishment == "dcep" && channel.acknowledged && channel.stream == 1)
        #expect(channel.messages == ["a->b": 1, "b->a": 1] && channel.bytes == ["a->b": 19, "b->a": 19])
        #expect(channel.closed?.hasPrefix("stream reset") == true)
        let association = try #require(inventory.dtlsAssociations.first)
        #expect(association.version == "DTLS 1.2" && association.cipherSuite == "0xc02b" && association.clientSide == "answerer")
        #expect(association.certificatesMatchSignalling == ["client": true, "server": true])
        #expect(inventory.icePairs.filter(\.nominated).count == 1)
        #expect(Set(inventory.icePairs.compactMap(\.checkedBy)) == ["offerer", "answerer"])
    }

    @Test("The media tour's inventory: each stream with its mid, codec, packets, loss, jitter and what its payloads held")
    func mediaSession() throws {
        let report = try SignallingFixtures.report("engine-engine-media", SignallingFixtures.media)
        #expect(report.findings.isEmpty, "\(report.brokenRules)")
        #expect(report.unjudged.isEmpty, "the descriptions map every payload type: \(report.unjudged)")
        let streams = report.inventory.mediaStreams
        #expect(streams.map(\.mid) == ["0", "1"])
        #expect(streams.map(\.payloadTypes) == [["111": "opus/48000"], ["96": "VP8/90000"]])
        #expect(streams.map(\.packets) == [150, 188] && streams.allSatisfy { $0.lost == 0 && $0.jitterMilliseconds != nil })
        #expect(streams.map(\.opusPackets) == [150, 0] && streams.map(\.vp8Frames) == [0, 90])
    }

    @Test("aiortc's answer: its channel and ten echoed messages each way")
    func aiortcSession() throws {
        let report = try SignallingFixtures.report("engine-aiortc-loopback", SignallingFixtures.signalling("engine-aiortc-loopback"))
        #expect(report.findings.isEmpty, "\(report.brokenRules)")
        let channel = try #require(report.inventory.dataChannels.first)
        #expect(channel.label == "crucible-echo" && channel.messages == ["a->b": 10, "b->a": 10])
    }

    /// A description changed so that the session no longer agrees with it: the rule that says so, and how often.
    struct Tampering: Sendable, CustomStringConvertible {
        let description: String
        let capture: String
        let offer: @Sendable (String) -> String
        let answer: @Sendable (String) -> String
        let broken: [String: Int]

        init(
            _ description: String, _ capture: String, offer: @escaping @Sendable (String) -> String = { $0 },
            answer: @escaping @Sendable (String) -> String = { $0 }, broken: [String: Int]
        ) {
            self.description = description
            self.capture = capture
            self.offer = offer
            self.answer = answer
            self.broken = broken
        }
    }

    static let tamperings: [Tampering] = [
        Tampering(
            "a certificate that matches no a=fingerprint is a man in the middle (RFC 8122 §5)", "engine-engine-loopback",
            offer: SignallingFixtures.replacing("fingerprint:sha-256 ..", with: "fingerprint:sha-256 00"),
            broken: ["DTLS.fingerprint-match": 1]),
        Tampering(
            "a wrong a=ice-pwd fails the checks it keys, requests and responses (RFC 8445 §7.2.2)", "engine-engine-loopback",
            offer: SignallingFixtures.replacing("ice-pwd:.", with: "ice-pwd:Z"), broken: ["STUN.message-integrity": 2]),
        Tampering(
            "checks whose USERNAME names a ufrag the answer did not give (RFC 8445 §7.2.2)", "engine-engine-loopback",
            answer: SignallingFixtures.replacing("ice-ufrag:.", with: "ice-ufrag:Z"), broken: ["ICE.username": 3]),
        Tampering(
            "the answerer sends the ClientHello though its a=setup said passive (RFC 8842 §5.3)", "engine-engine-loopback",
            answer: SignallingFixtures.replacing("a=setup:active", with: "a=setup:passive"), broken: ["DTLS.setup-role": 1]),
        Tampering(
            "a message above the receiver's a=max-message-size (RFC 8841 §6)", "engine-engine-loopback",
            offer: SignallingFixtures.replacing("max-message-size:[0-9]+", with: "max-message-size:10"), broken: ["SCTP.max-message-size": 1]),
        Tampering(
            "SCTP ports other than a=sctp-port (RFC 8841 §5)", "engine-engine-loopback",
            offer: SignallingFixtures.replacing("sctp-port:5000", with: "sctp-port:5001"), broken: ["SCTP.port-signalled": 2]),
        Tampering(
            "a payload type the answer did not keep (RFC 3264 §6.1)", "engine-engine-media",
            answer: { $0.replacingOccurrences(of: "SAVPF 96 97", with: "SAVPF 98 97").replacingOccurrences(of: "rtpmap:96 ", with: "rtpmap:98 ").replacingOccurrences(of: "apt=96", with: "apt=98") },
            broken: ["RTP.payload-type-negotiated": 1]),
        Tampering(
            "a header extension id the answer did not keep (RFC 8285 §6)", "engine-engine-media",
            answer: SignallingFixtures.replacing("a=extmap:2 [^\r\n]*\r?\n", with: ""), broken: ["RTP.extension-negotiated": 2]),
        Tampering(
            "a sdes:mid value that names no section (RFC 8843 §9.2)", "engine-engine-media",
            offer: SignallingFixtures.replacing("(mid:|BUNDLE 0 )1", with: "$1v"), answer: SignallingFixtures.replacing("(mid:|BUNDLE 0 )1", with: "$1v"),
            broken: ["RTP.mid-value": 1]),
        Tampering(
            "SSRCs other than the sender declared with a=ssrc (RFC 5576 §4.1)", "engine-engine-media",
            offer: SignallingFixtures.replacing("ssrc(-group:FID)?:[0-9]+", with: "ssrc$1:42"), broken: ["RTP.ssrc-declared": 2]),
    ]

    @Test("A description the session disagrees with breaks the rule that says so", arguments: tamperings)
    func tampered(_ tampering: Tampering) throws {
        let signalling = SignallingFixtures.signalling(tampering.capture, offer: tampering.offer, answer: tampering.answer)
        #expect(signalling.problems.isEmpty, "\(signalling.problems)")
        let report = try SignallingFixtures.report(tampering.capture, signalling)
        #expect(report.brokenRules == tampering.broken)
    }

    @Test("Without a side given, a=setup:actpass marks the offer and the other is its answer")
    func sidesFromText() {
        let offer = SignallingFixtures.text("engine-engine-loopback.offer.sdp")
        let answer = SignallingFixtures.text("engine-engine-loopback.answer.sdp")
        let signalling = ReplaySignalling([SignalledText(source: "a", text: answer), SignalledText(source: "o", text: offer)])
        #expect(signalling.problems.isEmpty)
        #expect(signalling.sources == [.offerer: "o", .answerer: "a"])
        #expect(signalling.dtlsClient == .answerer)
    }

    @Test("A description JSEP refuses is reported and teaches nothing")
    func refused() {
        let signalling = ReplaySignalling([SignalledText(source: "broken.sdp", text: "v=0\r\nnot sdp\r\n", side: .offerer)])
        #expect(signalling.isEmpty)
        #expect(signalling.problems.count == 1 && signalling.problems[0].hasPrefix("broken.sdp (offer)"))
    }

    @Test("With only a key log, what the descriptions would judge stays unjudged, and the verdict says so")
    func partialVerdict() throws {
        let report = try SignallingFixtures.report("engine-engine-media", ReplaySignalling())
        #expect(report.findings.isEmpty)
        #expect(report.unjudged.count == 1 && report.unjudged[0].contains("payload type(s) 96, 111"))
        #expect(report.verdict.hasPrefix("conformant as far as judged"))
    }
}
