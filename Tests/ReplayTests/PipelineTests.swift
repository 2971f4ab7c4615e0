import Decryption
import Foundation
import Pcap
import Replay
import Testing

/// Issue 16's speed: without a ladder to label, the replay judges the protected layers (DTLS and SRTP
/// decryption, SCTP and DCEP, media payloads, RTCP) on a second thread fed the decoded packets in order.
/// The ladder runs the same layers in line, so the two must agree on everything they report.
@Suite("Replay: the protected layers on a second thread")
struct PipelineTests {
    /// Our recordings with their key logs and descriptions, and two tampered with so that findings come
    /// from each thread: a fingerprint that matches no certificate (a packet rule's), and a
    /// max-message-size below the messages sent (the SCTP rule's, behind the DTLS decryption).
    static let cases: [(capture: String, offer: @Sendable (String) -> String, rule: String?)] = [
        ("engine-engine-loopback", { $0 }, nil),
        ("engine-engine-media", { $0 }, nil),
        ("engine-aiortc-loopback", { $0 }, nil),
        ("engine-engine-loopback", SignallingFixtures.replacing("fingerprint:sha-256 ..", with: "fingerprint:sha-256 00"), "DTLS.fingerprint-match"),
        ("engine-engine-loopback", SignallingFixtures.replacing("max-message-size:[0-9]+", with: "max-message-size:10"), "SCTP.max-message-size"),
    ]

    @Test("The pipelined run's report equals the in-line run's, findings and inventory included", arguments: 0..<5)
    func sameReport(index: Int) throws {
        let (capture, offer, rule) = Self.cases[index]
        let path = SignallingFixtures.folder.appendingPathComponent("\(capture).pcapng").path
        let (datagrams, skipped) = try CaptureReader(path: path).udpDatagrams()
        let options = ReplayOptions(
            keyLog: KeyLog(parsing: SignallingFixtures.text("\(capture).keys")),
            signalling: SignallingFixtures.signalling(capture, offer: offer))
        let pipelined = ReplayChecker.check(datagrams, capture: capture, skippedFrames: skipped, options: options)
        let inline = ReplayChecker.checkWithLadder(datagrams, capture: capture, skippedFrames: skipped, options: options).report
        #expect(pipelined == inline)
        // The second thread did the work: records decrypted, and SCTP or SRTP judged behind them.
        #expect((pipelined.dtls?.decrypted ?? 0) > 0)
        #expect(pipelined.sctpPackets > 0 || (pipelined.decryption?.authenticated ?? 0) > 0)
        #expect(Set(pipelined.brokenRules.keys) == Set(rule.map { [$0] } ?? []))
    }
}
