/// Why an SRTP step refused its input. Every refusal is one of these; nothing here traps.
public enum SRTPError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A key or salt of the wrong length for its profile, or key text that is not valid base64.
    case badKey(String)
    /// The packet's authentication tag did not verify (RFC 3711 §3.3 step 5, RFC 7714 §9.2): wrong key,
    /// wrong stream, or the bytes were altered.
    case authenticationFailed
    /// The packet index was already seen or is older than the replay window (RFC 3711 §3.3.2).
    case replayed
    /// The packet is too short, too long or otherwise not shaped like an RTP or RTCP packet.
    case malformedPacket(String)
    /// A protection profile libsrtp does not run (RFC 5764 §4.1.2, RFC 7714 §14.2).
    case unsupportedProfile(UInt16)
    /// libsrtp failed for a reason not listed above (its status code and operation).
    case libraryFailure(String)

    public var description: String {
        switch self {
        case .badKey(let detail): "bad key: \(detail)"
        case .authenticationFailed: "authentication failed"
        case .replayed: "replayed or too old for the replay window"
        case .malformedPacket(let detail): "malformed packet: \(detail)"
        case .unsupportedProfile(let profile): "unsupported SRTP protection profile 0x\(String(profile, radix: 16, uppercase: true))"
        case .libraryFailure(let detail): "library failure: \(detail)"
        }
    }
}
