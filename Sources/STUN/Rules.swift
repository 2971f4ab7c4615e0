public import Wire

/// The rules a STUN message or a TURN ChannelData message can break at parse time.
///
/// What is a parse error and what is only reported (see `STUNMessage`):
/// - **Errors** (the datagram is not a STUN message a receiver may process): a broken header (RFC 8489 §5),
///   an attribute running past the message, an attribute whose length its definition forbids, an address
///   family other than IPv4/IPv6, an ERROR-CODE outside 300–699, a FINGERPRINT that is not last or whose
///   value is wrong (§14.7), ChannelData framing errors (RFC 8656 §12).
/// - **Reported** (parse keeps every byte; the caller decides): unknown comprehension-required attributes
///   (`unknownComprehensionRequired`, §6.3 answers those with 420), attributes after MESSAGE-INTEGRITY
///   (`attributesIgnoredAfterIntegrity`, §14.5), the integrity value itself (`verifyMessageIntegrity`),
///   text longer than its attribute allows, reserved bits that are set, semantic ranges (a CHANNEL-NUMBER
///   outside 0x4000–0x4FFF inside a ChannelBind request is the TURN server's 400, not a framing error).
public enum STUNRule: String, ProtocolRule, CaseIterable {
    case truncated
    case leadingBits
    case magicCookie
    case lengthAlignment
    case lengthMismatch
    case attributeOverflow
    case attributeLength
    case addressFamily
    case errorCodeRange
    case passwordAlgorithmParameters
    case fingerprintLast
    case fingerprintValue
    case channelNumber
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
