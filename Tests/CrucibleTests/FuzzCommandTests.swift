import Conformance
import Foundation
import Fuzzing
import Testing
import Wire

/// `crucible fuzz` and `crucible corpus` end to end, through the built executable (issue 4).
///
/// The planted-bug cases are the runner's proof: a bug planted in a copy of a STUN function must be
/// found, triaged and saved within a bounded time, or the runner is broken.
@Suite("crucible fuzz and crucible corpus")
struct FuzzCommandTests {
    /// A scratch repository holding a copy of the STUN corpus, so campaigns write nowhere in the real one.
    static func scratchRepository() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("crucible-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Corpus"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: Crucible.repositoryRoot.appendingPathComponent("Corpus/stun"), to: root.appendingPathComponent("Corpus/stun"))
        return root
    }

    static func savedCrashes(_ root: URL, target: String) throws -> [CrashStore.Entry] {
        let folder = root.appendingPathComponent("Corpus/\(target)/crashes")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.map {
            try JSONDecoder().decode(CrashStore.Entry.self, from: Data(contentsOf: folder.appendingPathComponent($0)))
        }
    }

    @Test("The built-in engine finds the planted trap within two minutes, minimises, names its site, saves it")
    func plantedCrash() throws {
        let root = try Self.scratchRepository()
        let result = try Crucible.run([
            "fuzz", PlantedBug.crash.rawValue, "--time", "120s", "--stop-at-first-failure", "--repository", root.path,
        ])
        #expect(result.status == 1, "a found bug exits 1\n\(result.standardOutput)\(result.standardError.suffix(2000))")
        let saved = try Self.savedCrashes(root, target: PlantedBug.crash.rawValue)
        let entry = try #require(saved.first, "nothing saved\n\(result.standardOutput)")
        #expect(saved.count == 1)
        #expect(entry.signature.kind == .crash)
        #expect(entry.signature.message == "Fatal error: \(PlantedBug.trapMessage)")
        #expect(entry.signature.site.contains("PlantedBug.softwareDescriptionIsValid"))
        #expect(result.standardOutput.contains("NEW crash at "))
        #expect(result.standardOutput.contains("first failure after "))

        // The saved command reproduces it: the process dies with the planted trap's message.
        let reproduced = try Crucible.run(["fuzz", "reproduce", PlantedBug.crash.rawValue, root.appendingPathComponent(entry.file).path])
        #expect(reproduced.status != 0)
        #expect(reproduced.standardError.contains(PlantedBug.trapMessage))

        // A crash that still fails cannot be promoted to a regression.
        let promoted = try Crucible.run(["corpus", "promote", PlantedBug.crash.rawValue, entry.file, "--repository", root.path])
        #expect(promoted.status == 1)
        #expect(promoted.standardOutput.contains("still fails"))
    }

    @Test("A slow input and a bloated input are stopped by the per-input limits and triaged as hang and memory")
    func plantedHangAndMemory() throws {
        let root = try Self.scratchRepository()
        let result = try Crucible.run([
            "fuzz", PlantedBug.hang.rawValue, PlantedBug.memory.rawValue, "--jobs", "2", "--time", "150s",
            "--timeout", "1", "--memory-limit", "400", "--stop-at-first-failure", "--repository", root.path,
        ])
        #expect(result.status == 1, "\(result.standardOutput)\(result.standardError.suffix(2000))")
        let hang = try Self.savedCrashes(root, target: PlantedBug.hang.rawValue)
        let memory = try Self.savedCrashes(root, target: PlantedBug.memory.rawValue)
        #expect(hang.map(\.signature.kind) == [.hang], "\(result.standardOutput)")
        #expect(memory.map(\.signature.kind) == [.memory], "\(result.standardOutput)")
    }

    @Test("A clean campaign exits 0, writes the JSON report and the SVG chart, and replays exactly from its seed")
    func cleanCampaignReplays() throws {
        let root = try Self.scratchRepository()
        func campaign(_ work: String) throws -> CampaignReport {
            let result = try Crucible.run([
                "fuzz", "stun", "--runs", "30000", "--seed", "42", "--repository", root.path,
                "--work-directory", root.appendingPathComponent(work).path,
            ])
            #expect(result.status == 0, "\(result.standardOutput)\(result.standardError.suffix(2000))")
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("\(work)/report.svg").path))
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(CampaignReport.self, from: Data(contentsOf: root.appendingPathComponent("\(work)/report.json")))
        }
        let first = try #require(try campaign("first").targets.first)
        let second = try #require(try campaign("second").targets.first)
        #expect(first.executions == 30000)
        #expect(first.failures.isEmpty)
        #expect(first.features > 10, "the mutants reach more than a handful of rules and shapes")
        #expect((first.corpusSize, first.features) == (second.corpusSize, second.features))

        // What the campaign kept merges into the corpus; merged names keep the corpus's accept/refuse rule.
        let merged = try Crucible.run([
            "corpus", "merge", "stun", root.appendingPathComponent("first/stun/corpus").path, "--repository", root.path,
        ])
        #expect(merged.status == 0, "\(merged.standardOutput)\(merged.standardError)")
        let target = try #require(ProtocolCatalog.fuzzTarget(named: "stun"))
        let corpus = root.appendingPathComponent("Corpus/stun")
        let names = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { $0.contains("found-") }
        #expect(!names.isEmpty)
        for name in names {
            let outcome = target.run(Array(try Data(contentsOf: corpus.appendingPathComponent(name))))
            if name.hasPrefix("negative-") {
                #expect(outcome != .accepted, "\(name) must be refused")
            } else {
                #expect(outcome == .accepted, "\(name) must be accepted")
            }
        }
        // Merging the same folder again adds nothing.
        let again = try Crucible.run(["corpus", "merge", "stun", root.appendingPathComponent("first/stun/corpus").path, "--repository", root.path])
        #expect(again.standardOutput.contains("0 of "))
    }

    @Test("Merging by edge coverage (libFuzzer -merge=1) adds inputs under the corpus's naming rule", .timeLimit(.minutes(10)))
    func mergeByCoverage() throws {
        let root = try Self.scratchRepository()
        let work = root.appendingPathComponent("work")
        let campaign = try Crucible.run(["fuzz", "stun", "--runs", "20000", "--repository", root.path, "--work-directory", work.path])
        #expect(campaign.status == 0, "\(campaign.standardOutput)")
        let merged = try Crucible.run([
            "corpus", "merge", "stun", work.appendingPathComponent("stun/corpus").path, "--engine", "libfuzzer", "--repository", root.path,
        ])
        #expect(merged.status == 0, "\(merged.standardOutput)\(merged.standardError.suffix(3000))")
        let target = try #require(ProtocolCatalog.fuzzTarget(named: "stun"))
        let corpus = root.appendingPathComponent("Corpus/stun")
        let names = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { $0.contains("found-") }
        #expect(!names.isEmpty, "coverage found nothing new in 20,000 mutants: \(merged.standardOutput)")
        for name in names {
            let outcome = target.run(Array(try Data(contentsOf: corpus.appendingPathComponent(name))))
            #expect(name.hasPrefix("negative-") ? outcome != .accepted : outcome == .accepted, "\(name)")
        }
    }

    @Test("A fixed crash moves to regressions/, where the corpus tests replay it")
    func promoteFixedCrash() throws {
        let root = try Self.scratchRepository()
        // An input that passes, filed as a crash: what a crash looks like once its bug is fixed.
        let input = Array(try Data(contentsOf: Crucible.repositoryRoot.appendingPathComponent("Corpus/stun/rfc5769-2.1-binding-request-short-term.bin")))
        let crashes = root.appendingPathComponent("Corpus/stun/crashes")
        try FileManager.default.createDirectory(at: crashes, withIntermediateDirectories: true)
        let name = CrashStore.name(of: input)
        try Data(input).write(to: crashes.appendingPathComponent(name))
        let result = try Crucible.run(["corpus", "promote", "stun", name, "--repository", root.path])
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("Corpus/stun/regressions/\(name)").path))
        #expect(!FileManager.default.fileExists(atPath: crashes.appendingPathComponent(name).path))
    }

    @Test("Usage errors exit 2", arguments: [
        ["fuzz", "no-such-target"],
        ["fuzz", "stun", "--time", "soon"],
        ["fuzz", "stun", "--engine", "afl"],
        ["fuzz", "stun", "--engine", "libfuzzer", "--runs", "10"],
        ["corpus", "merge", "no-such-target"],
    ])
    func usageErrors(arguments: [String]) throws {
        #expect(try Crucible.run(arguments).status == 2)
    }

    @Test("A normal build cannot bypass integrity checks: it has no such case and no cross-layer target")
    func normalBuildHasNoBypass() throws {
        #expect(!IntegrityChecks.fuzzingBuild, "the test build was compiled with -DCRUCIBLE_FUZZING_UNSAFE")
        #expect(!IntegrityChecks.enforced.bypassed)
        #expect(CrossLayerFuzzTargets.targets.isEmpty)
        for name in CrossLayerFuzzTargets.names {
            #expect(ProtocolCatalog.fuzzTarget(named: name) == nil, "\(name)")
            #expect(!ProtocolCatalog.protocolTargetNames.contains(name), "\(name)")
            // libFuzzer's 'all' runs them in its own binary, which Scripts/build-fuzzers compiles as a fuzzing build.
            #expect(ProtocolCatalog.libFuzzerTargetNames.contains(name), "\(name)")
        }
    }

    @Test("The libFuzzer stand-in of a cross-layer target never passes an input in a normal build")
    func crossLayerStandInFails() throws {
        let standIn = try #require(CrossLayerFuzzTargets.libFuzzerStandIn(named: CrossLayerFuzzTargets.sctpName))
        guard case .finding(let finding) = standIn.run([0, 1, 2]) else {
            Issue.record("the stand-in accepted an input it cannot run")
            return
        }
        #expect(finding.detail.contains("-DCRUCIBLE_FUZZING_UNSAFE"))
        #expect(CrossLayerFuzzTargets.libFuzzerStandIn(named: "stun") == nil)
    }

    @Test("The built-in engine of a normal build refuses a cross-layer target and says how to build one", arguments: [
        ["fuzz", CrossLayerFuzzTargets.sctpName, "--time", "1s"],
        ["fuzz", "reproduce", CrossLayerFuzzTargets.rtpName, "/dev/null"],
    ])
    func crossLayerNeedsFuzzingBuild(arguments: [String]) throws {
        let result = try Crucible.run(arguments)
        #expect(result.status == 2)
        #expect(result.standardError.contains("swift run --scratch-path .build-unsafe -Xswiftc -DCRUCIBLE_FUZZING_UNSAFE"), "\(result.standardError)")
    }

    @Test("fuzz list names every protocol target and marks the self-tests")
    func list() throws {
        let result = try Crucible.run(["fuzz", "list"])
        for name in ProtocolCatalog.protocolTargetNames { #expect(result.standardOutput.contains(name)) }
        #expect(result.standardOutput.contains("planted-stun ") && result.standardOutput.contains("self-test"))
        // Every path target is in 'all' unless its findings are under triage; those are listed, and say
        // where their inputs are.
        for target in ProtocolCatalog.pathTargets where ProtocolCatalog.underTriage[target.name] == nil {
            #expect(ProtocolCatalog.protocolTargetNames.contains(target.name), "\(target.name)")
        }
        for name in ProtocolCatalog.underTriage.keys {
            #expect(!ProtocolCatalog.protocolTargetNames.contains(name))
            #expect(result.standardOutput.contains("Corpus/\(name)/crashes/"), "\(name)")
        }
        for name in CrossLayerFuzzTargets.names {
            #expect(result.standardOutput.contains("\(name)") && result.standardOutput.contains("fuzzing build only"), "\(name)")
        }
    }
}
