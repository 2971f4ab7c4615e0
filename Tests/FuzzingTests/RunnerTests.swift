import Foundation
import Fuzzing
import Testing
import Wire

/// The pieces between a worker and the report: the crash record, worker lines, supervision, charts.
@Suite("Campaign runner: records, worker protocol, supervision, reports")
struct RunnerTests {
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crucible-runner-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("The input record holds the last input and counts every one, for a reader in another process")
    func inputRecord() throws {
        let file = try Self.temporaryFolder().appendingPathComponent("worker.record")
        let record = try InputRecord(creatingAt: file)
        record.record([1, 2, 3, 4, 5])
        record.record([9, 8])
        #expect(InputRecord.read(file) == InputRecord.Contents(executions: 2, input: [9, 8]))
        #expect(InputRecord.executions(in: file) == 2)
    }

    @Test("Worker lines round-trip: progress samples and artifacts")
    func workerLines() {
        let sample = ProgressSample(seconds: 1.5, executions: 1234, corpusSize: 7, features: 9)
        #expect(BuiltinWorker.parse(BuiltinWorker.progressLine(sample)) == .progress(sample))
        #expect(BuiltinWorker.parse(BuiltinWorker.artifactLine(kind: .oracle, path: "/tmp/a b")) == .artifact(kind: .oracle, path: "/tmp/a b"))
        #expect(BuiltinWorker.parse("Fatal error: not ours") == nil)
    }

    @Test("Workers get distinct seeds per worker and per restart, all derived from the campaign's")
    func workerSeeds() {
        let seeds = [(0, 0), (0, 1), (1, 0), (1, 1)].map { BuiltinWorker.seed(campaign: 7, worker: $0.0, attempt: $0.1) }
        #expect(Set(seeds).count == 4)
        #expect(BuiltinWorker.seed(campaign: 7, worker: 0, attempt: 0) == 7)
    }

    /// A worker made of a shell script: it speaks the worker protocol without being a fuzzer, so the
    /// supervisor's handling of each way a worker ends is tested on its own.
    static func scriptSlot(_ script: String, record: URL?, target: String = "script") -> Supervisor.Slot {
        Supervisor.Slot(target: target) { _, _ in
            WorkerSpec(target: target, engine: .builtin, executable: URL(fileURLWithPath: "/bin/sh"),
                       arguments: ["-c", script], currentInputFile: record, parseLine: BuiltinWorker.parse)
        }
    }

    static func writeRecord(_ input: [UInt8], executions: Int, to file: URL) throws {
        let record = try InputRecord(creatingAt: file)
        for _ in 0..<executions { record.record(input) }
    }

    @Test("A worker that stops counting inputs is stopped as a hang, with its input kept")
    func hangDetected() throws {
        let record = try Self.temporaryFolder().appendingPathComponent("hang.record")
        try Self.writeRecord([0xDE, 0xAD], executions: 3, to: record)
        let supervisor = Supervisor(jobs: 1, seconds: 20, limits: ResourceLimits(secondsPerInput: 0.5), stopAtFirstFailure: true, display: .silent())
        let started = Date()
        let outcome = try #require(supervisor.run([Self.scriptSlot("sleep 30", record: record)]).first)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(outcome.failures.map(\.kind) == [.hang])
        #expect(outcome.failures.first?.input == [0xDE, 0xAD])
    }

    @Test("A worker that dies by a signal leaves its input as a crash, and progress lines are summed")
    func crashCollected() throws {
        let record = try Self.temporaryFolder().appendingPathComponent("crash.record")
        try Self.writeRecord([0x01], executions: 1, to: record)
        let progress = BuiltinWorker.progressLine(ProgressSample(seconds: 0.2, executions: 500, corpusSize: 3, features: 4))
        let script = "echo '\(progress)'; sleep 1.2; kill -ILL $$"
        let supervisor = Supervisor(jobs: 1, seconds: 20, limits: ResourceLimits(), stopAtFirstFailure: true, display: .silent())
        let outcome = try #require(supervisor.run([Self.scriptSlot(script, record: record)]).first)
        #expect(outcome.failures.map(\.kind) == [.crash])
        #expect(outcome.failures.first?.input == [0x01])
        #expect(outcome.last.executions == 500 && outcome.last.features == 4)
    }

    @Test("A worker that grows past the memory limit is stopped as a memory failure")
    func memoryLimit() throws {
        let record = try Self.temporaryFolder().appendingPathComponent("memory.record")
        try Self.writeRecord([0x02], executions: 1, to: record)
        // The shell holds 200 MiB in a variable; the limit is 64 MiB.
        let script = "x=$(head -c 209715200 /dev/zero | tr '\\0' a); sleep 30"
        let supervisor = Supervisor(jobs: 1, seconds: 60, limits: ResourceLimits(secondsPerInput: 60, memoryMiB: 64), stopAtFirstFailure: true, display: .silent())
        let outcome = try #require(supervisor.run([Self.scriptSlot(script, record: record)]).first)
        #expect(outcome.failures.map(\.kind) == [.memory])
    }

    @Test("A worker that ends cleanly is not a failure, and a dead-at-start worker is reported, not looped")
    func cleanEndAndStartFailure() throws {
        let supervisor = Supervisor(jobs: 2, seconds: 5, limits: ResourceLimits(), display: .silent())
        let outcomes = supervisor.run([
            Self.scriptSlot("exit 0", record: nil, target: "clean"),
            Self.scriptSlot("exit 3", record: nil, target: "broken"),
        ])
        let clean = try #require(outcomes.first { $0.target == "clean" })
        let broken = try #require(outcomes.first { $0.target == "broken" })
        #expect(clean.failures.isEmpty && clean.problems.isEmpty)
        #expect(broken.problems.contains { $0.contains("dies at start") })
    }

    @Test("The report survives JSON and draws one polyline per series per target in a valid SVG")
    func reportAndChart() throws {
        var outcome = Supervisor.TargetOutcome(target: "stun", engine: .builtin)
        outcome.samples = (1...5).map { ProgressSample(seconds: Double($0), executions: $0 * 1000, corpusSize: $0 * 2, features: $0 * 3) }
        let report = CampaignReport(
            engine: .builtin, seed: 1, secondsPerTarget: 5, jobs: 1, limits: ResourceLimits(), started: Date(),
            targets: [CampaignReport.TargetReport(outcome: outcome, failures: [])])
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let decoded = try decoder.decode(CampaignReport.self, from: report.json())
        #expect(decoded.targets.first?.samples == outcome.samples)
        #expect(decoded.targets.first?.executions == 5000)
        let svg = GrowthChart.svg(report)
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        #expect(report.table().contains("stun"))
    }
}
