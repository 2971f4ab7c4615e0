import SDP
import Wire

/// What the driver reads off the descriptions it relays: limits, ICE credentials, candidate ports.
struct DescriptionFacts: Sendable {
    /// `a=max-message-size` (RFC 8841 §6): nil when absent.
    var maxMessageSize: UInt64?
    var iceUfrag: String?
    var icePassword: String?
    /// Ports of the description's candidates (the capture of a cell keeps the datagrams to or from them).
    var candidatePorts: Set<UInt16> = []

    init(sdp: String) {
        // Read as the engine reads a peer's description: Pion's rtcp-fb lines end in a space
        // (`Tolerance.sdpFeedbackTrailingSpace`), and the replay checker flags what it must on the wire.
        guard let model = try? SDPCodec.parse(sdp, mode: .tolerant).value else { return }
        for attribute in model.attributes + model.media.flatMap(\.attributes) {
            switch attribute {
            case .maxMessageSize(let size): maxMessageSize = maxMessageSize ?? size
            case .iceUfrag(let ufrag): iceUfrag = iceUfrag ?? ufrag
            case .icePwd(let password): icePassword = icePassword ?? password
            case .candidate(let candidate): candidatePorts.insert(candidate.port)
            default: break
            }
        }
    }

    /// The largest message this side takes, in bytes; nil for "no limit". RFC 8841 §6.1: an absent
    /// attribute means 64 KiB, zero means the receiver takes any size.
    var receivableMessageSize: Int? {
        guard let maxMessageSize else { return 65_536 }
        return maxMessageSize == 0 ? nil : Int(clamping: maxMessageSize)
    }

    /// How the attribute read, for a figure ("262144", "absent: 65536", "0: no limit").
    var maxMessageSizeText: String {
        switch maxMessageSize {
        case nil: "absent: 65536"
        case 0: "0: no limit"
        case let size?: String(size)
        }
    }
}
