public import Wire

/// The rules a STUN message or a TURN ChannelData message can break at parse time.
///
/// What is a parse error and what is only reported (see `STUNMessage`):
/// - **Errors** (the datagram is not a STUN message a receiver may process): a broken header (RFC 8489 §5),
///   an attribute running past the message, an attribute whose length its definition forbids, an address
///   family other than IPv4/IPv6, an ERROR-CODE outside 300–699, a FINGERPRINT that is not last or whose
///   value is wrong (§14.7), ChannelData framing errors (RFC 8656 §12).
/// - **Reported** as properties of the parsed message (parse keeps every byte; the caller decides):
///   unknown comprehension-required attributes (`unknownComprehensionRequired`; §6.3 answers a request
///   with them with 420 and ignores a response), attributes after MESSAGE-INTEGRITY
///   (`attributesIgnoredAfterIntegrity`, §14.5), the integrity values (`verifyMessageIntegrity(key:)`,
///   `verifyMessageIntegritySHA256(key:)`), which need a key the parser does not have.
/// - **Accepted as they are** (kept byte for byte, not checked): text longer than its attribute allows
///   (USERNAME 513 bytes, REALM/NONCE/SOFTWARE 763), text that is not valid UTF-8, reserved bits that are
///   set, and semantic ranges: a CHANNEL-NUMBER outside 0x4000–0x4FFF inside a ChannelBind request is the
///   TURN server's 400 Bad Request, not a framing error.
public enum STUNRule: String, ProtocolRule, CaseIterable {
    /// The datagram ends inside the 20-byte header (or the 4-byte ChannelData header).
    case truncated
    /// The two most significant bits of the message type are not zero.
    case leadingBits
    /// Bytes 4–7 are not 0x2112A442 (an RFC 3489 message, or not STUN at all).
    case magicCookie
    /// The message length is not a multiple of 4.
    case lengthAlignment
    /// The message length is not the number of bytes after the header.
    case lengthMismatch
    /// An attribute's value and padding run past the end of the message.
    case attributeOverflow
    /// An attribute's length is one its definition does not allow (FINGERPRINT 4, MESSAGE-INTEGRITY 20,
    /// MESSAGE-INTEGRITY-SHA256 16–32 in steps of 4, PRIORITY 4, an IPv4 address 8, IPv6 20, …).
    case attributeLength
    /// An address family other than 0x01 (IPv4) or 0x02 (IPv6).
    case addressFamily
    /// An ERROR-CODE or ADDRESS-ERROR-CODE class outside 3–6 or number above 99.
    case errorCodeRange
    /// A PASSWORD-ALGORITHM(S) entry whose parameters do not fit, or bytes left after one.
    case passwordAlgorithmParameters
    /// An attribute follows FINGERPRINT.
    case fingerprintLast
    /// FINGERPRINT is not the CRC-32 of the message before it XOR 0x5354554e.
    case fingerprintValue
    /// A ChannelData channel number outside 0x4000–0x4FFF.
    case channelNumber
    /// A ChannelData length longer than the datagram, or trailing bytes that are not exactly the padding.
    case channelDataLength

    public var id: String {
        switch self {
        case .truncated: "STUN.truncated"
        case .leadingBits: "STUN.leading-zero-bits"
        case .magicCookie: "STUN.magic-cookie"
        case .lengthAlignment: "STUN.length-multiple-of-4"
        case .lengthMismatch: "STUN.length-matches-datagram"
        case .attributeOverflow: "STUN.attribute-within-message"
        case .attributeLength: "STUN.attribute-length"
        case .addressFamily: "STUN.address-family"
        case .errorCodeRange: "STUN.error-code-range"
        case .passwordAlgorithmParameters: "STUN.password-algorithm-parameters"
        case .fingerprintLast: "STUN.fingerprint-last"
        case .fingerprintValue: "STUN.fingerprint-value"
        case .channelNumber: "TURN.channel-number"
        case .channelDataLength: "TURN.channeldata-length"
        }
    }

    public var reference: String {
        switch self {
        case .truncated: "RFC 8489 §5"
        case .leadingBits: "RFC 8489 §5"
        case .magicCookie: "RFC 8489 §5"
        case .lengthAlignment: "RFC 8489 §5"
        case .lengthMismatch: "RFC 8489 §5"
        case .attributeOverflow: "RFC 8489 §14"
        case .attributeLength: "RFC 8489 §14, RFC 8445 §16.1, RFC 8656 §18"
        case .addressFamily: "RFC 8489 §14.1–14.2"
        case .errorCodeRange: "RFC 8489 §14.8"
        case .passwordAlgorithmParameters: "RFC 8489 §14.11–14.12"
        case .fingerprintLast: "RFC 8489 §14.7"
        case .fingerprintValue: "RFC 8489 §14.7"
        case .channelNumber: "RFC 8656 §12"
        case .channelDataLength: "RFC 8656 §12.4–12.5"
        }
    }
}

/// Every STUN/TURN parse failure: the rule broken and the byte offset in the datagram.
public typealias STUNError = CodecError<STUNRule>
