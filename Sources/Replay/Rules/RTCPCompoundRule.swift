import RTP

/// The compound-packet rules of RFC 3550 §6.1 on plaintext RTCP: the first packet is SR or RR, an SDES
/// CNAME is present, only the last packet is padded, BYE comes last. Reduced-size RTCP (RFC 5506), a
/// single non-report packet, is exempt; and when the answer kept `a=rtcp-rsize` (RFC 5506 §5), every
/// packet may be reduced-size, so none is judged. Warnings: receivers commonly accept such packets.
/// SRTCP hides all but its first header, so only decrypted or plaintext RTCP is judged.
public struct RTCPCompoundRule: PacketRule {
    static let checked: [RTCPRule] = [.compoundFirstPacket, .compoundCNAME, .compoundPadding, .compoundByeLast]

    public static let rules = checked.map(rule)

    static func rule(_ rule: RTCPRule) -> ReplayRule {
        ReplayRule(id: rule.id, reference: rule.reference, severity: .warning, summary: "compound RTCP follows RFC 3550 §6.1 (\(rule.id))")
    }

    /// `a=rtcp-rsize` was negotiated.
    let reducedSizeNegotiated: Bool

    public init(reducedSizeNegotiated: Bool = false) { self.reducedSizeNegotiated = reducedSizeNegotiated }

    public func observe(_ decoded: DecodedPacket) -> [ReplayFinding] {
        guard !reducedSizeNegotiated, case .rtcp(let compound) = decoded.content else { return [] }
        return compound.violations.map { violation in
            ReplayFinding(Self.rule(violation.rule), frame: decoded.packet.frame, flow: decoded.packet.flow, violation.description)
        }
    }
}
