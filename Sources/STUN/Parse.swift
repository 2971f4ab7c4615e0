public import Wire

extension STUNMessage {
    /// Parses one STUN message that fills the whole datagram.
    ///
    /// - Parameter checkFingerprint: verify a FINGERPRINT value (RFC 8489 §14.7). On by default; a
    ///   fuzz build or a tool that wants to look at damaged messages turns it off. Its position (last)
    ///   is checked either way.
    /// - Throws: `STUNError` naming the `STUNRule` broken and the byte offset; see `STUNRule` for what is
    ///   an error and what is only reported.
    public static func parse(_ bytes: [UInt8], checkFingerprint: Bool = true) throws(STUNError) -> STUNMessage {
        try parse(bytes[...], checkFingerprint: checkFingerprint)
    }

    /// Parses a message from a slice; offsets in errors count from the slice's start. Attribute values
    /// share the slice's storage.
    public static func parse(_ bytes: ArraySlice<UInt8>, checkFingerprint: Bool = true) throws(STUNError) -> STUNMessage {
        let base = bytes.startIndex
        let count = bytes.count
        guard count >= headerLength else {
            throw STUNError(TruncatedInput(offset: count, needed: headerLength - count, available: 0))
        }
        // Fixed-width fields are loaded through a span of the input. Its loads are bounds-checked in
        // release builds like the slice's subscript (a check below that was wrong would trap, never read
        // past the input), but one check covers a whole 2-, 4- or 8-byte field, offsets count from 0
        // rather than from the slice's start index, and no reference count changes.
        let wire = bytes.span.bytes

        // RFC 8489 §5: the two most significant bits are zero, the cookie is fixed, the length counts
        // the attributes and is a multiple of 4.
        let typeField = wire.bigEndianUInt16(at: 0)
        guard typeField & 0xC000 == 0 else {
            throw STUNError(.leadingBits, at: 0, "first byte 0x\(String(typeField >> 8, radix: 16)) has its top bits set")
        }
        let cookie = wire.bigEndianUInt32(at: 4)
        guard cookie == magicCookie else {
            throw STUNError(.magicCookie, at: 4, "0x\(String(cookie, radix: 16)), expected 0x2112a442")
        }
        let length = Int(wire.bigEndianUInt16(at: 2))
        guard length & 3 == 0 else {
            throw STUNError(.lengthAlignment, at: 2, "length \(length) is not a multiple of 4")
        }
        guard length == count - headerLength else {
            throw STUNError(.lengthMismatch, at: 2, "length \(length), but \(count - headerLength) byte(s) follow the header")
        }
        let transactionID = STUNTransactionID(high: wire.bigEndianUInt32(at: 8), low: wire.bigEndianUInt64(at: 12))

        var attributes: [STUNAttribute] = []
        attributes.reserveCapacity(min(length / 8, 12))
        var offset = headerLength
        var fingerprintOffset: Int? = nil
        while offset < count {
            // The length is a multiple of 4 and so is every attribute with its padding, so at least 4
            // bytes are left here; checked anyway so that no later change can make the reads below trap.
            guard count - offset >= 4 else {
                throw STUNError(.attributeOverflow, at: offset, "\(count - offset) byte(s) left, an attribute header needs 4")
            }
            if let fingerprintOffset {
                throw STUNError(.fingerprintLast, at: fingerprintOffset, "FINGERPRINT is followed by an attribute at offset \(offset)")
            }
            let type = STUNAttributeType(wire.bigEndianUInt16(at: offset))
            let valueLength = Int(wire.bigEndianUInt16(at: offset + 2))
            let valueStart = offset + 4
            let padding = STUNAttribute.paddingCount(forValueLength: valueLength)
            guard valueLength + padding <= count - valueStart else {
                throw STUNError(.attributeOverflow, at: offset + 2,
                                "\(type) length \(valueLength) runs past the message end (\(count - valueStart) byte(s) left)")
            }
            let valueEnd = valueStart + valueLength
            let value = bytes[(base + valueStart)..<(base + valueEnd)]
            try STUNAttributeValue.validate(type, value, valueOffset: valueStart)
            // Attributes end on a multiple of 4, so the padding is the tail of the 4-byte word that ends
            // this one: one load, shifted so the padding sits at the top as `paddingBits` keeps it.
            let paddingBits = padding == 0
                ? 0 : wire.bigEndianUInt32(at: valueEnd + padding - 4) << UInt32(8 * (4 - padding))
            if type == .fingerprint { fingerprintOffset = offset }
            attributes.append(STUNAttribute(type: type, value: value, paddingBits: paddingBits))
            offset = valueEnd + padding
        }

        if checkFingerprint, let fingerprintOffset {
            // FINGERPRINT is last, so the header length already covers it as §14.7 requires.
            let expected = wire.extracting(0..<fingerprintOffset).withUnsafeBytes { CRC32.checksum($0) } ^ fingerprintXOR
            let found = wire.bigEndianUInt32(at: fingerprintOffset + 4)
            guard found == expected else {
                throw STUNError(.fingerprintValue, at: fingerprintOffset + 4,
                                "0x\(String(found, radix: 16)), expected 0x\(String(expected, radix: 16))")
            }
        }
        return STUNMessage(type: STUNMessageType(wireValue: typeField), transactionID: transactionID, attributes: attributes)
    }

    /// The constant FINGERPRINT XORs into the CRC-32 ("STUN" in ASCII), RFC 8489 §14.7.
    public static let fingerprintXOR: UInt32 = 0x5354_554E
}

extension RawSpan {
    /// Big-endian fields at a byte offset, bounds-checked by `unsafeLoadUnaligned(fromByteOffset:as:)`
    /// (whose "unsafe" is about loading arbitrary types; for integers any bit pattern is valid).
    @inline(__always)
    func bigEndianUInt16(at offset: Int) -> UInt16 {
        UInt16(bigEndian: unsafeLoadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always)
    func bigEndianUInt32(at offset: Int) -> UInt32 {
        UInt32(bigEndian: unsafeLoadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    func bigEndianUInt64(at offset: Int) -> UInt64 {
        UInt64(bigEndian: unsafeLoadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
