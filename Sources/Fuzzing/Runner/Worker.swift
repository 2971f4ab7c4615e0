public import Foundation

/// The two engines `crucible fuzz` drives (DESIGN §4).
public enum FuzzEngine: String, Codable, Sendable, CaseIterable {
    /// Seeded, in-process mutation (structure-aware, havoc, splice) from a plain build.
    case builtin
    /// Coverage-guided libFuzzer, from a `-sanitize=fuzzer` build of `FuzzTargets/`.
    case libfuzzer
}

/// Where a campaign stood at one moment: one point of the growth chart and of the live progress line.
public struct ProgressSample: Codable, Hashable, Sendable {
    /// Seconds since the worker started.
    public var seconds: Double
    /// Inputs run so far.
    public var executions: Int
    /// Inputs kept in the corpus (built-in: inputs with a new outcome feature; libFuzzer: `corp:`).
    public var corpusSize: Int
    /// Coverage features (libFuzzer `ft:`) or, for the built-in engine, distinct outcome features
    /// (rules that refused, shapes that were accepted).
    public var features: Int
    /// Edge coverage (libFuzzer `cov:`); nil for the built-in engine, which has no instrumentation.
    public var coverage: Int?

    public init(seconds: Double, executions: Int, corpusSize: Int, features: Int, coverage: Int? = nil) {
        self.seconds = seconds
        self.executions = executions
        self.corpusSize = corpusSize
        self.features = features
        self.coverage = coverage
    }

    /// Executions per second over the whole run so far.
    public var executionsPerSecond: Double { seconds > 0 ? Double(executions) / seconds : 0 }
}

/// How an input failed a target.
public enum FailureKind: String, Codable, Sendable, CaseIterable {
    /// The process trapped or a sanitizer stopped it.
    case crash
    /// One input ran longer than the per-input time limit.
    case hang
    /// The process grew past the memory limit.
    case memory
    /// An oracle of DESIGN §4 failed (round trip, re-parse, invariant) without a trap.
    case oracle
}

/// What a worker's output line said, once parsed.
public enum WorkerEvent: Hashable, Sendable {
    case progress(ProgressSample)
    /// The worker wrote a failing input to this file (libFuzzer's `Test unit written to …`).
    case artifact(kind: FailureKind, path: String)
}

/// One fuzzing process to start and watch: the same shape for both engines, so the supervisor, the
/// progress lines, triage and reports are written once.
public struct WorkerSpec: Sendable {
    public var target: String
    public var engine: FuzzEngine
    public var executable: URL
    public var arguments: [String]
    /// Added to the supervisor's environment.
    public var environment: [String: String]
    /// Turns one line of the worker's standard output or error into an event, or nil for other lines.
    public var parseLine: @Sendable (String) -> WorkerEvent?
    /// The file in which the worker keeps the input it is running (built-in engine), read when the
    /// worker dies or hangs; nil when the engine writes its own artifacts (libFuzzer).
    public var currentInputFile: URL?

    public init(
        target: String, engine: FuzzEngine, executable: URL, arguments: [String],
        environment: [String: String] = [:], currentInputFile: URL? = nil,
        parseLine: @escaping @Sendable (String) -> WorkerEvent?
    ) {
        self.target = target
        self.engine = engine
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.currentInputFile = currentInputFile
        self.parseLine = parseLine
    }
}

/// Per-input limits: an input that runs longer or grows the process larger is triaged like a crash.
public struct ResourceLimits: Codable, Hashable, Sendable {
    /// Seconds one input may run.
    public var secondsPerInput: Double
    /// Resident memory the worker may reach, in MiB.
    public var memoryMiB: Int

    public init(secondsPerInput: Double = 2, memoryMiB: Int = 2048) {
        self.secondsPerInput = secondsPerInput
        self.memoryMiB = memoryMiB
    }
}
