import Conformance
import Foundation
import Fuzzing
import Testing

/// Every protocol's fuzz target over its corpus, then over seeded random and mutated inputs (DESIGN §4).
/// A finding prints the seed and the command that replays it.
@Suite("Fuzz targets over their corpora and seeded mutants")
struct CatalogCampaignTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Executions per target: a hundred thousand for the binary codecs; text codecs have larger
    /// inputs and slower debug-build parses, so they get fewer.
    static func executions(for target: String) -> Int {
        ["sdp", "candidate"].contains(target) ? 15_000 : 100_000
    }

    @Test("Every corpus seed and regression satisfies its target's oracles", arguments: ProtocolCatalog.entries.map(\.name))
    func corpus(target: String) throws {
        let entry = try #require(ProtocolCatalog.entry(named: target))
        let entries = try CorpusDirectory(repositoryRoot: Self.repositoryRoot, target: target).entries()
        #expect(!entries.isEmpty, "Corpus/\(target)/ has no seeds")
        for (name, bytes) in entries {
            let outcome = entry.target.run(bytes)
            if case .finding(let finding) = outcome { Issue.record("Corpus/\(target)/\(name): \(finding)") }
        }
    }

    @Test("Seeded mutants never break an oracle", arguments: ProtocolCatalog.entries.map(\.name))
    func mutants(target: String) throws {
        let entry = try #require(ProtocolCatalog.entry(named: target))
        let seeds = try CorpusDirectory(repositoryRoot: Self.repositoryRoot, target: target).entries().map(\.bytes)
        let report = BuiltinCampaign(target: entry.target, seeds: seeds, seed: 2026).run(executions: Self.executions(for: target))
        for finding in report.findings { Issue.record("\(finding)\nreplay: \(report.replayCommand)") }
        // The mutants must reach past the first gate, or the campaign tests nothing.
        #expect(report.accepted > report.executions / 100, "only \(report.accepted) of \(report.executions) inputs accepted")
        // A real share of the mutants come from the structure-aware mutator, and most of those get
        // past the first gate: that is what it is for.
        #expect(report.structureMutants > report.executions / 5, "\(report.structureMutants) structure-aware mutants")
        #expect(report.structureMutantsAccepted > report.structureMutants / 2,
                "\(report.structureMutantsAccepted) of \(report.structureMutants) structure-aware mutants accepted")
    }
}
