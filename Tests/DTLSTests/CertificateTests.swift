import DTLS
import DTLSRecord
import SDP
import Hashing
import SansIO
import Wire
import Testing

@Suite("DTLS certificates and a=fingerprint values (RFC 8122 §5)")
struct CertificateTests {
    @Test("a generated certificate is DER (a SEQUENCE) and the DTLS Certificate message carries it as the peer saw it")
    func derCertificate() throws {
        let certificate = try DTLSCertificate(commonName: "crucible")
        #expect(certificate.der.first == 0x30, "an X.509 certificate is an ASN.1 SEQUENCE")
        #expect(certificate.der.count > 200 && certificate.der.count < 600)
        // The subject common name is in the DER as a UTF8String/PrintableString value.
        let name = Array("crucible".utf8)
        #expect(certificate.der.indices.contains { index in certificate.der[index...].starts(with: name) })
    }

    @Test("two certificates have different keys and fingerprints")
    func distinct() throws {
        #expect(try DTLSCertificate().fingerprint() != DTLSCertificate().fingerprint())
    }

    @Test("the sha-256 fingerprint is 'sha-256 ' and 32 upper-case hex pairs joined by ':' and matches DTLSRecord's")
    func fingerprintText() throws {
        let certificate = try DTLSCertificate()
        let text = certificate.fingerprint().sdpValue
        #expect(text.hasPrefix("sha-256 "))
        let pairs = text.dropFirst("sha-256 ".count).split(separator: ":")
        #expect(pairs.count == 32)
        #expect(pairs.allSatisfy { $0.count == 2 && $0.allSatisfy { "0123456789ABCDEF".contains($0) } })
        #expect(String(text.dropFirst("sha-256 ".count)) == CertificateMessage(certificates: [certificate.der]).fingerprints.first?.hexPairs)
        #expect(certificate.fingerprint().digest == DigestAlgorithm.sha256.hash(certificate.der))
    }

    @Test("a fingerprint parses back from its SDP text, for every algorithm", arguments: DigestAlgorithm.allCases)
    func roundTrip(algorithm: DigestAlgorithm) throws {
        let fingerprint = try DTLSCertificate().fingerprint(algorithm)
        #expect(try CertificateFingerprint(sdpValue: fingerprint.sdpValue) == fingerprint)
    }

    @Test("the hash token is case-insensitive and lower-case hex is read")
    func lenientReading() throws {
        let fingerprint = try DTLSCertificate().fingerprint()
        let lowered = "SHA-256 " + fingerprint.hexPairs.lowercased()
        #expect(try CertificateFingerprint(sdpValue: lowered) == fingerprint)
    }

    @Test("matches(certificateDER:) accepts the certificate and refuses any other bytes")
    func matching() throws {
        let certificate = try DTLSCertificate()
        let fingerprint = certificate.fingerprint()
        #expect(fingerprint.matches(certificateDER: certificate.der))
        var altered = certificate.der
        altered[altered.count / 2] ^= 1
        #expect(!fingerprint.matches(certificateDER: altered))
        #expect(!fingerprint.matches(certificateDER: []))
    }

    static let malformed: [(String, String)] = [
        ("", "no fields"),
        ("sha-256", "no digest"),
        ("sha-256 AB:CD extra", "three fields"),
        ("sha-512 " + Array(repeating: "AB", count: 64).joined(separator: ":"), "sha-512 is not computed here"),
        ("md2 AB:CD", "md2 is not computed here"),
        ("sha-256 " + Array(repeating: "AB", count: 31).joined(separator: ":"), "31 bytes for sha-256"),
        ("sha-256 " + Array(repeating: "AB", count: 33).joined(separator: ":"), "33 bytes for sha-256"),
        ("sha-256 ABC:" + Array(repeating: "AB", count: 31).joined(separator: ":"), "three digits in a pair"),
        ("sha-256 " + Array(repeating: "AB", count: 31).joined(separator: ":") + ":G0", "not hex"),
        ("sha-256 " + Array(repeating: "AB", count: 32).joined(separator: ":") + ":", "trailing colon"),
        ("sha-256 " + Array(repeating: "AB", count: 32).joined(separator: "-"), "wrong separator"),
    ]

    @Test("malformed a=fingerprint values are refused with a typed error", arguments: malformed)
    func refuses(text: String, why: String) {
        #expect(throws: CertificateFingerprintError.self, "\(why)") { try CertificateFingerprint(sdpValue: text) }
    }

    @Test("a fingerprint made from parts must have the algorithm's length")
    func fromParts() {
        #expect(throws: CertificateFingerprintError.digestLength(algorithm: .sha256, found: 20)) {
            try CertificateFingerprint(algorithm: .sha256, digest: [UInt8](repeating: 0, count: 20))
        }
    }
}

/// Seeded certificates (issue 13): a simulation's identities are a function of its seed, so a whole
/// session, fingerprints in the SDP included, replays byte for byte.
@Suite("DTLS certificates from a seed")
struct SeededCertificateTests {
    static func certificate(seed: UInt64) throws -> DTLSCertificate {
        var generator = SeededGenerator(seed: seed)
        return try DTLSCertificate(seededBy: &generator)
    }

    @Test("The same seed gives the same certificate, byte for byte; another seed another key")
    func sameSeedSameBytes() throws {
        let first = try Self.certificate(seed: 11)
        let again = try Self.certificate(seed: 11)
        let other = try Self.certificate(seed: 12)
        #expect(first.der == again.der)
        #expect(first.fingerprint() == again.fingerprint())
        #expect(first.der != other.der)
    }

    @Test("A seeded certificate is a working identity: a seeded handshake with it connects and verifies it")
    func seededIdentityConnects() throws {
        let client = try Self.certificate(seed: 21)
        let server = try Self.certificate(seed: 22)
        let pair = TwoEndpoints(
            client: try DTLSEndpoint(
                role: .client, certificate: client, expectedPeerFingerprint: server.fingerprint(),
                randomness: SeededGenerator(seed: 1)),
            server: try DTLSEndpoint(
                role: .server, certificate: server, expectedPeerFingerprint: client.fingerprint(),
                randomness: SeededGenerator(seed: 2)))
        pair.run(until: Instant.zero + .seconds(10))
        #expect(pair.connectionInfo(.client)?.peerCertificate == server.der)
        #expect(pair.connectionInfo(.server)?.peerCertificate == client.der)
    }
}

extension SeededCertificateTests {
    @Test("A thousand seeded certificates live at once: they share one OpenSSL context, not a context (and two thread-local keys of 1024) each")
    func manyAtOnce() throws {
        var generator = SeededGenerator(seed: 99)
        var alive: [DTLSCertificate] = []
        for _ in 0..<1_000 { alive.append(try DTLSCertificate(seededBy: &generator)) }
        #expect(Set(alive.map(\.der)).count == 1_000)
    }
}
