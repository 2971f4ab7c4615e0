public import STUN
public import Wire

/// Why one TURN operation failed, as the client reports it in ``TURNClient/Output/failed(_:)``.
///
/// A failure names one operation; whether the allocation survived it is ``TURNClient/state``.
public enum TURNError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No response after the last retransmission and the final wait (RFC 8489 §6.2.1: Rc = 7, Rm = 16).
    case timedOut(STUNMethod)
    /// The server answered with an error other than the 401 and 438 the client handles itself.
    case rejected(STUNMethod, STUNErrorCode)
    /// A 401 to a request that already carried credentials: the username or password is wrong
    /// (RFC 8489 §9.2.5).
    case unauthorized
    /// A second 438 Stale Nonce in a row for one request: the client retries once only (RFC 8489 §9.2.5).
    case staleNonce(STUNMethod)
    /// A response lacking what the method requires (RFC 8656 §7.3: XOR-RELAYED-ADDRESS and LIFETIME;
    /// RFC 8489 §9.2.4: REALM and NONCE in a 401 or 438).
    case malformedResponse(STUNMethod, String)
    /// The password or realm cannot be prepared into a key (RFC 8489 §9.2.2).
    case credentials(String)
    /// An input that needs an allocation came before one exists or after it ended.
    case notAllocated
    /// `.allocate` while an allocation is being made or exists.
    case alreadyAllocated
    /// `.send` to a peer whose IP address has no installed permission (RFC 8656 §9).
    case noPermission(IPAddress)
    /// Every channel number 0x4000–0x4FFF is bound (RFC 8656 §12).
    case channelsExhausted
    /// More permissions than the client keeps (``TURNClient/maximumPermissions``).
    case tooManyPermissions
    /// More requests in flight than the client keeps (``TURNClient/maximumPendingTransactions``).
    case tooManyPendingRequests
    /// Application data larger than one Send indication or ChannelData message can carry.
    case dataTooLarge(Int)
    /// The allocation's lifetime ran out before a refresh succeeded (RFC 8656 §7).
    case allocationExpired

    public var description: String {
        switch self {
        case .timedOut(let method): "\(method) timed out"
        case .rejected(let method, let code): "\(method) rejected: \(code)"
        case .unauthorized: "401 with credentials: wrong username or password"
        case .staleNonce(let method): "\(method): 438 Stale Nonce again after a retry"
        case .malformedResponse(let method, let detail): "\(method) response: \(detail)"
        case .credentials(let detail): "credentials: \(detail)"
        case .notAllocated: "no allocation"
        case .alreadyAllocated: "an allocation exists or is being made"
        case .noPermission(let address): "no permission for \(address)"
        case .channelsExhausted: "no free channel number"
        case .tooManyPermissions: "too many permissions"
        case .tooManyPendingRequests: "too many requests in flight"
        case .dataTooLarge(let count): "\(count) bytes do not fit one message"
        case .allocationExpired: "the allocation expired"
        }
    }
}
