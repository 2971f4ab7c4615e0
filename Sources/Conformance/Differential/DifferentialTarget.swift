import RTP
import SCTP
import SDP
import STUN
import Wire

/// A fuzz target that has a differential oracle (issue 17): one of the codecs an independent decoder
/// (Pion's Go packages, Wireshark's dissectors) also decodes. The raw value is the target's name.
public enum DifferentialTarget: String, CaseIterable, Sendable, Codable {
    case stun, rtp, rtcp, sctp, sdp

    /// Our codec's verdict on `bytes` in the canonical fields the oracles print (the other half is
    /// Scripts/differential/pion-oracle/main.go). A rejection says the rule id, then its detail.
    public func ourVerdict(_ bytes: [UInt8]) -> CanonicalVerdict {
        switch self {
        case .stun: Self.verdict(STUNCodec.self, bytes, fields: Self.stunFields)
        case .rtp: Self.verdict(RTPCodec.self, bytes, fields: Self.rtpFields)
        case .rtcp: Self.verdict(RTCPCodec.self, bytes, fields: Self.rtcpFields)
        case .sctp: Self.verdict(SCTPCodec.self, bytes, fields: Self.sctpFields)
        case .sdp: Self.verdict(SDPCodec.self, bytes, fields: Self.sdpFields)
        }
    }

    private static func verdict<Codec: WireCodec>(
        _ codec: Codec.Type, _ bytes: [UInt8], fields: (Codec.Value) -> [CanonicalField]
    ) -> CanonicalVerdict {
        do throws(CodecError<Codec.Rule>) {
            return .accept(fields(try Codec.parse(bytes)))
        } catch {
            return .reject("\(error.rule.id) at \(error.offset): \(error.detail)")
        }
    }

    static func hex<Number: FixedWidthInteger>(_ value: Number, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// STUN (RFC 8489 §5, §14): the message type, the transaction ID, the attribute types in order.
    static func stunFields(_ message: STUNMessage) -> [CanonicalField] {
        let id = message.transactionID
        return [
            CanonicalField("type", hex(message.type.wireValue, width: 4)),
            CanonicalField("tid", hex(id.high, width: 8) + hex(id.low, width: 16)),
            CanonicalField("attrs", message.attributes.map { hex($0.type.rawValue, width: 4) }.joined(separator: ",")),
        ]
    }

    /// RTP (RFC 3550 §5.1): the fixed header, the CSRC list, the payload's length without padding.
    static func rtpFields(_ packet: RTPPacket) -> [CanonicalField] {
        let header = packet.header
        return [
            CanonicalField("v", "2"),
            CanonicalField("p", header.hasPadding ? "1" : "0"),
            CanonicalField("x", header.headerExtension == nil ? "0" : "1"),
            CanonicalField("cc", String(header.csrcs.count)),
            CanonicalField("m", header.marker ? "1" : "0"),
            CanonicalField("pt", String(header.payloadType)),
            CanonicalField("seq", String(header.sequenceNumber)),
            CanonicalField("ts", String(header.timestamp)),
            CanonicalField("ssrc", hex(header.ssrc, width: 8)),
            CanonicalField("csrcs", header.csrcs.map { hex($0, width: 8) }.joined(separator: ",")),
            CanonicalField("payload", String(packet.payload.count)),
        ]
    }

    /// RTCP (RFC 3550 §6.1, §6.4.1): each packet of the compound as `type:count:bytes` (`packets`), the
    /// count being the header's 5-bit RC/FMT field, and as `type:bytes` (`layout`, for an oracle that does
    /// not name the count the same way for every packet type).
    static func rtcpFields(_ compound: RTCPCompound) -> [CanonicalField] {
        let bytes = compound.packets.map { $0.serialize() }
        let packets = zip(compound.packets, bytes).map { packet, bytes in "\(packet.packetType):\((bytes.first ?? 0) & 0x1F):\(bytes.count)" }
        let layout = zip(compound.packets, bytes).map { packet, bytes in "\(packet.packetType):\(bytes.count)" }
        return [CanonicalField("packets", packets.joined(separator: ",")), CanonicalField("layout", layout.joined(separator: ","))]
    }

    /// SCTP (RFC 9260 §3.1, §3.2): the common header and the chunk types in order.
    static func sctpFields(_ packet: SCTPPacket) -> [CanonicalField] {
        [
            CanonicalField("src", String(packet.sourcePort)),
            CanonicalField("dst", String(packet.destinationPort)),
            CanonicalField("vtag", hex(packet.verificationTag, width: 8)),
            CanonicalField("chunks", packet.chunks.map { hex($0.type, width: 2) }.joined(separator: ",")),
        ]
    }

    /// SDP (RFC 8866 §5.1–5.3, §5.14): the version, the origin, the session name, the media kinds. The
    /// origin's numbers are written as numbers (`<sess-id>` and `<sess-version>` are digits, §5.2), so
    /// `007` and `7` compare equal as they do for a decoder that keeps them as integers.
    static func sdpFields(_ description: SDPDescription) -> [CanonicalField] {
        let origin = description.origin
        func number(_ text: String) -> String { UInt64(text).map(String.init) ?? text }
        return [
            CanonicalField("v", "0"),
            CanonicalField("o.user", origin.username),
            CanonicalField("o.id", number(origin.sessionID)),
            CanonicalField("o.version", number(origin.sessionVersion)),
            CanonicalField("o.net", origin.networkType),
            CanonicalField("o.addrtype", origin.addressType),
            CanonicalField("o.addr", origin.address),
            CanonicalField("s", description.sessionName),
            CanonicalField("media", description.media.map(\.kind).joined(separator: ",")),
        ]
    }
}
