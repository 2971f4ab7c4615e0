public import DataChannels
public import DTLS
public import JSEP
public import UDPDriver

/// Why an operation of a peer connection failed. Every case names the W3C exception it stands for where
/// one exists, so code ported from the browser API maps one to one.
public enum WebRTCError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A description or candidate that does not parse or breaks a JSEP rule (W3C `OperationError` /
    /// `InvalidAccessError`); the JSEP error says which line and rule.
    case invalidDescription(JSEPError)
    /// A candidate that does not parse, or names no media section of the remote description.
    case invalidCandidate(JSEPError)
    /// The call is not allowed in the current state (W3C `InvalidStateError`), e.g. an answer in `stable`
    /// or anything after `close`.
    case invalidState(String)
    /// The description is not the one the engine created (W3C `InvalidModificationError`).
    case invalidModification(String)
    /// A data channel operation failed (send after close, oversized message, bad options…).
    case dataChannel(DataChannelError)
    /// The DTLS endpoint could not be set up, or its association failed (a fingerprint that does not
    /// match, a handshake OpenSSL refused, a fatal alert, no answer): W3C `OperationError`, with the cause.
    case dtls(DTLSEndpointError)
    /// The UDP driver could not start (a bind refused, a recording that cannot be written), with the cause.
    case driver(UDPDriverError)
    /// Something else below the API refused (a server URL, a recording the simulation never made).
    case operationError(String)
    /// An awaited condition did not hold in time.
    case timeout(String)

    public var description: String {
        switch self {
        case .invalidDescription(let error): "invalid description: \(error)"
        case .invalidCandidate(let error): "invalid candidate: \(error)"
        case .invalidState(let text): "invalid state: \(text)"
        case .invalidModification(let text): "invalid modification: \(text)"
        case .dataChannel(let error): "data channel: \(error)"
        case .dtls(let error): "DTLS: \(error)"
        case .driver(let error): "UDP driver: \(error)"
        case .operationError(let text): "operation error: \(text)"
        case .timeout(let text): "timed out: \(text)"
        }
    }
}
