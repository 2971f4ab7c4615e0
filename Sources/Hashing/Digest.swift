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

    var evp: OpaquePointer {
        switch self {
        case .md5: EVP_md5()
        case .sha1: EVP_sha1()
        case .sha256: EVP_sha256()
        }
    }

    /// The digest of `bytes`.
    public func hash<Bytes: Collection>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        var output = [UInt8](repeating: 0, count: outputLength)
        var length: UInt32 = 0
        let status = withContiguousBytes(bytes) { input in
            output.withUnsafeMutableBufferPointer { out in
                EVP_Digest(input.baseAddress, input.count, out.baseAddress, &length, evp, nil)
            }
        }
        precondition(status == 1 && Int(length) == outputLength, "OpenSSL \(rawValue) digest failed")
        return output
    }
}

/// Calls `body` with the bytes of `bytes` as one contiguous buffer, copying only when they are not.
func withContiguousBytes<Bytes: Collection, Result>(
    _ bytes: Bytes, _ body: (UnsafeRawBufferPointer) -> Result
) -> Result where Bytes.Element == UInt8 {
    if let result = bytes.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
        return result
    }
    return Array(bytes).withUnsafeBytes(body)
}

/// Compares two byte strings in time that depends only on their length, for checking MACs.
public func constantTimeEqual<A: Collection, B: Collection>(_ lhs: A, _ rhs: B) -> Bool
where A.Element == UInt8, B.Element == UInt8 {
    guard lhs.count == rhs.count else { return false }
    return withContiguousBytes(lhs) { left in
        withContiguousBytes(rhs) { right in
            CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
        }
    }
}
