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
    /// Written into one allocation of the exact size through a raw buffer: appending byte by byte (or
    /// through `Wire.ByteWriter`, whose generic methods are not inlinable across modules) made
    /// serialising, and so every integrity check, several times slower.
    func encode(attributeCount: Int, headerLength length: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: encodedCount(attributeCount: attributeCount)) { buffer, initialized in
            initialized = encode(into: buffer, attributeCount: attributeCount, headerLength: length)
        }
    }

    /// Calls `body` with the same bytes as `encode(attributeCount:headerLength:)`, written into a
    /// temporary buffer (on the stack for ordinary sizes) instead of a new array: the integrity and
    /// fingerprint checks only need to read them once.
    func withEncoded<Result>(
        attributeCount: Int, headerLength length: Int, _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: encodedCount(attributeCount: attributeCount)) { buffer in
            let count = encode(into: buffer, attributeCount: attributeCount, headerLength: length)
            return body(UnsafeRawBufferPointer(start: buffer.baseAddress, count: count))
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
        into buffer: UnsafeMutableBufferPointer<UInt8>, attributeCount: Int, headerLength length: Int
    ) -> Int {
        var out = RawWriter(buffer: buffer)
        out.put(type.wireValue)
        out.put(UInt16(truncatingIfNeeded: length))
        out.put(STUNMessage.magicCookie)
        out.put(transactionID.high)
        out.put(UInt32(truncatingIfNeeded: transactionID.low >> 32))
        out.put(UInt32(truncatingIfNeeded: transactionID.low))
        for index in 0..<attributeCount {
            let attribute = attributes[index]
            // A value over 65535 bytes cannot be expressed; its length field is truncated (a
            // model-building mistake, not reachable from parsed input).
            out.put(attribute.type.rawValue)
            out.put(UInt16(truncatingIfNeeded: attribute.value.count))
            out.put(attribute.value)
            for padding in 0..<attribute.paddingCount {
                out.put(UInt8(truncatingIfNeeded: attribute.paddingBits >> UInt32(24 - 8 * padding)))
            }
        }
        return out.position
    }
}

/// Big-endian stores into a buffer sized in advance by the caller.
struct RawWriter {
    let buffer: UnsafeMutableBufferPointer<UInt8>
    var position = 0

    init(buffer: UnsafeMutableBufferPointer<UInt8>) { self.buffer = buffer }

    @inline(__always)
    mutating func put(_ value: UInt8) {
        buffer[position] = value
        position += 1
    }

    @inline(__always)
    mutating func put(_ value: UInt16) {
        put(UInt8(truncatingIfNeeded: value >> 8))
        put(UInt8(truncatingIfNeeded: value))
    }

    @inline(__always)
    mutating func put(_ value: UInt32) {
        put(UInt16(truncatingIfNeeded: value >> 16))
        put(UInt16(truncatingIfNeeded: value))
    }

    @inline(__always)
    mutating func put(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress, let target = buffer.baseAddress else { return }
            (target + position).update(from: base, count: source.count)
        }
        position += bytes.count
    }
}
