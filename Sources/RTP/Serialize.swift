public import Wire

extension RTPHeader {
    /// Writes the header. The CC field takes the low 4 bits of `csrcs.count`; extension data is
    /// written as is and should be a whole number of words (RFC 3550 §5.3.1).
    public func write(to writer: inout ByteWriter) {
        var first: UInt8 = 0x80 | UInt8(csrcs.count & 0x0F)
        if hasPadding { first |= 0x20 }
        if headerExtension != nil { first |= 0x10 }
        writer.writeUInt8(first)
        writer.writeUInt8((marker ? 0x80 : 0) | (payloadType & 0x7F))
        writer.writeUInt16(sequenceNumber)
        writer.writeUInt32(timestamp)
        writer.writeUInt32(ssrc)
        for csrc in csrcs.prefix(15) { writer.writeUInt32(csrc) }
        if let headerExtension {
            writer.writeUInt16(headerExtension.profile)
            writer.writeUInt16(UInt16(truncatingIfNeeded: headerExtension.data.count / 4))
            writer.writeBytes(headerExtension.data)
        }
    }

    public func serialize() -> [UInt8] {
        var writer = ByteWriter(capacity: encodedLength)
        write(to: &writer)
        return writer.bytes
    }
}

extension RTPPacket {
    /// The packet's bytes. The P bit is set exactly when `padding` is not empty, and the last padding
    /// octet is written as the padding's length (RFC 3550 §5.1).
    public func serialize() -> [UInt8] {
        var header = header
        header.hasPadding = !padding.isEmpty
        var writer = ByteWriter(capacity: header.encodedLength + payload.count + padding.count)
        header.write(to: &writer)
        writer.writeBytes(payload)
        if !padding.isEmpty {
            writer.writeBytes(padding.dropLast())
            writer.writeUInt8(UInt8(truncatingIfNeeded: padding.count))
        }
        return writer.bytes
    }
}

extension SRTPPacket {
    public func serialize() -> [UInt8] {
        var writer = ByteWriter(capacity: header.encodedLength + protected.count)
        header.write(to: &writer)
        writer.writeBytes(protected)
        return writer.bytes
    }
}
