@testable import Conformance
import Foundation
import Fuzzing
import Testing

/// Differential fuzzing (issue 17): the verdict format, the comparer, the known-differences table, and
/// the real oracles over every seed: Pion over the five targets it decodes, tshark over its four.
@Suite("Differential fuzzing")
struct DifferentialTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// An oracle that answers from a table, for the comparer and table tests.
    final class ScriptedOracle: DifferentialOracle {
        let kind = DifferentialOracleKind.pion
        let answer: ([UInt8]) -> CanonicalVerdict
        init(_ answer: @escaping ([UInt8]) -> CanonicalVerdict) { self.answer = answer }
        func verdicts(_ inputs: [[UInt8]], target: DifferentialTarget) throws(DifferentialError) -> [CanonicalVerdict] { inputs.map(answer) }
    }

    @Test("a verdict line reads back as written, escapes included")
    func verdictLines() throws {
        let verdict = CanonicalVerdict.accept([CanonicalField("s", "a session % name\r\n"), CanonicalField("media", "audio,video")])
        #expect(verdict.description == "accept s=a%20session%20%25%20name%0D%0A media=audio,video")
        #expect(CanonicalVerdict(line: verdict.description[...]) == verdict)
        #expect(CanonicalVerdict(line: "reject BadFormat for message/cookie") == .reject("BadFormat for message/cookie"))
        #expect(CanonicalVerdict(line: "accept") == .accept([]))
        #expect(CanonicalVerdict(line: "maybe") == nil)
        #expect(CanonicalField.unescape("100%") == "100%")
    }

    @Test("the comparer: both refusing agrees, one refusing or a differing field disagrees")
    func comparer() {
        let a = CanonicalVerdict.accept([CanonicalField("type", "0001"), CanonicalField("attrs", "0020")])
        let b = CanonicalVerdict.accept([CanonicalField("type", "0001"), CanonicalField("attrs", "8020")])
        func compare(_ ours: CanonicalVerdict, _ theirs: CanonicalVerdict) -> Disagreement.Kind? {
            Disagreement.between(ours: ours, theirs: theirs, input: [1], target: .stun, oracle: .pion)?.kind
        }
        #expect(compare(a, a) == nil)
        #expect(compare(.reject("STUN.magic-cookie at 4: x"), .reject("cookie")) == nil)
        #expect(compare(a, .reject("no")) == .weAcceptTheyReject)
        #expect(compare(.reject("STUN.fingerprint-value at 72: x"), a) == .weRejectTheyAccept)
        #expect(compare(a, b) == .fieldsDiffer(["attrs"]))
        // A key only one side prints is not compared.
        #expect(compare(a, .accept([CanonicalField("type", "0001")])) == nil)
        let refused = Disagreement.between(ours: .reject("STUN.fingerprint-value at 72: x"), theirs: a, input: [], target: .stun, oracle: .pion)
        #expect(refused?.ourRule == "STUN.fingerprint-value")
        #expect(refused?.signature == "we reject (STUN.fingerprint-value), pion accepts")
    }

    @Test("a disagreement the table explains is counted by entry; one it does not is a finding, once per signature")
    func table() throws {
        let entry = KnownDifference(
            id: "test.cookie", oracle: .pion, target: .stun, judgement: .theirs, rule: "RFC 8489 §5",
            explanation: "test", matches: { $0.kind == .weRejectTheyAccept && $0.ourRule == "STUN.magic-cookie" })
        let check = DifferentialCheck(
            target: .stun, oracle: ScriptedOracle { _ in .accept([]) }, table: [entry], batchSize: 2)
        check.judge([1], ours: .reject("STUN.magic-cookie at 4: x"), theirs: .accept([]))
        check.judge([2], ours: .reject("STUN.truncated at 0: x"), theirs: .accept([]))
        check.judge([3], ours: .reject("STUN.truncated at 0: y"), theirs: .accept([]))
        check.judge([4], ours: .accept([]), theirs: .accept([]))
        check.judge([5], ours: .reject("STUN.truncated at 0: y"), theirs: .reject("short"))
        #expect(check.tally.known == ["test.cookie": 1])
        #expect(check.tally.unexplained == 2)
        #expect(check.tally.bothAccepted == 1 && check.tally.bothRejected == 1 && check.tally.compared == 5)
        #expect(check.findings.map(\.input) == [[2]])
        // Entries are tied to their oracle and target.
        let other = Disagreement.between(ours: .reject("STUN.magic-cookie at 4: x"), theirs: .accept([]), input: [], target: .rtp, oracle: .pion)!
        #expect(KnownDifference.explaining(other, in: [entry]) == nil)
    }

    @Test("every known difference cites an RFC (or the draft that defines the format) and has a unique id")
    func tableEntriesCite() {
        let ids = KnownDifferences.table.map(\.id)
        #expect(Set(ids).count == ids.count)
        for entry in KnownDifferences.table {
            #expect(entry.rule.contains("RFC") || entry.rule.contains("draft-"), "\(entry.id): \(entry.rule)")
            #expect(!entry.explanation.isEmpty)
        }
    }

    @Test("our canonical fields for seeds of each target")
    func ourFields() throws {
        let rtp = try CorpusDirectory(repositoryRoot: Self.repositoryRoot, target: "rtp").entries().first { $0.name == "pion-rfc8285-one-byte.bin" }
        let verdict = DifferentialTarget.rtp.ourVerdict(try #require(rtp).bytes)
        #expect(verdict.value("pt") == "96" && verdict.value("x") == "1" && verdict.value("payload") == "5")
        #expect(DifferentialTarget.stun.ourVerdict([0, 1]).rejection?.hasPrefix("STUN.truncated") == true)
    }

    /// The Pion oracle over the seeds and regressions of every target: each disagreement is explained by
    /// the table. Fails (never skips) when the oracle has not been built.
    @Test("Pion agrees with us on every seed, up to the known differences", arguments: DifferentialTarget.allCases)
    func pionOverSeeds(target: DifferentialTarget) throws {
        try oracleOverSeeds(.pion, target: target)
    }

    /// tshark over the seeds and regressions of stun, rtp, rtcp and sctp (one tshark run per target).
    /// Fails (never skips) when tshark is not installed.
    @Test("tshark agrees with us on every seed, up to the known differences", arguments: DifferentialOracleKind.tshark.targets)
    func tsharkOverSeeds(target: DifferentialTarget) throws {
        try oracleOverSeeds(.tshark, target: target)
    }

    @Test("tshark does not decode SDP, and says why")
    func tsharkRefusesSDP() {
        #expect(!DifferentialOracleKind.tshark.targets.contains(.sdp))
        #expect(DifferentialError.unsupportedTarget(.tshark, .sdp).description.contains("only inside a carrier such as SIP"))
    }

    @Test("a tshark frame line becomes a verdict: errors refuse, warnings do not, ChannelData is not STUN")
    func tsharkLines() throws {
        let stun = try #require(TsharkDissection.of(.stun))
        let u = String(TsharkDissection.aggregator)
        let accepted = stun.verdict(columns: [
            "1", "raw:ip:udp:stun", "6291456", "117440512", "Unknown attribute 0x7f00", "0x0001", "9f19542881c60fba1b0f4224",
            "0x8022" + u + "0x8028", "",
        ])
        #expect(accepted == .accept([
            CanonicalField("type", "0001"), CanonicalField("tid", "9f19542881c60fba1b0f4224"), CanonicalField("attrs", "8022,8028"),
        ]))
        let refused = stun.verdict(columns: ["2", "raw:ip:udp:stun", "6291456" + u + "8388608", "1" + u + "2", "short, odd" + u + "Malformed Packet", "0x0001"])
        #expect(refused == .reject("Malformed Packet; short, odd"))
        #expect(stun.verdict(columns: ["3", "raw:ip:udp:stun", "", "", "", "", "", "", "0x4001"]).rejection?.contains("ChannelData") == true)
        #expect(stun.verdict(columns: ["4", "raw:ip:udp:data"]).rejection?.hasPrefix("not dissected as stun") == true)
    }

    /// `oracle` over the seeds and regressions of `target`: each disagreement is explained by the table.
    /// Fails (never skips) when the oracle is missing.
    private func oracleOverSeeds(_ kind: DifferentialOracleKind, target: DifferentialTarget) throws {
        let oracle: any DifferentialOracle
        do {
            oracle = try kind.start(repositoryRoot: Self.repositoryRoot)
        } catch {
            Issue.record("\(error) — run Scripts/bootstrap first")
            return
        }
        let entries = try CorpusDirectory(repositoryRoot: Self.repositoryRoot, target: target.rawValue).entries()
        #expect(!entries.isEmpty)
        let check = DifferentialCheck(target: target, oracle: oracle, maxFindings: 1000)
        for entry in entries { try check.add(entry.bytes) }
        try check.flush()
        #expect(check.tally.compared == entries.count)
        for finding in check.findings {
            let name = entries.first { $0.bytes == finding.input }?.name ?? "?"
            Issue.record("Corpus/\(target.rawValue)/\(name): \(finding.summary)")
        }
    }
}
