import Conformance
import DTLS
import Hashing
import ICE
import JSEP
import SDP

/// Fixed parameters and helpers shared by the JSEP tests.
enum Fixtures {
    static let fingerprint: CertificateFingerprint = {
        // 32 bytes, so the initializer cannot throw; the fallback keeps the fixture total.
        let digest = (0..<32).map { UInt8($0 * 7 & 0xFF) }
        return (try? CertificateFingerprint(algorithm: .sha256, digest: digest)) ?? CertificateFingerprint(of: digest)
    }()

    static let host = Candidate(
        foundation: "1", component: 1, transport: "udp", priority: 2_130_706_431, address: "127.0.0.1", port: 50_000,
        type: .host)
    static let srflx = Candidate(
        foundation: "2", component: 1, transport: "udp", priority: 1_694_498_815, address: "192.0.2.7", port: 50_001,
        type: .srflx, relatedAddress: "127.0.0.1", relatedPort: 50_000)

    static func parameters(
        sessionID: UInt64 = 4_611_686_018_427_387_904, version: UInt64 = 1,
        credentials: ICECredentials = ICECredentials(ufrag: "Ufr4", pwd: "abcdefghijklmnopqrstuv"),
        candidates: [Candidate] = [], endOfCandidates: Bool = false, includesDataChannel: Bool = true
    ) -> LocalSessionParameters {
        LocalSessionParameters(
            sessionID: sessionID, sessionVersion: version, credentials: credentials, fingerprint: fingerprint,
            candidates: candidates, endOfCandidates: endOfCandidates, includesDataChannel: includesDataChannel)
    }

    /// Joins lines with CRLF and ends with one (SDP's canonical form).
    static func sdp(_ lines: [String]) -> String { lines.map { $0 + "\r\n" }.joined() }

    /// A description from the shared vector files by its name (`file#block`).
    static func vector(_ name: String) throws -> String {
        let documents = try SDPVectorDocument.load(from: SharedFolder.locate(from: #filePath))
        guard let document = documents.first(where: { $0.name == name }) else {
            throw MissingVector(name: name, known: documents.map(\.name))
        }
        return document.text
    }

    struct MissingVector: Error, CustomStringConvertible {
        let name: String
        let known: [String]
        var description: String { "no vector \(name); known: \(known.joined(separator: ", "))" }
    }

    /// A minimal valid data-channel offer to mutate in error tests.
    static let minimalOfferLines = [
        "v=0",
        "o=- 1 1 IN IP4 127.0.0.1",
        "s=-",
        "t=0 0",
        "a=group:BUNDLE 0",
        "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
        "c=IN IP4 0.0.0.0",
        "a=mid:0",
        "a=ice-ufrag:Ufr4",
        "a=ice-pwd:abcdefghijklmnopqrstuv",
        "a=fingerprint:sha-256 " + fingerprint.hexPairs,
        "a=setup:actpass",
        "a=sctp-port:5000",
    ]
}
