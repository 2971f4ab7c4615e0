public import Wire

extension RTPHeader {
    /// Parses the fixed header, CSRC list and header extension at the start of `bytes`.
    ///
    /// Only what is in clear in SRTP is read (RFC 3711 §3.1), so this works on SRTP packets too; the
    /// P bit is reported but the padding itself is not looked at. Returns the header and its length.
    public static func parse(prefixOf bytes: ArraySlice<UInt8>) throws(RTPError) -> (header: RTPHeader, length: Int) {
        var length = 0
        let header = try parse(bytes, length: &length)
        return (consume header, length)
    }

    /// The header at the front of `bytes`; `length` receives its size. Returning the length through
    /// an `inout` rather than a tuple keeps the hot path free of generic tuple copies.
    static func parse(_ bytes: ArraySlice<UInt8>, length: inout Int) throws(RTPError) -> RTPHeader {
        // Direct indexing after explicit length checks: this is the hot path (no reader, no boxing).
        let base = bytes.startIndex
        let available = bytes.count
        guard available >= 12 else {
            throw RTPError(.truncated, at: available, "needed 12 byte(s) of fixed header, \(available) present")
        }
        let first = bytes[base]
        guard first >> 6 == 2 else {
            throw RTPError(.version, at: 0, "version \(first >> 6), expected 2")
        }
        let second = bytes[base + 1]
        let sequenceNumber = UInt16(bytes[base + 2]) << 8 | UInt16(bytes[base + 3])
        let timestamp = word(bytes, base + 4)
        let ssrc = word(bytes, base + 8)
        var cursor = 12
        let csrcCount = Int(first & 0x0F)
        var csrcs: [UInt32] = []
        if csrcCount > 0 {
            guard available - cursor >= 4 * csrcCount else {
                throw RTPError(
                    .csrcList, at: cursor,
                    "CC = \(csrcCount) needs \(4 * csrcCount) bytes, \(available - cursor) left")
            }
            csrcs.reserveCapacity(csrcCount)
            for index in 0..<csrcCount { csrcs.append(word(bytes, base + cursor + 4 * index)) }
            cursor += 4 * csrcCount
        }
        var headerExtension: RTPHeaderExtension?
        if first & 0x10 != 0 {
            guard available - cursor >= 4 else {
                throw RTPError(.truncated, at: available, "needed 4 byte(s) of extension header, \(available - cursor) left")
            }
            let profile = UInt16(bytes[base + cursor]) << 8 | UInt16(bytes[base + cursor + 1])
            let words = Int(bytes[base + cursor + 2]) << 8 | Int(bytes[base + cursor + 3])
            cursor += 4
            guard available - cursor >= 4 * words else {
                throw RTPError(
                    .extensionLength, at: cursor - 2,
                    "extension of \(words) word(s) needs \(4 * words) bytes, \(available - cursor) left")
            }
            let data = bytes[(base + cursor)..<(base + cursor + 4 * words)]
            headerExtension = RTPHeaderExtension(profile: profile, data: data)
            cursor += 4 * words
        }
        length = cursor
        return RTPHeader(
            hasPadding: first & 0x20 != 0, marker: second & 0x80 != 0, payloadType: second & 0x7F,
            sequenceNumber: sequenceNumber, timestamp: timestamp, ssrc: ssrc, csrcs: csrcs,
            headerExtension: headerExtension)
    }

    /// The big-endian 32-bit word at `index` (checked by the caller).
    @inline(__always)
    private static func word(_ bytes: ArraySlice<UInt8>, _ index: Int) -> UInt32 {
        UInt32(bytes[index]) << 24 | UInt32(bytes[index + 1]) << 16 | UInt32(bytes[index + 2]) << 8
            | UInt32(bytes[index + 3])
    }
}

extension RTPPacket {
    /// Parses a plaintext RTP packet (RFC 3550 §5.1), padding included.
    public static func parse(_ bytes: ArraySlice<UInt8>) throws(RTPError) -> RTPPacket {
        var length = 0
        let header = try RTPHeader.parse(bytes, length: &length)
        let body = bytes[(bytes.startIndex + length)...]
        guard header.hasPadding else { return RTPPacket(header: consume header, payload: body) }
        // RFC 3550 §5.1: the last octet counts the padding octets, itself included, so it is at least 1
        // and cannot reach back into the header.
        guard let count = body.last else {
            throw RTPError(.padding, at: length, "P bit set but no octet after the header")
        }
        guard count >= 1, Int(count) <= body.count else {
            throw RTPError(
                .padding, at: bytes.count - 1,
                "padding count \(count), but \(body.count) byte(s) follow the header")
        }
        let split = body.endIndex - Int(count)
        return RTPPacket(header: consume header, payload: body[body.startIndex..<split], padding: body[split...])
    }
}

extension SRTPPacket {
    /// Parses the clear header of an SRTP packet; everything after it is kept opaque.
    public static func parse(_ bytes: ArraySlice<UInt8>) throws(RTPError) -> SRTPPacket {
        var length = 0
        let header = try RTPHeader.parse(bytes, length: &length)
        return SRTPPacket(header: consume header, protected: bytes[(bytes.startIndex + length)...])
    }
}
