import Foundation

/// Starts fuzzing workers, at most `jobs` at a time, and watches them (issue 4, "The runner").
///
/// Engine-agnostic: a worker is a `WorkerSpec` whose output lines become progress and artifacts. A
/// worker that traps, hangs (its input record stops counting) or grows past the memory limit is
/// stopped, its input kept for triage, and a new worker takes over until the slot's time is spent.
public final class Supervisor {
    /// One worker's share of a campaign: a target, for `seconds`, restarted as often as it dies.
    public struct Slot {
        public var target: String
        /// Builds the worker for an attempt (0, 1, …) with the seconds left in the slot.
        public var makeSpec: (_ attempt: Int, _ secondsLeft: Double) throws -> WorkerSpec

        public init(target: String, makeSpec: @escaping (_ attempt: Int, _ secondsLeft: Double) throws -> WorkerSpec) {
            self.target = target
            self.makeSpec = makeSpec
        }
    }

    /// What one target's workers did, added up.
    public struct TargetOutcome: Sendable {
        public var target: String
        public var engine: FuzzEngine
        /// The growth over time, on the supervisor's clock, summed over the target's workers.
        public var samples: [ProgressSample] = []
        /// Inputs that failed, with how and when (seconds since the target started), in the order found.
        public var failures: [(kind: FailureKind, input: [UInt8], seconds: Double)] = []
        /// Workers that had to be started again after one died.
        public var restarts = 0
        /// Why a slot gave up early, if it did (a worker that cannot start, or dies at once).
        public var problems: [String] = []

        public init(target: String, engine: FuzzEngine) {
            self.target = target
            self.engine = engine
        }

        public var last: ProgressSample { samples.last ?? .zero }
    }

    public let jobs: Int
    public let seconds: Double
    public let limits: ResourceLimits
    /// End a target's workers at its first failure instead of restarting them (libFuzzer's default;
    /// the self-test's mode).
    public let stopAtFirstFailure: Bool
    private let display: ProgressDisplay

    /// The rules of `run` are `CampaignSchedule`'s; this class does the IO (processes, the clock, files).
    public init(jobs: Int, seconds: Double, limits: ResourceLimits, stopAtFirstFailure: Bool = false, display: ProgressDisplay) {
        self.jobs = max(1, jobs)
        self.seconds = seconds
        self.limits = limits
        self.stopAtFirstFailure = stopAtFirstFailure
        self.display = display
    }

    /// A worker that is running, and what its slot has done before it.
    private final class Running {
        let slot: Slot
        var attempt: Int
        var spec: WorkerSpec
        var child: ChildProcess
        var watch: WorkerWatch
        var progress = WorkerProgress()
        var artifacts: [(FailureKind, String)] = []

        init(slot: Slot, spec: WorkerSpec, child: ChildProcess, attempt: Int, at now: Double) {
            self.slot = slot
            self.spec = spec
            self.child = child
            self.attempt = attempt
            watch = WorkerWatch(startedAt: now)
        }
    }

    /// A campaign in progress: its schedule, its workers, and what each target's workers found so far.
    private struct Books {
        var schedule: CampaignSchedule
        var running: [Running] = []
        var outcomes: [String: TargetOutcome] = [:]
        /// Targets in the order they first started, the order of the report.
        var order: [String] = []

        /// The target's outcome so far, made when it first started.
        mutating func open(_ target: String, engine: FuzzEngine) {
            guard outcomes[target] == nil else { return }
            outcomes[target] = TargetOutcome(target: target, engine: engine)
            order.append(target)
        }

        func hasFailures(_ target: String) -> Bool { !(outcomes[target]?.failures.isEmpty ?? true) }
    }

    /// Runs every slot for `seconds` and gives each target's outcome, in the order targets first appear.
    ///
    /// Every 100 ms: start queued slots while there is room, read what each worker printed and stop the
    /// ones `CampaignSchedule` says to, add a point to each target's chart, then collect the workers that
    /// ended and restart them when the schedule says so.
    public func run(_ slots: [Slot]) -> [TargetOutcome] {
        let began = Date()
        let clock = { Date().timeIntervalSince(began) }
        var books = Books(schedule: CampaignSchedule(
            targets: slots.map(\.target), jobs: jobs, seconds: seconds, limits: limits, stopAtFirstFailure: stopAtFirstFailure))
        while books.schedule.hasQueued || !books.running.isEmpty {
            while let index = books.schedule.nextSlot(running: books.running.count, at: clock()) {
                if let worker = start(slots[index], books: &books, at: clock()) { books.running.append(worker) }
            }
            usleep(100_000)
            let now = clock()
            for worker in books.running { poll(worker, schedule: books.schedule, at: now) }
            chart(&books, at: now)
            let workers = books.running
            var stillRunning: [Running] = []
            for worker in workers where worker.child.isRunning || collect(worker, among: workers, books: &books, at: now) {
                stillRunning.append(worker)
            }
            books.running = stillRunning
        }
        display.finish()
        return books.order.compactMap { books.outcomes[$0] }
    }

