import Conformance
import CrucibleTestSupport
import Foundation
import Testing

/// The cross-layer fuzz targets (issue 17) exist only in a fuzzing build (`-DCRUCIBLE_FUZZING_UNSAFE`), so
/// this suite builds one (`.build-unsafe/`, a debug build of `crucible`) and replays their corpora there:
/// every seed and regression must hold every oracle, and give the same trace when run again.
@Suite("The fuzzing build's cross-layer targets")
struct CrossLayerFuzzingBuildTests {
    static let root = Crucible.repositoryRoot

    /// The seeds and regressions of `target`, as paths relative to the repository.
    static func corpusFiles(_ target: String) throws -> [String] {
        try ["Corpus/\(target)", "Corpus/\(target)/regressions"].flatMap { folder -> [String] in
            let url = root.appendingPathComponent(folder)
            guard FileManager.default.fileExists(atPath: url.path) else { return [] }
            return try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
                .filter { name in
                    var isFolder: ObjCBool = false
                    let exists = FileManager.default.fileExists(atPath: url.appendingPathComponent(name).path, isDirectory: &isFolder)
                    return exists && !isFolder.boolValue && name != "README.md"
                }
                .map { "\(folder)/\($0)" }
        }
    }

    @Test("A fuzzing build runs every seed and regression of each cross-layer target clean, twice with the same trace")
    func corporaReproduce() throws {
        let scratch = Self.root.appendingPathComponent(".build-unsafe")
        let build = try runToEnd(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["swift", "build", "--product", "crucible", "--scratch-path", scratch.path, "-Xswiftc", "-DCRUCIBLE_FUZZING_UNSAFE"],
            in: Self.root, timeout: .seconds(1500))
        try #require(build.status == 0, "the fuzzing build failed:\n\(String(decoding: build.errors + build.output, as: UTF8.self).suffix(3000))")
        let crucible = scratch.appendingPathComponent("debug/crucible")
        for target in CrossLayerFuzzTargets.names {
            let files = try Self.corpusFiles(target)
            #expect(files.count >= 4, "\(target) has \(files.count) seeds")
            let runs = try (0..<2).map { _ in try runToEnd(crucible, ["fuzz", "reproduce", target] + files, in: Self.root, timeout: .seconds(600)) }
            let outputs = runs.map { String(decoding: $0.output, as: UTF8.self) }
            #expect(runs[0].status == 0, "\(target):\n\(outputs[0])\(String(decoding: runs[0].errors, as: UTF8.self).suffix(2000))")
            let lines = outputs[0].split(separator: "\n")
            #expect(lines.count == files.count, "\(outputs[0])")
            for line in lines { #expect(line.contains(": accepted, every oracle holds (trace "), "\(line)") }
            #expect(outputs[0] == outputs[1], "\(target): the second run's traces differ\n\(outputs[0])\n\(outputs[1])")
        }
    }
}
