import RTP

/// RTP headers agree with the descriptions. The header is in the clear in SRTP too (RFC 3711 §3.1),
/// so these hold with or without keys:
/// - only payload types the answer kept are sent (RFC 3264 §6.1, JSEP RFC 8829 §5.3.1);
/// - only header extension ids the answer kept are used (RFC 8285 §6);
/// - a `sdes:mid` value names a media section in use (RFC 8843 §15.1, §9.2);
/// - a side that declared its SSRCs with `a=ssrc` sends no others (RFC 5576 §4.1; RFC 8843 §9.2 routes
///   undeclared ones by mid or payload type, so this is a warning).
///
/// Each is reported once per stream and value, not once per packet.
struct RTPSignallingRule {
    static let rules = [payloadTypeNegotiated, extensionNegotiated, midValue, ssrcDeclared]

    static let payloadTypeNegotiated = ReplayRule(
        id: "RTP.payload-type-negotiated", reference: "RFC 3264 §6.1, RFC 8829 §5.3.1", severity: .error,
        summary: "RTP packets carry only payload types the offer/answer negotiated")
    static let extensionNegotiated = ReplayRule(
        id: "RTP.extension-negotiated", reference: "RFC 8285 §6", severity: .error,
        summary: "RTP header extensions use only ids the offer/answer negotiated")
    static let midValue = ReplayRule(
        id: "RTP.mid-value", reference: "RFC 8843 §9.2, §15.1", severity: .error,
        summary: "the sdes:mid header extension names a media section in use")
    static let ssrcDeclared = ReplayRule(
        id: "RTP.ssrc-declared", reference: "RFC 5576 §4.1, RFC 8843 §9.2", severity: .warning,
        summary: "a side that declared its SSRCs (a=ssrc) sends RTP on those SSRCs only")

    let signalling: ReplaySignalling
    private let payloadTypes: Set<UInt8>
    private let extensions: [UInt8: String]
    private let midID: UInt8?
    private let mids: Set<String>
    /// The SSRCs each side declared (a=ssrc), read once.
    private let declaredByOfferer: Set<UInt32>
    private let declaredByAnswerer: Set<UInt32>
    private struct Reported: Hashable { let rule: String; let ssrc: UInt32; let value: String }
    private var reported: Set<Reported> = []

    init(signalling: ReplaySignalling) {
        self.signalling = signalling
        payloadTypes = signalling.negotiatedPayloadTypes
        extensions = signalling.negotiatedExtensions
        midID = signalling.midExtensionID
        mids = signalling.rtpMids
        declaredByOfferer = signalling.declaredSSRCs(.offerer)
        declaredByAnswerer = signalling.declaredSSRCs(.answerer)
    }

    /// Looks at one packet; `sides` is what ICE said so far of who sends each way.
    mutating func observe(_ decoded: DecodedPacket, sides: SideAttribution) -> [ReplayFinding] {
        guard !signalling.isEmpty, case .rtp(let header) = decoded.content else { return [] }
        let packet = decoded.packet
        var findings: [ReplayFinding] = []
        func once(_ rule: ReplayRule, _ value: String, _ detail: String) {
            guard reported.insert(Reported(rule: rule.id, ssrc: header.ssrc, value: value)).inserted else { return }
            findings.append(ReplayFinding(rule, frame: packet.frame, flow: packet.flow, "SSRC 0x\(String(header.ssrc, radix: 16)): " + detail))
        }
        if !payloadTypes.isEmpty, !payloadTypes.contains(header.payloadType) {
            once(Self.payloadTypeNegotiated, "\(header.payloadType)", "payload type \(header.payloadType) is not in the answer (negotiated: \(payloadTypes.sorted().map(String.init).joined(separator: ", ")))")
        }
        if let headerExtension = header.headerExtension, let elements = try? RTPExtensionElements.decode(headerExtension) {
            for element in elements.elements {
                guard let uri = extensions[element.id] else {
                    once(Self.extensionNegotiated, "\(element.id)", "header extension id \(element.id) was not negotiated")
                    continue
                }
                if element.id == midID, uri == RTPExtensionURI.mid {
                    let mid = String(decoding: element.data, as: UTF8.self)
                    if !mids.contains(mid) {
                        once(Self.midValue, mid, "mid \"\(mid)\" names no media section in use (\(mids.sorted().joined(separator: ", ")))")
                    }
                }
            }
        }
        let sender = sides.side(flow: packet.flow, direction: packet.direction)
        // Unattributed, a stream is only judged when both sides declared theirs.
        let undeclared =
            switch sender {
            case .offerer?: !declaredByOfferer.isEmpty && !declaredByOfferer.contains(header.ssrc)
            case .answerer?: !declaredByAnswerer.isEmpty && !declaredByAnswerer.contains(header.ssrc)
            case nil:
                !declaredByOfferer.isEmpty && !declaredByAnswerer.isEmpty && !declaredByOfferer.contains(header.ssrc)
                    && !declaredByAnswerer.contains(header.ssrc)
            }
        if undeclared {
            let who = sender.map { "the \($0.rawValue)" } ?? "either side"
            once(Self.ssrcDeclared, "", "not among the SSRCs \(who) declared with a=ssrc")
        }
        return findings
    }
}
