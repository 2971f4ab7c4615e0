public import Pcap
import STUN

/// Decides, per flow, whether the replay checker should judge it as WebRTC (``FlowClass``).
///
/// Sans-IO and two-phase: feed every ``ReplayPacket`` in capture order with `observe(_:)` during a first
/// pass, then ask `classification(of:)` for each of the demultiplexer's flows. State is a small fixed
/// record per flow (no packet is kept), so a 100k-packet capture costs O(flows) memory.
///
/// The rules, strongest first:
/// 1. **WebRTC evidence** wins over any port: ICE (a STUN Binding request with USERNAME and PRIORITY,
///    ICE-CONTROLLING, ICE-CONTROLLED or USE-CANDIDATE, RFC 8445 §7.1.1–7.1.3; or a USERNAME naming one
///    of the SDP's ufrags, §7.2.2), a DTLS handshake (a plaintext ClientHello, ServerHello or
///    HelloVerifyRequest, RFC 6347 §4.2), TURN (Allocate, Refresh, CreatePermission, ChannelBind,
///    Send or Data with the magic cookie, RFC 8656 §4), a Binding response with MESSAGE-INTEGRITY (the
///    answer to a check, for captures that saw one direction), a plain Binding with the magic cookie (a
///    STUN server query: how ICE gathers server-reflexive candidates, RFC 8445 §5.1.1.2), or an
///    endpoint that is one of the SDP's candidates. A TURN-relayed flow is WebRTC when its outer flow is.
/// 2. **A well-known protocol** told by its port and its bytes (``WellKnownProtocol``): skipped.
/// 3. **A vendor's own transport** told by its bytes (Zoom's SFU encapsulation on 8801–8810, Discord's
///    IP discovery and keep-alive, WhatsApp's STUN-framed messages) with no evidence of rule 1:
///    skipped, naming the vendor. (Where a vendor's packets share a flow with ICE or TURN, the flow is
///    WebRTC and each such packet is a warning under the vendor's rule, ``VendorVariant``.)
/// 4. **Protected DTLS records** in a capture whose DTLS handshake is on another flow: WebRTC, as an
///    association ICE moved to a new pair without a new handshake (RFC 8445 §9, §8.1.1) shows itself.
///    The decryption stage then adopts the flow if the records authenticate under that handshake's keys.
/// 5. **An RTP stream** (``RTPStreamShape``): WebRTC, for captures that start after ICE and DTLS.
/// 6. **RFC 3489 STUN** with none of the above: skipped.
/// 7. Anything else is unrecognised: reported, never judged.
public struct FlowClassifier: Sendable {
    private let iceUfrags: Set<String>
    private let candidates: Set<Endpoint>
    private var evidence: [FlowEvidence] = []

    /// Packets per flow whose bytes are compared with the well-known protocols' shapes.
    static let shapeBudget = 16

    /// - Parameters:
    ///   - iceUfrags: the `a=ice-ufrag` values of the call's SDPs, when given.
    ///   - candidates: the transport addresses of the SDPs' `a=candidate` lines, when given.
    public init(iceUfrags: Set<String> = [], candidates: Set<Endpoint> = []) {
        self.iceUfrags = iceUfrags
        self.candidates = candidates
    }

    /// Looks at one packet of the first pass.
    public mutating func observe(_ packet: ReplayPacket) {
        guard packet.flow >= 0 else { return }
        while evidence.count <= packet.flow { evidence.append(FlowEvidence()) }
        evidence[packet.flow].observe(packet, iceUfrags: iceUfrags)
    }

