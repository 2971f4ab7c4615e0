import Decryption
import Hashing
import Testing
import Wire

@Suite("DTLS handshake secrets from a key log")
struct DTLSHandshakeSecretsTests {
    static let clientRandom = [UInt8](repeating: 0xA1, count: 32)
    static let serverRandom = [UInt8](repeating: 0xB2, count: 32)
    static let master = [UInt8](repeating: 0x5C, count: 48)
    static let log = KeyLog(parsing: "CLIENT_RANDOM \(Hex.encode(clientRandom)) \(Hex.encode(master))\n")

    @Test("The master secret is found by client random; its SRTP keys are the exporter's")
    func fromKeyLog() throws {
        let secrets = try DTLSHandshakeSecrets(keyLog: Self.log, clientRandom: Self.clientRandom, serverRandom: Self.serverRandom, cipherSuite: 0xC02B)
        #expect(secrets.masterSecret == Self.master)
        #expect(try secrets.srtpKeys(profile: .aeadAES128GCM) == KeyingMaterialExporter.srtpKeys(
            profile: .aeadAES128GCM, prfHash: .sha256, masterSecret: Self.master,
            clientRandom: Self.clientRandom, serverRandom: Self.serverRandom))
        _ = try secrets.recordDecryptor()
    }

    @Test("A client random the log does not have is noMasterSecret")
    func missing() {
        let other = [UInt8](repeating: 0xA2, count: 32)
        #expect(throws: DecryptionError.noMasterSecret(clientRandom: other)) {
            try DTLSHandshakeSecrets(keyLog: Self.log, clientRandom: other, serverRandom: Self.serverRandom, cipherSuite: 0xC02B)
        }
    }

    @Test("The PRF hash follows the suite: SHA-384 for AES-256-GCM and CBC_SHA384, SHA-256 otherwise", arguments: [
        (UInt16(0xC02B), DigestAlgorithm.sha256), (0xC02F, .sha256), (0xC030, .sha384), (0xC02C, .sha384),
        (0xC028, .sha384), (0xC013, .sha256), (0xCCA9, .sha256),
    ])
    func prfHash(_ suite: UInt16, _ hash: DigestAlgorithm) throws {
        let secrets = try DTLSHandshakeSecrets(masterSecret: Self.master, clientRandom: Self.clientRandom, serverRandom: Self.serverRandom, cipherSuite: suite)
        #expect(secrets.prfHash == hash)
    }

    @Test("SRTP keys export under a CBC suite, whose records this module does not decrypt")
    func cbcSuite() throws {
        let secrets = try DTLSHandshakeSecrets(masterSecret: Self.master, clientRandom: Self.clientRandom, serverRandom: Self.serverRandom, cipherSuite: 0xC013)
        #expect(throws: DecryptionError.unsupportedCipherSuite(0xC013)) { try secrets.recordDecryptor() }
        #expect(throws: Never.self) { try secrets.srtpKeys(profile: .aes128CounterHMACSHA1_80) }
    }
}
