import COpenSSL

/// A key for HMAC (RFC 2104) with one digest, prepared once and used for many messages.
///
/// The OpenSSL context is keyed at creation and duplicated for each message, so the per-message cost is a
/// copy of the two padded hash states rather than a fresh key schedule: STUN checks many messages under
/// one ICE password.
public final class HMACKey: @unchecked Sendable {
    // @unchecked: `keyed` is written only in init and deinit; every other use duplicates it, which
    // OpenSSL documents as a read of the source context.
    private let keyed: OpaquePointer
    public let algorithm: DigestAlgorithm

    public init<Key: Collection>(_ algorithm: DigestAlgorithm, key: Key) where Key.Element == UInt8 {
        self.algorithm = algorithm
        guard let mac = EVP_MAC_fetch(nil, "HMAC", nil) else { fatalError("OpenSSL has no HMAC") }
        defer { EVP_MAC_free(mac) }
        guard let context = EVP_MAC_CTX_new(mac) else { fatalError("OpenSSL could not allocate an HMAC context") }
        let status = algorithm.rawValue.withCString { digestName in
            withContiguousBytes(key) { keyBytes in
                var params = [
                    OSSL_PARAM_construct_utf8_string("digest", UnsafeMutablePointer(mutating: digestName), 0),
                    OSSL_PARAM_construct_end(),
                ]
                // An empty key is legal HMAC; OpenSSL wants a non-null pointer for it.
                var empty: UInt8 = 0
                let base = keyBytes.count == 0 ? UnsafeRawPointer(&empty) : keyBytes.baseAddress!
                return EVP_MAC_init(context, base.assumingMemoryBound(to: UInt8.self), keyBytes.count, &params)
            }
        }
        precondition(status == 1, "OpenSSL HMAC-\(algorithm.rawValue) init failed")
        keyed = context
    }

    deinit { EVP_MAC_CTX_free(keyed) }

    /// Starts a MAC over a message given in pieces.
    public func start() -> HMAC { HMAC(context: EVP_MAC_CTX_dup(keyed)!, outputLength: algorithm.outputLength) }

    /// The MAC of `message`.
    public func authenticationCode<Bytes: Collection>(for message: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        var mac = start()
        mac.update(message)
        return mac.finalize()
    }
}

/// A MAC in progress: feed it pieces with `update`, then `finalize` once.
public struct HMAC: ~Copyable {
    private let context: OpaquePointer
    private let outputLength: Int

    init(context: OpaquePointer, outputLength: Int) {
        self.context = context
        self.outputLength = outputLength
    }

    deinit { EVP_MAC_CTX_free(context) }

    public mutating func update<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let status = withContiguousBytes(bytes) { EVP_MAC_update(context, $0.baseAddress?.assumingMemoryBound(to: UInt8.self), $0.count) }
        precondition(status == 1, "OpenSSL HMAC update failed")
    }

    public consuming func finalize() -> [UInt8] {
        var output = [UInt8](repeating: 0, count: outputLength)
        var written = 0
        let status = output.withUnsafeMutableBufferPointer { EVP_MAC_final(context, $0.baseAddress, &written, outputLength) }
        precondition(status == 1 && written == outputLength, "OpenSSL HMAC final failed")
        return output
    }
}
