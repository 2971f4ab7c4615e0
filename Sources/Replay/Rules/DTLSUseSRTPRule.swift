import DTLSRecord

/// use_srtp agreement (RFC 5764 §4.1.1): a server that answers use_srtp names exactly one protection
/// profile, one the client offered; a server must not send use_srtp when the client did not offer it.
public struct DTLSUseSRTPRule: PacketRule {
    public static let rules = [ReplayRules.dtlsUseSRTPAgreement]

    /// The profiles each flow's latest ClientHello offered (empty array: ClientHello without use_srtp).
    private var offered: [Int: [UInt16]] = [:]

    public init() {}

    public mutating func observe(_ decoded: DecodedPacket) -> [ReplayFinding] {
        var findings: [ReplayFinding] = []
        for message in PlaintextHandshake.all(in: decoded) {
            switch message.body {
            case .clientHello(let hello)?:
                offered[decoded.packet.flow] = Self.useSRTP(hello.extensions)?.profiles ?? []
            case .serverHello(let hello)?:
                guard let chosen = Self.useSRTP(hello.extensions) else { continue }
                let offer = offered[decoded.packet.flow]
                let detail: String?
                if chosen.profiles.count != 1 {
                    detail = "ServerHello use_srtp lists \(chosen.profiles.count) profiles, not one"
                } else if let offer, offer.isEmpty {
                    detail = "ServerHello has use_srtp but the ClientHello offered none"
                } else if let offer, let profile = chosen.profiles.first, !offer.contains(profile) {
                    detail = "ServerHello picks \(Self.name(profile)), which the ClientHello (\(offer.map(Self.name).joined(separator: ", "))) did not offer"
                } else {
                    detail = nil
                }
                if let detail {
                    findings.append(
                        ReplayFinding(ReplayRules.dtlsUseSRTPAgreement, frame: decoded.packet.frame, flow: decoded.packet.flow, detail))
                }
            default:
                continue
            }
        }
        return findings
    }

    static func useSRTP(_ extensions: [HelloExtension]?) -> UseSRTP? {
        for case .useSRTP(let body) in extensions ?? [] { return body }
        return nil
    }

    static func name(_ profile: UInt16) -> String {
        UseSRTP.profileName(profile) ?? "0x" + String(profile, radix: 16)
    }
}
