public import Hashing
/// Why a DTLS endpoint failed. Once an endpoint reports `.failed`, it delivers nothing more.
public enum DTLSEndpointError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The peer's certificate does not have the fingerprint its SDP announced (RFC 8122 §5,
    /// RFC 8827 §6.5). The handshake is aborted with a bad_certificate alert before any application
    /// data can flow. `actual` is nil when the peer sent no certificate at all.
    case fingerprintMismatch(expected: CertificateFingerprint, actual: CertificateFingerprint?)
    /// OpenSSL refused the handshake; `reason` is the text of its error queue (for example
    /// "no shared cipher" or "peer did not return a certificate").
    case handshakeFailed(reason: String)
    /// The peer sent a fatal alert (RFC 5246 §7.2); `description` is the alert's code, `name` its text.
    case alertReceived(description: UInt8, name: String)
    /// The flight went unanswered through every retransmission (RFC 6347 §4.2.4): the endpoint gave
    /// up after `retransmissions` of them.
    case timeout(retransmissions: Int)
    /// SRTP protection profiles were configured but the peer agreed to none of them (RFC 5764 §4.1.1:
    /// without a common profile the server leaves use_srtp out, and DTLS-SRTP cannot run).
    case srtpNotNegotiated
    /// The endpoint could not be set up (certificate, key, profiles, MTU), with OpenSSL's reason.
    case configuration(String)

    public var description: String {
        switch self {
        case .fingerprintMismatch(let expected, let actual):
            "peer certificate fingerprint \(actual?.sdpValue ?? "(none)") does not match the expected \(expected.sdpValue)"
        case .handshakeFailed(let reason): "DTLS handshake failed: \(reason)"
        case .alertReceived(let code, let name): "fatal alert received: \(name) (\(code))"
        case .timeout(let count): "no answer after \(count) retransmission(s)"
        case .srtpNotNegotiated: "the peer accepted none of the offered SRTP protection profiles"
        case .configuration(let reason): "DTLS configuration: \(reason)"
        }
    }
}