    /// Starts a slot's first worker; a worker that cannot start is the target's problem.
    private func start(_ slot: Slot, books: inout Books, at now: Double) -> Running? {
        do {
            let spec = try slot.makeSpec(0, seconds)
            let child = try ChildProcess(executable: spec.executable, arguments: spec.arguments, environment: spec.environment)
            books.open(slot.target, engine: spec.engine)
            return Running(slot: slot, spec: spec, child: child, attempt: 0, at: now)
        } catch {
            books.open(slot.target, engine: .builtin)
            books.outcomes[slot.target]?.problems.append("cannot start a worker: \(error)")
            return nil
        }
    }

    /// Reads what a worker printed, then stops it if it hangs on one input, grows too large, or outlives
    /// its slot.
    private func poll(_ worker: Running, schedule: CampaignSchedule, at now: Double) {
        for line in worker.child.takeLines() {
            switch worker.spec.parseLine(line) {
            case .progress(let sample)?:
                worker.progress.latest = sample
                worker.watch.progressed(at: now)
            case .artifact(let kind, let path)?: worker.artifacts.append((kind, path))
            case nil: break
            }
        }
        // A campaign that stops at its first failure ends the worker once it reported one: the built-in
        // engine reports an oracle's finding and fuzzes on, so waiting for its exit would wait out its time.
        if schedule.stopAtFirstFailure, !worker.artifacts.isEmpty, worker.child.isRunning {
            worker.child.stop(because: .exited(0))
            return
        }
        let reading = worker.spec.currentInputFile.map { record in
            CampaignSchedule.Reading(executions: InputRecord.executions(in: record), residentMiB: worker.child.residentMiB)
        }
        if let reason = schedule.stopReason(for: &worker.watch, reading: reading, at: now) { worker.child.stop(because: reason) }
    }

    /// Per target: the sum over its running workers, on the display, and on the chart when a point is due.
    private func chart(_ books: inout Books, at now: Double) {
        for target in Set(books.running.map(\.slot.target)) {
            var sample = ProgressSample.combined(books.running.filter { $0.slot.target == target }.map(\.progress.total))
            sample.seconds = books.schedule.secondsSinceStart(of: target, at: now)
            if books.schedule.takeSampleIfDue(for: target, at: now) { books.outcomes[target]?.samples.append(sample) }
            display.update(target: target, engine: books.outcomes[target]?.engine ?? .builtin, sample: sample,
                           failures: books.outcomes[target]?.failures.count ?? 0)
        }
    }

    /// A worker ended: keeps what it left (its last point, its artifacts, the input it died on), then
    /// does what the schedule says. Returns whether the slot runs on with a new worker.
    private func collect(_ worker: Running, among workers: [Running], books: inout Books, at now: Double) -> Bool {
        let termination = worker.child.wait()
        for line in worker.child.takeLines() {
            switch worker.spec.parseLine(line) {
            case .artifact(let kind, let path)?: worker.artifacts.append((kind, path))
            case .progress(let sample)?: worker.progress.latest = sample
            case nil: break
            }
        }
        let target = worker.slot.target
        let foundAt = books.schedule.secondsSinceStart(of: target, at: now)
        // The worker's last word is the target's last point, whatever the chart's pace.
        if !workers.contains(where: { $0 !== worker && $0.slot.target == target && $0.child.isRunning }) {
            var sample = worker.progress.total
            sample.seconds = foundAt
            books.outcomes[target]?.samples.append(sample)
        }
        for (kind, path) in worker.artifacts {
            if let bytes = FileManager.default.contents(atPath: path) { books.outcomes[target]?.failures.append((kind, Array(bytes), foundAt)) }
        }
        worker.artifacts.removeAll()
        if termination != .exited(0), let record = worker.spec.currentInputFile.flatMap(InputRecord.read) {
            books.outcomes[target]?.failures.append((CampaignSchedule.failureKind(of: termination), record.input, foundAt))
        }
        switch books.schedule.afterExit(of: &worker.watch, termination: termination, targetHasFailures: books.hasFailures(target), at: now) {
        case .stopTarget:
            for other in workers where other.slot.target == target { other.child.stop(because: .exited(0)) }
            return false
        case .finished:
            return false
        case .diesAtStart:
            if !books.hasFailures(target) {
                let tail = worker.child.errorTail.split(separator: "\n").suffix(3).joined(separator: " | ")
                books.outcomes[target]?.problems.append("worker dies at start (\(termination)): \(tail)")
            }
            return false
        case .restart(let secondsLeft):
            worker.progress.carryOverForRestart()
            books.outcomes[target]?.restarts += 1
            do {
                worker.attempt += 1
                worker.spec = try worker.slot.makeSpec(worker.attempt, secondsLeft)
                worker.child = try ChildProcess(
                    executable: worker.spec.executable, arguments: worker.spec.arguments, environment: worker.spec.environment)
                worker.watch.restarted(at: now)
                return true
            } catch {
                books.outcomes[target]?.problems.append("cannot restart a worker: \(error)")
                return false
            }
        }
    }
}
