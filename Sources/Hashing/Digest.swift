import COpenSSL

/// The hash functions the protocols name, computed by the system OpenSSL.
public enum DigestAlgorithm: String, Hashable, Sendable, CaseIterable {
    /// MD5: STUN long-term credential keys (RFC 8489 §9.2.2). Not for new security uses.
    case md5 = "MD5"
    /// SHA-1: STUN MESSAGE-INTEGRITY (RFC 8489 §14.5), SRTP authentication.
    case sha1 = "SHA1"
    /// SHA-256: MESSAGE-INTEGRITY-SHA256, USERHASH, certificate fingerprints (RFC 8122).
    case sha256 = "SHA256"

    /// Length of the digest in bytes.
    public var outputLength: Int {
        switch self {
        case .md5: 16
        case .sha1: 20
        case .sha256: 32
        }
    }

    /// The digest of `bytes`.
    @inlinable
    public func hash<Bytes: Collection>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        withContiguousBytes(bytes) { hash(buffer: $0) }
    }

    /// The digest of a raw buffer: the non-generic core that `hash(_:)` forwards to.
    public func hash(buffer: UnsafeRawBufferPointer) -> [UInt8] {
        var state = DigestState(self)
        state.update(buffer)
        return state.finalize()
    }
}

/// A running digest over OpenSSL's low-level contexts: plain C structs, so copying a state (as HMAC keys
/// do for every message) is a memberwise copy with no allocation and no provider lookup.
@usableFromInline
struct DigestState: Sendable {
    private enum Context {
        case md5(MD5_CTX)
        case sha1(SHA_CTX)
        case sha256(SHA256_CTX)
    }

    private var context: Context

    init(_ algorithm: DigestAlgorithm) {
        switch algorithm {
        case .md5:
            var context = MD5_CTX()
            MD5_Init(&context)
            self.context = .md5(context)
        case .sha1:
            var context = SHA_CTX()
            SHA1_Init(&context)
            self.context = .sha1(context)
        case .sha256:
            var context = SHA256_CTX()
            SHA256_Init(&context)
            self.context = .sha256(context)
        }
    }

    mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        switch context {
        case .md5(var state):
            MD5_Update(&state, base, buffer.count)
            context = .md5(state)
        case .sha1(var state):
            SHA1_Update(&state, base, buffer.count)
            context = .sha1(state)
        case .sha256(var state):
            SHA256_Update(&state, base, buffer.count)
            context = .sha256(state)
        }
    }

    func finalize() -> [UInt8] {
        switch context {
        case .md5(var state):
            return [UInt8](unsafeUninitializedCapacity: 16) { buffer, count in
                MD5_Final(buffer.baseAddress, &state)
                count = 16
            }
        case .sha1(var state):
            return [UInt8](unsafeUninitializedCapacity: 20) { buffer, count in
                SHA1_Final(buffer.baseAddress, &state)
                count = 20
            }
        case .sha256(var state):
            return [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
                SHA256_Final(buffer.baseAddress, &state)
                count = 32
            }
        }
    }
}

/// Calls `body` with the bytes of `bytes` as one contiguous buffer, copying only when they are not.
@inlinable
func withContiguousBytes<Bytes: Collection, Result>(
    _ bytes: Bytes, _ body: (UnsafeRawBufferPointer) -> Result
) -> Result where Bytes.Element == UInt8 {
    if let result = bytes.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
        return result
    }
    return Array(bytes).withUnsafeBytes(body)
}

/// Compares two byte strings in time that depends only on their length, for checking MACs.
@inlinable
public func constantTimeEqual<A: Collection, B: Collection>(_ lhs: A, _ rhs: B) -> Bool
where A.Element == UInt8, B.Element == UInt8 {
    guard lhs.count == rhs.count else { return false }
    return withContiguousBytes(lhs) { left in withContiguousBytes(rhs) { right in constantTimeEqual(buffers: left, right) } }
}

/// The non-generic core of `constantTimeEqual`, over buffers of equal length.
public func constantTimeEqual(buffers left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Bool {
    guard left.count == right.count else { return false }
    guard left.count > 0 else { return true }
    return CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
}
