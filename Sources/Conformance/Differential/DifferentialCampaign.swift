public import Foundation
import Fuzzing

/// `crucible fuzz run --differential pion|tshark TARGET` (issue 17): the built-in engine's campaign,
/// in process, with every input it executes also judged by an oracle, in batches.
///
/// The campaign is the ordinary `BuiltinCampaign` (same mutators, same feedback, same seeds); its
/// `willRun` hook hands each input to a `DifferentialCheck`. It runs in the `crucible` process rather
/// than in supervised workers: the point is the verdicts, and a trap in our codec is the ordinary
/// campaign's business (`crucible fuzz run` without `--differential`).
public enum DifferentialCampaign {
    /// What one target's differential campaign did.
    public struct Report: Sendable, Codable {
        public var target: DifferentialTarget
        public var oracle: DifferentialOracleKind
        public var seed: UInt64
        public var seconds: Double
        public var executions: Int
        public var tally: DifferentialCheck.Tally
        /// The untriaged disagreements, one per signature, as saved.
        public var findings: [DifferentialStore.Note]
    }

    /// Runs the campaign for `seconds` (or `runs` executions) and saves each distinct unexplained
    /// disagreement in `Corpus/<target>/differential/`.
    public static func run(
        target: DifferentialTarget, oracle: any DifferentialOracle, repositoryRoot: URL, workDirectory: URL,
        seed: UInt64, seconds: Double, runs: Int? = nil, progress: ((DifferentialCheck.Tally) -> Void)? = nil
    ) throws -> Report {
        guard let fuzzTarget = ProtocolCatalog.fuzzTarget(named: target.rawValue) else {
            throw DifferentialError.oracleFailed("no fuzz target '\(target.rawValue)'")
        }
        var seeds = try CorpusDirectory(repositoryRoot: repositoryRoot, target: fuzzTarget.corpusName).entries().map(\.bytes)
        // A corpus an earlier campaign grew (`.fuzz/<target>/corpus`) starts this one further in.
        seeds += (try? CorpusDirectory(url: BuiltinWorker.Folders(workDirectory: workDirectory, target: target.rawValue).corpus)
            .entries().map(\.bytes)) ?? []
        let check = DifferentialCheck(target: target, oracle: oracle)
        var failure: DifferentialError?
        let hooks = BuiltinCampaign.Hooks(
            willRun: { input in
                guard failure == nil else { return }
                do throws(DifferentialError) { try check.add(input) } catch { failure = error }
            },
            progress: { _ in progress?(check.tally) }, progressInterval: 5)
        let started = ContinuousClock.now
        let campaign = BuiltinCampaign(target: fuzzTarget, seeds: seeds, seed: seed)
            .run(budget: BuiltinCampaign.Budget(executions: runs, seconds: runs == nil ? seconds : nil), maxFindings: 100, hooks: hooks)
        if let failure { throw failure }
        try check.flush()
        let store = DifferentialStore(repositoryRoot: repositoryRoot, target: target)
        let notes = try check.findings.map { try store.save($0) }
        let elapsed = ContinuousClock.now - started
        return Report(
            target: target, oracle: oracle.kind, seed: seed,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
            executions: campaign.executions, tally: check.tally, findings: notes)
    }
}
