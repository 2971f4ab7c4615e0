public import Wire

/// The rules of SDP text (RFC 8866) and of the WebRTC attributes this codec types, one case per rule.
///
/// Errors name the 1-based line (`CodecError.location == .line`). Attribute rules name the RFC that
/// defines the attribute's grammar.
public enum SDPRule: String, ProtocolRule, CaseIterable {
    /// Input ends before a session description could start (no bytes at all).
    case truncated
    /// A line is not valid UTF-8 (RFC 8866 §5: text is UTF-8 unless `a=charset` says otherwise).
    case invalidUTF8 = "invalid-utf8"
    /// A line is not `<type>=<value>` with a single lowercase letter type, or holds a stray CR or is blank.
    case lineSyntax = "line-syntax"
    /// A type letter that RFC 8866 does not define: the whole description must be rejected (§5).
    case unknownLineType = "unknown-line-type"
    /// A line appears out of the order of RFC 8866 §5 / §9.
    case lineOrder = "line-order"
    /// A line that may appear once at its level appears twice (§5, §9).
    case duplicateLine = "duplicate-line"
    case missingVersion = "missing-version"
    case missingOrigin = "missing-origin"
    case missingSessionName = "missing-session-name"
    case missingTiming = "missing-timing"
    /// Neither the session nor this media section has `c=` (§5.7).
    case missingConnection = "missing-connection"
    /// `v=` other than `0` (§5.1).
    case version
    /// `o=` that is not six fields (§5.2).
    case origin
    /// `s=`, `i=`, `u=`, `e=`, `p=`, `z=`, `k=`, `r=` with a value their grammar forbids (§5.3–5.12).
    case textField = "text-field"
    /// `c=` that is not `nettype addrtype address` (§5.7).
    case connection
    /// `b=` that is not `bwtype:bandwidth` (§5.8).
    case bandwidth
    /// `t=` that is not two NTP times (§5.9).
    case timing
    /// `m=` with a bad media, port, port count, proto or format list (§5.14).
    case media
    /// `a=` without an attribute name, or with a name that is not a token (§5.13).
    case attribute
    /// A decimal number with a leading zero, a sign, or out of range where the grammar has a bound.
    case number
    /// `a=candidate` (RFC 8839 §5.1).
    case candidate
    /// `a=fingerprint` (RFC 8122 §5).
    case fingerprint
    /// `a=rtpmap` (RFC 8866 §6.6).
    case rtpmap
    /// `a=fmtp` (RFC 8866 §6.15).
    case fmtp
    /// `a=rtcp-fb` (RFC 4585 §4.2).
    case rtcpFeedback = "rtcp-fb"
    /// `a=extmap` (RFC 8285 §8).
    case extmap
    /// `a=group` (RFC 5888 §5).
    case group
    /// `a=mid` (RFC 5888 §4).
    case mid
    /// `a=ice-ufrag`, `a=ice-pwd`, `a=ice-options` (RFC 8839 §5.4, §5.6).
    case iceParameter = "ice-parameter"
    /// `a=setup` and `a=connection` (RFC 4145 §4, §5).
    case setup
    /// `a=rtcp` (RFC 3605 §2.1).
    case rtcp
    /// `a=msid` (RFC 8830 §2).
    case msid
    /// `a=ssrc` and `a=ssrc-group` (RFC 5576 §4.1, §4.2).
    case ssrc
    /// `a=rid` (RFC 8851 §10).
    case rid
    /// `a=simulcast` (RFC 8853 §5.1).
    case simulcast
    /// `a=sctp-port` and `a=max-message-size` (RFC 8841 §5, §6).
    case sctp
    /// A value-attribute (`a=mid` …) given without a value (RFC 8866 §5.13).
    case attributeValue = "attribute-value"

    public var id: String { "SDP.\(rawValue)" }

    public var reference: String {
        switch self {
        case .truncated, .lineSyntax, .unknownLineType, .lineOrder, .duplicateLine, .invalidUTF8:
            "RFC 8866 §5"
        case .missingVersion, .version: "RFC 8866 §5.1"
        case .missingOrigin, .origin: "RFC 8866 §5.2"
        case .missingSessionName: "RFC 8866 §5.3"
        case .textField: "RFC 8866 §5.3-5.12"
        case .missingConnection, .connection: "RFC 8866 §5.7"
        case .bandwidth: "RFC 8866 §5.8"
        case .missingTiming, .timing: "RFC 8866 §5.9"
        case .media: "RFC 8866 §5.14"
        case .attribute, .attributeValue: "RFC 8866 §5.13"
        case .number: "RFC 8866 §9"
        case .candidate: "RFC 8839 §5.1"
        case .fingerprint: "RFC 8122 §5"
        case .rtpmap: "RFC 8866 §6.6"
        case .fmtp: "RFC 8866 §6.15"
        case .rtcpFeedback: "RFC 4585 §4.2"
        case .extmap: "RFC 8285 §8"
        case .group: "RFC 5888 §5"
        case .mid: "RFC 5888 §4"
        case .iceParameter: "RFC 8839 §5.4"
        case .setup: "RFC 4145 §4"
        case .rtcp: "RFC 3605 §2.1"
        case .msid: "RFC 8830 §2"
        case .ssrc: "RFC 5576 §4"
        case .rid: "RFC 8851 §10"
        case .simulcast: "RFC 8853 §5.1"
        case .sctp: "RFC 8841 §5"
        }
    }
}

/// An SDP parse error: the rule broken and the 1-based line.
public typealias SDPError = CodecError<SDPRule>

/// A field-level failure inside one line; the line parser adds the line number.
struct FieldError: Error {
    let rule: SDPRule
    let detail: String
    init(_ rule: SDPRule, _ detail: String) {
        self.rule = rule
        self.detail = detail
    }
}
