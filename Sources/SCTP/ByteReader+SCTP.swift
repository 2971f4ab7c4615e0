import Wire

/// Reads that turn `ByteReader`'s truncation into an `SCTPError` (callers check lengths first, so these
/// throw only on a bug or on input the checks let through).
extension ByteReader {
    mutating func take8() throws(SCTPError) -> UInt8 {
        do { return try readUInt8() } catch { throw SCTPError(error) }
    }

    mutating func take16() throws(SCTPError) -> UInt16 {
        do { return try readUInt16() } catch { throw SCTPError(error) }
    }

    mutating func take32() throws(SCTPError) -> UInt32 {
        do { return try readUInt32() } catch { throw SCTPError(error) }
    }

    mutating func take64() throws(SCTPError) -> UInt64 {
        do { return try readUInt64() } catch { throw SCTPError(error) }
    }

    mutating func takeBytes(_ count: Int) throws(SCTPError) -> ArraySlice<UInt8> {
        do { return try readBytes(count) } catch { throw SCTPError(error) }
    }

    mutating func takeSubReader(_ count: Int) throws(SCTPError) -> ByteReader {
        do { return try subReader(count) } catch { throw SCTPError(error) }
    }

    /// 16-bit values up to the end (the caller checked the remaining length is even).
    mutating func take16List() throws(SCTPError) -> [UInt16] {
        var values: [UInt16] = []
        values.reserveCapacity(remaining / 2)
        while remaining >= 2 { values.append(try take16()) }
        return values
    }
}
