import Wire

extension STUNMessage {
    /// The message on the wire. For a parsed message these are the parsed bytes exactly (padding
    /// content included); integrity and fingerprint values are written as they are held, never
    /// recomputed (use `withMessageIntegrity(key:)` and `withFingerprint()` for that).
    public func serialize() -> [UInt8] {
        var writer = ByteWriter(capacity: STUNMessage.headerLength + attributesLength)
        writeHeader(to: &writer, length: attributesLength)
        for attribute in attributes { attribute.write(to: &writer) }
        return writer.bytes
    }

    /// Header with an explicit length field, as the integrity computations need (RFC 8489 §14.5).
    func writeHeader(to writer: inout ByteWriter, length: Int) {
        writer.writeUInt16(type.wireValue)
        writer.writeUInt16(UInt16(truncatingIfNeeded: length))
        writer.writeUInt32(STUNMessage.magicCookie)
        writer.writeUInt32(transactionID.high)
        writer.writeUInt64(transactionID.low)
    }
}

extension STUNAttribute {
    /// Type, length, value, padding. A value longer than 65535 bytes cannot be expressed; its length
    /// field is truncated (a model-building mistake, not reachable from parsed input).
    func write(to writer: inout ByteWriter) {
        writer.writeUInt16(type.rawValue)
        writer.writeUInt16(UInt16(truncatingIfNeeded: value.count))
        writer.writeBytes(value)
        for index in 0..<paddingCount {
            writer.writeUInt8(UInt8(truncatingIfNeeded: paddingBits >> UInt32(24 - 8 * index)))
        }
    }
}
