public import Wire

/// RTP packets (RFC 3550 §5.1) as a `WireCodec`: `crucible decode rtp`, fuzz target `rtp`.
public enum RTPCodec: WireCodec {
    public static let name = "rtp"

    public static func parse(_ bytes: [UInt8]) throws(RTPError) -> RTPPacket {
        try RTPPacket.parse(bytes[...])
    }

    public static func serialize(_ value: RTPPacket) -> [UInt8] { value.serialize() }

    public static func describe(_ value: RTPPacket) -> Structure { value.structure }
}

/// A compound RTCP datagram (RFC 3550 §6.1) as a `WireCodec`: `crucible decode rtcp`, fuzz target `rtcp`.
public enum RTCPCodec: WireCodec {
    public static let name = "rtcp"

    public static func parse(_ bytes: [UInt8]) throws(RTCPError) -> RTCPCompound {
        try RTCPCompound.parse(bytes)
    }

    public static func serialize(_ value: RTCPCompound) -> [UInt8] { value.serialize() }

    public static func describe(_ value: RTCPCompound) -> Structure { value.structure }
}

/// A VP8 RTP payload (RFC 7741 §4.2 descriptor + VP8 data) as a `WireCodec`.
public enum VP8PayloadCodec: WireCodec {
    public static let name = "vp8"

    public static func parse(_ bytes: [UInt8]) throws(VP8Error) -> VP8Payload {
        try VP8Payload.parse(bytes)
    }

    public static func serialize(_ value: VP8Payload) -> [UInt8] { value.serialize() }

    public static func describe(_ value: VP8Payload) -> Structure { value.structure }
}

/// An Opus RTP payload (RFC 7587 §4.2: one Opus packet, RFC 6716 §3) as a `WireCodec`.
public enum OpusPayloadCodec: WireCodec {
    public static let name = "opus"

    public static func parse(_ bytes: [UInt8]) throws(OpusError) -> OpusPacket {
        try OpusPacket.parse(bytes)
    }

    public static func serialize(_ value: OpusPacket) -> [UInt8] { value.serialize() }

    public static func describe(_ value: OpusPacket) -> Structure { value.structure }
}

/// SRTP as seen without keys (RFC 3711 §3.1): the RTP header in clear, the rest one opaque tail. The
/// replay checker and the tour judge encrypted captures' headers with it.
public enum SRTPCodec: WireCodec {
    public static let name = "srtp"

    public static func parse(_ bytes: [UInt8]) throws(RTPError) -> SRTPPacket {
        try SRTPPacket.parse(bytes[...])
    }

    public static func serialize(_ value: SRTPPacket) -> [UInt8] { value.serialize() }

    public static func describe(_ value: SRTPPacket) -> Structure {
        .fields(["header": value.header.structure, "protected": .unsigned(UInt64(value.protected.count))])
    }
}

/// SRTCP as seen without keys (RFC 3711 §3.4): the first RTCP header and SSRC in clear, then the
/// encrypted rest, the E flag with the SRTCP index, and the tag. The split assumes the default
/// AES_CM_128_HMAC_SHA1_80 trailer (4 + 10 bytes); with other profiles the split moves but the bytes
/// still round-trip.
public enum SRTCPCodec: WireCodec {
    public static let name = "srtcp"

    public static func parse(_ bytes: [UInt8]) throws(RTCPError) -> SRTCPPacket {
        try SRTCPPacket.parse(bytes)
    }

    public static func serialize(_ value: SRTCPPacket) -> [UInt8] { value.serialize() }

    public static func describe(_ value: SRTCPPacket) -> Structure {
        .fields([
            "packet-type": .unsigned(UInt64(value.packetType)),
            "ssrc": .text("0x" + String(value.ssrc, radix: 16)),
            "encrypted": .flag(value.encrypted),
            "index": .unsigned(UInt64(value.index)),
            "protected": .unsigned(UInt64(value.protected.count)),
            "trailer": .bytes(value.trailer),
        ])
    }
}
