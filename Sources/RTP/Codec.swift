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
