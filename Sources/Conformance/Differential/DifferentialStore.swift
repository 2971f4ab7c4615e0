public import Foundation
import Fuzzing
import Wire

/// `Corpus/<target>/differential/`: one file per untriaged disagreement, named by the SHA-1 of its
/// bytes like `crashes/`, beside a `<hash>.json` note with both verdicts and the command that shows them
/// again. Triage moves each away: our bug → fixed and the input to `regressions/`; theirs or an RFC
/// ambiguity → an entry in `KnownDifferences.table`, and the file deleted.
public struct DifferentialStore: Sendable {
    public let folder: URL
    /// The folder as people type it (relative to the repository).
    public let displayFolder: String

    public init(repositoryRoot: URL, target: DifferentialTarget) {
        folder = repositoryRoot.appendingPathComponent("Corpus/\(target.rawValue)/differential")
        displayFolder = "Corpus/\(target.rawValue)/differential"
    }

    /// The note saved beside an input.
    public struct Note: Codable, Hashable, Sendable {
        public var oracle: DifferentialOracleKind
        public var target: DifferentialTarget
        public var signature: String
        public var ours: String
        public var theirs: String
        public var file: String
        public var reproduceCommand: String
    }

    /// Saves a finding; gives its note.
    @discardableResult
    public func save(_ disagreement: Disagreement) throws -> Note {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let name = CrashStore.name(of: disagreement.input)
        let file = "\(displayFolder)/\(name)"
        try Data(disagreement.input).write(to: folder.appendingPathComponent(name))
        let note = Note(
            oracle: disagreement.oracle, target: disagreement.target, signature: disagreement.signature,
            ours: disagreement.ours.description, theirs: disagreement.theirs.description, file: file,
            reproduceCommand: "crucible fuzz reproduce --differential \(disagreement.oracle.rawValue) \(disagreement.target.rawValue) \(file)")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(note).write(to: folder.appendingPathComponent(name + ".json"))
        return note
    }
}
