public import Wire

/// The rules of Data Channel Establishment Protocol messages (RFC 8832 §5).
public enum DCEPRule: String, ProtocolRule, CaseIterable {
    /// The message ends before a field it must contain (or is empty).
    case truncated
    /// DATA_CHANNEL_ACK is exactly one byte, the message type 0x02 (RFC 8832 §5.2).
    case ackLength = "ack-length"
    /// DATA_CHANNEL_OPEN's Label Length runs past the end of the message (RFC 8832 §5.1).
    case labelLength = "label-length"
    /// DATA_CHANNEL_OPEN's Protocol Length runs past the end of the message (RFC 8832 §5.1).
    case protocolLength = "protocol-length"
    /// The Label is UTF-8 (RFC 8832 §5.1).
    case labelUTF8 = "label-utf8"
    /// The Protocol is UTF-8 (RFC 8832 §5.1).
    case protocolUTF8 = "protocol-utf8"
    /// DATA_CHANNEL_OPEN ends with its Protocol: nothing follows it (RFC 8832 §5.1).
    case trailingBytes = "trailing-bytes"

    public var id: String { "DCEP.\(rawValue)" }

    public var reference: String {
        switch self {
        case .truncated, .labelLength, .protocolLength, .labelUTF8, .protocolUTF8, .trailingBytes: "RFC 8832 §5.1"
        case .ackLength: "RFC 8832 §5.2"
        }
    }
}

/// A parse failure of a DCEP message: the rule broken and the byte offset in the message.
public typealias DCEPError = CodecError<DCEPRule>
