/// The fixed header of an RTP packet with its CSRC list and header extension (RFC 3550 §5.1).
///
/// The header extension is kept as bytes (`RTPHeaderExtension`) and decoded on request, so parsing a
/// header allocates nothing beyond the CSRC list (usually empty).
public struct RTPHeader: Hashable, Sendable {
    /// The P bit. When set, the packet ends with padding whose last octet counts it (RFC 3550 §5.1).
    public var hasPadding: Bool
    public var marker: Bool
    /// 7 bits.
    public var payloadType: UInt8
    public var sequenceNumber: UInt16
    public var timestamp: UInt32
    public var ssrc: UInt32
    /// At most 15 contributing sources (the CC field is 4 bits).
    public var csrcs: [UInt32]
    public var headerExtension: RTPHeaderExtension?

    public init(
        hasPadding: Bool = false, marker: Bool = false, payloadType: UInt8, sequenceNumber: UInt16,
        timestamp: UInt32, ssrc: UInt32, csrcs: [UInt32] = [], headerExtension: RTPHeaderExtension? = nil
    ) {
        self.hasPadding = hasPadding
        self.marker = marker
        self.payloadType = payloadType
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.csrcs = csrcs
        self.headerExtension = headerExtension
    }

    /// Bytes this header takes on the wire.
    public var encodedLength: Int {
        12 + 4 * csrcs.count + (headerExtension.map { 4 + $0.data.count } ?? 0)
    }
}

/// The header extension of RFC 3550 §5.3.1: a 16-bit profile and a body of whole 32-bit words.
///
/// Profiles 0xBEDE and 0x1000–0x100F are RFC 8285's one-byte and two-byte element forms; decode them
/// with `elements()`. Any other profile is application specific and kept as bytes.
public struct RTPHeaderExtension: Hashable, Sendable {
    public var profile: UInt16
    /// The body, a multiple of 4 bytes long (the length field counts words).
    public var data: ArraySlice<UInt8>

    public init(profile: UInt16, data: ArraySlice<UInt8>) {
        self.profile = profile
        self.data = data
    }

    public init(profile: UInt16, data: [UInt8]) {
        self.init(profile: profile, data: data[...])
    }
}

/// An RTP packet: header, payload and padding (RFC 3550 §5.1).
public struct RTPPacket: Hashable, Sendable {
    public var header: RTPHeader
    public var payload: ArraySlice<UInt8>
    /// The padding, its count octet included, when the P bit is set; empty otherwise.
    ///
    /// RFC 3550 does not fix the value of the other padding octets (Chrome's probes are random bytes),
    /// so they are kept for the byte-exact round trip. `serialize` writes the count into the last octet.
    public var padding: ArraySlice<UInt8>

    public init(header: RTPHeader, payload: ArraySlice<UInt8>, padding: ArraySlice<UInt8> = []) {
        self.header = header
        self.payload = payload
        self.padding = padding
    }

    public init(header: RTPHeader, payload: [UInt8], padding: [UInt8] = []) {
        self.init(header: header, payload: payload[...], padding: padding[...])
    }
}

/// An SRTP packet seen from outside (RFC 3711 §3.1): the header is in clear, the rest is opaque.
///
/// The payload, the padding (whose count octet is encrypted) and the authentication tag cannot be
/// told apart without the keys, so they are one opaque tail.
public struct SRTPPacket: Hashable, Sendable {
    public var header: RTPHeader
    /// Encrypted payload, encrypted padding, optional MKI and authentication tag.
    public var protected: ArraySlice<UInt8>

    public init(header: RTPHeader, protected: ArraySlice<UInt8>) {
        self.header = header
        self.protected = protected
    }
}
