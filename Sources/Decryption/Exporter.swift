public import Hashing

/// The SRTP keys of both directions, as a DTLS-SRTP handshake exports them (RFC 5764 §4.2).
public struct DTLSSRTPKeys: Hashable, Sendable {
    /// The keys the DTLS client protects its SRTP and SRTCP with.
    public let client: SRTPKeyMaterial
    /// The keys the DTLS server protects its SRTP and SRTCP with.
    public let server: SRTPKeyMaterial
}

/// Keying material exporters for TLS 1.2 / DTLS 1.2 (RFC 5705) and the DTLS-SRTP key split (RFC 5764).
public enum KeyingMaterialExporter {
    /// The exporter label DTLS-SRTP uses (RFC 5764 §4.2).
    public static let dtlsSRTPLabel = "EXTRACTOR-dtls_srtp"

    /// `length` bytes of keying material for `label` (RFC 5705 §4):
    /// `PRF(master_secret, label, client_random ‖ server_random [‖ uint16 context length ‖ context])`.
    ///
    /// `context` nil and `context` empty differ (§4: an empty context is still written, with length 0).
    /// - Throws: `DecryptionError.badKey` for a master secret other than 48 bytes, randoms other than
    ///   32 bytes, or a context of 2¹⁶ bytes or more.
    public static func export(
        _ hash: DigestAlgorithm, masterSecret: [UInt8], label: String,
        clientRandom: [UInt8], serverRandom: [UInt8], context: [UInt8]? = nil, length: Int
    ) throws(DecryptionError) -> [UInt8] {
        try checkHandshakeSecrets(masterSecret: masterSecret, clientRandom: clientRandom, serverRandom: serverRandom)
        var seed = clientRandom + serverRandom
        if let context {
            guard context.count <= Int(UInt16.max) else {
                throw .badKey("an exporter context of \(context.count) bytes does not fit its 16-bit length")
            }
            seed += [UInt8(context.count >> 8), UInt8(context.count & 0xFF)] + context
        }
        return TLSPRF.derive(hash, secret: masterSecret, label: label, seed: seed, length: length)
    }

    /// The SRTP master keys and salts of both sides (RFC 5764 §4.2): `2 × (key + salt)` bytes exported
    /// with "EXTRACTOR-dtls_srtp" and no context, laid out as client key ‖ server key ‖ client salt ‖
    /// server salt, with the lengths of the negotiated `profile`.
    ///
    /// - Parameter hash: the PRF hash of the negotiated cipher suite (SHA-256 for most, SHA-384 for
    ///   the `_SHA384` suites; see `DTLSCipherSuite.prfHash`).
    public static func srtpKeys(
        profile: SRTPProfile, prfHash hash: DigestAlgorithm,
        masterSecret: [UInt8], clientRandom: [UInt8], serverRandom: [UInt8]
    ) throws(DecryptionError) -> DTLSSRTPKeys {
        let keyLength = profile.masterKeyLength
        let saltLength = profile.masterSaltLength
        let material = try export(
            hash, masterSecret: masterSecret, label: dtlsSRTPLabel,
            clientRandom: clientRandom, serverRandom: serverRandom, length: 2 * (keyLength + saltLength))
        var reader = material[...]
        func take(_ count: Int) -> [UInt8] {
            defer { reader = reader.dropFirst(count) }
            return Array(reader.prefix(count))
        }
        let clientKey = take(keyLength)
        let serverKey = take(keyLength)
        let clientSalt = take(saltLength)
        let serverSalt = take(saltLength)
        return DTLSSRTPKeys(
            client: try SRTPKeyMaterial(profile: profile, masterKey: clientKey, masterSalt: clientSalt),
            server: try SRTPKeyMaterial(profile: profile, masterKey: serverKey, masterSalt: serverSalt))
    }

    /// The master secret is 48 bytes (RFC 5246 §8.1) and each random 32 (§7.4.1.2).
    static func checkHandshakeSecrets(
        masterSecret: [UInt8], clientRandom: [UInt8], serverRandom: [UInt8]
    ) throws(DecryptionError) {
        guard masterSecret.count == 48 else { throw .badKey("a master secret of \(masterSecret.count) bytes, expected 48") }
        guard clientRandom.count == 32 else { throw .badKey("a client random of \(clientRandom.count) bytes, expected 32") }
        guard serverRandom.count == 32 else { throw .badKey("a server random of \(serverRandom.count) bytes, expected 32") }
    }
}
