import SRTP
import Decryption
import Hashing
import Testing
import Wire

@Suite("TLS 1.2 PRF (RFC 5246 §5), key block (§6.3) and the RFC 5705 / RFC 5764 exporter")
struct PRFTests {
    /// The P_SHA256 vector posted to the IETF TLS list (https://www.ietf.org/mail-archive/web/tls/current/msg03416.html,
    /// confirmed in https://lists.oasis-open.org/archives/pkcs11/201411/msg00019.html), used by many
    /// libraries' tests: 100 bytes of PRF(secret, "test label", seed).
    @Test("P_SHA256 gives the IETF TLS list's published 100-byte answer")
    func knownAnswerSHA256() throws {
        let output = TLSPRF.derive(
            .sha256, secret: try Hex.decode("9bbe436ba940f017b17652849a71db35"), label: "test label",
            seed: try Hex.decode("a0ba9f936cda311827a6f796ffd5198c"), length: 100)
        #expect(Hex.encode(output) == """
            e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af\
            0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701\
            87347b66
            """)
    }

    struct CrossCheck: Sendable, CustomTestStringConvertible {
        let hash: DigestAlgorithm
        let secretLength: Int
        let seedLength: Int
        let length: Int
        var testDescription: String { "\(hash.rawValue) secret \(secretLength) seed \(seedLength) → \(length)" }
    }

    @Test("The PRF equals OpenSSL's EVP_KDF TLS1-PRF for SHA-256 and SHA-384, at lengths around block edges", arguments: [
        CrossCheck(hash: .sha256, secretLength: 48, seedLength: 64, length: 1),
        CrossCheck(hash: .sha256, secretLength: 48, seedLength: 64, length: 32),
        CrossCheck(hash: .sha256, secretLength: 48, seedLength: 64, length: 33),
        CrossCheck(hash: .sha256, secretLength: 48, seedLength: 64, length: 60),
        CrossCheck(hash: .sha256, secretLength: 100, seedLength: 0, length: 200),
        CrossCheck(hash: .sha384, secretLength: 48, seedLength: 64, length: 48),
        CrossCheck(hash: .sha384, secretLength: 48, seedLength: 64, length: 49),
        CrossCheck(hash: .sha384, secretLength: 48, seedLength: 64, length: 88),
        CrossCheck(hash: .sha384, secretLength: 130, seedLength: 5, length: 150),
    ])
    func openSSLCrossCheck(_ check: CrossCheck) throws {
        var generator = SeededGenerator(seed: UInt64(check.length * 1000 + check.secretLength))
        let secret = (0..<check.secretLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let seed = (0..<check.seedLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let ours = TLSPRF.derive(check.hash, secret: secret, label: "key expansion", seed: seed, length: check.length)
        let reference = try #require(OpenSSLReference.tls12PRF(
            digest: check.hash.rawValue, secret: secret, label: "key expansion", seed: seed, length: check.length))
        #expect(ours == reference)
        #expect(ours.count == check.length)
    }

    @Test("A shorter output is a prefix of a longer one, and zero or negative lengths give nothing")
    func prefixes() {
        let long = TLSPRF.derive(.sha256, secret: [1, 2, 3], label: "x", seed: [4], length: 100)
        #expect(TLSPRF.derive(.sha256, secret: [1, 2, 3], label: "x", seed: [4], length: 37) == Array(long.prefix(37)))
        #expect(TLSPRF.derive(.sha256, secret: [1, 2, 3], label: "x", seed: [4], length: 0).isEmpty)
        #expect(TLSPRF.derive(.sha256, secret: [1, 2, 3], label: "x", seed: [4], length: -5).isEmpty)
    }

    @Test("The key block seeds with server random ‖ client random (RFC 5246 §6.3)")
    func keyBlockOrder() throws {
        let master = [UInt8](repeating: 0x11, count: 48)
        let client = [UInt8](repeating: 0xC1, count: 32)
        let server = [UInt8](repeating: 0x5E, count: 32)
        let block = TLSPRF.keyBlock(.sha256, masterSecret: master, clientRandom: client, serverRandom: server, length: 40)
        let reference = try #require(OpenSSLReference.tls12PRF(digest: "SHA256", secret: master, label: "key expansion", seed: server + client, length: 40))
        #expect(block == reference)
    }

    @Test("The DTLS-SRTP exporter seeds with client random ‖ server random and splits client key, server key, client salt, server salt (RFC 5764 §4.2)", arguments: SRTPProfile.allCases)
    func srtpExport(_ profile: SRTPProfile) throws {
        let master = (0..<48).map { UInt8($0) }
        let client = (0..<32).map { UInt8(0x80 + $0) }
        let server = (0..<32).map { UInt8(0x40 + $0) }
        let keys = try KeyingMaterialExporter.srtpKeys(
            profile: profile, prfHash: .sha256, masterSecret: master, clientRandom: client, serverRandom: server)
        let k = profile.masterKeyLength
        let s = profile.masterSaltLength
        let material = try #require(OpenSSLReference.tls12PRF(
            digest: "SHA256", secret: master, label: "EXTRACTOR-dtls_srtp", seed: client + server, length: 2 * (k + s)))
        #expect(keys.client.masterKey == Array(material[0..<k]))
        #expect(keys.server.masterKey == Array(material[k..<2 * k]))
        #expect(keys.client.masterSalt == Array(material[2 * k..<2 * k + s]))
        #expect(keys.server.masterSalt == Array(material[2 * k + s..<2 * (k + s)]))
        #expect(keys.client.profile == profile)
    }

    @Test("An exporter context is appended with its 16-bit length; nil and empty differ (RFC 5705 §4)")
    func exporterContext() throws {
        let master = [UInt8](repeating: 3, count: 48)
        let random = [UInt8](repeating: 9, count: 32)
        let none = try KeyingMaterialExporter.export(.sha256, masterSecret: master, label: "L", clientRandom: random, serverRandom: random, length: 20)
        let empty = try KeyingMaterialExporter.export(.sha256, masterSecret: master, label: "L", clientRandom: random, serverRandom: random, context: [], length: 20)
        let some = try KeyingMaterialExporter.export(.sha256, masterSecret: master, label: "L", clientRandom: random, serverRandom: random, context: [0xAB], length: 20)
        #expect(none != empty)
        #expect(empty == TLSPRF.derive(.sha256, secret: master, label: "L", seed: random + random + [0, 0], length: 20))
        #expect(some == TLSPRF.derive(.sha256, secret: master, label: "L", seed: random + random + [0, 1, 0xAB], length: 20))
    }

    @Test("Master secrets and randoms of the wrong length are badKey errors", arguments: [(47, 32, 32), (48, 31, 32), (48, 32, 33), (0, 0, 0)])
    func wrongLengths(master: Int, client: Int, server: Int) {
        #expect {
            _ = try KeyingMaterialExporter.srtpKeys(
                profile: .aes128CounterHMACSHA1_80, prfHash: .sha256,
                masterSecret: [UInt8](repeating: 0, count: master),
                clientRandom: [UInt8](repeating: 0, count: client), serverRandom: [UInt8](repeating: 0, count: server))
        } throws: { error in
            guard case .badKey = error as? DecryptionError else { return false }
            return true
        }
    }
}
