import STUN

/// Which peer sends each way on each flow, learned from ICE: a connectivity check's USERNAME is
/// `<receiver's ufrag>:<sender's ufrag>` (RFC 8445 §7.2.2), and the descriptions say whose ufrag is
/// whose. A relayed flow is attributed by the checks it carries, like any other.
struct SideAttribution: Sendable {
    private struct Sender: Hashable { let flow: Int; let direction: FlowDirection }
    private var senders: [Sender: SessionSide] = [:]

    /// Learns from a packet; cheap for everything but a Binding request with USERNAME.
    mutating func learn(from decoded: DecodedPacket, _ signalling: ReplaySignalling) {
        guard !signalling.isEmpty, case .stun(let message) = decoded.content, message.type.method == .binding,
            message.type.messageClass == .request, let (receiver, sender) = Self.ufrags(message)
        else { return }
        let packet = decoded.packet
        if let side = signalling.side(ofUfrag: sender) ?? signalling.side(ofUfrag: receiver)?.other {
            senders[Sender(flow: packet.flow, direction: packet.direction)] = side
            senders[Sender(flow: packet.flow, direction: packet.direction.reversed)] = side.other
        }
    }

    /// The side that sends `direction` on `flow`, once a check on it said.
    func side(flow: Int, direction: FlowDirection) -> SessionSide? { senders[Sender(flow: flow, direction: direction)] }

    /// The two ufrags of a check's USERNAME, receiver's first (RFC 8445 §7.2.2).
    static func ufrags(_ message: STUNMessage) -> (receiver: Substring, sender: Substring)? {
        guard case .username(let username)? = message.value(of: .username) else { return nil }
        let parts = username.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        return (parts[0], parts[1])
    }
}
