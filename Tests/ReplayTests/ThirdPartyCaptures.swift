import Foundation

/// Third-party captures that are not ours to copy into the repository. `Scripts/bootstrap` fetches them
/// into `.captures-thirdparty/` (gitignored) beside the sources; a test that needs one fails, saying how
/// to get it, when it is missing (never skips).
struct ThirdPartyCaptures: Sendable {
    /// A capture the bootstrap script has not extracted (yet).
    struct Missing: Error, CustomStringConvertible {
        let path: String
        var description: String {
            "\(path) missing: run Scripts/bootstrap (it fetches Debian's nDPI 4.2 source and extracts its test captures)"
        }
    }

    let folder: URL

    /// The repository's root, from this file's place in `Tests/ReplayTests/`.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// nDPI 4.2's `tests/pcap/` captures, from Debian's `ndpi_4.2.orig.tar.gz` (sha256 pinned in the script).
    static let ndpi = ThirdPartyCaptures(folder: repository.appendingPathComponent(".captures-thirdparty/ndpi-4.2"))

    /// The path of capture `name`, which must have been extracted.
    func path(_ name: String) throws(Missing) -> String {
        let path = folder.appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: path) else { throw Missing(path: path) }
        return path
    }

    /// The captures `Scripts/bootstrap` extracts (its `ndpi_captures` list), read from the script so that
    /// a test can hold the two in step.
    static func bootstrapList() throws -> [String] {
        let script = try String(contentsOf: repository.appendingPathComponent("Scripts/bootstrap"), encoding: .utf8)
        guard let start = script.range(of: "ndpi_captures=("), let end = script[start.upperBound...].range(of: "\n)") else { return [] }
        return script[start.upperBound..<end.lowerBound].split(separator: "\n")
            .flatMap { $0.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first?.split(separator: " ") ?? [] }
            .map(String.init)
    }
}