    /// What `flow` is, from the packets observed on it and its endpoints.
    public func classification(of flow: Flow) -> FlowClass {
        if let outer = flow.relayedThrough, let carried = strongEvidence(of: outer) {
            return .webRTC(evidence: "relayed through TURN on flow \(outer), which carries \(carried)")
        }
        if let endpoint = [flow.a, flow.b].first(where: candidates.contains) {
            return .webRTC(evidence: "\(endpoint) matches an SDP candidate")
        }
        guard evidence.indices.contains(flow.id) else { return .unrecognised(reason: "no packet observed") }
        let seen = evidence[flow.id]
        if let strong = seen.strongest { return .webRTC(evidence: strong.text) }

        var portsWithoutShape: [String] = []
        for port in Set([flow.a.port, flow.b.port]).sorted() {
            for known in WellKnownProtocol.on(port: port) {
                guard let frame = seen.shapeFrames[known] else {
                    portsWithoutShape.append("UDP \(port) is \(known.rawValue)'s port but no packet has \(known.shape)")
                    continue
                }
                return .skipped(protocol: known.rawValue, reason: "UDP \(port)\(Self.multicastNote(flow, known)) and \(known.shape) (frame \(frame))")
            }
        }

        if let zoom = seen.zoomShapedFrame, VendorVariant.isZoomMediaPort(flow) {
            return .skipped(protocol: "Zoom", reason: "Zoom's SFU encapsulation on UDP \(Self.zoomPort(flow)) (frame \(zoom)) and no ICE, DTLS or TURN")
        }
        if let vendor = seen.vendor {
            return .skipped(protocol: vendor.variant.vendor, reason: "\(vendor.variant) (frame \(vendor.frame)) and no ICE, DTLS or TURN")
        }
        if let records = seen.protectedDTLSFrame, let handshake = evidence.firstIndex(where: { $0.helloFrame != nil }), handshake != flow.id {
            return .webRTC(
                evidence: "protected DTLS records (frame \(records)) in a capture whose DTLS handshake is on flow \(handshake): "
                    + "an association ICE moved (RFC 8445 §9)")
        }
        if let stream = seen.rtp.evidence {
            return .webRTC(
                evidence: "RTP stream: SSRC 0x\(String(stream.ssrc, radix: 16)), \(stream.packets) packets in sequence "
                    + "(frames \(stream.firstFrame)–\(stream.lastFrame)) with no ICE or DTLS in the capture")
        }
        if let classic = seen.classic {
            return .skipped(
                protocol: "STUN (RFC 3489)",
                reason: "\(classic.message) without the magic cookie (frame \(classic.frame)); ICE uses RFC 8489 STUN")
        }
        let kinds = seen.kinds.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
        var reason = "\(seen.packets) packet(s) (\(kinds)) with no ICE, DTLS handshake, TURN, SDP candidate or RTP stream"
        if !portsWithoutShape.isEmpty { reason += "; " + portsWithoutShape.joined(separator: "; ") }
        return .unrecognised(reason: reason)
    }

    /// The port-independent WebRTC evidence of a flow, if any (used for the outer flow of a relay).
    private func strongEvidence(of flow: Int) -> String? {
        evidence.indices.contains(flow) ? evidence[flow].strongest?.text : nil
    }

    private static func multicastNote(_ flow: Flow, _ known: WellKnownProtocol) -> String {
        let groups: [[UInt8]] = [[224, 0, 0, 251], [224, 0, 0, 252], [0xFF, 0x02] + Array(repeating: 0, count: 13) + [0xFB]]
        guard known == .mdns || known == .llmnr, let group = [flow.a, flow.b].first(where: { groups.contains($0.address) }) else { return "" }
        return " to \(group.description.split(separator: ":").dropLast().joined(separator: ":"))"
    }

    private static func zoomPort(_ flow: Flow) -> UInt16 {
        (8801...8810).contains(flow.b.port) ? flow.b.port : flow.a.port
    }
}

/// What one flow has shown so far: a fixed-size record, whatever the number of packets.
struct FlowEvidence: Sendable {
    /// Evidence of WebRTC, strongest first (lower rank wins; ties go to the earlier frame).
    struct Strong: Sendable {
        let rank: Int
        let frame: Int
        let text: String
    }

    private(set) var packets = 0
    private(set) var kinds: [PacketKind: Int] = [:]
    private(set) var strongest: Strong?
    private(set) var shapeFrames: [WellKnownProtocol: Int] = [:]
    private(set) var classic: (message: ClassicSTUNMessage, frame: Int)?
    private(set) var vendor: (variant: VendorVariant, frame: Int)?
    private(set) var zoomShapedFrame: Int?
    private(set) var rtp = RTPStreamShape()
    /// The first DTLS hello, and the first datagram of protected DTLS records (epoch 1 or more).
    private(set) var helloFrame: Int?
    private(set) var protectedDTLSFrame: Int?

