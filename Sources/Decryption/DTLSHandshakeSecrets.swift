public import Hashing
public import SRTP

/// What decrypting one DTLS 1.2 association needs, gathered in one place: the two hello randoms and
/// the cipher suite (from ClientHello and ServerHello) and the master secret (from an NSS key log).
/// From it come the record decryptor and, for DTLS-SRTP, the SRTP keys of both directions.
public struct DTLSHandshakeSecrets: Hashable, Sendable {
    public let masterSecret: [UInt8]
    public let clientRandom: [UInt8]
    public let serverRandom: [UInt8]
    /// The suite the ServerHello chose.
    public let cipherSuite: UInt16

    /// Secrets given directly. - Throws: `.badKey` for lengths other than 48 / 32 / 32 bytes.
    public init(masterSecret: [UInt8], clientRandom: [UInt8], serverRandom: [UInt8], cipherSuite: UInt16) throws(DecryptionError) {
        try KeyingMaterialExporter.checkHandshakeSecrets(
            masterSecret: masterSecret, clientRandom: clientRandom, serverRandom: serverRandom)
        self.masterSecret = masterSecret
        self.clientRandom = clientRandom
        self.serverRandom = serverRandom
        self.cipherSuite = cipherSuite
    }

    /// Secrets with the master secret looked up in `keyLog` by the client random.
    /// - Throws: `.noMasterSecret` when the log has no `CLIENT_RANDOM` line for it.
    public init(keyLog: KeyLog, clientRandom: [UInt8], serverRandom: [UInt8], cipherSuite: UInt16) throws(DecryptionError) {
        guard let master = keyLog.masterSecret(clientRandom: clientRandom) else {
            throw .noMasterSecret(clientRandom: clientRandom)
        }
        try self.init(masterSecret: master, clientRandom: clientRandom, serverRandom: serverRandom, cipherSuite: cipherSuite)
    }

    /// The suite's PRF hash (RFC 5246 §5: SHA-256 unless the suite names another). SHA-384 for the
    /// AES-256-GCM suites and the `_CBC_SHA384` ones of RFC 5289 and RFC 5487; SHA-256 otherwise,
    /// which is wrong only for suites WebRTC does not use (ARIA and Camellia with SHA-384).
    public var prfHash: DigestAlgorithm {
        if let suite = try? DTLSAEADSuite(code: cipherSuite) { return suite.prfHash }
        return Self.cbcSHA384Suites.contains(cipherSuite) ? .sha384 : .sha256
    }

    /// RFC 5289 §3.1 (ECDHE/ECDH with AES_256_CBC_SHA384) and RFC 5487 §3.2 (PSK with AES_256_CBC_SHA384).
    static let cbcSHA384Suites: Set<UInt16> = [0xC024, 0xC026, 0xC028, 0xC02A, 0x00AF, 0x00B3, 0x00B7]

    /// The decryptor for this association's protected records.
    /// - Throws: `.unsupportedCipherSuite` unless the suite is AES-GCM.
    public func recordDecryptor() throws(DecryptionError) -> DTLSRecordDecryptor {
        try DTLSRecordDecryptor(
            cipherSuite: cipherSuite, masterSecret: masterSecret, clientRandom: clientRandom, serverRandom: serverRandom)
    }

    /// The SRTP keys both sides export for `profile` (RFC 5764 §4.2), whatever the record cipher.
    public func srtpKeys(profile: SRTPProfile) throws(DecryptionError) -> DTLSSRTPKeys {
        try KeyingMaterialExporter.srtpKeys(
            profile: profile, prfHash: prfHash, masterSecret: masterSecret,
            clientRandom: clientRandom, serverRandom: serverRandom)
    }
}
