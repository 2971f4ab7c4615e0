/// What a flow is, decided before the checker judges it (``FlowClassifier``).
///
/// Only `.webRTC` flows are judged by the rules; the other two are listed in the report with their
/// reason, so a capture of a whole machine (DNS, DHCP, mDNS around the call) does not drown the call's
/// findings in noise about protocols that never claimed to be WebRTC.
public enum FlowClass: Hashable, Sendable, Codable {
    /// The flow carries WebRTC: ICE, a DTLS handshake, TURN, an SDP candidate's address, or an RTP
    /// stream. `evidence` says what showed it and where (a frame number).
    case webRTC(evidence: String)
    /// A well-known protocol that is not WebRTC (DNS, mDNS, DHCP, NTP, QUIC, a vendor's own media
    /// transport …), told by port and, where cheap, by bytes; `reason` says how.
    case skipped(protocol: String, reason: String)
    /// Neither shown to be WebRTC nor a known protocol: reported, never judged.
    case unrecognised(reason: String)

    /// The classification in one line, as reports print it.
    public var summary: String {
        switch self {
        case .webRTC(let evidence): "WebRTC, judged: \(evidence)"
        case .skipped(let name, let reason): "skipped, \(name): \(reason)"
        case .unrecognised(let reason): "unrecognised, not judged: \(reason)"
        }
    }

    /// Whether the checker judges the flow's packets.
    public var isJudged: Bool {
        if case .webRTC = self { return true }
        return false
    }
}
