import STUN

/// MESSAGE-INTEGRITY of ICE Binding messages verifies with a known ICE password (RFC 8489 §14.5 with
/// the short-term key of §9.1.1, as RFC 8445 §7.2.2 uses it). The passwords come from the command line
/// (`--ice-pwd`) or, later, from SDP; with none known the rule is silent.
public struct STUNIntegrityRule: PacketRule {
    public static let rules = [ReplayRules.stunMessageIntegrity]

    public let passwords: [String]

    public init(passwords: [String]) { self.passwords = passwords }

    public func observe(_ decoded: DecodedPacket) -> [ReplayFinding] {
        guard !passwords.isEmpty, case .stun(let message) = decoded.content, message.type.method == .binding,
            message.firstIntegrityIndex != nil
        else { return [] }
        for password in passwords where message.checkIntegrity(password: password).passed { return [] }
        return [
            ReplayFinding(
                ReplayRules.stunMessageIntegrity, frame: decoded.packet.frame, flow: decoded.packet.flow,
                "\(message.type) \(message.transactionID): integrity verifies with none of the \(passwords.count) known password(s)")
        ]
    }
}
