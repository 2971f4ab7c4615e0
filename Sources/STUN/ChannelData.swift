public import Wire

/// A TURN ChannelData message (RFC 8656 §12.4): a channel number 0x4000–0x4FFF, a length, the
/// application data, and over UDP optional padding to a multiple of 4 (over TCP it is required).
///
/// A parse keeps whether padding was present and its content, so the datagram re-serialises exactly.
public struct ChannelData: Hashable, Sendable {
    /// The smallest and largest channel numbers a client may bind (RFC 8656 §12).
    public static let channelNumbers: ClosedRange<UInt16> = 0x4000...0x4FFF

    public var channelNumber: UInt16
    /// The application data. A slice: index it from `data.startIndex`.
    public var data: ArraySlice<UInt8>
    /// Whether padding bytes follow the data (always false when the data length is a multiple of 4).
    public private(set) var isPadded: Bool
    /// Padding content packed big-endian from the top byte down; zero unless parsed so.
    public private(set) var paddingBits: UInt32

    /// A message with zero padding when `padded` (as over TCP) and none otherwise.
    public init<Bytes: Sequence>(channelNumber: UInt16, data: Bytes, padded: Bool = false) where Bytes.Element == UInt8 {
        self.channelNumber = channelNumber
        self.data = ArraySlice(data)
        self.isPadded = padded && STUNAttribute.paddingCount(forValueLength: self.data.count) > 0
        self.paddingBits = 0
    }

    init(channelNumber: UInt16, data: ArraySlice<UInt8>, isPadded: Bool, paddingBits: UInt32) {
        self.channelNumber = channelNumber
        self.data = data
        self.isPadded = isPadded
        self.paddingBits = paddingBits
    }

    /// Padding bytes present after the data.
    public var padding: [UInt8] {
        let count = isPadded ? STUNAttribute.paddingCount(forValueLength: data.count) : 0
        return (0..<count).map { UInt8(truncatingIfNeeded: paddingBits >> UInt32(24 - 8 * $0)) }
    }

    /// Parses one ChannelData message filling the datagram: the 4-byte header, `length` bytes of data,
    /// then either nothing or exactly the padding to a multiple of 4.
    public static func parse(_ bytes: [UInt8]) throws(STUNError) -> ChannelData {
        try parse(bytes[...])
    }

    public static func parse(_ bytes: ArraySlice<UInt8>) throws(STUNError) -> ChannelData {
        var reader = ByteReader(bytes)
        let channelNumber: UInt16
        let length: Int
        do {
            channelNumber = try reader.readUInt16()
            length = Int(try reader.readUInt16())
        } catch {
            throw STUNError(error)
        }
        guard channelNumbers.contains(channelNumber) else {
            throw STUNError(.channelNumber, at: 0, "channel 0x\(String(channelNumber, radix: 16)), expected 0x4000–0x4fff")
        }
        guard length <= reader.remaining else {
            throw STUNError(.channelDataLength, at: 2, "length \(length), but \(reader.remaining) byte(s) follow the header")
        }
        let data = (try? reader.readBytes(length)) ?? []
        let trailing = reader.remaining
        let padding = STUNAttribute.paddingCount(forValueLength: length)
        guard trailing == 0 || trailing == padding else {
            throw STUNError(.channelDataLength, at: 4 + length,
                            "\(trailing) byte(s) after the data; expected none or \(padding) of padding")
        }
        var bits: UInt32 = 0
        for (index, byte) in reader.readRemaining().enumerated() { bits |= UInt32(byte) << UInt32(24 - 8 * index) }
        return ChannelData(channelNumber: channelNumber, data: data, isPadded: trailing > 0, paddingBits: bits)
    }

    /// The message on the wire, padding as held.
    public func serialize() -> [UInt8] {
        var writer = ByteWriter(capacity: 4 + data.count + 3)
        writer.writeUInt16(channelNumber)
        writer.writeUInt16(UInt16(truncatingIfNeeded: data.count))
        writer.writeBytes(data)
        writer.writeBytes(padding)
        return writer.bytes
    }

    /// RFC 7983 §7 demultiplexing plus the framing check: first byte 64–79, and the length agrees with
    /// the datagram (exactly, or up to the padding to a multiple of 4).
    @inlinable  // called on every datagram by a demultiplexer in another module: let it specialise
    public static func looksLikeChannelData(_ bytes: some Collection<UInt8>) -> Bool {
        guard bytes.count >= 4 else { return false }
        var iterator = bytes.makeIterator()
        var header = 0  // channel number and length
        for _ in 0..<4 { header = header << 8 | Int(iterator.next() ?? 0) }
        guard (64...79).contains(header >> 24) else { return false }
        let length = header & 0xFFFF
        let trailing = bytes.count - 4 - length
        return trailing == 0 || (trailing > 0 && trailing == STUNAttribute.paddingCount(forValueLength: length))
    }
}

extension STUNMessage {
    /// RFC 7983 §7 demultiplexing plus the cheap header checks of RFC 8489 §5: first byte 0–3, the magic
    /// cookie, and a length that is a multiple of 4 and equals the rest of the datagram. Like RFC 7983,
    /// this does not recognise messages of methods 0x100 and above, whose first byte is above 3.
    @inlinable  // called on every datagram by a demultiplexer in another module: let it specialise
    public static func looksLikeSTUN(_ bytes: some Collection<UInt8>) -> Bool {
        guard bytes.count >= headerLength else { return false }
        var iterator = bytes.makeIterator()
        var header: UInt64 = 0  // bytes 0–7: type, length, cookie
        for _ in 0..<8 { header = header << 8 | UInt64(iterator.next() ?? 0) }
        let length = Int(truncatingIfNeeded: header >> 32) & 0xFFFF
        return header >> 56 <= 3 && UInt32(truncatingIfNeeded: header) == magicCookie
            && length & 3 == 0 && length == bytes.count - headerLength
    }
}
