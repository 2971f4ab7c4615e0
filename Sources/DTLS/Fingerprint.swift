public import Hashing

/// A certificate fingerprint as SDP carries it in `a=fingerprint` (RFC 8122 §5):
/// `hash-func SP fingerprint`, for example `sha-256 AB:CD:…`, the digest of the DER certificate
/// written as upper-case hex pairs joined by colons.
public struct DTLSFingerprint: Hashable, Sendable, CustomStringConvertible {
    /// The hash function. RFC 8122 §5 lists sha-1, sha-224, sha-256, sha-384, sha-512, md5 and md2;
    /// the ones `Hashing` computes are accepted here (WebRTC uses sha-256, RFC 8827 §6.5).
    public let algorithm: DigestAlgorithm
    /// The digest of the DER certificate; exactly `algorithm.outputLength` bytes.
    public let digest: [UInt8]

    /// A fingerprint from its parts.
    /// - Throws: `.digestLength` when `digest` is not as long as the algorithm's output.
    public init(algorithm: DigestAlgorithm, digest: [UInt8]) throws(DTLSFingerprintError) {
        guard digest.count == algorithm.outputLength else {
            throw .digestLength(algorithm: algorithm, found: digest.count)
        }
        self.algorithm = algorithm
        self.digest = digest
    }

    /// The fingerprint of a DER certificate.
    public init(of certificateDER: [UInt8], algorithm: DigestAlgorithm = .sha256) {
        self.algorithm = algorithm
        self.digest = algorithm.hash(certificateDER)
    }

    /// Parses the value of an `a=fingerprint:` attribute (the text after the colon).
    ///
    /// The hash function token is case-insensitive (RFC 8122 §5 inherits RFC 4572's ABNF, whose
    /// tokens are). The hex digits must be upper case in what is sent (RFC 8122 §5: "UHEX"); lower
    /// case is accepted when reading, as browsers are lenient too.
    public init(sdpValue text: String) throws(DTLSFingerprintError) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2 else { throw .syntax("expected \"hash-func fingerprint\", found \(parts.count) field(s)") }
        let token = parts[0].lowercased()
        guard let algorithm = Self.algorithms[token] else { throw .unsupportedHashFunction(token) }
        var digest: [UInt8] = []
        for pair in parts[1].split(separator: ":", omittingEmptySubsequences: false) {
            let digits = Array(pair.utf8)
            guard digits.count == 2, let high = Self.nibble(digits[0]), let low = Self.nibble(digits[1]) else {
                throw .syntax("\"\(pair.prefix(8))\" is not a pair of hex digits")
            }
            digest.append(high << 4 | low)
        }
        try self.init(algorithm: algorithm, digest: digest)
    }

    /// The attribute value: `sha-256 AB:CD:…` (RFC 8122 §5).
    public var sdpValue: String { "\(Self.token(for: algorithm)) \(hexPairs)" }

    /// The digest as upper-case hex pairs joined by ':'.
    public var hexPairs: String {
        let digits = Array("0123456789ABCDEF".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(digest.count * 3)
        for (index, byte) in digest.enumerated() {
            if index > 0 { text.append(UInt8(ascii: ":")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    public var description: String { sdpValue }

    /// Whether `certificateDER` has this fingerprint, comparing digests in constant time (the
    /// expected value is public, but a timing oracle on certificate bytes is still worth not having).
    public func matches(certificateDER: [UInt8]) -> Bool {
        constantTimeEqual(algorithm.hash(certificateDER), digest)
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

    static let algorithms: [String: DigestAlgorithm] = Dictionary(
        uniqueKeysWithValues: DigestAlgorithm.allCases.map { (token(for: $0), $0) })

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

/// Why an `a=fingerprint` value was refused.
public enum DTLSFingerprintError: Error, Hashable, Sendable, CustomStringConvertible {
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
            "a=fingerprint \(DTLSFingerprint.token(for: algorithm)) digest has \(found) byte(s), expected \(algorithm.outputLength)"
        }
    }
}
