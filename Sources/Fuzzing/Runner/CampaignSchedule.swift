/// The supervisor's decisions, with time as an input: which slot starts next, when a target's growth is
/// due for a point on the chart, when a worker is stopped, and what follows a worker's end.
///
/// No processes and no clock (DESIGN §1.1): `Supervisor` reads the time and the workers' state and
/// does what this says, so every rule here is tested with the times a test chooses. Times are seconds
/// on the supervisor's clock.
struct CampaignSchedule {
    /// Workers running at once, at least 1.
    let jobs: Int
    /// Each slot's share of the campaign.
    let seconds: Double
    let limits: ResourceLimits
    /// End a target's workers at its first failure instead of restarting them.
    let stopAtFirstFailure: Bool
    /// A worker running this long past its slot's time is stopped: it ignores its own time limit.
    static let overrun = 30.0
    /// Seconds between two points of a target's growth chart.
    static let sampleInterval = 1.0
    /// A worker that ends within this many seconds of starting died "at start".
    static let quickDeath = 1.0
    /// Deaths at start in a row after which a slot gives up.
    static let quickDeathLimit = 3
    /// A slot with less than this left is not restarted.
    static let minimumRestart = 1.0

    /// The targets of the slots, by slot index.
    private let targets: [String]
    /// Slots not started yet, in the order given.
    private var queue: [Int]
    private var targetStarted: [String: Double] = [:]
    private var lastSample: [String: Double] = [:]

    init(targets: [String], jobs: Int, seconds: Double, limits: ResourceLimits, stopAtFirstFailure: Bool) {
        self.targets = targets
        self.jobs = max(1, jobs)
        self.seconds = seconds
        self.limits = limits
        self.stopAtFirstFailure = stopAtFirstFailure
        queue = Array(targets.indices)
    }

    /// Whether some slot has not started yet.
    var hasQueued: Bool { !queue.isEmpty }

    /// The next slot to start, in the order given, while fewer than `jobs` workers run; nil when none is
    /// to start now. A target's clock starts with its first slot.
    mutating func nextSlot(running: Int, at now: Double) -> Int? {
        guard running < jobs, !queue.isEmpty else { return nil }
        let index = queue.removeFirst()
        if targetStarted[targets[index]] == nil { targetStarted[targets[index]] = now }
        return index
    }

    /// Seconds since the target's first slot started (0 for a target not started).
    func secondsSinceStart(of target: String, at now: Double) -> Double { now - (targetStarted[target] ?? now) }

    /// Whether the target's chart is due for a point, at most one per ``sampleInterval``; when it is,
    /// the point counts as taken.
    mutating func takeSampleIfDue(for target: String, at now: Double) -> Bool {
        if let last = lastSample[target], now - last < Self.sampleInterval { return false }
        lastSample[target] = now
        return true
    }

    /// What a worker's input record and memory said at one poll; nil for an engine that keeps no input
    /// record (libFuzzer watches its own inputs).
    struct Reading: Equatable {
        /// Inputs run so far, by the record; nil when it cannot be read.
        var executions: UInt64?
        /// Resident memory in MiB; nil when it cannot be read.
        var residentMiB: Int?
    }

    /// Why a running worker must be stopped now, if it must, by the first rule it breaks: it outlived its
    /// slot by ``overrun`` (a clean end), its input record stopped counting for longer than the per-input
    /// limit once it had counted (a hang), or it grew past the memory limit. Notes the record's progress
    /// in `watch`.
    func stopReason(for watch: inout WorkerWatch, reading: Reading?, at now: Double) -> ChildProcess.Termination? {
        if now - watch.slotStarted > seconds + Self.overrun { return .exited(0) }
        guard let reading else { return nil }
        if let executions = reading.executions, executions != watch.lastExecutions {
            watch.recordExecutions(executions, at: now)
        } else if watch.lastExecutions > 0, now - watch.lastProgressAt > limits.secondsPerInput {
            return .timedOut
        }
        if let resident = reading.residentMiB, resident > limits.memoryMiB { return .outOfMemory }
        return nil
    }

    /// What follows a worker's end.
    enum AfterExit: Equatable {
        /// Stop every worker of the target: it has its first failure and the campaign stops there.
        case stopTarget
        /// The slot is done: its worker ended cleanly, or too little of its time is left.
        case finished
        /// The slot's workers keep dying at start: more would only loop.
        case diesAtStart
        /// Start the slot's next worker, for the seconds left.
        case restart(secondsLeft: Double)
    }

    /// Decides what follows a worker's end, given whether its target has failures (counting this one's).
    /// Counts deaths at start in `watch`.
    func afterExit(
        of watch: inout WorkerWatch, termination: ChildProcess.Termination, targetHasFailures: Bool, at now: Double
    ) -> AfterExit {
        let secondsLeft = seconds - (now - watch.slotStarted)
        if stopAtFirstFailure, targetHasFailures { return .stopTarget }
        guard termination != .exited(0), secondsLeft > Self.minimumRestart else { return .finished }
        // A worker that dies within a second of starting, three times, would only loop: on an input that
        // fails at once (the failures are kept), or because it cannot run (a problem).
        watch.countDeath(quick: now - watch.workerStarted < Self.quickDeath)
        if watch.quickDeaths >= Self.quickDeathLimit { return .diesAtStart }
        return .restart(secondsLeft: secondsLeft)
    }

    /// The failure an abnormal end stands for, when the worker's input record names the input.
    static func failureKind(of termination: ChildProcess.Termination) -> FailureKind {
        switch termination {
        case .timedOut: .hang
        case .outOfMemory: .memory
        default: .crash
        }
    }
}

/// One slot's timeline, on the supervisor's clock: when it and its current worker started, and when
/// the worker last moved. `CampaignSchedule` reads and updates it.
struct WorkerWatch: Equatable {
    /// When the slot's first worker started: the slot's time counts from here.
    let slotStarted: Double
    /// When the current worker started.
    private(set) var workerStarted: Double
    /// The input record's count when it last changed; 0 until it has.
    private(set) var lastExecutions: UInt64 = 0
    /// When the worker last showed progress: a progress line, or its input record counting on.
    private(set) var lastProgressAt: Double
    /// Workers of the slot in a row that died within a second of starting.
    private(set) var quickDeaths = 0

    init(startedAt now: Double) {
        slotStarted = now
        workerStarted = now
        lastProgressAt = now
    }

    /// The worker printed a progress line.
    mutating func progressed(at now: Double) { lastProgressAt = now }

    mutating func recordExecutions(_ executions: UInt64, at now: Double) {
        lastExecutions = executions
        lastProgressAt = now
    }

    mutating func countDeath(quick: Bool) { quickDeaths = quick ? quickDeaths + 1 : 0 }

    /// The slot's next worker started.
    mutating func restarted(at now: Double) {
        workerStarted = now
        lastExecutions = 0
        lastProgressAt = now
    }
}
