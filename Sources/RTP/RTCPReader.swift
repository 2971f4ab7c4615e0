import Wire

/// A `ByteReader` whose reads throw `RTCPError`, so RTCP parsers need no conversion at each call.
struct RTCPReader {
    var reader: ByteReader

    init(_ reader: ByteReader) { self.reader = reader }

    var offset: Int { reader.offset }
    var remaining: Int { reader.remaining }
    var isAtEnd: Bool { reader.isAtEnd }

    mutating func u8() throws(RTCPError) -> UInt8 {
        do { return try reader.readUInt8() } catch { throw RTCPError(error) }
    }

    mutating func u16() throws(RTCPError) -> UInt16 {
        do { return try reader.readUInt16() } catch { throw RTCPError(error) }
    }

    mutating func u24() throws(RTCPError) -> UInt32 {
        do { return try reader.readUInt24() } catch { throw RTCPError(error) }
    }

    mutating func u32() throws(RTCPError) -> UInt32 {
        do { return try reader.readUInt32() } catch { throw RTCPError(error) }
    }

    mutating func u64() throws(RTCPError) -> UInt64 {
        do { return try reader.readUInt64() } catch { throw RTCPError(error) }
    }

    mutating func bytes(_ count: Int) throws(RTCPError) -> [UInt8] {
        do { return Array(try reader.readBytes(count)) } catch { throw RTCPError(error) }
    }

    mutating func rest() -> [UInt8] { Array(reader.readRemaining()) }

    /// Requires `count` more bytes, or throws `rule` with `detail`.
    func require(_ count: Int, _ rule: RTCPRule, _ detail: @autoclosure () -> String) throws(RTCPError) {
        guard count >= 0, remaining >= count else {
            throw RTCPError(rule, at: offset, "\(detail()) (\(count) byte(s) needed, \(remaining) left)")
        }
    }
}
