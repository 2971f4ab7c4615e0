public import Foundation

/// The team's shared folder (`../shared` beside the repository): RFC vectors and third-party captures.
///
/// Tests and the tour read vectors and captures from here, never from copies inside the repository.
/// The location is `$CRUCIBLE_SHARED` when set, otherwise the first `shared` folder found beside the
/// starting directory or one of its parents.
public struct SharedFolder: Sendable {
    public let root: URL

    /// Why the shared folder could not be used; the message says how to fix it.
    public struct Missing: Error, CustomStringConvertible {
        public let searchedFrom: String
        public var description: String {
            "the shared folder (vectors and captures) was not found beside \(searchedFrom) or its parents; "
                + "clone the repository next to ../shared or set CRUCIBLE_SHARED=/path/to/shared"
        }
    }

    public init(root: URL) { self.root = root }

    /// Finds the shared folder, starting from `directory` (a test passes its own `#filePath`).
    public static func locate(from directory: String = FileManager.default.currentDirectoryPath) throws(Missing) -> SharedFolder {
        if let explicit = ProcessInfo.processInfo.environment["CRUCIBLE_SHARED"], !explicit.isEmpty {
            return SharedFolder(root: URL(fileURLWithPath: explicit))
        }
        var current = URL(fileURLWithPath: directory).standardizedFileURL
        for _ in 0..<12 {
            let candidate = current.deletingLastPathComponent().appendingPathComponent("shared")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(
                atPath: candidate.appendingPathComponent("vectors").path, isDirectory: &isDirectory), isDirectory.boolValue {
                return SharedFolder(root: candidate)
            }
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { break }
            current = parent
        }
        throw Missing(searchedFrom: directory)
    }

    public var vectors: URL { root.appendingPathComponent("vectors") }
    public var captures: URL { root.appendingPathComponent("captures") }

    /// The text of a vector file, such as `stun_rfc5769.txt`.
    public func vectorText(_ name: String) throws -> String {
        try String(contentsOf: vectors.appendingPathComponent(name), encoding: .utf8)
    }

    /// Names of the vector files whose names start with `prefix`, sorted.
    public func vectorFiles(prefix: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: vectors.path)
            .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".txt") }.sorted()
    }

    /// Names of the capture files (pcap and pcapng), sorted.
    public func captureFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: captures.path)
            .filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted()
    }

    /// Path of a capture file, such as `ndpi_stun.pcap`.
    public func capture(_ name: String) -> URL { captures.appendingPathComponent(name) }
}
