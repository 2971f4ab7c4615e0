/// An ERROR-CODE value (RFC 8489 §14.8): a code 300–699, written as a class (hundreds) and a number
/// (0–99), and a UTF-8 reason phrase.
public struct STUNErrorCode: Hashable, Sendable, CustomStringConvertible {
    /// The three-digit code, such as 401.
    public var code: UInt16
    public var reason: String

    public init(code: UInt16, reason: String = "") {
        self.code = code
        self.reason = reason
    }

    /// The hundreds digit, 3–6 on the wire.
    public var errorClass: UInt8 { UInt8(truncatingIfNeeded: code / 100) }
    /// The code modulo 100.
    public var number: UInt8 { UInt8(truncatingIfNeeded: code % 100) }

    public var description: String { reason.isEmpty ? String(code) : "\(code) \(reason)" }

    // RFC 8489 §14.8
    public static let tryAlternate: UInt16 = 300
    public static let badRequest: UInt16 = 400
    public static let unauthorized: UInt16 = 401
    public static let unknownAttribute: UInt16 = 420
    public static let staleNonce: UInt16 = 438
    public static let serverError: UInt16 = 500
    // RFC 8445 §7.3.1.1
    public static let roleConflict: UInt16 = 487
    // RFC 8656 §19
    public static let forbidden: UInt16 = 403
    public static let requestTimedOut: UInt16 = 408
    public static let allocationMismatch: UInt16 = 437
    public static let addressFamilyNotSupported: UInt16 = 440
    public static let wrongCredentials: UInt16 = 441
    public static let unsupportedTransportProtocol: UInt16 = 442
    public static let peerAddressFamilyMismatch: UInt16 = 443
    public static let allocationQuotaReached: UInt16 = 486
    public static let insufficientCapacity: UInt16 = 508
}

/// A password algorithm (RFC 8489 §14.11–14.12, §18.5): a number and its parameters.
public struct STUNPasswordAlgorithm: Hashable, Sendable, CustomStringConvertible {
    public var number: UInt16
    public var parameters: [UInt8]

    public init(number: UInt16, parameters: [UInt8] = []) {
        self.number = number
        self.parameters = parameters
    }

    /// Algorithm 1: the key is MD5 of `username:realm:password` (RFC 8489 §18.5.1.1).
    public static let md5 = STUNPasswordAlgorithm(number: 1)
    /// Algorithm 2: the key is SHA-256 of `username:realm:password` (RFC 8489 §18.5.1.2).
    public static let sha256 = STUNPasswordAlgorithm(number: 2)

    public var description: String {
        switch number {
        case 1: "MD5"
        case 2: "SHA-256"
        default: "algorithm \(number)"
        }
    }
}
