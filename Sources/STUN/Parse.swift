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
        @inline(__always) func u16(_ offset: Int) -> Int { Int(bytes[base + offset]) << 8 | Int(bytes[base + offset + 1]) }
        @inline(__always) func u32(_ offset: Int) -> UInt32 { UInt32(u16(offset)) << 16 | UInt32(u16(offset + 2)) }

        // RFC 8489 §5: the two most significant bits are zero, the cookie is fixed, the length counts
        // the attributes and is a multiple of 4.
        let typeField = u16(0)
        guard typeField & 0xC000 == 0 else {
            throw STUNError(.leadingBits, at: 0, "first byte 0x\(String(bytes[base], radix: 16)) has its top bits set")
        }
        let cookie = u32(4)
        guard cookie == magicCookie else {
            throw STUNError(.magicCookie, at: 4, "0x\(String(cookie, radix: 16)), expected 0x2112a442")
        }
        let length = u16(2)
        guard length & 3 == 0 else {
            throw STUNError(.lengthAlignment, at: 2, "length \(length) is not a multiple of 4")
        }
        guard length == count - headerLength else {
            throw STUNError(.lengthMismatch, at: 2, "length \(length), but \(count - headerLength) byte(s) follow the header")
        }
        let transactionID = STUNTransactionID(high: u32(8), low: UInt64(u32(12)) << 32 | UInt64(u32(16)))

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
            let type = STUNAttributeType(UInt16(truncatingIfNeeded: u16(offset)))
            let valueLength = u16(offset + 2)
            let valueStart = offset + 4
            let padding = STUNAttribute.paddingCount(forValueLength: valueLength)
            guard valueLength + padding <= count - valueStart else {
                throw STUNError(.attributeOverflow, at: offset + 2,
                                "\(type) length \(valueLength) runs past the message end (\(count - valueStart) byte(s) left)")
            }
            let value = bytes[(base + valueStart)..<(base + valueStart + valueLength)]
            try STUNAttributeValue.validate(type, value, valueOffset: valueStart)
            var paddingBits: UInt32 = 0
            for index in 0..<padding {
                paddingBits |= UInt32(bytes[base + valueStart + valueLength + index]) << UInt32(24 - 8 * index)
            }
            if type == .fingerprint { fingerprintOffset = offset }
            attributes.append(STUNAttribute(type: type, value: value, paddingBits: paddingBits))
            offset = valueStart + valueLength + padding
        }

        if checkFingerprint, let fingerprintOffset {
            // FINGERPRINT is last, so the header length already covers it as §14.7 requires.
            let expected = crc32(bytes[base..<(base + fingerprintOffset)]) ^ fingerprintXOR
            let found = u32(fingerprintOffset + 4)
            guard found == expected else {
                throw STUNError(.fingerprintValue, at: fingerprintOffset + 4,
                                "0x\(String(found, radix: 16)), expected 0x\(String(expected, radix: 16))")
            }
        }
        return STUNMessage(type: STUNMessageType(wireValue: UInt16(truncatingIfNeeded: typeField)),
                           transactionID: transactionID, attributes: attributes)
    }

    /// CRC-32 through a raw buffer: `CRC32.checksum` is generic and not inlinable, and a raw buffer's
    /// type metadata is static, whereas `ArraySlice<UInt8>`'s is looked up at run time on every call.
    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBytes { CRC32.checksum($0) }
    }

    /// The constant FINGERPRINT XORs into the CRC-32 ("STUN" in ASCII), RFC 8489 §14.7.
    public static let fingerprintXOR: UInt32 = 0x5354_554E
}
