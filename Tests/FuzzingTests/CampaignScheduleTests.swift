@testable import Fuzzing
import Testing

/// The supervisor's rules without processes or a clock: every time below is chosen by the test, in
/// seconds on the supervisor's clock (see `RunnerTests` for the same rules with real workers).
@Suite("Fuzz campaign schedule: slots, chart points, stops and restarts at given times")
struct CampaignScheduleTests {
    static func schedule(
        _ targets: [String] = ["stun"], jobs: Int = 1, seconds: Double = 60, limits: ResourceLimits = ResourceLimits(secondsPerInput: 2, memoryMiB: 100),
        stopAtFirstFailure: Bool = false
    ) -> CampaignSchedule {
        CampaignSchedule(targets: targets, jobs: jobs, seconds: seconds, limits: limits, stopAtFirstFailure: stopAtFirstFailure)
    }

    // MARK: Which slot runs next

    @Test("slots start in the order given, at most `jobs` at a time")
    func slotsStartInOrderUpToJobs() {
        var schedule = Self.schedule(["a", "b", "c"], jobs: 2)
        #expect(schedule.nextSlot(running: 0, at: 0) == 0)
        #expect(schedule.nextSlot(running: 1, at: 0) == 1)
        #expect(schedule.nextSlot(running: 2, at: 0) == nil)
        #expect(schedule.hasQueued)
        #expect(schedule.nextSlot(running: 1, at: 5) == 2)
        #expect(schedule.nextSlot(running: 1, at: 5) == nil)
        #expect(!schedule.hasQueued)
    }

    @Test("fewer than one job means one")
    func atLeastOneJob() {
        var schedule = Self.schedule(["a", "b"], jobs: 0)
        #expect(schedule.nextSlot(running: 0, at: 0) == 0)
        #expect(schedule.nextSlot(running: 1, at: 0) == nil)
    }

    @Test("a target's clock starts with its first slot; later slots of the target do not restart it")
    func targetClockStartsWithFirstSlot() {
        var schedule = Self.schedule(["a", "a", "b"])
        _ = schedule.nextSlot(running: 0, at: 5)
        _ = schedule.nextSlot(running: 0, at: 9)
        _ = schedule.nextSlot(running: 0, at: 20)
        #expect(schedule.secondsSinceStart(of: "a", at: 30) == 25)
        #expect(schedule.secondsSinceStart(of: "b", at: 30) == 10)
    }

    @Test("a target not started yet is at 0 seconds")
    func unstartedTargetAtZero() {
        let schedule = Self.schedule(["a"])
        #expect(schedule.secondsSinceStart(of: "a", at: 12) == 0)
    }

    // MARK: When the chart takes a point

    @Test("a target's first point is due at once, then one a second at most, each target on its own")
    func chartPointsOncePerSecond() {
        var schedule = Self.schedule(["a", "b"])
        let polls: [(target: String, time: Double)] = [("a", 0.1), ("a", 0.6), ("b", 0.6), ("a", 1.1), ("a", 2.0)]
        let due = polls.map { schedule.takeSampleIfDue(for: $0.target, at: $0.time) }
        #expect(due == [true, false, true, true, false])
    }

    // MARK: When a running worker is stopped

    static let idle = CampaignSchedule.Reading(executions: nil, residentMiB: 10)

    /// A worker started at `started` whose input record had counted to 10 at `counted`.
    static func counting(_ schedule: CampaignSchedule, started: Double = 0, counted: Double) -> WorkerWatch {
        var watch = WorkerWatch(startedAt: started)
        _ = schedule.stopReason(for: &watch, reading: .init(executions: 10, residentMiB: 10), at: counted)
        return watch
    }

    @Test("a worker 30 s past its slot's time ends cleanly, whatever its record says")
    func outlivedSlotStops() {
        let schedule = Self.schedule(seconds: 60)
        var watch = WorkerWatch(startedAt: 10)
        #expect(schedule.stopReason(for: &watch, reading: nil, at: 100) == nil)
        #expect(schedule.stopReason(for: &watch, reading: nil, at: 100.5) == .exited(0))
    }

