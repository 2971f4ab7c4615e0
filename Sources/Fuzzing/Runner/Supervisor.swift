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

        public var last: ProgressSample { samples.last ?? ProgressSample(seconds: 0, executions: 0, corpusSize: 0, features: 0) }
    }

    public let jobs: Int
    public let seconds: Double
    public let limits: ResourceLimits
    /// End a target's workers at its first failure instead of restarting them (libFuzzer's default;
    /// the self-test's mode).
    public let stopAtFirstFailure: Bool
    private let display: ProgressDisplay

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
        let slotIndex: Int
        let started: Date
        var attempt: Int
        var spec: WorkerSpec
        var child: ChildProcess
        var workerStarted: Date
        /// Executions of the slot's earlier workers, so restarts do not reset the count.
        var executionsBefore = 0
        var latest = ProgressSample(seconds: 0, executions: 0, corpusSize: 0, features: 0)
        var lastExecutions: UInt64 = 0
        var lastProgressAt: Date
        var artifacts: [(FailureKind, String)] = []
        var quickDeaths = 0

        init(slot: Slot, slotIndex: Int, spec: WorkerSpec, child: ChildProcess, attempt: Int) {
            self.slot = slot
            self.slotIndex = slotIndex
            self.spec = spec
            self.child = child
            self.attempt = attempt
            started = Date()
            workerStarted = started
            lastProgressAt = started
        }

        var total: ProgressSample {
            var sample = latest
            sample.executions += executionsBefore
            return sample
        }
    }

    /// Runs every slot for `seconds` and gives each target's outcome, in the order targets first appear.
    public func run(_ slots: [Slot]) -> [TargetOutcome] {
        var outcomes: [String: TargetOutcome] = [:]
        var order: [String] = []
        var queue = Array(slots.enumerated())
        var running: [Running] = []
        var targetStarted: [String: Date] = [:]
        var lastSample: [String: Date] = [:]

        func start(_ slot: Slot, index: Int, attempt: Int, secondsLeft: Double) -> Running? {
            do {
                let spec = try slot.makeSpec(attempt, secondsLeft)
                let child = try ChildProcess(executable: spec.executable, arguments: spec.arguments, environment: spec.environment)
                if outcomes[slot.target] == nil {
                    outcomes[slot.target] = TargetOutcome(target: slot.target, engine: spec.engine)
                    order.append(slot.target)
                }
                return Running(slot: slot, slotIndex: index, spec: spec, child: child, attempt: attempt)
            } catch {
                if outcomes[slot.target] == nil {
                    outcomes[slot.target] = TargetOutcome(target: slot.target, engine: .builtin)
                    order.append(slot.target)
                }
                outcomes[slot.target]?.problems.append("cannot start a worker: \(error)")
                return nil
            }
        }

        while !queue.isEmpty || !running.isEmpty {
            while running.count < jobs, !queue.isEmpty {
                let (index, slot) = queue.removeFirst()
                if targetStarted[slot.target] == nil { targetStarted[slot.target] = Date() }
                if let worker = start(slot, index: index, attempt: 0, secondsLeft: seconds) { running.append(worker) }
            }
            usleep(100_000)
            let now = Date()
            for worker in running {
                for line in worker.child.takeLines() {
                    switch worker.spec.parseLine(line) {
                    case .progress(let sample)?:
                        worker.latest = sample
                        worker.lastProgressAt = now
                    case .artifact(let kind, let path)?: worker.artifacts.append((kind, path))
                    case nil: break
                    }
                }
                watch(worker, now: now)
            }
            // Per target: the sum over its running workers, one point a second for the chart.
            for target in Set(running.map(\.slot.target)) {
                let workers = running.filter { $0.slot.target == target }
                let total = workers.map(\.total).reduce(into: ProgressSample(seconds: 0, executions: 0, corpusSize: 0, features: 0)) {
                    $0.executions += $1.executions
                    $0.corpusSize = max($0.corpusSize, $1.corpusSize)
                    $0.features = max($0.features, $1.features)
                    if let coverage = $1.coverage { $0.coverage = max($0.coverage ?? 0, coverage) }
                }
                var sample = total
                sample.seconds = now.timeIntervalSince(targetStarted[target] ?? now)
                if now.timeIntervalSince(lastSample[target] ?? .distantPast) >= 1 {
                    outcomes[target]?.samples.append(sample)
                    lastSample[target] = now
                }
                display.update(target: target, engine: outcomes[target]?.engine ?? .builtin, sample: sample,
                               failures: outcomes[target]?.failures.count ?? 0)
            }
            // Workers that ended: collect what they left, start the next attempt if time remains.
            var stillRunning: [Running] = []
            for worker in running {
                guard !worker.child.isRunning else { stillRunning.append(worker); continue }
                let termination = worker.child.wait()
                for line in worker.child.takeLines() {
                    if case .artifact(let kind, let path)? = worker.spec.parseLine(line) { worker.artifacts.append((kind, path)) }
                    if case .progress(let sample)? = worker.spec.parseLine(line) { worker.latest = sample }
                }
                let target = worker.slot.target
                // The worker's last word is the target's last point, whatever the chart's pace.
                if !running.contains(where: { $0 !== worker && $0.slot.target == target && $0.child.isRunning }) {
                    var sample = worker.total
                    sample.seconds = now.timeIntervalSince(targetStarted[target] ?? now)
                    outcomes[target]?.samples.append(sample)
                }
                let foundAt = now.timeIntervalSince(targetStarted[target] ?? now)
                for (kind, path) in worker.artifacts {
                    if let bytes = FileManager.default.contents(atPath: path) { outcomes[target]?.failures.append((kind, Array(bytes), foundAt)) }
                }
                worker.artifacts.removeAll()
                let failed = termination != .exited(0)
                if failed, worker.spec.currentInputFile != nil, let record = worker.spec.currentInputFile.flatMap(InputRecord.read) {
                    let kind: FailureKind = switch termination {
                    case .timedOut: .hang
                    case .outOfMemory: .memory
                    default: .crash
                    }
                    outcomes[target]?.failures.append((kind, record.input, foundAt))
                }
                let secondsLeft = seconds - now.timeIntervalSince(worker.started)
                if stopAtFirstFailure, !(outcomes[target]?.failures.isEmpty ?? true) {
                    for other in running where other.slot.target == target { other.child.stop(because: .exited(0)) }
                    continue
                }
                guard failed, secondsLeft > 1 else { continue }
                // A worker that dies within a second of starting, three times, would only loop: on an
                // input that fails at once (the failures are kept), or because it cannot run (a problem).
                worker.quickDeaths = now.timeIntervalSince(worker.workerStarted) < 1 ? worker.quickDeaths + 1 : 0
                if worker.quickDeaths >= 3 {
                    if outcomes[target]?.failures.isEmpty ?? true {
                        let tail = worker.child.errorTail.split(separator: "\n").suffix(3).joined(separator: " | ")
                        outcomes[target]?.problems.append("worker dies at start (\(termination)): \(tail)")
                    }
                    continue
                }
                worker.executionsBefore += worker.latest.executions
                worker.latest = ProgressSample(seconds: 0, executions: 0, corpusSize: worker.latest.corpusSize, features: worker.latest.features)
                outcomes[target]?.restarts += 1
                do {
                    worker.attempt += 1
                    worker.spec = try worker.slot.makeSpec(worker.attempt, secondsLeft)
                    worker.child = try ChildProcess(
                        executable: worker.spec.executable, arguments: worker.spec.arguments, environment: worker.spec.environment)
                    worker.workerStarted = now
                    worker.lastExecutions = 0
                    worker.lastProgressAt = now
                    stillRunning.append(worker)
                } catch {
                    outcomes[target]?.problems.append("cannot restart a worker: \(error)")
                }
            }
            running = stillRunning
        }
        display.finish()
        return order.compactMap { outcomes[$0] }
    }

    /// Stops a worker that hangs on one input, grows too large, or outlives its slot.
    private func watch(_ worker: Running, now: Date) {
        if now.timeIntervalSince(worker.started) > seconds + 30 {
            worker.child.stop(because: .exited(0))
            return
        }
        if let record = worker.spec.currentInputFile {
            if let executions = InputRecord.executions(in: record), executions != worker.lastExecutions {
                worker.lastExecutions = executions
                worker.lastProgressAt = now
            } else if worker.lastExecutions > 0, now.timeIntervalSince(worker.lastProgressAt) > limits.secondsPerInput {
                worker.child.stop(because: .timedOut)
            }
            if let resident = worker.child.residentMiB, resident > limits.memoryMiB {
                worker.child.stop(because: .outOfMemory)
            }
        }
    }
}
