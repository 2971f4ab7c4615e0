import ArgumentParser
import Conformance
import Foundation
import Fuzzing

/// `crucible fuzz`: campaigns over the fuzz targets with either engine, with triage and reports.
struct Fuzz: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run fuzz campaigns: live progress, triage of every failure, a JSON report and an SVG chart.",
        subcommands: [Run.self, Reproduce.self, List.self, Worker.self],
        defaultSubcommand: Run.self)

    /// The executable itself, which the built-in engine starts as its workers.
    static var executable: URL { URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath() }

    /// The checkout that holds `Scripts/build-fuzzers` and `FuzzTargets/`: the repository given, or else
    /// the current directory (a `--repository` may be a scratch copy of `Corpus/` alone).
    static func sourceRoot(repository: URL) -> URL {
        let script = LibFuzzerBuild.script(repositoryRoot: repository)
        return FileManager.default.isExecutableFile(atPath: script.path)
            ? repository : URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }

    /// The error for a target this build does not have; for a cross-layer target, how to get a build that has it.
    static func unknownTarget(_ name: String) -> ValidationError {
        if CrossLayerFuzzTargets.names.contains(name) { return ValidationError("'\(name)': " + CrossLayerFuzzTargets.buildAdvice) }
        return ValidationError("no fuzz target '\(name)'; known: \(ProtocolCatalog.fuzzTargets.map(\.name).joined(separator: ", "))")
    }

    /// `10m`, `30s`, `1h`, `90` (seconds).
    static func seconds(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
        if let unit = text.last, let scale = units[unit] { return Double(text.dropLast()).map { $0 * scale } }
        return Double(text)
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fuzz targets (all protocols by default) and triage what breaks.",
            discussion: """
            Exit status: 0 when nothing failed, 1 when an input failed (a new bug is saved in \
            Corpus/<target>/crashes/ with the command that reproduces it), 2 on a usage error.
            """)

        @Argument(help: "Targets to fuzz, or 'all' (every protocol). See 'crucible fuzz list'.")
        var targets: [String] = ["all"]

        @Option(help: "How long each target is fuzzed: 30s, 10m, 1h.")
        var time: String = "1m"

        @Option(help: "Worker processes at a time.")
        var jobs: Int = 1

        @Option(help: "builtin (no special build) or libfuzzer (builds FuzzTargets/ with -sanitize=fuzzer).")
        var engine: String = FuzzEngine.builtin.rawValue

        @Option(help: "The campaign's seed: the same seed, targets and --runs replay the same inputs (built-in engine).")
        var seed: UInt64 = 1

        @Option(help: "Built-in engine: a fixed number of executions per worker instead of a time.")
        var runs: Int?

        @Option(name: .customLong("timeout"), help: "Seconds one input may run before it counts as a hang.")
        var secondsPerInput: Double = 2

        @Option(name: .customLong("memory-limit"), help: "MiB a worker may grow to before its input counts as a memory failure.")
        var memoryMiB: Int = 2048

        @Option(help: "libFuzzer engine: build with AddressSanitizer (address) or for speed (none).")
        var sanitizer: String = "address"

        @Flag(help: "End a target at its first failure instead of restarting its workers.")
        var stopAtFirstFailure = false

        @Option(help: "The repository root holding Corpus/ (default: the current directory).")
        var repository: String = FileManager.default.currentDirectoryPath

        @Option(help: "Working folder for grown corpora, artifacts and reports (default: <repository>/.fuzz).")
        var workDirectory: String?

        @Option(help: "Also judge every input by an independent decoder, pion or tshark; disagreements no known difference explains are saved in Corpus/<target>/differential/ (built-in engine, in process).")
        var differential: String?

        func validate() throws {
            if let differential {
                _ = try FuzzDifferential.targets(targets, oracle: FuzzDifferential.oracle(differential))
                guard engine == FuzzEngine.builtin.rawValue else { throw ValidationError("--differential runs the built-in engine") }
            }
            guard FuzzEngine(rawValue: engine) != nil else { throw ValidationError("--engine is builtin or libfuzzer") }
            guard Fuzz.seconds(time) != nil else { throw ValidationError("--time takes 30s, 10m, 1h or seconds, not '\(time)'") }
            guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
            guard ["address", "none"].contains(sanitizer) else { throw ValidationError("--sanitizer is address or none") }
            if runs != nil, engine != FuzzEngine.builtin.rawValue { throw ValidationError("--runs applies to the built-in engine") }
            for name in targets where name != "all" && ProtocolCatalog.fuzzTarget(named: name) == nil {
                // A normal build's libFuzzer campaign runs the cross-layer targets in the fuzzing build's binary.
                if CrossLayerFuzzTargets.names.contains(name), engine == FuzzEngine.libfuzzer.rawValue { continue }
                throw Fuzz.unknownTarget(name)
            }
        }

        func run() throws {
            let libFuzzer = engine == FuzzEngine.libfuzzer.rawValue
            let names = targets.contains("all") ? (libFuzzer ? ProtocolCatalog.libFuzzerTargetNames : ProtocolCatalog.protocolTargetNames) : targets
            let root = URL(fileURLWithPath: repository)
            let work = workDirectory.map { URL(fileURLWithPath: $0) } ?? root.appendingPathComponent(".fuzz")
            if let differential {
                return try FuzzDifferential.run(
                    oracle: differential, targets: targets, seconds: Fuzz.seconds(time)!, runs: runs, seed: seed, root: root, work: work)
            }
            var plan = CampaignPlan(
                targets: names.compactMap { ProtocolCatalog.fuzzTarget(named: $0) ?? (libFuzzer ? CrossLayerFuzzTargets.libFuzzerStandIn(named: $0) : nil) },
                secondsPerTarget: runs == nil ? Fuzz.seconds(time)! : 24 * 3600, jobs: jobs, seed: seed,
                limits: ResourceLimits(secondsPerInput: secondsPerInput, memoryMiB: memoryMiB),
                workDirectory: work, repositoryRoot: root, runs: runs)
            plan.stopAtFirstFailure = stopAtFirstFailure
            let driver: EngineDriver
            switch FuzzEngine(rawValue: engine)! {
            case .builtin: driver = .builtin(crucible: Fuzz.executable, plan: plan)
            case .libfuzzer:
                FileHandle.standardError.write(Data("building the libFuzzer binaries (Scripts/build-fuzzers --sanitizer \(sanitizer); about 3 minutes the first time)…\n".utf8))
                let binaries = try LibFuzzerBuild.build(repositoryRoot: Fuzz.sourceRoot(repository: root), sanitizer: LibFuzzerBuild.Sanitizer(rawValue: sanitizer)!)
                driver = try .libFuzzer(plan: plan, binaries: binaries)
            }
            let report = try Campaign.run(plan, driver: driver, display: .standardError())
            let files = try Campaign.write(report, to: work)
            print(report.table())
            for target in report.targets {
                for problem in target.problems { print("\(target.target): \(problem)") }
                if let seconds = target.firstFailureSeconds {
                    print("\(target.target): first failure after \(String(format: "%.1f", seconds)) s")
                }
                // Inputs that show a bug already reported above are counted, not listed again.
                var repeats: [String: Int] = [:]
                for failure in target.failures {
                    let line = Fuzz.describe(failure, target: target.target)
                    repeats[line, default: 0] += 1
                    if repeats[line] == 1 { print(line) }
                }
                for (line, count) in repeats where count > 1 { print("  (\(count) inputs: \(line.prefix(60))…)") }
            }
            print("report: \(files.json.path)\nchart:  \(files.svg.path)")
            if report.targets.contains(where: { !$0.problems.isEmpty }) || report.foundFailures { throw ExitCode(1) }
        }
    }

    static func describe(_ failure: CampaignReport.FailureReport, target: String) -> String {
        switch failure.verdict {
        case .saved:
            let sizes = failure.originalSize.map { " (minimised from \($0) to \(failure.size) bytes)" } ?? ""
            return "\(target): NEW \(failure.signature.map(\.description) ?? "failure")\(sizes)\n  saved:     \(failure.file ?? "")\n  reproduce: \(failure.reproduceCommand ?? "")"
        case .duplicate:
            return "\(target): known \(failure.signature.map(\.description) ?? "failure"), already saved as \(failure.file ?? "")"
        case .notReproduced:
            return "\(target): an input of \(failure.size) bytes failed in the campaign but not in a fresh process"
        }
    }

    struct Reproduce: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run saved inputs through a target, as triage does: a trap ends the process with the runtime's report.")

        @Argument(help: "The target.")
        var target: String

        @Argument(help: "Input files.")
        var files: [String]

        @Option(help: "Show our verdict and this oracle's (pion or tshark) instead, and whether a known difference explains them.")
        var differential: String?

        func validate() throws {
            guard ProtocolCatalog.fuzzTarget(named: target) != nil else { throw Fuzz.unknownTarget(target) }
        }

        func run() throws {
            if let differential {
                return try FuzzDifferential.reproduce(
                    oracle: differential, target: target, files: files, root: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            }
            let fuzzTarget = ProtocolCatalog.fuzzTarget(named: target)!
            var failed = false
            for file in files {
                let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
                let execution = fuzzTarget.execute(bytes)
                // A machine target's trace: run the file again and it must be the same (issue 17).
                let trace = execution.trace.map { " (trace \($0))" } ?? ""
                switch execution.outcome {
                case .accepted: print("\(file): accepted, every oracle holds\(trace)")
                case .rejected(let rule): print("\(file): refused by \(rule)\(trace)")
                case .finding(let finding):
                    print(OracleReport.line(for: finding) + trace)
                    failed = true
                }
            }
            if failed { throw ExitCode(1) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the fuzz targets and their seed corpora.")

        func run() {
            // Names are padded to the longest, never cut: `planted-sctp-association` and its kin are long.
            let width = ProtocolCatalog.fuzzTargets.map(\.name.count).max() ?? 0
            for target in ProtocolCatalog.fuzzTargets {
                let note =
                    if let finding = ProtocolCatalog.underTriage[target.name] {
                        "  (open findings under triage in Corpus/\(target.name)/crashes/: \(finding); not in 'all')"
                    } else {
                        ProtocolCatalog.protocolTargetNames.contains(target.name) ? "" : "  (self-test, not in 'all')"
                    }
                print("\(target.name.padding(toLength: width, withPad: " ", startingAt: 0)) Corpus/\(target.corpusName)/\(note)")
            }
            for name in CrossLayerFuzzTargets.names where ProtocolCatalog.fuzzTarget(named: name) == nil {
                print("\(name.padding(toLength: width, withPad: " ", startingAt: 0)) Corpus/\(name)/  (fuzzing build only; libFuzzer's 'all' includes it)")
            }
        }
    }

    /// The built-in engine's worker process; the supervisor starts it, people do not.
    struct Worker: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One built-in engine worker (started by 'crucible fuzz').", shouldDisplay: false)

        @Argument var target: String
        @Option var seed: UInt64
        @Option var seconds: Double
        @Option var runs: Int?
        @Option var workDirectory: String
        @Option var worker: Int
        @Option var repository: String

        func run() throws {
            guard let fuzzTarget = ProtocolCatalog.fuzzTarget(named: target) else { throw Fuzz.unknownTarget(target) }
            try BuiltinWorker.run(
                target: fuzzTarget, seed: seed, seconds: seconds, runs: runs,
                folders: BuiltinWorker.Folders(workDirectory: URL(fileURLWithPath: workDirectory), target: target),
                worker: worker, repositoryRoot: URL(fileURLWithPath: repository)
            ) { line in
                print(line)
                fflush(nil)
            }
        }
    }
}
