public import Hashing

/// The TLS 1.2 pseudo-random function (RFC 5246 §5), which DTLS 1.2 uses unchanged (RFC 6347 §4.2):
/// it turns the master secret into the key block (§6.3) and into exported keying material (RFC 5705).
public enum TLSPRF {
    /// `P_hash(secret, seed)` cut to `length` bytes (RFC 5246 §5):
    /// `A(0) = seed`, `A(i) = HMAC(secret, A(i-1))`, output `HMAC(secret, A(1) ‖ seed) ‖ HMAC(secret, A(2) ‖ seed) ‖ …`.
    ///
    /// A negative `length` gives no bytes.
    public static func expand(_ hash: DigestAlgorithm, secret: [UInt8], seed: [UInt8], length: Int) -> [UInt8] {
        guard length > 0 else { return [] }
        let key = HMACKey(hash, key: secret)
        var output: [UInt8] = []
        output.reserveCapacity(length + hash.outputLength)
        var chain = key.authenticationCode(for: seed)  // A(1)
        while output.count < length {
            var block = key.start()
            block.update(chain)
            block.update(seed)
            output += block.finalize()
            chain = key.authenticationCode(for: chain)  // A(i+1)
        }
        return Array(output.prefix(length))
    }

    /// `PRF(secret, label, seed) = P_<hash>(secret, label ‖ seed)` (RFC 5246 §5), `length` bytes.
    /// The label is ASCII, without a length byte or trailing NUL.
    public static func derive(
        _ hash: DigestAlgorithm, secret: [UInt8], label: String, seed: [UInt8], length: Int
    ) -> [UInt8] {
        expand(hash, secret: secret, seed: Array(label.utf8) + seed, length: length)
    }

    /// The key block (RFC 5246 §6.3): `PRF(master_secret, "key expansion", server_random ‖ client_random)`.
    /// Note the order of the randoms, the reverse of the master secret's and the exporter's.
    public static func keyBlock(
        _ hash: DigestAlgorithm, masterSecret: [UInt8], clientRandom: [UInt8], serverRandom: [UInt8], length: Int
    ) -> [UInt8] {
        derive(hash, secret: masterSecret, label: "key expansion", seed: serverRandom + clientRandom, length: length)
    }
}
