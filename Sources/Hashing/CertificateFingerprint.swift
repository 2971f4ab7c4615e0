import Wire

/// A certificate fingerprint (RFC 8122 §5): a hash function and the digest of a DER certificate.
///
/// The one type for the whole stack: SDP parses and writes it in `a=fingerprint`, the DTLS endpoint
/// checks the peer's certificate against it, JSEP carries it in descriptions, and `crucible decode`
/// prints the fingerprints of captured certificates with it.
///
/// The hash function is kept as written, so an SDP attribute round-trips byte-exact; the grammar is
/// case-insensitive (RFC 8122 §5 inherits RFC 4572's ABNF, whose tokens are), so two fingerprints are
/// equal when their hash functions differ only in case and their digests are the same.
public struct CertificateFingerprint: Hashable, Sendable, CustomStringConvertible {
    /// `sha-256`, `sha-1`, … as written.
    public var hashFunction: String
    /// The digest of the DER certificate.
    public var digest: [UInt8]

    /// A fingerprint as read, whatever its hash function; see `validated()` before trusting it.
    public init(hashFunction: String, digest: [UInt8]) {
        self.hashFunction = hashFunction
        self.digest = digest
    }

    /// A fingerprint from a computable algorithm and its digest.
    /// - Throws: `.digestLength` when `digest` is not as long as the algorithm's output.
    public init(algorithm: DigestAlgorithm, digest: [UInt8]) throws(CertificateFingerprintError) {
        self.init(hashFunction: Self.token(for: algorithm), digest: digest)
        try validate()
    }

    /// The fingerprint of a DER certificate.
    public init(of certificateDER: [UInt8], algorithm: DigestAlgorithm = .sha256) {
        self.init(hashFunction: Self.token(for: algorithm), digest: algorithm.hash(certificateDER))
    }

    /// The hash function when this module can compute it (WebRTC uses sha-256, RFC 8827 §6.5), else nil.
    public var algorithm: DigestAlgorithm? { Self.algorithms[hashFunction.lowercased()] }

    /// Checks that a certificate could be verified against this fingerprint: a hash function we compute
    /// and a digest of its length. RFC 8122 §5 lets a peer list several; the unusable ones are skipped.
    public func validate() throws(CertificateFingerprintError) {
        guard let algorithm else { throw .unsupportedHashFunction(hashFunction.lowercased()) }
        guard digest.count == algorithm.outputLength else { throw .digestLength(algorithm: algorithm, found: digest.count) }
    }

    /// The fingerprint of another certificate with this one's hash function (sha-256 when this one's is
    /// not computed here): what a peer presented, in the form it was expected in.
    public func sameHash(of certificateDER: [UInt8]) -> CertificateFingerprint {
        CertificateFingerprint(of: certificateDER, algorithm: algorithm ?? .sha256)
    }

    /// Whether `certificateDER` has this fingerprint, comparing digests in constant time (the
    /// expected value is public, but a timing oracle on certificate bytes is still worth not having).
    public func matches(certificateDER: [UInt8]) -> Bool {
        guard let algorithm else { return false }
        return constantTimeEqual(algorithm.hash(certificateDER), digest)
    }

    /// The digest as upper-case hex pairs joined by ':' (RFC 8122 §5: "UHEX").
    public var hexPairs: String { Hex.encode(digest, separator: ":").uppercased() }

    /// The attribute value: `sha-256 AB:CD:…` (RFC 8122 §5).
    public var sdpValue: String { "\(hashFunction) \(hexPairs)" }

    public var description: String { sdpValue }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.digest == rhs.digest && lhs.hashFunction.lowercased() == rhs.hashFunction.lowercased()
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(hashFunction.lowercased())
        hasher.combine(digest)
    }

    /// The RFC 8122 §5 hash-function token of an algorithm.
    public static func token(for algorithm: DigestAlgorithm) -> String {
        switch algorithm {
        case .md5: "md5"
        case .sha1: "sha-1"
        case .sha256: "sha-256"
        case .sha384: "sha-384"
        }
    }

    /// The hash-function tokens this module computes, for messages that list them.
    public static var supportedHashFunctions: [String] { DigestAlgorithm.allCases.map(token(for:)) }

    static let algorithms: [String: DigestAlgorithm] = Dictionary(
        uniqueKeysWithValues: DigestAlgorithm.allCases.map { (token(for: $0), $0) })
}

/// Why a certificate fingerprint was refused.
public enum CertificateFingerprintError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Not `hash-func SP hex:hex:…` (RFC 8122 §5).
    case syntax(String)
    /// A hash function this module cannot compute (sha-224, sha-512, md2) or that is not registered.
    case unsupportedHashFunction(String)
    /// The digest is not as long as the hash function's output.
    case digestLength(algorithm: DigestAlgorithm, found: Int)

    public var description: String {
        switch self {
        case .syntax(let detail): "a=fingerprint syntax (RFC 8122 §5): \(detail)"
        case .unsupportedHashFunction(let token): "a=fingerprint hash function \"\(token)\" is not supported"
        case .digestLength(let algorithm, let found):
            "a=fingerprint \(CertificateFingerprint.token(for: algorithm)) digest has \(found) byte(s), expected \(algorithm.outputLength)"
        }
    }
}
