import DTLSRecord
import Foundation
import Testing
import Wire

/// The seeds in `Corpus/dtls/` and `Corpus/dtls-handshake/` are valid inputs of their codecs.
@Suite("DTLS corpus seeds")
struct CorpusTests {
    /// `(file name, bytes)` of every seed of `Corpus/<name>/` (README.md and the `regressions/` and
    /// `crashes/` folders excepted: the catalog's corpus tests replay regressions).
    static func seeds(_ name: String) throws -> [(String, [UInt8])] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.appendingPathComponent("Corpus").appendingPathComponent(name)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { name in
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path, isDirectory: &isFolder)
            return name != "README.md" && !name.hasPrefix(".") && !isFolder.boolValue
        }.sorted()
        return try files.map { ($0, Array(try Data(contentsOf: folder.appendingPathComponent($0)))) }
    }

    @Test("Every dtls seed parses and re-serialises byte-exact")
    func dtlsSeeds() throws {
        let seeds = try Self.seeds(DTLSCodec.name)
        #expect(seeds.count == 9)
        for (name, bytes) in seeds {
            #expect(DTLSCodec.serialize(try DTLSCodec.parse(bytes)) == bytes, "\(name)")
        }
    }

    @Test("Every dtls-handshake seed parses and re-serialises byte-exact")
    func handshakeSeeds() throws {
        let seeds = try Self.seeds(DTLSHandshakeCodec.name)
        #expect(seeds.count == 3)
        for (name, bytes) in seeds {
            #expect(DTLSHandshakeCodec.serialize(try DTLSHandshakeCodec.parse(bytes)) == bytes, "\(name)")
        }
    }
}
