public import DataChannels
public import JSEP

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
    /// Something below the API refused (DTLS setup, a driver bind).
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
        case .operationError(let text): "operation error: \(text)"
        case .timeout(let text): "timed out: \(text)"
        }
    }
}
