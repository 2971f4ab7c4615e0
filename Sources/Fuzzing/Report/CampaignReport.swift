public import Foundation

/// The JSON record of a campaign (`.fuzz/report.json`): what ran, how fast, how the corpus and
/// coverage grew, and every failure with its triage verdict. The SVG chart is drawn from it.
public struct CampaignReport: Codable, Sendable {
    public var engine: FuzzEngine
    public var seed: UInt64
    public var secondsPerTarget: Double
    public var jobs: Int
    public var limits: ResourceLimits
    public var started: Date
    public var targets: [TargetReport]

    public init(engine: FuzzEngine, seed: UInt64, secondsPerTarget: Double, jobs: Int, limits: ResourceLimits,
                started: Date, targets: [TargetReport]) {
        self.engine = engine
        self.seed = seed
        self.secondsPerTarget = secondsPerTarget
        self.jobs = jobs
        self.limits = limits
        self.started = started
        self.targets = targets
    }

    public struct TargetReport: Codable, Sendable {
        public var target: String
        public var engine: FuzzEngine
        public var executions: Int
        public var executionsPerSecond: Double
        public var corpusSize: Int
        public var features: Int
        public var coverage: Int?
        public var restarts: Int
        public var samples: [ProgressSample]
        public var failures: [FailureReport]
        public var problems: [String]
        /// Seconds from the target's start to its first failing input, if any.
        public var firstFailureSeconds: Double?

        public init(outcome: Supervisor.TargetOutcome, failures: [FailureReport]) {
            firstFailureSeconds = outcome.failures.first?.seconds
            let last = outcome.last
            target = outcome.target
            engine = outcome.engine
            executions = last.executions
            executionsPerSecond = last.executionsPerSecond
            corpusSize = last.corpusSize
            features = last.features
            coverage = last.coverage
            restarts = outcome.restarts
            samples = outcome.samples
            self.failures = failures
            problems = outcome.problems
        }
    }

    public struct FailureReport: Codable, Sendable, Hashable {
        public enum Verdict: String, Codable, Sendable { case saved, duplicate, notReproduced = "not-reproduced" }
        public var verdict: Verdict
        public var signature: CrashSignature?
        /// The saved (minimised) input, or the already saved one it duplicates.
        public var file: String?
        public var size: Int
        public var originalSize: Int?
        public var reproduceCommand: String?

        public init(_ verdict: Triage.Verdict) {
            switch verdict {
            case .saved(let entry, let originalSize):
                self.verdict = .saved
                signature = entry.signature
                file = entry.file
                size = entry.size
                self.originalSize = originalSize
                reproduceCommand = entry.reproduceCommand
            case .duplicate(let signature, let file):
                self.verdict = .duplicate
                self.signature = signature
                self.file = file
                size = 0
            case .notReproduced(let size):
                self.verdict = .notReproduced
                self.size = size
            }
        }
    }

    /// Any failure at all, saved or known: what makes `crucible fuzz` exit 1 (and CI red).
    public var foundFailures: Bool { targets.contains { $0.failures.contains { $0.verdict != .notReproduced } } }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }

    /// The closing table: one row per target.
    public func table() -> String {
        var rows = [["target", "engine", "executions", "exec/s", "corpus", "features", "coverage", "restarts", "bugs"]]
        for target in targets {
            rows.append([
                target.target, target.engine.rawValue, String(target.executions), String(Int(target.executionsPerSecond)),
                String(target.corpusSize), String(target.features), target.coverage.map(String.init) ?? "-",
                String(target.restarts), String(target.failures.filter { $0.verdict != .notReproduced }.count),
            ])
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).enumerated().map { index, pair in
                index == 0 || index == 1
                    ? pair.0.padding(toLength: pair.1, withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: pair.1 - pair.0.count) + pair.0
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