    @Test("without an input record (libFuzzer) only the slot's time stops a worker")
    func noRecordNoHang() {
        let schedule = Self.schedule()
        var watch = WorkerWatch(startedAt: 0)
        #expect(schedule.stopReason(for: &watch, reading: nil, at: 50) == nil)
    }

    @Test("a record that counts on is progress and keeps the worker running")
    func countingRecordIsProgress() {
        let schedule = Self.schedule()
        var watch = WorkerWatch(startedAt: 0)
        #expect(schedule.stopReason(for: &watch, reading: .init(executions: 10, residentMiB: 10), at: 1) == nil)
        #expect(schedule.stopReason(for: &watch, reading: .init(executions: 20, residentMiB: 10), at: 5) == nil)
        #expect(watch.lastExecutions == 20)
        #expect(watch.lastProgressAt == 5)
    }

    @Test("a record stuck longer than the per-input limit is a hang")
    func stuckRecordIsHang() {
        let schedule = Self.schedule(limits: ResourceLimits(secondsPerInput: 2, memoryMiB: 100))
        var watch = Self.counting(schedule, counted: 1)
        #expect(schedule.stopReason(for: &watch, reading: .init(executions: 10, residentMiB: 10), at: 3) == nil)
        #expect(schedule.stopReason(for: &watch, reading: .init(executions: 10, residentMiB: 10), at: 3.5) == .timedOut)
    }

    @Test("a worker whose record never counted is starting up, not hanging")
    func neverCountedIsNotHang() {
        let schedule = Self.schedule()
        var watch = WorkerWatch(startedAt: 0)
        #expect(schedule.stopReason(for: &watch, reading: Self.idle, at: 40) == nil)
    }

    @Test("a progress line restarts the per-input clock")
    func progressLineRestartsHangClock() {
        let schedule = Self.schedule()
        var watch = Self.counting(schedule, counted: 1)
        watch.progressed(at: 2.5)
        #expect(schedule.stopReason(for: &watch, reading: .init(executions: 10, residentMiB: 10), at: 4) == nil)
    }

    @Test("a worker past the memory limit is stopped; one at the limit is not")
    func memoryLimit() {
        let schedule = Self.schedule(limits: ResourceLimits(secondsPerInput: 2, memoryMiB: 100))
        var watch = WorkerWatch(startedAt: 0)
        #expect(schedule.stopReason(for: &watch, reading: .init(executions: nil, residentMiB: 100), at: 1) == nil)
        #expect(schedule.stopReason(for: &watch, reading: .init(executions: nil, residentMiB: 101), at: 1) == .outOfMemory)
    }

    @Test("a worker that hangs and is too large stops for the hang, the first rule it breaks")
    func hangBeforeMemory() {
        let schedule = Self.schedule()
        var watch = Self.counting(schedule, counted: 1)
        #expect(schedule.stopReason(for: &watch, reading: .init(executions: 10, residentMiB: 500), at: 9) == .timedOut)
    }

    // MARK: What follows a worker's end

    @Test("a clean end finishes the slot")
    func cleanEndFinishes() {
        let schedule = Self.schedule()
        var watch = WorkerWatch(startedAt: 0)
        #expect(schedule.afterExit(of: &watch, termination: .exited(0), targetHasFailures: false, at: 10) == .finished)
    }

    @Test("a failed worker is restarted for the rest of its slot's time", arguments: [
        ChildProcess.Termination.signaled(4), .exited(1), .timedOut, .outOfMemory,
    ])
    func failureRestarts(termination: ChildProcess.Termination) {
        let schedule = Self.schedule(seconds: 60)
        var watch = WorkerWatch(startedAt: 10)
        #expect(schedule.afterExit(of: &watch, termination: termination, targetHasFailures: true, at: 25) == .restart(secondsLeft: 45))
    }

    @Test("a slot with a second or less left is not restarted")
    func noRestartAtTheEnd() {
        let schedule = Self.schedule(seconds: 60)
        var watch = WorkerWatch(startedAt: 0)
        #expect(schedule.afterExit(of: &watch, termination: .signaled(4), targetHasFailures: false, at: 59) == .finished)
    }

