/// A seeded, deterministic, in-process campaign: mutate corpus entries, run the target, tally outcomes.
///
/// This is the built-in engine at its simplest (DESIGN §4): a function of the target, the seeds and the
/// seed number, so a finding replays from the numbers it prints.
public struct BuiltinCampaign: Sendable {
    /// What a campaign did.
    public struct Report: Sendable {
        public let target: String
        public let seed: UInt64
        public var executions = 0
        public var accepted = 0
        /// How often each rule refused an input: which gates the mutants reached.
        public var rejectionsByRule: [String: Int] = [:]
        public var findings: [FuzzFinding] = []
        /// The command that reruns this campaign.
        public var replayCommand: String { "crucible fuzz \(target) --engine builtin --seed \(seed) --runs \(executions)" }
    }

    public let target: FuzzTarget
    public let seeds: [[UInt8]]
    public let seed: UInt64

    public init(target: FuzzTarget, seeds: [[UInt8]], seed: UInt64) {
        self.target = target
        self.seeds = seeds
        self.seed = seed
    }

    /// Runs `executions` inputs: every seed once as it is, then mutants (havoc mostly, some splices, a few
    /// purely random inputs). Stops collecting findings after `maxFindings` distinct ones.
    public func run(executions: Int, maxFindings: Int = 20) -> Report {
        var report = Report(target: target.name, seed: seed)
        var mutator = Mutator(seed: seed)
        let maxSeedLength = seeds.map(\.count).max() ?? 64
        func execute(_ input: [UInt8]) {
            report.executions += 1
            switch target.run(input) {
            case .accepted: report.accepted += 1
            case .rejected(let rule): report.rejectionsByRule[rule, default: 0] += 1
            case .finding(let finding):
                if report.findings.count < maxFindings, !report.findings.contains(where: { $0.detail == finding.detail }) {
                    report.findings.append(finding)
                }
            }
        }
        for input in seeds.prefix(executions) { execute(input) }
        while report.executions < executions {
            let choice = Int.random(in: 0..<100, using: &mutator.generator)
            var mutant: [UInt8]
            if seeds.isEmpty || choice < 3 {
                mutant = mutator.randomBytes(upTo: max(64, maxSeedLength))
            } else if choice < 13, seeds.count > 1 {
                let first = seeds.randomElement(using: &mutator.generator)!
                let second = seeds.randomElement(using: &mutator.generator)!
                mutant = mutator.havoc(mutator.splice(first, second))
            } else {
                mutant = mutator.havoc(seeds.randomElement(using: &mutator.generator)!)
            }
            if let repair = target.repair, Bool.random(using: &mutator.generator) { mutant = repair(mutant) }
            execute(mutant)
        }
        return report
    }
}
