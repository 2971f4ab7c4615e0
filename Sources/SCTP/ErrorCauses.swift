/// An error cause of ERROR and ABORT chunks: the thirteen of RFC 9260 §3.3.10, typed where the cause
/// has structure and kept as bytes where its value is opaque or a copy of other TLVs; other codes are
/// kept byte-exact as `.unknown`.
public enum SCTPErrorCause: Hashable, Sendable {
    /// 1: Invalid Stream Identifier (§3.3.10.1), with its reserved 16 bits.
    case invalidStreamIdentifier(stream: UInt16, reserved: UInt16)
    /// 2: Missing Mandatory Parameter (§3.3.10.2): the missing parameter types.
    case missingMandatoryParameter([UInt16])
    /// 3: Stale Cookie (§3.3.10.3): measure of staleness in microseconds.
    case staleCookie(stalenessMicroseconds: UInt32)
    /// 4: Out of Resource (§3.3.10.4).
    case outOfResource
    /// 5: Unresolvable Address (§3.3.10.5): the address parameter, as bytes.
    case unresolvableAddress([UInt8])
    /// 6: Unrecognized Chunk Type (§3.3.10.6): the chunk as received, as bytes.
    case unrecognizedChunkType([UInt8])
    /// 7: Invalid Mandatory Parameter (§3.3.10.7).
    case invalidMandatoryParameter
    /// 8: Unrecognized Parameters (§3.3.10.8): the parameters as received, as bytes.
    case unrecognizedParameters([UInt8])
    /// 9: No User Data (§3.3.10.9): the TSN of the empty DATA chunk.
    case noUserData(tsn: UInt32)
    /// 10: Cookie Received While Shutting Down (§3.3.10.10).
    case cookieReceivedWhileShuttingDown
    /// 11: Restart of an Association with New Addresses (§3.3.10.11): the new address TLVs, as bytes.
    case restartWithNewAddresses([UInt8])
    /// 12: User-Initiated Abort (§3.3.10.12): the upper layer's reason, as bytes.
    case userInitiatedAbort([UInt8])
    /// 13: Protocol Violation (§3.3.10.13): additional information, as bytes (often ASCII text).
    case protocolViolation([UInt8])
    /// Any other cause code, kept byte-exact.
    case unknown(code: UInt16, value: [UInt8])

    /// The Cause Code.
    public var code: UInt16 {
        switch self {
        case .invalidStreamIdentifier: 1
        case .missingMandatoryParameter: 2
        case .staleCookie: 3
        case .outOfResource: 4
        case .unresolvableAddress: 5
        case .unrecognizedChunkType: 6
        case .invalidMandatoryParameter: 7
        case .unrecognizedParameters: 8
        case .noUserData: 9
        case .cookieReceivedWhileShuttingDown: 10
        case .restartWithNewAddresses: 11
        case .userInitiatedAbort: 12
        case .protocolViolation: 13
        case .unknown(let code, _): code
        }
    }

    /// The name RFC 9260 §3.3.10 gives the cause.
    public var name: String {
        switch self {
        case .invalidStreamIdentifier: "Invalid Stream Identifier"
        case .missingMandatoryParameter: "Missing Mandatory Parameter"
        case .staleCookie: "Stale Cookie Error"
        case .outOfResource: "Out of Resource"
        case .unresolvableAddress: "Unresolvable Address"
        case .unrecognizedChunkType: "Unrecognized Chunk Type"
        case .invalidMandatoryParameter: "Invalid Mandatory Parameter"
        case .unrecognizedParameters: "Unrecognized Parameters"
        case .noUserData: "No User Data"
        case .cookieReceivedWhileShuttingDown: "Cookie Received While Shutting Down"
        case .restartWithNewAddresses: "Restart of an Association with New Addresses"
        case .userInitiatedAbort: "User-Initiated Abort"
        case .protocolViolation: "Protocol Violation"
        case .unknown(let code, _): "unknown(\(code))"
        }
    }
}
