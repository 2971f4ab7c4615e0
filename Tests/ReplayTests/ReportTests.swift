import Foundation
import Replay
import STUN
import Testing

@Suite("Reports and the rule catalogue")
struct ReportTests {
    /// A request answered the wrong way (error), then an RTP gap (warning).
    static func mixed() -> ReplayReport {
        Traffic.report([
            Traffic.aliceToBob(Traffic.stun(.bindingRequest, 1)), Traffic.aliceToBob(Traffic.stun(.bindingSuccess, 1)),
            Traffic.aliceToBob(Traffic.rtp(sequence: 1, timestamp: 0)), Traffic.aliceToBob(Traffic.rtp(sequence: 3, timestamp: 320)),
        ])
    }

    @Test("Findings are grouped by rule, errors first, with their frames")
    func grouping() {
        let report = Self.mixed()
        #expect(report.findings.map(\.rule.id) == ["STUN.transaction-match", "RTP.sequence-gap", "STUN.unanswered"])
        #expect(report.findings.map(\.frames) == [[2], [4], [1]])
        #expect(report.flows.count == 1 && report.flows[0].packets == ["stun": 2, "rtp": 2])
        #expect(report.flows[0].firstFrame == 1 && report.flows[0].lastFrame == 4 && report.flows[0].lastTime == 30_000_000)
    }

    @Test("Exit code 1 when an error-severity rule is broken, 0 with only warnings and notes")
    func exitCode() {
        #expect(Self.mixed().exitCode == 1)
        let warningsOnly = Traffic.report([
            Traffic.aliceToBob(Traffic.rtp(sequence: 1, timestamp: 0)), Traffic.aliceToBob(Traffic.rtp(sequence: 3, timestamp: 320)),
        ])
        #expect(!warningsOnly.findings.isEmpty && warningsOnly.exitCode == 0)
        #expect(Traffic.report([]).exitCode == 0)
    }

    @Test("The JSON report decodes back to the same report")
    func jsonRoundTrip() throws {
        let report = Self.mixed()
        let decoded = try JSONDecoder().decode(ReplayReport.self, from: Data(try report.json().utf8))
        #expect(decoded == report)
    }

    @Test("The text report lists flows, then each broken rule with its reference, count and frames, then the verdict")
    func text() {
        let text = Self.mixed().text()
        #expect(text.contains("[0] 10.0.0.1:5000 <-> 10.0.0.2:6000: rtp 2, stun 2"))
        #expect(text.contains("error STUN.transaction-match (RFC 8489 §6.3) × 1"))
        #expect(text.contains("    frame 2 flow 0: "))
        #expect(text.hasSuffix("verdict: 1 error(s) — not conformant\n"))
        #expect(Traffic.report([]).text().hasSuffix("verdict: conformant (no rule broken)\n"))
    }

    @Test("The catalogue names every rule once, each with a reference and a summary, including every stateful rule")
    func catalogue() {
        let catalogue = ReplayRules.catalogue
        #expect(Set(catalogue.map(\.id)).count == catalogue.count)
        #expect(catalogue.allSatisfy { !$0.reference.isEmpty && !$0.summary.isEmpty && $0.id.contains(".") })
        #expect(Set(ReplayRules.stateful).isSubset(of: Set(catalogue)))
        for id in ["STUN.fingerprint-value", "DTLS.record-version", "Codec.round-trip", "Demux.unexpected", "STUN.transaction-match"] {
            #expect(catalogue.contains { $0.id == id }, "\(id)")
        }
    }
}
