public import Foundation

/// What `crucible fuzz` was asked to do.
public struct CampaignPlan: Sendable {
    public var targets: [FuzzTarget]
    /// Wall-clock seconds each target is fuzzed for.
    public var secondsPerTarget: Double
    /// Worker processes at a time. With fewer targets than jobs, a target gets several workers (each
    /// with its own seed, sharing the working corpus); otherwise targets take turns.
    public var jobs: Int
    public var seed: UInt64
    public var limits: ResourceLimits
    /// `.fuzz/`: working corpora, artifacts, records, reports. Not committed.
    public var workDirectory: URL
    public var repositoryRoot: URL
    /// Built-in engine only: a fixed number of executions per worker, for exact replays.
    public var runs: Int?
    /// End a target at its first failure.
    public var stopAtFirstFailure = false

    public init(targets: [FuzzTarget], secondsPerTarget: Double, jobs: Int, seed: UInt64, limits: ResourceLimits,
                workDirectory: URL, repositoryRoot: URL, runs: Int? = nil) {
        self.runs = runs
        self.targets = targets
        self.secondsPerTarget = secondsPerTarget
        self.jobs = jobs
        self.seed = seed
        self.limits = limits
        self.workDirectory = workDirectory
        self.repositoryRoot = repositoryRoot
    }

    /// How many workers each target gets.
    public var workersPerTarget: Int { max(1, jobs / max(1, targets.count)) }
}

/// What an engine contributes to a campaign: how to start its workers and how to reproduce an input.
/// Everything else — supervision, progress, triage, reports — is shared.
public struct EngineDriver: Sendable {
    public var engine: FuzzEngine
    public var spec: @Sendable (_ target: FuzzTarget, _ worker: Int, _ attempt: Int, _ seconds: Double) throws -> WorkerSpec
    public var reproducer: @Sendable (_ target: FuzzTarget) -> Reproducer

    public init(
        engine: FuzzEngine,
        spec: @escaping @Sendable (FuzzTarget, Int, Int, Double) throws -> WorkerSpec,
        reproducer: @escaping @Sendable (FuzzTarget) -> Reproducer
    ) {
        self.engine = engine
        self.spec = spec
        self.reproducer = reproducer
    }

    /// The built-in engine: workers are `crucible fuzz worker` processes of the running executable.
    public static func builtin(crucible: URL, plan: CampaignPlan) -> EngineDriver {
        EngineDriver(
            engine: .builtin,
            spec: { target, worker, attempt, seconds in
                BuiltinWorker.spec(
                    crucible: crucible, target: target.name, worker: worker,
                    seed: BuiltinWorker.seed(campaign: plan.seed, worker: worker, attempt: attempt),
                    seconds: seconds, runs: plan.runs,
                    folders: BuiltinWorker.Folders(workDirectory: plan.workDirectory, target: target.name),
                    repositoryRoot: plan.repositoryRoot)
            },
            reproducer: { Reproducer.builtin(crucible: crucible, target: $0.name, limits: plan.limits) })
    }
}

/// A whole campaign: workers under the supervisor, then triage of every failing input, then the report.
public enum Campaign {
    public static func run(_ plan: CampaignPlan, driver: EngineDriver, display: ProgressDisplay) throws -> CampaignReport {
        let started = Date()
        var slots: [Supervisor.Slot] = []
        for target in plan.targets {
            try BuiltinWorker.Folders(workDirectory: plan.workDirectory, target: target.name).create()
            for worker in 0..<plan.workersPerTarget {
                slots.append(Supervisor.Slot(target: target.name) { attempt, seconds in
                    try driver.spec(target, worker, attempt, seconds)
                })
            }
        }
        let supervisor = Supervisor(
            jobs: plan.jobs, seconds: plan.secondsPerTarget, limits: plan.limits,
            stopAtFirstFailure: plan.stopAtFirstFailure, display: display)
        let outcomes = supervisor.run(slots)
        var reports: [CampaignReport.TargetReport] = []
        for outcome in outcomes {
            guard let target = plan.targets.first(where: { $0.name == outcome.target }) else { continue }
            let triage = Triage(
                store: CrashStore(repositoryRoot: plan.repositoryRoot, target: target.name),
                reproducer: driver.reproducer(target),
                scratch: BuiltinWorker.Folders(workDirectory: plan.workDirectory, target: target.name).scratch)
            let verdicts = try triage.triage(outcome.failures.map(\.input))
            reports.append(CampaignReport.TargetReport(outcome: outcome, failures: verdicts.map(CampaignReport.FailureReport.init)))
        }
        return CampaignReport(
            engine: driver.engine, seed: plan.seed, secondsPerTarget: plan.secondsPerTarget, jobs: plan.jobs,
            limits: plan.limits, started: started, targets: reports)
    }

    /// Writes `report.json` and `report.svg` into `folder`; gives their paths.
    public static func write(_ report: CampaignReport, to folder: URL) throws -> (json: URL, svg: URL) {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let json = folder.appendingPathComponent("report.json")
        let svg = folder.appendingPathComponent("report.svg")
        try report.json().write(to: json)
        try Data(GrowthChart.svg(report).utf8).write(to: svg)
        return (json, svg)
    }
}
