public import Wire

/// The rules an RTCP datagram can break: RFC 3550 §6, RFC 4585 §6, RFC 5104 §4, RFC 3611, RFC 8888,
/// draft-holmer-rmcat-transport-wide-cc-extensions-01 and draft-alvestrand-rmcat-remb.
///
/// The `compound-*` rules are never thrown: they name the violations `RTCPCompound.violations` reports.
public enum RTCPRule: String, ProtocolRule, CaseIterable {
    case truncated
    case version
    case length
    case padding
    case reportCount = "report-count"
    case sdesItem = "sdes-item"
    case sdesTerminator = "sdes-terminator"
    case byeReason = "bye-reason"
    case appData = "app-data"
    case feedbackLength = "feedback-length"
    case twccStatus = "twcc-status"
    case twccDeltas = "twcc-deltas"
    case ccfbBlock = "ccfb-block"
    case rembFormat = "remb-format"
    case rpsiPadding = "rpsi-padding"
    case xrBlock = "xr-block"
    case srtcpTrailer = "srtcp-trailer"
    case compoundFirstPacket = "compound-first-packet"
    case compoundCNAME = "compound-cname"
    case compoundPadding = "compound-padding"
    case compoundByeLast = "compound-bye-last"

    public var id: String { "RTCP.\(rawValue)" }

    public var reference: String {
        switch self {
        case .truncated: "RFC 3550 §6.4 (a field is cut by the end of the packet)"
        case .version: "RFC 3550 §6.4.1 (V = 2)"
        case .length: "RFC 3550 §6.4.1 (length in 32-bit words minus one, within the datagram)"
        case .padding: "RFC 3550 §6.4.1 (P: the last octet counts the padding, itself included)"
        case .reportCount: "RFC 3550 §6.4.1–6.4.2 (RC report blocks fit in the packet)"
        case .sdesItem: "RFC 3550 §6.5 (SDES items: type, length, text; PRIV prefix)"
        case .sdesTerminator: "RFC 3550 §6.5 (chunks end with null octets to a 32-bit boundary)"
        case .byeReason: "RFC 3550 §6.6 (reason length and padding)"
        case .appData: "RFC 3550 §6.7 (application data is whole 32-bit words)"
        case .feedbackLength: "RFC 4585 §6.1, RFC 5104 §4 (FCI of whole entries)"
        case .twccStatus: "draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1 (status chunks)"
        case .twccDeltas: "draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1.5 (receive deltas)"
        case .ccfbBlock: "RFC 8888 §3.1 (report blocks)"
        case .rembFormat: "draft-alvestrand-rmcat-remb-03 §2.2 (REMB layout)"
        case .rpsiPadding: "RFC 4585 §6.3.3 (RPSI padding bits)"
        case .xrBlock: "RFC 3611 §3–4 (report block lengths)"
        case .srtcpTrailer: "RFC 3711 §3.4 (E bit, SRTCP index and tag)"
        case .compoundFirstPacket: "RFC 3550 §6.1 (a compound packet starts with SR or RR)"
        case .compoundCNAME: "RFC 3550 §6.1 (a compound packet carries an SDES CNAME)"
        case .compoundPadding: "RFC 3550 §6.4.1 (only the last packet of a compound may be padded)"
        case .compoundByeLast: "RFC 3550 §6.1 (BYE is the last packet sent for its SSRC)"
        }
    }
}

/// An error parsing RTCP.
public typealias RTCPError = CodecError<RTCPRule>
