import COpenSSL

/// The hash functions the protocols name, computed by the system OpenSSL.
public enum DigestAlgorithm: String, Hashable, Sendable, CaseIterable {
    /// MD5: STUN long-term credential keys (RFC 8489 §9.2.2). Not for new security uses.
    case md5 = "MD5"
    /// SHA-1: STUN MESSAGE-INTEGRITY (RFC 8489 §14.5), SRTP authentication.
    case sha1 = "SHA1"
    /// SHA-256: MESSAGE-INTEGRITY-SHA256, USERHASH, certificate fingerprints (RFC 8122).
    case sha256 = "SHA256"
    /// SHA-384: the PRF of TLS 1.2 suites that name it, such as the AES-256-GCM ones (RFC 5288 §3).
    case sha384 = "SHA384"

    /// Length of the digest in bytes.
    public var outputLength: Int {
        switch self {
        case .md5: 16
        case .sha1: 20
        case .sha256: 32
        case .sha384: 48
        }
    }

    /// Length of the block the compression function takes, which HMAC pads keys to (RFC 2104 §2's B):
    /// 64 bytes for MD5, SHA-1 and SHA-256, 128 for SHA-384 (FIPS 180-4 §1).
    public var blockLength: Int {
        switch self {
        case .md5, .sha1, .sha256: 64
        case .sha384: 128
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
        return withDigestBuffer { digest in
            state.finalize(into: digest)
            return [UInt8](UnsafeRawBufferPointer(rebasing: digest[..<outputLength]))
        }
    }
}

/// A running digest over OpenSSL's low-level contexts: plain C structs, so copying a state (as HMAC keys
/// do for every message) is a memberwise copy with no allocation and no provider lookup.
///
/// The context lives in one fixed block of storage that the C functions update in place. An enum with
/// one payload per algorithm (the first form of this type) made every update copy the whole context out
/// of the enum and back, about 100 bytes twice per call.
@usableFromInline
struct DigestState: Sendable {
    let algorithm: DigestAlgorithm
    /// Room for the context of any of the algorithms. `SHA512_CTX` (which SHA-384 uses) is the largest
    /// (216 bytes, against 112 for `SHA256_CTX`, 96 for `SHA_CTX` and 92 for `MD5_CTX`) and has the
    /// strictest alignment (64-bit words). Only OpenSSL reads or writes it, through `withContext`.
    private var storage = SHA512_CTX()

    init(_ algorithm: DigestAlgorithm) {
        // Checked once per state; the layouts are constants, so the optimiser removes the check.
        precondition(MemoryLayout<MD5_CTX>.size <= MemoryLayout<SHA512_CTX>.size
            && MemoryLayout<SHA_CTX>.size <= MemoryLayout<SHA512_CTX>.size
            && MemoryLayout<SHA256_CTX>.size <= MemoryLayout<SHA512_CTX>.size
            && MemoryLayout<MD5_CTX>.alignment <= MemoryLayout<SHA512_CTX>.alignment
            && MemoryLayout<SHA_CTX>.alignment <= MemoryLayout<SHA512_CTX>.alignment
            && MemoryLayout<SHA256_CTX>.alignment <= MemoryLayout<SHA512_CTX>.alignment,
            "a digest context does not fit the shared storage")
        self.algorithm = algorithm
        withContext(
            md5: { MD5_Init($0) }, sha1: { SHA1_Init($0) }, sha256: { SHA256_Init($0) },
            sha384: { SHA384_Init($0) })
    }

    /// Calls the closure for this state's algorithm with a pointer to its context, in place.
    @inline(__always)
    private mutating func withContext(
        md5: (UnsafeMutablePointer<MD5_CTX>) -> Int32,
        sha1: (UnsafeMutablePointer<SHA_CTX>) -> Int32,
        sha256: (UnsafeMutablePointer<SHA256_CTX>) -> Int32,
        sha384: (UnsafeMutablePointer<SHA512_CTX>) -> Int32
    ) {
        let algorithm = algorithm
        // The low-level functions return 1 on success and fail only on a null context, which this
        // never passes, so their results carry no information here.
        _ = withUnsafeMutablePointer(to: &storage) { context in
            switch algorithm {
            case .md5: md5(UnsafeMutableRawPointer(context).assumingMemoryBound(to: MD5_CTX.self))
            case .sha1: sha1(UnsafeMutableRawPointer(context).assumingMemoryBound(to: SHA_CTX.self))
            case .sha256: sha256(UnsafeMutableRawPointer(context).assumingMemoryBound(to: SHA256_CTX.self))
            case .sha384: sha384(context)
            }
        }
    }

    mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        let count = buffer.count
        withContext(
            md5: { MD5_Update($0, base, count) },
            sha1: { SHA1_Update($0, base, count) },
            sha256: { SHA256_Update($0, base, count) },
            sha384: { SHA384_Update($0, base, count) })
    }

    /// Writes the digest to the first `algorithm.outputLength` bytes of `output`. Finishing pads the
    /// context in place, so the state must not be updated again (callers finish a copy).
    mutating func finalize(into output: UnsafeMutableRawBufferPointer) {
        guard let base = output.baseAddress, output.count >= algorithm.outputLength else {
            preconditionFailure("a \(algorithm.rawValue) digest needs \(algorithm.outputLength) bytes, the buffer has \(output.count)")
        }
        let digest = base.assumingMemoryBound(to: UInt8.self)
        withContext(
            md5: { MD5_Final(digest, $0) },
            sha1: { SHA1_Final(digest, $0) },
            sha256: { SHA256_Final(digest, $0) },
            sha384: { SHA384_Final(digest, $0) })
    }
}

/// Calls `body` with a 64-byte scratch buffer on the stack, long enough for any digest here: finishing
/// a MAC into it allocates nothing. (An `[UInt8]` costs a heap allocation plus, on Linux, a run-time
/// metadata lookup of a few hundred instructions, which was most of the cost of a STUN integrity check.)
@inline(__always)
func withDigestBuffer<Result>(_ body: (UnsafeMutableRawBufferPointer) -> Result) -> Result {
    var scratch: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    return withUnsafeMutableBytes(of: &scratch) { body($0) }
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
