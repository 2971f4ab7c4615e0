import STUN

/// Data goes only where a connectivity check succeeded (RFC 8445 §12.1: media on a valid pair; RFC
/// 7675 §5.3: no data without consent). On a flow that carries ICE checks, DTLS and media before the
/// first successful check are an error; flows without any check (a capture that starts late, or
/// keying without ICE) are not judged. Also notes which flows were nominated (USE-CANDIDATE answered
/// with success, RFC 8445 §8.1.1) and warns when data between the same two agents — the same pair of
/// ufrags in the checks' USERNAME — keeps flowing on another flow after that.
public struct ICEConsentRule: PacketRule {
    public static let rules = [dataBeforeConsent, dataOffNominated]

    public static let dataBeforeConsent = ReplayRule(
        id: "ICE.data-before-consent", reference: "RFC 8445 §12.1, RFC 7675 §5.3", severity: .error,
        summary: "DTLS and media are sent on a flow only after a connectivity check on it succeeded")
    public static let dataOffNominated = ReplayRule(
        id: "ICE.data-off-nominated", reference: "RFC 8445 §8.1.1, §12.1", severity: .warning,
        summary: "once a pair is nominated, data between the same two agents flows on the nominated pair")

    private struct Check { let flow: Int; let nominating: Bool; let agents: Set<Substring>? }
    /// Open checks by transaction id (bounded: the oldest are forgotten).
    private var checks = RecentDictionary<STUNTransactionID, Check>(capacity: ICEConsentRule.memory)
    private var flowsWithChecks: Set<Int> = []
    private var validated: Set<Int> = []
    /// Nominated flow by the two agents' ufrags.
    private var nominated: [Set<Substring>: Int] = [:]
    /// The agents (ufrag pair) whose checks each flow carried.
    private var agentsOfFlow: [Int: Set<Substring>] = [:]
    /// For each flow whose agents nominated a pair, that pair's flow: worked out when checks and
    /// nominations happen, so that data packets cost one lookup by flow.
    private var nominatedFor: [Int: Int] = [:]
    private var reported: Set<Int> = []
    private var reportedOff: Set<Int> = []
    static let memory = 4096

    public init() {}

    public mutating func observe(_ decoded: DecodedPacket) -> [ReplayFinding] {
        let flow = decoded.packet.flow
        switch decoded.content {
        case .stun(let message):
            if message.type == .bindingRequest, STUNFingerprintPresenceRule.isConnectivityCheck(message) {
                flowsWithChecks.insert(flow)
                // USERNAME is "receiver ufrag:sender ufrag" (RFC 8445 §7.2.2); the set names the two agents.
                var agents: Set<Substring>?
                if case .username(let text)? = message.value(of: .username) {
                    agents = Set(text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false))
                    agentsOfFlow[flow] = agents
                    nominatedFor[flow] = agents.flatMap { nominated[$0] }
                }
                let check = Check(flow: flow, nominating: message.first(.useCandidate) != nil, agents: agents)
                checks.store(check, for: message.transactionID)
            } else if message.type == .bindingSuccess, let check = checks[message.transactionID], check.flow == flow {
                validated.insert(flow)
                if check.nominating, let agents = check.agents {
                    nominated[agents] = flow
                    for (other, theirs) in agentsOfFlow where theirs == agents { nominatedFor[other] = flow }
                }
            }
            return []
        case .dtls, .rtp, .rtcp, .srtcp:
            if flowsWithChecks.contains(flow), !validated.contains(flow), reported.insert(flow).inserted {
                return [ReplayFinding(Self.dataBeforeConsent, frame: decoded.packet.frame, flow: flow, "data on a flow whose connectivity checks have not succeeded yet")]
            }
            if let chosen = nominatedFor[flow], chosen != flow, reportedOff.insert(flow).inserted {
                return [ReplayFinding(Self.dataOffNominated, frame: decoded.packet.frame, flow: flow, "data on this flow after the same agents nominated flow \(chosen)")]
            }
            return []
        default:
            return []
        }
    }
}
