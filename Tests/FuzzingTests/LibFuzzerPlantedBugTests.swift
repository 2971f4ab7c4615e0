import Conformance
import Foundation
import Fuzzing
import Testing

/// The runner's self-test with the libFuzzer engine (issue 4, "Proof"): the ASan build of
/// `crucible-fuzz-planted-stun`, started on a copy of `Corpus/stun`, must hit the planted trap within
/// two minutes, save the input, and triage must name the planted function and message, replay the
/// input and minimise it.
///
/// It builds with `Scripts/build-fuzzers --sanitizer address` (incremental: seconds once
/// `.build-fuzz-address/` exists, about three minutes from nothing on two cores). A toolchain that cannot
/// build `-sanitize=fuzzer` fails this test with the build error's instructions: it never passes silently.
@Suite("libFuzzer finds the planted bug", .serialized)
struct LibFuzzerPlantedBugTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("crucible-fuzz-planted-stun (ASan) traps on a 13-byte SOFTWARE value within 120 s; triage names, replays and minimises it", .timeLimit(.minutes(10)))
    func plantedBug() throws {
        let output: URL
        do {
            output = try LibFuzzerBuild.build(repositoryRoot: Self.repositoryRoot, sanitizer: .address)
        } catch {
            Issue.record("\(error)")
            return
        }
        let target = PlantedBug.crash.rawValue
        let binary = LibFuzzerBuild.binary(for: target, in: output)
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("crucible-libfuzzer-planted-\(getpid())")
        let corpus = work.appendingPathComponent("corpus")
        let artifacts = work.appendingPathComponent("artifacts")
        try? FileManager.default.removeItem(at: work)
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        // A copy: libFuzzer adds to its first corpus directory, and the repository's seeds stay as they are.
        try FileManager.default.copyItem(
            at: Self.repositoryRoot.appendingPathComponent("Corpus").appendingPathComponent(PlantedBug.crash.target.corpusName),
            to: corpus)

        let spec = LibFuzzerWorker.spec(
            target: target, binary: binary, corpusDirectories: [corpus], artifactDirectory: artifacts,
            seconds: 120, seed: 4, dictionary: LibFuzzerBuild.dictionary(for: target, in: output))
        let started = Date()
        let result = try ProcessResult.run(spec.executable, spec.arguments, environment: spec.environment)
        let elapsed = Date().timeIntervalSince(started)

        let tail = result.output.split(separator: "\n").suffix(30).joined(separator: "\n")
        #expect(result.status != 0, "libFuzzer ran \(Int(elapsed)) s without finding the planted bug:\n\(tail)")
        let signature = try #require(LibFuzzerOutput.signature(of: result.output, kind: LibFuzzerOutput.failureKind(of: result.output)), "no crash in the report:\n\(tail)")
        #expect(signature.kind == .crash)
        #expect(signature.message.contains(PlantedBug.trapMessage))
        #expect(signature.site.contains("PlantedBug"))
        #expect(signature.site.contains("softwareDescriptionIsValid"))

        // The saved input is the one the supervisor reads from the artifact line, and it replays.
        let events = result.output.split(separator: "\n").compactMap { spec.parseLine(String($0)) }
        let artifact = try #require(events.compactMap { event -> String? in
            if case .artifact(.crash, let path) = event { return path } else { return nil }
        }.first, "no 'Test unit written to' line")
        let replay = try LibFuzzerTriage.reproduce(target: target, binary: binary, input: URL(fileURLWithPath: artifact))
        #expect(replay.reproduced)
        #expect(replay.signature == signature)

        // Minimising keeps the bug and never grows the input.
        let minimized = try LibFuzzerTriage.minimize(
            target: target, binary: binary, input: URL(fileURLWithPath: artifact),
            output: work.appendingPathComponent("minimized"), runs: 2_000)
        let small = try LibFuzzerTriage.reproduce(target: target, binary: binary, input: minimized)
        #expect(small.signature == signature)
        let sizes = try [artifact, minimized.path].map { try Data(contentsOf: URL(fileURLWithPath: $0)).count }
        #expect(sizes[1] <= sizes[0])
        print("libFuzzer found the planted bug in \(String(format: "%.1f", elapsed)) s: \(signature)")
    }
}
