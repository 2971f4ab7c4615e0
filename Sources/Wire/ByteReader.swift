/// A bounds-checked, big-endian reader over a byte buffer.
///
/// Every read checks the remaining length first and throws `TruncatedInput` instead of trapping, so a
/// length field from the wire can be passed straight to `readBytes(_:)`: nothing is allocated before the
/// bytes are known to be there. Sub-readers share the buffer without copying and report offsets from the
/// start of the outermost input, so errors point at the right byte of the datagram.
public struct ByteReader: Sendable {
    /// The whole input; indices are absolute positions in it.
    public let buffer: ArraySlice<UInt8>
    /// Absolute index of the next byte to read.
    @inlinable public var position: Int { cursor }
    @usableFromInline var cursor: Int
    /// Absolute index one past the last byte this reader may read.
    public let limit: Int
    /// Absolute index that offset 0 refers to (the start of the outermost input).
    public let origin: Int

    @inlinable
    public init(_ bytes: [UInt8]) {
        self.init(bytes[...])
    }

    @inlinable
    public init(_ bytes: ArraySlice<UInt8>) {
        buffer = bytes
        cursor = bytes.startIndex
        limit = bytes.endIndex
        origin = bytes.startIndex
    }

    @usableFromInline
    init(buffer: ArraySlice<UInt8>, position: Int, limit: Int, origin: Int) {
        self.buffer = buffer
        self.cursor = position
        self.limit = limit
        self.origin = origin
    }

    /// Offset of the next byte, from the start of the outermost input.
    @inlinable
    public var offset: Int { position - origin }
    /// Bytes left before this reader's limit.
    @inlinable
    public var remaining: Int { limit - position }
    @inlinable
    public var isAtEnd: Bool { position >= limit }

    @inlinable @inline(__always)
    func require(_ count: Int) throws(TruncatedInput) {
        guard count >= 0, count <= limit - position else {
            throw TruncatedInput(offset: offset, needed: count, available: remaining)
        }
    }

    @inlinable
    public mutating func readUInt8() throws(TruncatedInput) -> UInt8 {
        try require(1)
        defer { cursor += 1 }
        return buffer[position]
    }

    @inlinable
    public mutating func readUInt16() throws(TruncatedInput) -> UInt16 {
        try require(2)
        defer { cursor += 2 }
        return UInt16(buffer[position]) << 8 | UInt16(buffer[position + 1])
    }

    /// A 24-bit big-endian integer (DTLS handshake lengths, RTCP fields).
    @inlinable
    public mutating func readUInt24() throws(TruncatedInput) -> UInt32 {
        try require(3)
        defer { cursor += 3 }
        return UInt32(buffer[position]) << 16 | UInt32(buffer[position + 1]) << 8 | UInt32(buffer[position + 2])
    }

    @inlinable
    public mutating func readUInt32() throws(TruncatedInput) -> UInt32 {
        try require(4)
        defer { cursor += 4 }
        return UInt32(buffer[position]) << 24 | UInt32(buffer[position + 1]) << 16
            | UInt32(buffer[position + 2]) << 8 | UInt32(buffer[position + 3])
    }

    /// A 48-bit big-endian integer (DTLS record sequence numbers).
    @inlinable
    public mutating func readUInt48() throws(TruncatedInput) -> UInt64 {
        try require(6)
        var value: UInt64 = 0
        for index in position..<(position + 6) { value = value << 8 | UInt64(buffer[index]) }
        cursor += 6
        return value
    }

    @inlinable
    public mutating func readUInt64() throws(TruncatedInput) -> UInt64 {
        try require(8)
        var value: UInt64 = 0
        for index in position..<(position + 8) { value = value << 8 | UInt64(buffer[index]) }
        cursor += 8
        return value
    }

    /// The next `count` bytes, shared with the input (no copy).
    @inlinable
    public mutating func readBytes(_ count: Int) throws(TruncatedInput) -> ArraySlice<UInt8> {
        try require(count)
        defer { cursor += count }
        return buffer[position..<(position + count)]
    }

    /// Everything up to this reader's limit.
    @inlinable
    public mutating func readRemaining() -> ArraySlice<UInt8> {
        defer { cursor = limit }
        return buffer[position..<limit]
    }

    @inlinable
    public mutating func skip(_ count: Int) throws(TruncatedInput) {
        try require(count)
        cursor += count
    }

    /// The next byte without consuming it.
    @inlinable
    public func peekUInt8() throws(TruncatedInput) -> UInt8 {
        try require(1)
        return buffer[position]
    }

    /// A reader over the next `count` bytes, which this reader then skips.
    ///
    /// Offsets the sub-reader reports still count from the outermost input.
    @inlinable
    public mutating func subReader(_ count: Int) throws(TruncatedInput) -> ByteReader {
        try require(count)
        let sub = ByteReader(buffer: buffer, position: position, limit: position + count, origin: origin)
        cursor += count
        return sub
    }
}
