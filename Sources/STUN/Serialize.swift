extension STUNMessage {
    /// The message on the wire. For a parsed message these are the parsed bytes exactly (padding
    /// content included); integrity and fingerprint values are written as they are held, never
    /// recomputed (use `withMessageIntegrity(key:)` and `withFingerprint()` for that).
    public func serialize() -> [UInt8] {
        encode(attributeCount: attributes.count, headerLength: attributesLength)
    }

    /// The header with the given length field, followed by the first `attributeCount` attributes: the
    /// whole message, or the input of an integrity check, whose header length counts up to the end of
    /// the integrity attribute (RFC 8489 §14.5).
    ///
    /// Written through a raw buffer of the exact size: appending byte by byte (or through
    /// `Wire.ByteWriter`, whose generic methods are not inlinable across modules) made serialising, and
    /// so every integrity check, several times slower. The bytes are written on the stack and copied
    /// into the array in one go, because `Array(unsafeUninitializedCapacity:)` goes through an
    /// unspecialised allocation path that looks up the array's type metadata at run time on every call
    /// (hundreds of instructions, more than the copy).
    func encode(attributeCount: Int, headerLength length: Int) -> [UInt8] {
        withEncoded(attributeCount: attributeCount, headerLength: length) { [UInt8]($0) }
    }

    /// Calls `body` with the same bytes as `encode(attributeCount:headerLength:)`, written into a
    /// temporary buffer (on the stack for ordinary sizes) instead of a new array: the integrity and
    /// fingerprint checks only need to read them once.
    func withEncoded<Result>(
        attributeCount: Int, headerLength length: Int, _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result {
        withEncoded(attributeCount: attributeCount, byteCount: encodedCount(attributeCount: attributeCount),
                    headerLength: length, body)
    }

    /// `withEncoded(attributeCount:headerLength:_:)` for a caller that already knows the byte count,
    /// `encodedCount(attributeCount:)`.
    func withEncoded<Result>(
        attributeCount: Int, byteCount: Int, headerLength length: Int, _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result {
        withUnsafeTemporaryAllocation(byteCount: byteCount, alignment: 1) { buffer in
            let written = encode(into: buffer, attributeCount: attributeCount, headerLength: length)
            return body(UnsafeRawBufferPointer(rebasing: buffer[..<written]))
        }
    }

    /// Bytes of the header and the first `attributeCount` attributes.
    func encodedCount(attributeCount: Int) -> Int {
        // Index loops rather than `attributes[..<count]`: a slice of a non-stdlib element type costs a
        // run-time metadata lookup per call.
        var total = STUNMessage.headerLength
        for index in 0..<attributeCount { total += attributes[index].encodedLength }
        return total
    }

    /// Writes the header and the first `attributeCount` attributes to `buffer`, which has room for
    /// `encodedCount(attributeCount:)` bytes; returns the number written.
    private func encode(
        into buffer: UnsafeMutableRawBufferPointer, attributeCount: Int, headerLength length: Int
    ) -> Int {
        var out = RawWriter(buffer: buffer)
        out.put(UInt32(type.wireValue) << 16 | UInt32(UInt16(truncatingIfNeeded: length)))
        out.put(STUNMessage.magicCookie)
        out.put(transactionID.high)
        out.put(UInt32(truncatingIfNeeded: transactionID.low >> 32))
        out.put(UInt32(truncatingIfNeeded: transactionID.low))
        for index in 0..<attributeCount {
            // Fields are read in place: copying the attribute out would retain and release the storage
            // its value shares, an atomic operation per attribute.
            let valueCount = attributes[index].value.count
            // A value over 65535 bytes cannot be expressed; its length field is truncated (a
            // model-building mistake, not reachable from parsed input).
            out.put(UInt32(attributes[index].type.rawValue) << 16 | UInt32(UInt16(truncatingIfNeeded: valueCount)))
            attributes[index].value.withUnsafeBytes { out.put($0) }
            let paddingBits = attributes[index].paddingBits
            for padding in 0..<STUNAttribute.paddingCount(forValueLength: valueCount) {
                out.put(UInt8(truncatingIfNeeded: paddingBits >> UInt32(24 - 8 * padding)))
            }
        }
        return out.position
    }
}

/// Big-endian stores into a buffer sized in advance by the caller.
struct RawWriter {
    let buffer: UnsafeMutableRawBufferPointer
    var position = 0

    init(buffer: UnsafeMutableRawBufferPointer) { self.buffer = buffer }

    @inline(__always)
    mutating func put(_ value: UInt8) {
        buffer[position] = value
        position += 1
    }

    @inline(__always)
    mutating func put(_ value: UInt32) {
        buffer.storeBytes(of: value.bigEndian, toByteOffset: position, as: UInt32.self)
        position += 4
    }

    @inline(__always)
    mutating func put(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, let target = buffer.baseAddress else { return }
        (target + position).copyMemory(from: source, byteCount: bytes.count)
        position += bytes.count
    }
}
