import STUN

/// ICE connectivity checks and their responses carry FINGERPRINT (RFC 8445 §7), which is what lets
/// a receiver tell STUN from other traffic on the same port. Whether a present FINGERPRINT is right is
/// the codec's rule, `STUN.fingerprint-value`.
public struct STUNFingerprintPresenceRule: PacketRule {
    public static let rules = [ReplayRules.stunFingerprintPresent]

    private struct Key: Hashable { let flow: Int; let transaction: STUNTransactionID }
    private var checks: Set<Key> = []

    public init() {}

    public mutating func observe(_ decoded: DecodedPacket) -> [ReplayFinding] {
        guard case .stun(let message) = decoded.content, message.type.method == .binding else { return [] }
        let key = Key(flow: decoded.packet.flow, transaction: message.transactionID)
        let isCheck: Bool
        switch message.type.messageClass {
        case .request:
            isCheck = Self.isConnectivityCheck(message)
            if isCheck { checks.insert(key) }
        case .successResponse, .errorResponse:
            isCheck = checks.contains(key)
        case .indication:
            isCheck = false
        }
        guard isCheck, message.first(.fingerprint) == nil else { return [] }
        return [
            ReplayFinding(
                ReplayRules.stunFingerprintPresent, frame: decoded.packet.frame, flow: decoded.packet.flow,
                "ICE \(message.type) \(message.transactionID) has no FINGERPRINT")
        ]
    }

    /// A Binding request with any of the ICE attributes (RFC 8445 §7.1.1–7.1.3).
    static func isConnectivityCheck(_ message: STUNMessage) -> Bool {
        message.attributes.contains {
            $0.type == .priority || $0.type == .iceControlling || $0.type == .iceControlled || $0.type == .useCandidate
        }
    }
}