    mutating func observe(_ packet: ReplayPacket, iceUfrags: Set<String>) {
        packets += 1
        kinds[packet.kind, default: 0] += 1
        let payload = packet.payload
        let frame = packet.frame
        if packets <= FlowClassifier.shapeBudget {
            for known in WellKnownProtocol.allCases where shapeFrames[known] == nil && known.matches(payload) {
                shapeFrames[known] = frame
            }
        }
        if vendor == nil, let variant = VendorVariant.recognise(payload) { vendor = (variant, frame) }
        if zoomShapedFrame == nil, VendorVariant.isZoomSFUShaped(payload) { zoomShapedFrame = frame }
        switch packet.kind {
        case .stun:
            if STUNMessage.looksLikeSTUN(payload), let message = try? STUNMessage.parse(payload, checkFingerprint: false) {
                observe(message, frame: frame, iceUfrags: iceUfrags)
            } else if classic == nil, let message = ClassicSTUNMessage.recognise(payload) {
                classic = (message, frame)
            }
        case .dtls:
            if let hello = Self.dtlsHello(payload) {
                helloFrame = helloFrame ?? frame
                note(rank: 1, frame: frame, "DTLS \(hello) (frame \(frame))")
            } else if protectedDTLSFrame == nil, Self.isProtectedDTLS(payload) {
                protectedDTLSFrame = frame
            }
        case .rtp, .rtcp, .turnChannel, .zrtp, .unknown:
            break
        }
        rtp.observe(payload, kind: packet.kind, frame: frame)
    }

    private mutating func observe(_ message: STUNMessage, frame: Int, iceUfrags: Set<String>) {
        let method = message.type.method
        let messageClass = message.type.messageClass
        guard method == .binding else {
            let turn: Set<STUNMethod> = [.allocate, .refresh, .createPermission, .channelBind, .send, .data]
            if turn.contains(method) { note(rank: 2, frame: frame, "TURN \(method) \(messageClass.name) (frame \(frame))") }
            return
        }
        let iceTypes: [(STUNAttributeType, String)] = [
            (.priority, "PRIORITY"), (.iceControlling, "ICE-CONTROLLING"), (.iceControlled, "ICE-CONTROLLED"), (.useCandidate, "USE-CANDIDATE"),
        ]
        let ice = iceTypes.filter { message.first($0.0) != nil }.map(\.1)
        if messageClass == .request, case .username(let username)? = message.value(of: .username) {
            if let ufrag = username.split(separator: ":").map(String.init).first(where: iceUfrags.contains) {
                note(rank: 0, frame: frame, "ICE Binding request whose USERNAME names the SDP's ufrag \"\(ufrag)\" (frame \(frame))")
            } else if !ice.isEmpty {
                note(rank: 0, frame: frame, "ICE Binding request with USERNAME/\(ice.joined(separator: "/")) (frame \(frame))")
            }
        }
        let isResponse = messageClass == .successResponse || messageClass == .errorResponse
        if isResponse, message.first(.messageIntegrity) != nil {
            note(rank: 3, frame: frame, "Binding \(messageClass.name) with MESSAGE-INTEGRITY, an ICE check's answer (frame \(frame))")
        } else {
            note(rank: 4, frame: frame, "STUN Binding \(messageClass.name) with the magic cookie, as ICE sends to gather server-reflexive candidates (frame \(frame))")
        }
    }

    private mutating func note(rank: Int, frame: Int, _ text: String) {
        if let strongest, strongest.rank <= rank { return }
        strongest = Strong(rank: rank, frame: frame, text: text)
    }

    /// A DTLS 1.2 record of a protected epoch (content type 20–23, version 1.0 or 1.2, epoch ≥ 1,
    /// RFC 6347 §4.1). DTLS 1.3's unified header is not taken as evidence: its first byte (001xxxxx,
    /// RFC 9147 §4) is also GTP-U's and others', and the checker does not decrypt DTLS 1.3 anyway.
    static func isProtectedDTLS(_ payload: [UInt8]) -> Bool {
        guard let first = payload.first else { return false }
        return payload.count >= 13 && (20...23).contains(first) && payload[1] == 0xFE && [0xFF, 0xFD].contains(payload[2])
            && (payload[3] != 0 || payload[4] != 0)
    }

    /// A plaintext DTLS handshake record (content type 22, version 1.0/1.2/1.3 wire value, epoch 0)
    /// whose first message is a ClientHello, ServerHello or HelloVerifyRequest (RFC 6347 §4.1, §4.2.2).
    static func dtlsHello(_ payload: [UInt8]) -> String? {
        guard payload.count >= 25, payload[0] == 22, payload[1] == 0xFE, [0xFF, 0xFD, 0xFC].contains(payload[2]),
            payload[3] == 0, payload[4] == 0
        else { return nil }
        switch payload[13] {
        case 1: return "ClientHello"
        case 2: return "ServerHello"
        case 3: return "HelloVerifyRequest"
        default: return nil
        }
    }
}
