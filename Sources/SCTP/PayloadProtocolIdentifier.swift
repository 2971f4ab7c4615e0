/// The Payload Protocol Identifier of a DATA chunk: opaque to SCTP, registered by IANA. WebRTC data
/// channels use the values of RFC 8831 §8; any other value is kept as it is.
public struct PayloadProtocolIdentifier: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The values WebRTC defines (RFC 8831 §8, RFC 8832 §8.1).
    public enum Known: UInt32, Hashable, Sendable, CaseIterable {
        /// 50: DCEP (RFC 8832).
        case dcep = 50
        /// 51: a UTF-8 string message.
        case string = 51
        /// 52: part of a string message (deprecated by RFC 8831 §6.6).
        case stringPartial = 52
        /// 53: a binary message.
        case binary = 53
        /// 54: part of a binary message (deprecated by RFC 8831 §6.6).
        case binaryPartial = 54
        /// 56: an empty string message (sent as one zero byte, since DATA cannot be empty).
        case stringEmpty = 56
        /// 57: an empty binary message (one zero byte on the wire).
        case binaryEmpty = 57
    }

    public init(_ known: Known) { rawValue = known.rawValue }

    /// The WebRTC meaning, or nil for a value RFC 8831 does not define.
    public var known: Known? { Known(rawValue: rawValue) }

    public static let dcep = PayloadProtocolIdentifier(.dcep)
    public static let string = PayloadProtocolIdentifier(.string)
    public static let stringPartial = PayloadProtocolIdentifier(.stringPartial)
    public static let binary = PayloadProtocolIdentifier(.binary)
    public static let binaryPartial = PayloadProtocolIdentifier(.binaryPartial)
    public static let stringEmpty = PayloadProtocolIdentifier(.stringEmpty)
    public static let binaryEmpty = PayloadProtocolIdentifier(.binaryEmpty)

    public var description: String {
        guard let known else { return String(rawValue) }
        return "\(rawValue) (\(known))"
    }
}
