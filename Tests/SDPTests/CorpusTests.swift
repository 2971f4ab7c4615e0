import Foundation
import SDP
import Testing

/// The fuzz seeds in `Corpus/sdp` and `Corpus/candidate` stay valid and canonical.
@Suite("SDP corpus")
struct CorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Corpus")

    static func files(_ folder: String, _ suffix: String) throws -> [URL] {
        let directory = corpus.appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(suffix) }.sorted().map { directory.appendingPathComponent($0) }
    }

    @Test("every SDP seed parses and re-serialises byte for byte (it is already canonical)")
    func sdpSeeds() throws {
        let files = try Self.files("sdp", ".sdp")
        #expect(files.count == 33)
        for file in files {
            let bytes = Array(try Data(contentsOf: file))
            #expect(SDPCodec.canonicalize(bytes) == bytes, "\(file.lastPathComponent)")
            #expect((try? SDPCodec.serialize(SDPCodec.parse(bytes))) == bytes, "\(file.lastPathComponent)")
        }
    }

    @Test("every candidate seed parses and re-serialises byte for byte")
    func candidateSeeds() throws {
        let files = try Self.files("candidate", ".txt")
        #expect(files.count >= 40)
        for file in files {
            let bytes = Array(try Data(contentsOf: file))
            #expect((try? CandidateCodec.serialize(CandidateCodec.parse(bytes))) == bytes, "\(file.lastPathComponent)")
        }
    }
}
