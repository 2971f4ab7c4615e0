import ArgumentParser
import Conformance
import Foundation
import Fuzzing
import Wire

/// `crucible corpus merge|minimize|promote|extract`: look after `Corpus/<target>/`.
struct Corpus: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Look after fuzz corpora.", subcommands: [Merge.self, Minimize.self, Promote.self, Extract.self])

    /// The target named on the command line, or a usage error.
    static func target(_ name: String) throws -> FuzzTarget {
        guard let target = ProtocolCatalog.fuzzTarget(named: name) else {
            throw ValidationError("no fuzz target '\(name)'; known: \(ProtocolCatalog.fuzzTargets.map(\.name).joined(separator: ", "))")
        }
        return target
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add to Corpus/<target>/ every input that reaches a rule or message shape the corpus does not.",
            discussion: "Sources default to the campaign's working corpus, .fuzz/<target>/corpus. Merged files are named found-<hash>, or negative-found-<hash> when the target refuses them.")

        @Argument(help: "The target.")
        var target: String

        @Argument(help: "Folders to merge from (default: .fuzz/<target>/corpus).")
        var sources: [String] = []

        @Option(help: "builtin (rules and message shapes) or libfuzzer (edge coverage, through -merge=1).")
        var engine: String = FuzzEngine.builtin.rawValue

        @Option(help: "The repository root holding Corpus/ (default: the current directory).")
        var repository: String = FileManager.default.currentDirectoryPath

        func validate() throws {
            _ = try Corpus.target(target)
            guard FuzzEngine(rawValue: engine) != nil else { throw ValidationError("--engine is builtin or libfuzzer") }
        }

        func run() throws {
            let fuzzTarget = try Corpus.target(target)
            let root = URL(fileURLWithPath: repository)
            let folders = sources.isEmpty
                ? [BuiltinWorker.Folders(workDirectory: root.appendingPathComponent(".fuzz"), target: target).corpus]
                : sources.map { URL(fileURLWithPath: $0) }
            let corpus = root.appendingPathComponent("Corpus/\(fuzzTarget.corpusName)")
            let summary: CorpusCare.Summary
            if FuzzEngine(rawValue: engine) == .libfuzzer {
                let binaries = try LibFuzzerBuild.build(repositoryRoot: Fuzz.sourceRoot(repository: root), sanitizer: .address)
                summary = try CorpusCare.mergeByCoverage(
                    target: fuzzTarget, binary: LibFuzzerBuild.binary(for: target, in: binaries), into: corpus, from: folders,
                    scratch: BuiltinWorker.Folders(workDirectory: root.appendingPathComponent(".fuzz"), target: target).scratch)
            } else {
                summary = try CorpusCare.merge(target: fuzzTarget, into: corpus, from: folders)
            }
            for name in summary.kept { print("Corpus/\(fuzzTarget.corpusName)/\(name)") }
            print("\(summary.kept.count) of \(summary.examined) inputs added")
        }
    }

    struct Minimize: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Keep, per rule or message shape, the smallest input of a folder; seeds a person named are always kept.")

        @Argument(help: "The target.")
        var target: String

        @Option(help: "The folder to minimise (default: the working corpus .fuzz/<target>/corpus).")
        var folder: String?

        @Option(help: "The repository root (default: the current directory).")
        var repository: String = FileManager.default.currentDirectoryPath

        func validate() throws { _ = try Corpus.target(target) }

        func run() throws {
            let fuzzTarget = try Corpus.target(target)
            let root = URL(fileURLWithPath: repository)
            let url = folder.map { URL(fileURLWithPath: $0) }
                ?? BuiltinWorker.Folders(workDirectory: root.appendingPathComponent(".fuzz"), target: target).corpus
            let summary = try CorpusCare.minimize(target: fuzzTarget, folder: url)
            print("kept \(summary.kept.count), removed \(summary.removed.count) of \(summary.examined) inputs in \(url.path)")
        }
    }

    struct Promote: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a fixed crash from Corpus/<target>/crashes/ to regressions/, which swift test replays forever.",
            discussion: "The input is reproduced first: if it still fails, nothing moves and the exit status is 1.")

        @Argument(help: "The target.")
        var target: String

        @Argument(help: "The crash: its hash, or the path of its file.")
        var crash: String

        @Option(help: "The repository root holding Corpus/ (default: the current directory).")
        var repository: String = FileManager.default.currentDirectoryPath

        func validate() throws { _ = try Corpus.target(target) }

        func run() throws {
            let root = URL(fileURLWithPath: repository)
            let store = CrashStore(repositoryRoot: root, target: target)
            let name = URL(fileURLWithPath: crash).lastPathComponent
            let file = store.folder.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: file.path) else {
                throw ValidationError("no crash \(store.displayFolder)/\(name)")
            }
            let reproducer = Reproducer.builtin(crucible: Fuzz.executable, target: target, limits: ResourceLimits())
            if case .fails(let signature) = try reproducer.reproduce(file) {
                print("\(store.displayFolder)/\(name) still fails: \(signature)")
                throw ExitCode(1)
            }
            let regressions = root.appendingPathComponent("Corpus/\(target)/regressions")
            try FileManager.default.createDirectory(at: regressions, withIntermediateDirectories: true)
            try FileManager.default.moveItem(at: file, to: regressions.appendingPathComponent(name))
            try? FileManager.default.removeItem(at: store.folder.appendingPathComponent(name + ".json"))
            print("Corpus/\(target)/regressions/\(name): passes now; swift test replays it from here on")
        }
    }

    struct Extract: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write one seed per distinct message shape found in the shared captures into Corpus/<protocol>/.")

        @Argument(help: "The protocol whose messages to extract.")
        var protocolName: String

        @Option(help: "The shared folder with captures/ (default: ../shared beside the repository).")
        var shared: String?

        @Option(help: "The repository root holding Corpus/ (default: the current directory).")
        var repository: String = FileManager.default.currentDirectoryPath

        func validate() throws {
            guard ProtocolCatalog.entry(named: protocolName) != nil, ProtocolCatalog.readsCaptures(protocolName) else {
                throw ValidationError("no capture extraction for '\(protocolName)'")
            }
        }

        func run() throws {
            let entry = ProtocolCatalog.entry(named: protocolName)!
            let folder = try shared.map { SharedFolder(root: URL(fileURLWithPath: $0)) } ?? SharedFolder.locate(from: repository)
            let seeds = try CorpusExtraction.seeds(for: entry, shared: folder)
            let target = URL(fileURLWithPath: repository).appendingPathComponent("Corpus").appendingPathComponent(protocolName)
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            for seed in seeds {
                try Data(seed.bytes).write(to: target.appendingPathComponent(seed.fileName))
                print("Corpus/\(protocolName)/\(seed.fileName)  \(seed.bytes.count) bytes")
            }
            print("\(seeds.count) seeds written")
        }
    }
}
