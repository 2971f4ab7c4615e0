public import DTLSRecord
public import RTP
public import STUN
import Wire

/// What the codecs made of a packet; the stateful rules read this.
public enum PacketContent: Hashable, Sendable {
    case stun(STUNMessage)
    case channelData(ChannelData)
    case dtls(DTLSDatagram)
    /// An RTP header, from an SRTP packet (payload still encrypted) or a plaintext RTP packet.
    case rtp(RTPHeader)
    case rtcp(RTCPCompound)
    case srtcp(SRTCPPacket)
    /// Nothing decoded: the codec refused the packet, or no codec applies.
    case undecoded
}

/// A packet together with what its codec found in it.
public struct DecodedPacket: Hashable, Sendable {
    public let packet: ReplayPacket
    public let content: PacketContent
    /// The plaintext DTLS handshake messages in the packet as a pass over the whole capture sees them:
    /// a message fragmented across datagrams has its body on the fragment that completes it
    /// (``HandshakeReassemblyStage``). Nil when the packet was decoded on its own; then only
    /// unfragmented messages have a body.
    public var handshakes: [PlaintextHandshake]?

    public init(packet: ReplayPacket, content: PacketContent, handshakes: [PlaintextHandshake]? = nil) {
        self.packet = packet
        self.content = content
        self.handshakes = handshakes
    }
}

/// Whether RTP and RTCP in a capture are protected (SRTP, RFC 3711) or plaintext.
public enum RTPProtection: String, Hashable, Sendable, Codable, CaseIterable {
    /// RTP headers are judged as SRTP (payload opaque); RTCP is read as plaintext when it parses as a
    /// compound packet and as SRTCP otherwise. WebRTC always protects media, so this is the default.
    case automatic
    /// Everything is SRTP / SRTCP.
    case srtp
    /// Everything is plaintext RTP / RTCP (a capture taken after decryption, such as str0m's).
    case plain
}

/// Per-packet decoding (DESIGN §1.3): every packet goes through its codec; a refusal is a finding
/// under the codec's own rule, and accepted bytes must re-serialise byte-exact.
public struct PacketDecoder: Sendable {
    public var protection: RTPProtection

    public init(protection: RTPProtection = .automatic) { self.protection = protection }

    /// Decodes one packet; returns what was decoded and the findings.
    ///
    /// A vendor's own packet (``VendorVariant``) is reported under that vendor's rule instead of the
    /// codec's refusal; `flow` gives the ports that tell Zoom's. An RFC 3489 message is reported under
    /// `STUN.classic` instead of `STUN.magic-cookie`.
    public func decode(_ packet: ReplayPacket, flow: Flow? = nil) -> (DecodedPacket, [ReplayFinding]) {
        var findings: [ReplayFinding] = []
        let variant = VendorVariant.recognise(packet.payload, flow: flow)
        if let variant, !variant.isOtherwiseStandard {
            findings.append(ReplayFinding(variant.rule, frame: packet.frame, flow: packet.flow, variant.description))
            return (DecodedPacket(packet: packet, content: .undecoded), findings)
        }
        var (decoded, codecFindings) = decodeStandard(packet)
        guard let variant else { return (decoded, codecFindings) }
        if case .undecoded = decoded.content, let header = Self.transactionHeader(packet) {
            decoded = DecodedPacket(packet: packet, content: .stun(header))
        }
        // A vendor's otherwise standard message: what the codec refuses in it is the vendor's deviation,
        // reported under the vendor's rule with the codec rule it breaks, not as an error of its own.
        let refused = codecFindings.map { "\($0.rule.id): \($0.detail)" }
        let detail = variant.description + (refused.isEmpty ? "" : "; " + refused.joined(separator: "; "))
        return (decoded, [ReplayFinding(variant.rule, frame: packet.frame, flow: packet.flow, detail)])
    }

    /// The header of a vendor's TURN message the codec refused (WhatsApp's Allocate requests have an
    /// unpadded attribute): its method, class and transaction ID, without attributes, so that the
    /// transaction rule matches the response to it (wa_video.pcap frames 23 and 37) instead of calling
    /// that response unmatched. Binding messages are left out: the ICE rules would judge them by
    /// attributes the header does not carry.
    private static func transactionHeader(_ packet: ReplayPacket) -> STUNMessage? {
        let payload = packet.payload
        guard packet.kind == .stun, payload.count >= STUNMessage.headerLength,
            let transaction = STUNTransactionID(bytes: payload[8..<STUNMessage.headerLength])
        else { return nil }
        let type = STUNMessageType(wireValue: UInt16(payload[0]) << 8 | UInt16(payload[1]))
        return type.method == .binding ? nil : STUNMessage(type: type, transactionID: transaction)
    }

