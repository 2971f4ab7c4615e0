public import Wire

/// An SRTCP packet seen from outside (RFC 3711 §3.4): the first header and the sender's SSRC are in
/// clear; the rest of the compound is encrypted (when E is set), followed by the E bit with the
/// 31-bit SRTCP index, an optional MKI and the authentication tag.
public struct SRTCPPacket: Hashable, Sendable {
    /// The first 8 octets: V, P, count, packet type, length, SSRC.
    public var firstHeader: [UInt8]
    public var packetType: UInt8 { firstHeader.count > 1 ? firstHeader[1] : 0 }
    public var ssrc: UInt32 { firstHeader.dropFirst(4).prefix(4).reduce(0) { $0 << 8 | UInt32($1) } }
    /// The rest of the compound packet, encrypted when `encrypted` is set.
    public var protected: [UInt8]
    /// The E flag.
    public var encrypted: Bool
    /// 31 bits.
    public var index: UInt32
    /// MKI (if any) and authentication tag; empty for AEAD, whose tag ends `protected`.
    public var trailer: [UInt8]
    /// RFC 7714 §9.1 (AEAD): E and the index come last, after the tag, instead of before it.
    public var indexLast: Bool

    public init(firstHeader: [UInt8], protected: [UInt8], encrypted: Bool, index: UInt32, trailer: [UInt8], indexLast: Bool = false) {
        self.indexLast = indexLast
        self.firstHeader = firstHeader
        self.protected = protected
        self.encrypted = encrypted
        self.index = index
        self.trailer = trailer
    }

    /// Splits an SRTCP packet. For the RFC 3711 profiles, E‖index is followed by `trailerLength` bytes of
    /// MKI and tag (10 for AES_CM_128_HMAC_SHA1_80); with `aead` (RFC 7714 §9.1, AEAD_AES_*_GCM) the
    /// 16-byte tag is inside the protected part and E‖index are the last 4 bytes.
    public static func parse(_ bytes: [UInt8], trailerLength: Int = 10, aead: Bool = false) throws(RTCPError) -> SRTCPPacket {
        let trailerLength = aead ? 0 : trailerLength
        guard bytes.count >= 8 + 4 + trailerLength + (aead ? 16 : 0) else {
            throw RTCPError(.srtcpTrailer, at: bytes.count, "needs 8 clear bytes, the index word and a \(trailerLength)-byte tag")
        }
        guard bytes[0] >> 6 == 2 else { throw RTCPError(.version, at: 0, "version \(bytes[0] >> 6), expected 2") }
        guard (192...223).contains(bytes[1]) else {
            throw RTCPError(.srtcpTrailer, at: 1, "packet type \(bytes[1]) is not RTCP (RFC 5761 §4)")
        }
        let indexStart = bytes.count - trailerLength - 4
        let word = bytes[indexStart..<(indexStart + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return SRTCPPacket(
            firstHeader: Array(bytes[0..<8]), protected: Array(bytes[8..<indexStart]), encrypted: word & 0x8000_0000 != 0,
            index: word & 0x7FFF_FFFF, trailer: Array(bytes[(indexStart + 4)...]), indexLast: aead)
    }

    public func serialize() -> [UInt8] {
        var writer = ByteWriter()
        writer.writeBytes(firstHeader)
        writer.writeBytes(protected)
        writer.writeUInt32((encrypted ? 0x8000_0000 : 0) | (index & 0x7FFF_FFFF))
        writer.writeBytes(trailer)
        return writer.bytes
    }
}
