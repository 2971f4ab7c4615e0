public import Foundation
import Hashing
import Wire

/// `Corpus/<target>/crashes/`: one file per distinct bug, named by the SHA-1 of its bytes (as libFuzzer
/// names artifacts), beside a `<hash>.txt` note with the signature and the command that reproduces it.
/// Once the bug is fixed, `crucible corpus promote` moves the input to `regressions/`, which
/// `swift test` replays forever.
public struct CrashStore: Sendable {
    public let folder: URL
    /// The folder's path as people type it in the command (relative to the repository).
    public let displayFolder: String

    public init(repositoryRoot: URL, target: String) {
        folder = repositoryRoot.appendingPathComponent("Corpus/\(target)/crashes")
        displayFolder = "Corpus/\(target)/crashes"
    }

    /// A saved crash.
    public struct Entry: Codable, Hashable, Sendable {
        public var signature: CrashSignature
        /// The input's file, relative to the repository.
        public var file: String
        public var size: Int
        public var reproduceCommand: String
    }

    /// The name an input is saved under.
    public static func name(of input: [UInt8]) -> String { Hex.encode(DigestAlgorithm.sha1.hash(input)) }

    /// The signatures already saved, from the notes.
    public func savedSignatures() -> [CrashSignature: String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [:] }
        var result: [CrashSignature: String] = [:]
        for name in names where name.hasSuffix(".json") {
            guard let data = try? Data(contentsOf: folder.appendingPathComponent(name)),
                  let entry = try? JSONDecoder().decode(Entry.self, from: data)
            else { continue }
            result[entry.signature] = entry.file
        }
        return result
    }

    /// Saves an input with its signature; gives the saved entry.
    public func save(_ input: [UInt8], signature: CrashSignature, reproducer: Reproducer) throws -> Entry {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let name = Self.name(of: input)
        let file = "\(displayFolder)/\(name)"
        try Data(input).write(to: folder.appendingPathComponent(name))
        let entry = Entry(signature: signature, file: file, size: input.count, reproduceCommand: reproducer.command(file))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(entry).write(to: folder.appendingPathComponent(name + ".json"))
        return entry
    }
}
