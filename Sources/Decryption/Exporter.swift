public import Hashing
public import SRTP

/// Keying material exporters for TLS 1.2 / DTLS 1.2 (RFC 5705) and the DTLS-SRTP key split (RFC 5764).
public enum KeyingMaterialExporter {
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
    /// with "EXTRACTOR-dtls_srtp" and no context, split by `DTLSSRTPKeys(profile:exported:)`.
    ///
    /// - Parameter hash: the PRF hash of the negotiated cipher suite (SHA-256 for most, SHA-384 for
    ///   the `_SHA384` suites; see `DTLSCipherSuite.prfHash`).
    public static func srtpKeys(
        profile: SRTPProfile, prfHash hash: DigestAlgorithm,
        masterSecret: [UInt8], clientRandom: [UInt8], serverRandom: [UInt8]
    ) throws(DecryptionError) -> DTLSSRTPKeys {
        let material = try export(
            hash, masterSecret: masterSecret, label: DTLSSRTPKeys.exporterLabel,
            clientRandom: clientRandom, serverRandom: serverRandom, length: DTLSSRTPKeys.exportLength(for: profile))
        do { return try DTLSSRTPKeys(profile: profile, exported: material) } catch { throw .srtp(error) }
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
