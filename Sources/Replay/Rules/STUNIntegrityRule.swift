import STUN

/// MESSAGE-INTEGRITY of ICE Binding messages verifies with the right ICE password (RFC 8489 §14.5
/// with the short-term key of §9.1.1, as RFC 8445 §7.2.2 uses it).
///
/// With the session's descriptions the key is known exactly: a check's USERNAME names the receiver's
/// ufrag first, and the receiver's `a=ice-pwd` keys both the request and its response (RFC 8445
/// §7.2.2, §7.2.5.1); a USERNAME naming ufrags no description gave is itself a finding. With only
/// `--ice-pwd` passwords, any of them may verify. With neither, the rule is silent.
public struct STUNIntegrityRule: PacketRule {
    public static let rules = [ReplayRules.stunMessageIntegrity, iceUsername]

    static let iceUsername = ReplayRule(
        id: "ICE.username", reference: "RFC 8445 §7.2.2, RFC 8839 §5.4", severity: .error,
        summary: "a check's USERNAME is the receiver's ufrag, a colon and the sender's ufrag, as the descriptions give them")

    public let passwords: [String]
    let signalling: ReplaySignalling
    /// The password that keyed each recent request, for its response (bounded: a capture of endless
    /// checks costs bounded memory).
    private var requestPasswords = RecentDictionary<STUNTransactionID, String>(capacity: 4096)

    public init(passwords: [String], signalling: ReplaySignalling = ReplaySignalling()) {
        self.passwords = passwords
        self.signalling = signalling
    }

    public mutating func observe(_ decoded: DecodedPacket) -> [ReplayFinding] {
        guard case .stun(let message) = decoded.content, message.type.method == .binding, message.firstIntegrityIndex != nil
        else { return [] }
        let packet = decoded.packet
        func finding(_ rule: ReplayRule, _ detail: String) -> [ReplayFinding] {
            [ReplayFinding(rule, frame: packet.frame, flow: packet.flow, "\(message.type) \(message.transactionID): " + detail)]
        }
        if !signalling.isEmpty {
            if message.type.messageClass == .request, let (receiver, sender) = SideAttribution.ufrags(message) {
                let bothSides = SessionSide.allCases.allSatisfy { !signalling.iceUfrags($0).isEmpty }
                guard let side = signalling.side(ofUfrag: receiver), let password = signalling.icePassword(ofUfrag: receiver) else {
                    let known = SessionSide.allCases.map { "\($0.rawValue) \(signalling.iceUfrags($0).joined(separator: "/"))" }
                    // With one side's description missing, the check may be to that side: any password may key it.
                    guard bothSides else { return anyPassword(message, packet) }
                    return finding(Self.iceUsername, "USERNAME \(receiver):\(sender) names a receiver ufrag no description gives (\(known.joined(separator: ", ")))")
                }
                var findings: [ReplayFinding] = []
                if !signalling.iceUfrags(side.other).isEmpty, signalling.side(ofUfrag: sender) != side.other {
                    findings += finding(Self.iceUsername, "USERNAME \(receiver):\(sender): the sender's ufrag is not the \(side.other.rawValue)'s")
                }
                requestPasswords.store(password, for: message.transactionID)
                if !message.checkIntegrity(password: password).passed {
                    findings += finding(ReplayRules.stunMessageIntegrity, "integrity does not verify with the \(side.rawValue)'s a=ice-pwd")
                }
                return findings
            }
            if message.type.messageClass != .request, let password = requestPasswords[message.transactionID] {
                guard !message.checkIntegrity(password: password).passed else { return [] }
                return finding(ReplayRules.stunMessageIntegrity, "integrity does not verify with the a=ice-pwd that keyed its request")
            }
        }
        return anyPassword(message, packet)
    }

    /// Without the descriptions to say which key: any known password may verify the message.
    private func anyPassword(_ message: STUNMessage, _ packet: ReplayPacket) -> [ReplayFinding] {
        let known = passwords + signalling.icePasswords
        guard !known.isEmpty else { return [] }
        for password in known where message.checkIntegrity(password: password).passed { return [] }
        return [
            ReplayFinding(
                ReplayRules.stunMessageIntegrity, frame: packet.frame, flow: packet.flow,
                "\(message.type) \(message.transactionID): integrity verifies with none of the \(known.count) known password(s)")
        ]
    }
}