    @Test("stopping at the first failure ends the target's workers once it has one, even on a clean end")
    func stopAtFirstFailure() {
        let schedule = Self.schedule(stopAtFirstFailure: true)
        var watch = WorkerWatch(startedAt: 0)
        #expect(schedule.afterExit(of: &watch, termination: .exited(0), targetHasFailures: true, at: 5) == .stopTarget)
        #expect(schedule.afterExit(of: &watch, termination: .exited(0), targetHasFailures: false, at: 5) == .finished)
    }

    /// A slot (60 s, started at 0) whose workers trap at each of `times`, each restarted at once; what the
    /// schedule said after each, and the slot's count of deaths at start.
    static func deaths(at times: [Double]) -> (decisions: [CampaignSchedule.AfterExit], quickDeaths: Int) {
        let schedule = Self.schedule(seconds: 60)
        var watch = WorkerWatch(startedAt: 0)
        var decisions: [CampaignSchedule.AfterExit] = []
        for time in times {
            decisions.append(schedule.afterExit(of: &watch, termination: .signaled(4), targetHasFailures: false, at: time))
            watch.restarted(at: time)
        }
        return (decisions, watch.quickDeaths)
    }

    @Test("three deaths in a row within a second of starting give the slot up")
    func quickDeathsGiveUp() {
        #expect(Self.deaths(at: [0.5, 1.0, 1.2]).decisions == [.restart(secondsLeft: 59.5), .restart(secondsLeft: 59), .diesAtStart])
    }

    @Test("a worker that ran a while clears the count of deaths at start")
    func slowDeathResetsCount() {
        let (decisions, quickDeaths) = Self.deaths(at: [0.5, 1.0, 5.0])
        #expect(decisions.last == .restart(secondsLeft: 55))
        #expect(quickDeaths == 0)
    }

    @Test("a restart starts the worker's clocks again but not the slot's")
    func restartResetsWorkerClocks() {
        var watch = Self.counting(Self.schedule(), started: 3, counted: 4)
        watch.restarted(at: 8)
        #expect(watch.slotStarted == 3)
        #expect(watch.workerStarted == 8)
        #expect(watch.lastExecutions == 0)
        #expect(watch.lastProgressAt == 8)
    }

    @Test("how a worker was stopped names its failure", arguments: [
        (.timedOut, .hang), (.outOfMemory, .memory), (.signaled(4), .crash), (.exited(1), .crash),
    ] as [(ChildProcess.Termination, FailureKind)])
    func failureKinds(termination: ChildProcess.Termination, kind: FailureKind) {
        #expect(CampaignSchedule.failureKind(of: termination) == kind)
    }

    // MARK: Progress across restarts and workers

    @Test("a restarted slot carries its executions and keeps its corpus and features")
    func progressCarriesOver() {
        var progress = WorkerProgress()
        progress.latest = ProgressSample(seconds: 4, executions: 1000, corpusSize: 7, features: 30)
        progress.carryOverForRestart()
        #expect(progress.latest == ProgressSample(seconds: 0, executions: 0, corpusSize: 7, features: 30))
        progress.latest = ProgressSample(seconds: 2, executions: 500, corpusSize: 8, features: 31)
        #expect(progress.total == ProgressSample(seconds: 2, executions: 1500, corpusSize: 8, features: 31))
    }

    @Test("a target's point sums its workers' executions and takes the largest corpus, features and coverage")
    func combinedSample() {
        let combined = ProgressSample.combined([
            ProgressSample(seconds: 3, executions: 100, corpusSize: 5, features: 40, coverage: 12),
            ProgressSample(seconds: 4, executions: 250, corpusSize: 9, features: 20),
        ])
        #expect(combined == ProgressSample(seconds: 0, executions: 350, corpusSize: 9, features: 40, coverage: 12))
        #expect(ProgressSample.combined([ProgressSample(seconds: 1, executions: 1, corpusSize: 1, features: 1)]).coverage == nil)
    }
}
