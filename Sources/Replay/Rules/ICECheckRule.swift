import STUN

/// What an ICE connectivity check carries (RFC 8445 §7.1.1–7.1.3, §7.2.2): PRIORITY, exactly one of
/// ICE-CONTROLLING and ICE-CONTROLLED, USERNAME and MESSAGE-INTEGRITY (short-term credentials); and
/// USE-CANDIDATE only from the controlling agent. A Binding request with any ICE attribute is a check.
public struct ICECheckRule: PacketRule {
    public static let rules = [ReplayRules.iceCheckAttributes]

    public init() {}

    public func observe(_ decoded: DecodedPacket) -> [ReplayFinding] {
        guard case .stun(let message) = decoded.content, message.type == .bindingRequest,
            STUNFingerprintPresenceRule.isConnectivityCheck(message)
        else { return [] }
        func has(_ type: STUNAttributeType) -> Bool { message.first(type) != nil }
        var missing: [String] = []
        if !has(.priority) { missing.append("no PRIORITY") }
        switch (has(.iceControlling), has(.iceControlled)) {
        case (true, true): missing.append("both ICE-CONTROLLING and ICE-CONTROLLED")
        case (false, false): missing.append("neither ICE-CONTROLLING nor ICE-CONTROLLED")
        case (false, true) where has(.useCandidate): missing.append("USE-CANDIDATE from the controlled agent")
        default: break
        }
        if !has(.username) { missing.append("no USERNAME") }
        if !has(.messageIntegrity) { missing.append("no MESSAGE-INTEGRITY") }
        guard !missing.isEmpty else { return [] }
        return [
            ReplayFinding(
                ReplayRules.iceCheckAttributes, frame: decoded.packet.frame, flow: decoded.packet.flow,
                "check \(message.transactionID): " + missing.joined(separator: ", "))
        ]
    }
}
