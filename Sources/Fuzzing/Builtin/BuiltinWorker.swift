public import Foundation

/// The built-in engine as a worker process (`crucible fuzz worker`), and the supervisor's view of it.
///
/// The worker runs a `BuiltinCampaign` for its seconds, copies each input to its `InputRecord`, writes
/// each new corpus entry to the target's working corpus, saves oracle failures as artifacts, and prints
/// one line per event on standard output:
/// `crucible-worker progress {json}` and `crucible-worker artifact <kind> <path>`.
public enum BuiltinWorker {
    static let prefix = "crucible-worker "

    /// Where one target's campaign keeps its working files, under the work directory (`.fuzz/`).
    public struct Folders: Sendable {
        public let root: URL
        public init(workDirectory: URL, target: String) { root = workDirectory.appendingPathComponent(target) }
        /// Inputs the campaign found worth keeping; `crucible corpus merge` folds them into `Corpus/`.
        public var corpus: URL { root.appendingPathComponent("corpus") }
        /// Failing inputs as found, before triage.
        public var artifacts: URL { root.appendingPathComponent("artifacts") }
        /// The committed seeds, copied without `crashes/` for engines that read folders themselves.
        public var seeds: URL { root.appendingPathComponent("seeds") }
        public func record(worker: Int) -> URL { root.appendingPathComponent("worker-\(worker).record") }
        public var scratch: URL { root.appendingPathComponent("scratch") }

        public func create() throws {
            for folder in [corpus, artifacts, scratch] {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            }
        }
    }

    /// The seed of a worker: distinct per worker and per restart, a function of the campaign's seed.
    public static func seed(campaign: UInt64, worker: Int, attempt: Int) -> UInt64 {
        campaign &+ UInt64(worker) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(attempt) &* 0xBF58_476D_1CE4_E5B9
    }

    /// How the supervisor starts a worker.
    public static func spec(
        crucible: URL, target: String, worker: Int, seed: UInt64, seconds: Double, runs: Int? = nil,
        folders: Folders, repositoryRoot: URL
    ) -> WorkerSpec {
        let record = folders.record(worker: worker)
        return WorkerSpec(
            target: target, engine: .builtin, executable: crucible,
            arguments: [
                "fuzz", "worker", target, "--seed", String(seed), "--seconds", String(seconds),
                "--work-directory", folders.root.deletingLastPathComponent().path, "--worker", String(worker),
                "--repository", repositoryRoot.path,
            ] + (runs.map { ["--runs", String($0)] } ?? []),
            environment: ["SWIFT_BACKTRACE": "enable=no"],
            currentInputFile: record,
            parseLine: parse)
    }

    /// Reads one line of a worker's output.
    @Sendable
    public static func parse(_ line: String) -> WorkerEvent? {
        guard line.hasPrefix(prefix) else { return nil }
        let rest = line.dropFirst(prefix.count)
        if rest.hasPrefix("progress ") {
            let json = Data(rest.dropFirst("progress ".count).utf8)
            return (try? JSONDecoder().decode(ProgressSample.self, from: json)).map { .progress($0) }
        }
        if rest.hasPrefix("artifact ") {
            let parts = rest.dropFirst("artifact ".count).split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2, let kind = FailureKind(rawValue: parts[0]) else { return nil }
            return .artifact(kind: kind, path: parts[1])
        }
        return nil
    }

    public static func progressLine(_ sample: ProgressSample) -> String {
        let json = (try? JSONEncoder().encode(sample)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return prefix + "progress " + json
    }

    public static func artifactLine(kind: FailureKind, path: String) -> String { prefix + "artifact \(kind.rawValue) \(path)" }

    /// The worker's body: seeds from `Corpus/<corpusName>/` and the working corpus, then the campaign.
    public static func run(
        target: FuzzTarget, seed: UInt64, seconds: Double, runs: Int? = nil, folders: Folders, worker: Int,
        repositoryRoot: URL, print: @escaping (String) -> Void
    ) throws {
        try folders.create()
        var seeds = try CorpusDirectory(repositoryRoot: repositoryRoot, target: target.corpusName).entries().map(\.bytes)
        seeds += try CorpusDirectory(url: folders.corpus).entries().map(\.bytes)
        let record = try InputRecord(creatingAt: folders.record(worker: worker))
        let corpus = folders.corpus
        let artifacts = folders.artifacts
        let hooks = BuiltinCampaign.Hooks(
            willRun: { record.record($0) },
            newEntry: { input in
                try? Data(input).write(to: corpus.appendingPathComponent(CrashStore.name(of: input)))
            },
            found: { finding in
                let file = artifacts.appendingPathComponent("oracle-" + CrashStore.name(of: finding.input))
                guard (try? Data(finding.input).write(to: file)) != nil else { return }
                print(artifactLine(kind: .oracle, path: file.path))
            },
            progress: { print(progressLine($0)) })
        _ = BuiltinCampaign(target: target, seeds: seeds, seed: seed)
            .run(budget: BuiltinCampaign.Budget(executions: runs, seconds: seconds), maxFindings: 100, hooks: hooks)
    }
}
