/// Why a signaling exchange or the signaling server failed.
public enum EchoSignalingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The URL is not `http://host[:port][/path]`.
    case invalidURL(String)
    /// The host is not on the loopback allow-list (``SignalingAddressPolicy/loopbackOnly``).
    case notLoopback(String)
    /// The server could not bind its address.
    case bindFailed(String)
    /// No TCP connection could be made, or it broke before the exchange was over.
    case connectionFailed(String)
    /// The exchange took longer than its timeout.
    case timedOut(Duration)
    /// The server answered with a status other than 200; `body` is what it said (cut to 1 KiB).
    case httpStatus(Int, body: String)
    /// The peer's HTTP was not HTTP/1.1 as expected (for example no response at all).
    case invalidHTTP(String)
    /// The body is not a JSON signaling message.
    case invalidJSON(String)
    /// The message is well formed but of the wrong kind (an offer where an answer belongs).
    case unexpectedType(expected: String, received: String)
    /// A body exceeded the limit, in bytes.
    case bodyTooLarge(limit: Int)

    public var description: String {
        switch self {
        case .invalidURL(let url): "invalid signaling URL \(url) (expected http://host[:port][/path])"
        case .notLoopback(let host): "\(host) is not a loopback address, and only loopback is allowed"
        case .bindFailed(let reason): "cannot start the signaling server: \(reason)"
        case .connectionFailed(let reason): "signaling connection failed: \(reason)"
        case .timedOut(let timeout): "no answer within \(timeout)"
        case .httpStatus(let status, let body): "the signaling server answered \(status): \(body)"
        case .invalidHTTP(let reason): "invalid HTTP from the signaling peer: \(reason)"
        case .invalidJSON(let reason): "invalid signaling JSON: \(reason)"
        case .unexpectedType(let expected, let received): "expected a message of type \"\(expected)\", got \"\(received)\""
        case .bodyTooLarge(let limit): "body larger than \(limit) bytes"
        }
    }
}
