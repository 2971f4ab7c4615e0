import Foundation
import Testing
import STUN

@Suite("Corpus/stun seeds")
struct CorpusTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Corpus/stun")

    static var seeds: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".bin") }.sorted()
    }

    @Test("The corpus has the RFC vectors and TURN, ICE and unknown-attribute seeds")
    func corpusIsComplete() {
        #expect(Self.seeds.count >= 20)
        for prefix in ["rfc5769-2.1", "rfc5769-2.4", "rfc8489-b1", "turn-allocate", "turn-channelbind", "turn-send", "turn-data",
                       "turn-createpermission", "ice-", "binding-request-unknown-attributes"] {
            #expect(Self.seeds.contains { $0.hasPrefix(prefix) }, "no seed starting \(prefix)")
        }
    }

    @Test("Every seed parses and re-serialises byte for byte", arguments: seeds)
    func seedRoundTrips(name: String) throws {
        let bytes = [UInt8](try Data(contentsOf: Self.directory.appendingPathComponent(name)))
        let message = try STUNCodec.parse(bytes)
        #expect(STUNCodec.serialize(message) == bytes)
        #expect(message.verifyFingerprint() != .invalid)
        #expect(!STUNCodec.describe(message).renderJSON().isEmpty)
    }
}
