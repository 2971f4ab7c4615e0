public import Foundation

extension EngineDriver {
    /// The libFuzzer engine over binaries that `Scripts/build-fuzzers` put in `binaries`.
    ///
    /// Each worker fuzzes into the target's working corpus with the committed seeds as a second,
    /// read-only directory. The seeds are copied there first, without `crashes/`: libFuzzer reads its
    /// directories recursively, and a known crash would stop every run at its start.
    public static func libFuzzer(plan: CampaignPlan, binaries: URL) throws -> EngineDriver {
        for target in plan.targets {
            let folders = BuiltinWorker.Folders(workDirectory: plan.workDirectory, target: target.name)
            try? FileManager.default.removeItem(at: folders.seeds)
            try FileManager.default.createDirectory(at: folders.seeds, withIntermediateDirectories: true)
            for entry in try CorpusDirectory(repositoryRoot: plan.repositoryRoot, target: target.corpusName).entries() {
                try Data(entry.bytes).write(to: folders.seeds.appendingPathComponent(CrashStore.name(of: entry.bytes)))
            }
        }
        return EngineDriver(
            engine: .libfuzzer,
            spec: { target, worker, attempt, seconds in
                let folders = BuiltinWorker.Folders(workDirectory: plan.workDirectory, target: target.name)
                return LibFuzzerWorker.spec(
                    target: target.name, binary: LibFuzzerBuild.binary(for: target.name, in: binaries),
                    corpusDirectories: [folders.corpus, folders.seeds], artifactDirectory: folders.artifacts,
                    seconds: Int(seconds.rounded(.up)), limits: plan.limits,
                    seed: BuiltinWorker.seed(campaign: plan.seed, worker: worker, attempt: attempt),
                    dictionary: LibFuzzerBuild.dictionary(for: target.name, in: binaries))
            },
            reproducer: { target in
                let binary = LibFuzzerBuild.binary(for: target.name, in: binaries)
                return Reproducer(
                    reproduce: { file in
                        let result = try LibFuzzerTriage.reproduce(target: target.name, binary: binary, input: file, limits: plan.limits)
                        return result.signature.map { .fails($0) } ?? .passes
                    },
                    minimize: { file in
                        let output = file.deletingLastPathComponent().appendingPathComponent(file.lastPathComponent + ".min")
                        try? FileManager.default.removeItem(at: output)
                        defer { try? FileManager.default.removeItem(at: output) }
                        let minimized = try LibFuzzerTriage.minimize(
                            target: target.name, binary: binary, input: file, output: output, runs: 5_000, limits: plan.limits)
                        return Array(try Data(contentsOf: minimized))
                    },
                    command: { "\(binary.path) \($0)" })
            })
    }
}
