public import SRTP

/// Why a decryption step refused its input. Every refusal is one of these; nothing here traps.
public enum DecryptionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A key or secret of the wrong length for its suite, or key text that is not valid base64 / hex.
    case badKey(String)
    /// The record's authentication tag did not verify (RFC 5246 §6.2.3.3): wrong key, wrong direction,
    /// or the bytes were altered.
    case authenticationFailed
    /// The record is too short, too long or otherwise not shaped like a protected record.
    case malformedPacket(String)
    /// A DTLS cipher suite this module does not decrypt (only the AES-GCM suites of RFC 5288 are).
    case unsupportedCipherSuite(UInt16)
    /// The key log has no master secret for the handshake with this client random (32 bytes).
    case noMasterSecret(clientRandom: [UInt8])
    /// No key was given for the stream the packet belongs to.
    case noKey(ssrc: UInt32)
    /// The SRTP module refused a key or a packet (its own typed reason: a bad tag, a replay …).
    case srtp(SRTPError)
    /// OpenSSL failed for a reason not listed above (the operation and its status).
    case libraryFailure(String)

    public var description: String {
        switch self {
        case .badKey(let detail): "bad key: \(detail)"
        case .authenticationFailed: "authentication failed"
        case .malformedPacket(let detail): "malformed packet: \(detail)"
        case .unsupportedCipherSuite(let suite): "unsupported cipher suite 0x\(String(suite, radix: 16, uppercase: true))"
        case .noMasterSecret(let random):
            "no CLIENT_RANDOM line in the key log for client random \(random.map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined())"
        case .noKey(let ssrc): "no SRTP key for SSRC 0x\(String(ssrc, radix: 16, uppercase: true))"
        case .srtp(let error): "SRTP: \(error)"
        case .libraryFailure(let detail): "library failure: \(detail)"
        }
    }
}
