import STUN

/// The ICE candidate pairs a capture shows being checked (RFC 8445 §7.2): per flow and direction,
/// checks sent, answered with success or error, which pair was nominated (§8.1.1), and the consent
/// checks that follow nomination (RFC 7675 §5.1) with their longest gap.
struct ICEInventory: Sendable {
    private struct Key: Hashable { let flow: Int; let direction: FlowDirection }
    private struct Pair: Sendable {
        var requests = 0
        var successes = 0
        var errors = 0
        var nominated = false
        var consentChecks = 0
        var lastConsentCheck: Int64?
        var longestConsentGap: Int64?
    }
    private struct Open: Sendable { let key: Key; let nominating: Bool }

    private var pairs: [Key: Pair] = [:]
    private var order: [Key] = []
    /// Checks awaiting their answer, by transaction id (bounded: the oldest are forgotten).
    private var open = RecentDictionary<STUNTransactionID, Open>(capacity: 4096)

    mutating func observe(_ decoded: DecodedPacket) {
        guard case .stun(let message) = decoded.content, message.type.method == .binding else { return }
        let packet = decoded.packet
        switch message.type.messageClass {
        case .request where STUNFingerprintPresenceRule.isConnectivityCheck(message):
            let key = Key(flow: packet.flow, direction: packet.direction)
            var pair = pairs[key] ?? {
                order.append(key)
                return Pair()
            }()
            pair.requests += 1
            if pair.nominated {
                pair.consentChecks += 1
                if let last = pair.lastConsentCheck {
                    pair.longestConsentGap = max(pair.longestConsentGap ?? 0, packet.timestampNanoseconds - last)
                }
                pair.lastConsentCheck = packet.timestampNanoseconds
            }
            pairs[key] = pair
            open.store(Open(key: key, nominating: message.first(.useCandidate) != nil), for: message.transactionID)
        case .successResponse, .errorResponse:
            guard let check = open[message.transactionID], check.key.flow == packet.flow, check.key.direction == packet.direction.reversed
            else { return }
            if message.type.messageClass == .errorResponse {
                pairs[check.key]?.errors += 1
                return
            }
            pairs[check.key]?.successes += 1
            if check.nominating, pairs[check.key]?.nominated == false {
                pairs[check.key]?.nominated = true
                pairs[check.key]?.lastConsentCheck = packet.timestampNanoseconds
            }
        default:
            return
        }
    }

    /// The rows; `sides` says which peer did the checking.
    func entries(flows: [Flow], sides: SideAttribution) -> [CandidatePairEntry] {
        order.compactMap { key in
            guard let pair = pairs[key], flows.indices.contains(key.flow) else { return nil }
            let flow = flows[key.flow]
            let (from, to) = key.direction == .aToB ? (flow.a, flow.b) : (flow.b, flow.a)
            return CandidatePairEntry(
                flow: key.flow, from: from.description, to: to.description,
                checkedBy: sides.side(flow: key.flow, direction: key.direction)?.rawValue, requests: pair.requests,
                successes: pair.successes, errors: pair.errors, nominated: pair.nominated, consentChecks: pair.consentChecks,
                longestConsentGap: pair.longestConsentGap.map { Double($0) / 1e9 })
        }
    }
}