    /// Decodes a packet as the standard protocol its first byte names (RFC 7983 §7).
    private func decodeStandard(_ packet: ReplayPacket) -> (DecodedPacket, [ReplayFinding]) {
        var findings: [ReplayFinding] = []
        let content: PacketContent
        switch packet.kind {
        case .stun:
            var codecFindings: [ReplayFinding] = []
            if let message = run(STUNCodec.self, packet, &codecFindings) {
                content = .stun(message)
            } else if let message = try? STUNMessage.parse(packet.payload, checkFingerprint: false) {
                // A wrong FINGERPRINT is reported above; the transaction rules still see the message.
                content = .stun(message)
            } else if let classic = ClassicSTUNMessage.recognise(packet.payload) {
                // RFC 8489 §12: no magic cookie, but the structure holds: an RFC 3489 message, named as one.
                codecFindings = [
                    ReplayFinding(
                        ClassificationRules.stunClassic, frame: packet.frame, flow: packet.flow,
                        "\(classic) (transaction ID of 16 bytes, no magic cookie)")
                ]
                content = .undecoded
            } else {
                content = .undecoded
            }
            findings += codecFindings
        case .turnChannel:
            content = run(ChannelDataCodec.self, packet, &findings).map(PacketContent.channelData) ?? .undecoded
        case .dtls:
            content = run(DTLSCodec.self, packet, &findings).map(PacketContent.dtls) ?? .undecoded
        case .rtp:
            if protection == .plain {
                content = run(RTPCodec.self, packet, &findings).map { .rtp($0.header) } ?? .undecoded
            } else {
                content = run(SRTPCodec.self, packet, &findings).map { .rtp($0.header) } ?? .undecoded
            }
        case .rtcp:
            switch protection {
            case .plain:
                content = run(RTCPCodec.self, packet, &findings).map(PacketContent.rtcp) ?? .undecoded
            case .srtp:
                content = run(SRTCPCodec.self, packet, &findings).map(PacketContent.srtcp) ?? .undecoded
            case .automatic:
                if let compound = try? RTCPCodec.parse(packet.payload) {
                    content = run(RTCPCodec.self, packet, &findings).map(PacketContent.rtcp) ?? .rtcp(compound)
                } else {
                    content = run(SRTCPCodec.self, packet, &findings).map(PacketContent.srtcp) ?? .undecoded
                }
            }
        case .zrtp, .unknown:
            findings.append(
                ReplayFinding(
                    ReplayRules.unexpectedPacket, frame: packet.frame, flow: packet.flow,
                    packet.kind == .zrtp
                        ? "first byte \(packet.payload.first ?? 0) is in the ZRTP range (16–19), which WebRTC does not use"
                        : "\(packet.payload.count) bytes starting with \(packet.payload.first.map(String.init) ?? "nothing") fit no RFC 7983 range"))
            content = .undecoded
        }
        return (DecodedPacket(packet: packet, content: content), findings)
    }

    /// Parses with `codec`, then checks the round trip; records what fails.
    private func run<Codec: WireCodec>(_ codec: Codec.Type, _ packet: ReplayPacket, _ findings: inout [ReplayFinding]) -> Codec.Value? {
        Self.decode(codec, packet.payload, frame: packet.frame, flow: packet.flow, &findings)
    }

    /// Parses `bytes` with `codec` and checks that they re-serialise byte for byte (DESIGN §1.3); a
    /// refusal is a finding under the codec's own rule, a mismatch under `Codec.round-trip`. Layers
    /// found inside others (SCTP inside decrypted DTLS, DCEP inside SCTP) are judged the same way.
    static func decode<Codec: WireCodec>(
        _ codec: Codec.Type, _ bytes: [UInt8], frame: Int, flow: Int, _ findings: inout [ReplayFinding],
        parse: (([UInt8]) throws(CodecError<Codec.Rule>) -> Codec.Value)? = nil
    ) -> Codec.Value? {
        let value: Codec.Value
        do throws(CodecError<Codec.Rule>) {
            if let parse { value = try parse(bytes) } else { value = try Codec.parse(bytes) }
        } catch {
            findings.append(
                ReplayFinding(
                    ReplayRules.codecRule(error.rule, codec: Codec.name), frame: frame, flow: flow,
                    "\(Codec.name): offset \(error.offset): \(error.detail)"))
            return nil
        }
        if !Codec.roundTrips(parsed: value, from: bytes) {
            let again = Codec.serialize(value)
            let at = zip(again, bytes).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(again.count, bytes.count)
            findings.append(
                ReplayFinding(
                    ReplayRules.roundTrip, frame: frame, flow: flow,
                    "\(Codec.name): re-serialised \(again.count) bytes differ from the \(bytes.count) captured, first at offset \(at)"))
        }
        return value
    }
}
