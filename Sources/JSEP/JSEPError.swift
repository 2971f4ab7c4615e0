public import SDP

/// Why a description, a candidate or a signaling move was refused.
public enum JSEPError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The text is not SDP; the codec's error names the rule and the line.
    case invalidSDP(SDPError)
    /// A required attribute is absent (`ice-ufrag`, `ice-pwd`, `fingerprint`, `setup`), from the section
    /// with `mid` (nil: the section has no mid, or the description is missing it at every level).
    case missingAttribute(String, mid: String?)
    /// An attribute is present but its value is not acceptable.
    case invalidAttribute(String, value: String, reason: String)
    /// W3C InvalidStateError: the move (state, type, source) is not allowed (webrtc-pc §4.4.1.5).
    case invalidState(SignalingState, DescriptionType, DescriptionSource)
    /// An answer's m= sections do not match the offer's (count, order, kinds or mids; RFC 3264 §6).
    case mismatchedAnswer(String)
    /// The offer has no section this endpoint can accept (no usable `m=application … webrtc-datachannel`),
    /// or a description uses no section at all.
    case noDataSection
    /// A trickled candidate is malformed or does not fit the description.
    case invalidCandidate(String)
    /// `sdpMid` / `sdpMLineIndex` name no section of the description (W3C webrtc-pc §4.4.1.6
    /// addIceCandidate: OperationError).
    case unknownMediaSection(mid: String?, index: Int?)

    public var description: String {
        switch self {
        case .invalidSDP(let error): "invalid SDP: \(error)"
        case .missingAttribute(let name, let mid): "missing a=\(name)" + (mid.map { " in the section with mid \($0)" } ?? "")
        case .invalidAttribute(let name, let value, let reason): "a=\(name):\(value) is not acceptable: \(reason)"
        case .invalidState(let state, let type, let source):
            "InvalidStateError: cannot set a \(source == .local ? "local" : "remote") \(type.rawValue) in state \(state.rawValue)"
        case .mismatchedAnswer(let reason): "the answer does not match the offer: \(reason)"
        case .noDataSection: "no usable m=application UDP/DTLS/SCTP webrtc-datachannel section"
        case .invalidCandidate(let reason): "invalid candidate: \(reason)"
        case .unknownMediaSection(let mid, let index):
            "no media section with " + [mid.map { "mid \($0)" }, index.map { "index \($0)" }].compactMap { $0 }.joined(separator: " or ")
        }
    }
}
