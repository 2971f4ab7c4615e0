/// The built-in engine (DESIGN §4, issue 4): seeded, deterministic, in-process mutation with
/// outcome feedback. No special build: it runs from a plain `swift run`.
///
/// Each mutant comes from a corpus entry by one of: the target's structure-aware mutator (parse, change
/// one field, re-serialise, repair), byte-level havoc with dictionary tokens, a splice of two entries,
/// or random bytes. A mutant that reaches a new `Execution` feature joins the corpus. Everything is a
/// function of the target, the seeds and the seed number, so a run replays from the numbers it prints.
public struct BuiltinCampaign: Sendable {
    /// What a campaign did.
    public struct Report: Sendable {
        public let target: String
        public let seed: UInt64
        public var executions = 0
        public var accepted = 0
        /// Mutants made by the structure-aware mutator, and how many of those the target accepted.
        public var structureMutants = 0
        public var structureMutantsAccepted = 0
        /// How often each rule refused an input: which gates the mutants reached.
        public var rejectionsByRule: [String: Int] = [:]
        public var findings: [FuzzFinding] = []
        /// Corpus entries at the end (seeds included) and distinct features reached.
        public var corpusSize = 0
        public var features = 0
        /// The command that reruns this campaign.
        public var replayCommand: String { "crucible fuzz \(target) --engine builtin --seed \(seed) --runs \(executions) --work-directory $(mktemp -d)" }
    }

    /// When to stop: after a number of executions, after a time, or at whichever comes first.
    public struct Budget: Sendable {
        public var executions: Int?
        public var seconds: Double?

        public init(executions: Int? = nil, seconds: Double? = nil) {
            self.executions = executions
            self.seconds = seconds
        }
    }

    /// Hooks a worker process uses; tests leave them empty.
    public struct Hooks {
        /// Called with every input before it runs (the worker copies it to its crash record).
        public var willRun: (([UInt8]) -> Void)?
        /// Called with every input that joins the corpus.
        public var newEntry: (([UInt8]) -> Void)?
        /// Called with every new distinct oracle failure.
        public var found: ((FuzzFinding) -> Void)?
        /// Called about every `progressInterval` seconds, and once at the end.
        public var progress: ((ProgressSample) -> Void)?
        public var progressInterval: Double

        public init(
            willRun: (([UInt8]) -> Void)? = nil, newEntry: (([UInt8]) -> Void)? = nil,
            found: ((FuzzFinding) -> Void)? = nil,
            progress: ((ProgressSample) -> Void)? = nil, progressInterval: Double = 0.5
        ) {
            self.willRun = willRun
            self.newEntry = newEntry
            self.found = found
            self.progress = progress
            self.progressInterval = progressInterval
        }
    }

    public let target: FuzzTarget
    public let seeds: [[UInt8]]
    public let seed: UInt64
    /// The corpus stops growing here, so a long campaign's memory stays bounded.
    public var maxCorpusSize = 20_000

    public init(target: FuzzTarget, seeds: [[UInt8]], seed: UInt64) {
        self.target = target
        self.seeds = seeds
        self.seed = seed
    }

    /// Runs `executions` inputs (the form the tests use).
    public func run(executions: Int, maxFindings: Int = 20) -> Report {
        run(budget: Budget(executions: executions), maxFindings: maxFindings)
    }

    /// Runs every seed once as it is, then mutants until the budget is spent. Stops collecting findings
    /// after `maxFindings` distinct ones (by oracle and detail).
    public func run(budget: Budget, maxFindings: Int = 20, hooks: Hooks = Hooks()) -> Report {
        var report = Report(target: target.name, seed: seed)
        var mutator = Mutator(seed: seed, dictionary: target.dictionary)
        var corpus: [[UInt8]] = []
        var seen = Set<UInt64>()
        let clock = ContinuousClock()
        let start = clock.now
        var nextProgress = hooks.progressInterval
        let maxSeedLength = seeds.map(\.count).max() ?? 64

        func elapsed() -> Double {
            let duration = clock.now - start
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        }
        func sample() -> ProgressSample {
            ProgressSample(seconds: elapsed(), executions: report.executions, corpusSize: corpus.count, features: seen.count)
        }
        func execute(_ input: [UInt8], structured: Bool = false) {
            hooks.willRun?(input)
            let execution = target.execute(input)
            report.executions += 1
            if structured { report.structureMutants += 1 }
            switch execution.outcome {
            case .accepted:
                report.accepted += 1
                if structured { report.structureMutantsAccepted += 1 }
            case .rejected(let rule): report.rejectionsByRule[rule, default: 0] += 1
            case .finding(let finding):
                if report.findings.count < maxFindings,
                   !report.findings.contains(where: { $0.oracle == finding.oracle && $0.detail == finding.detail }) {
                    report.findings.append(finding)
                    hooks.found?(finding)
                }
            }
            // Every feature is recorded, not only the first new one.
            let novel = execution.features.reduce(false) { seen.insert($1).inserted || $0 }
            if novel, corpus.count < maxCorpusSize {
                corpus.append(input)
                hooks.newEntry?(input)
            }
        }
        func budgetLeft() -> Bool {
            if let executions = budget.executions, report.executions >= executions { return false }
            // Reading the clock costs more than a parse; look every 256 executions.
            if let seconds = budget.seconds, report.executions & 0xFF == 0 {
                let now = elapsed()
                if now >= seconds { return false }
                if let progress = hooks.progress, now >= nextProgress {
                    progress(sample())
                    nextProgress = now + hooks.progressInterval
                }
            }
            return true
        }

        for input in seeds where budgetLeft() { execute(input) }
        // Seeds stay in the corpus whatever their feature: they are the campaign's starting points.
        for input in seeds where !corpus.contains(input) && corpus.count < maxCorpusSize { corpus.append(input) }
        while budgetLeft() {
            let choice = Int.random(in: 0..<100, using: &mutator.generator)
            guard let parent = corpus.randomElement(using: &mutator.generator), choice >= 3 else {
                execute(mutator.randomBytes(upTo: max(64, maxSeedLength)))
                continue
            }
            if choice < 45, let mutate = target.mutate, let mutant = mutate(parent, &mutator.generator) {
                execute(mutant, structured: true)
                continue
            }
            var mutant: [UInt8]
            if choice >= 90, corpus.count > 1 {
                mutant = mutator.havoc(mutator.splice(parent, corpus.randomElement(using: &mutator.generator)!))
            } else {
                mutant = mutator.havoc(parent)
            }
            if let repair = target.repair, Bool.random(using: &mutator.generator) { mutant = repair(mutant) }
            execute(mutant)
        }
        report.corpusSize = corpus.count
        report.features = seen.count
        hooks.progress?(sample())
        return report
    }
}
