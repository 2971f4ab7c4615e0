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
    /// MKI (if any) and authentication tag.
    public var trailer: [UInt8]

    public init(firstHeader: [UInt8], protected: [UInt8], encrypted: Bool, index: UInt32, trailer: [UInt8]) {
        self.firstHeader = firstHeader
        self.protected = protected
        self.encrypted = encrypted
        self.index = index
        self.trailer = trailer
    }

    /// Splits an SRTCP packet whose MKI-plus-tag length is `trailerLength` (10 for the
    /// AES_CM_128_HMAC_SHA1_80 profile, 16 for AEAD_AES_*_GCM).
    public static func parse(_ bytes: [UInt8], trailerLength: Int = 10) throws(RTCPError) -> SRTCPPacket {
        guard bytes.count >= 8 + 4 + trailerLength else {
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
            index: word & 0x7FFF_FFFF, trailer: Array(bytes[(indexStart + 4)...]))
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
