public import Wire

/// The rules an RTP packet (RFC 3550 §5.1) and its header extensions (RFC 8285) can break.
public enum RTPRule: String, ProtocolRule, CaseIterable {
    case truncated
    case version
    case padding
    case csrcList = "csrc-list"
    case extensionLength = "extension-length"
    case extensionElement = "extension-element"
    case extensionValue = "extension-value"

    public var id: String { "RTP.\(rawValue)" }

    public var reference: String {
        switch self {
        case .truncated: "RFC 3550 §5.1 (12-byte fixed header)"
        case .version: "RFC 3550 §5.1 (V = 2)"
        case .padding: "RFC 3550 §5.1 (P: last octet counts the padding, itself included)"
        case .csrcList: "RFC 3550 §5.1 (CC: CSRC identifiers follow the fixed header)"
        case .extensionLength: "RFC 3550 §5.3.1 (extension length in 32-bit words)"
        case .extensionElement: "RFC 8285 §4.2–4.3 (one-byte and two-byte element headers)"
        case .extensionValue: "RFC 8285 §5 and the extension's own specification"
        }
    }
}

/// An error parsing RTP.
public typealias RTPError = CodecError<RTPRule>
