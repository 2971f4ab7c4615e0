import Conformance
import PropertyBased
import SDP
import Testing
import Wire

/// Every SDP and trickled candidate in `../shared/vectors` parses and round-trips after canonicalisation.
@Suite("SDP shared vectors")
struct VectorTests {
    static func documents() throws -> [SDPVectorDocument] {
        try SDPVectorDocument.load(from: SharedFolder.locate(from: #filePath))
    }

    @Test("the loader finds every description and candidate block in the vector files")
    func loaderCount() throws {
        let documents = try Self.documents()
        // 8 aiortc + 12 RFC 4317 + 2 RFC 8866/4566 + 10 JSEP descriptions; 8 JSEP trickled candidates.
        #expect(documents.filter { $0.kind == .sessionDescription }.count == 32)
        #expect(documents.filter { $0.kind == .candidate }.count == 8)
        #expect(documents.contains { $0.name == "sdp_rfc8829_jsep_examples.txt#offer-A1" })
    }

    @Test("each vector description parses and re-serialises to its canonical form (CRLF line ends)")
    func roundTrip() throws {
        for document in try Self.documents() where document.kind == .sessionDescription {
            let bytes = Array(document.text.utf8)
            do {
                let value = try SDPCodec.parse(bytes)
                #expect(SDPCodec.serialize(value) == SDPCodec.canonicalize(bytes), "\(document.name)")
                #expect(try SDPCodec.parse(SDPCodec.serialize(value)) == value, "\(document.name)")
            } catch {
                Issue.record("\(document.name): \(error)")
            }
        }
    }

    @Test("each trickled JSEP candidate parses with the candidate codec and round-trips exactly")
    func candidates() throws {
        for document in try Self.documents() where document.kind == .candidate {
            do {
                let value = try CandidateCodec.parse(Array(document.text.utf8))
                #expect(CandidateCodec.serialize(value) == Array(document.text.utf8), "\(document.name)")
                #expect(value.form == .bare)
            } catch {
                Issue.record("\(document.name): \(error)")
            }
        }
    }

    @Test("no known attribute in the vectors falls back to the verbatim form")
    func typedAttributesInVectors() throws {
        let known: Set<String> = [
            "group", "mid", "ice-ufrag", "ice-pwd", "ice-options", "fingerprint", "setup", "rtcp", "rtpmap", "fmtp",
            "rtcp-fb", "extmap", "msid", "ssrc", "ssrc-group", "rid", "simulcast", "sctp-port", "max-message-size",
            "candidate", "rtcp-mux", "rtcp-rsize", "rtcp-mux-only", "end-of-candidates", "sendrecv", "recvonly",
        ]
        for document in try Self.documents() where document.kind == .sessionDescription {
            let value = try SDPCodec.parse(Array(document.text.utf8))
            for attribute in value.attributes + value.media.flatMap(\.attributes) {
                if case .other(let name, let text) = attribute {
                    #expect(!known.contains(name), "\(document.name): a=\(name):\(text ?? "") stayed verbatim")
                }
            }
        }
    }
}
