public import Foundation

/// A target's seed corpus, `Corpus/<target>/`: one input per file, named for what it is.
///
/// Files directly in the folder are seeds (README.md excepted); `regressions/` holds inputs that once
/// broke the target and are replayed by the tests forever.
public struct CorpusDirectory: Sendable {
    public let url: URL

    public init(url: URL) { self.url = url }

    /// The corpus of `target` under a repository root.
    public init(repositoryRoot: URL, target: String) {
        url = repositoryRoot.appendingPathComponent("Corpus").appendingPathComponent(target)
    }

    /// Seeds and regressions, sorted by name, as (name, bytes).
    public func entries() throws -> [(name: String, bytes: [UInt8])] {
        var result: [(name: String, bytes: [UInt8])] = []
        for folder in [url, url.appendingPathComponent("regressions")] {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { continue }
            for name in names.sorted() where name != "README.md" && !name.hasPrefix(".") {
                let file = folder.appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory), !isDirectory.boolValue
                else { continue }
                let prefix = folder == url ? "" : "regressions/"
                result.append((prefix + name, Array(try Data(contentsOf: file))))
            }
        }
        return result
    }
}
