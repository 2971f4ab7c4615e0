import SRTP

/// Why a decryption step refused its input. Every refusal is one of these; nothing here traps.
public enum DecryptionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A key or salt of the wrong length for its profile or suite, or key text that is not valid
    /// base64 / hex.
    case badKey(String)
    /// The packet's authentication tag did not verify (RFC 3711 §3.3 step 5, RFC 7714 §9.2, RFC 5246
    /// §6.2.3.3): wrong key, wrong stream, or the bytes were altered.
    case authenticationFailed
    /// The packet index was already seen or is older than the replay window (RFC 3711 §3.3.2).
    case replayed
    /// The packet is too short, too long or otherwise not shaped like the protocol's packet.
    case malformedPacket(String)
    /// A DTLS cipher suite this module does not decrypt (only the AES-GCM suites of RFC 5288 are).
    case unsupportedCipherSuite(UInt16)
    /// An SRTP protection profile this module does not know (RFC 5764 §4.1.2, RFC 7714 §14.2).
    case unsupportedProfile(UInt16)
    /// The key log has no master secret for the handshake with this client random (32 bytes).
    case noMasterSecret(clientRandom: [UInt8])
    /// No key was given for the stream the packet belongs to.
    case noKey(ssrc: UInt32)
    /// The underlying library failed for a reason not listed above (its status code and operation).
    case libraryFailure(String)

    public var description: String {
        switch self {
        case .badKey(let detail): "bad key: \(detail)"
        case .authenticationFailed: "authentication failed"
        case .replayed: "replayed or too old for the replay window"
        case .malformedPacket(let detail): "malformed packet: \(detail)"
        case .unsupportedCipherSuite(let suite): "unsupported cipher suite 0x\(String(suite, radix: 16, uppercase: true))"
        case .unsupportedProfile(let profile): "unsupported SRTP protection profile 0x\(String(profile, radix: 16, uppercase: true))"
        case .noMasterSecret(let random):
            "no CLIENT_RANDOM line in the key log for client random \(random.map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined())"
        case .noKey(let ssrc): "no SRTP key for SSRC 0x\(String(ssrc, radix: 16, uppercase: true))"
        case .libraryFailure(let detail): "library failure: \(detail)"
        }
    }
}

extension DecryptionError {
    /// The same refusal from the SRTP module, for the replay checker's one error type.
    init(_ error: SRTPError) {
        switch error {
        case .badKey(let detail): self = .badKey(detail)
        case .authenticationFailed: self = .authenticationFailed
        case .replayed: self = .replayed
        case .malformedPacket(let detail): self = .malformedPacket(detail)
        case .unsupportedProfile(let code): self = .unsupportedProfile(code)
        case .libraryFailure(let detail): self = .libraryFailure(detail)
        }
    }
}
