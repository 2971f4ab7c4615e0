import Wire

extension SCTPPacket {
    /// The CRC-32c of a packet with its checksum field taken as zero (RFC 9260 §6.8); 0 for input shorter
    /// than the common header.
    public static func computeChecksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        guard bytes.count >= 12 else { return 0 }
        let start = bytes.startIndex
        var state = CRC32C.update(0xFFFF_FFFF, bytes[start..<(start + 8)])
        state = CRC32C.update(state, zeroWord)
        state = CRC32C.update(state, bytes[(start + 12)...])
        return ~state
    }

    /// Whether the checksum field of `bytes` holds their CRC-32c, least significant byte first as RFC 9260
    /// Appendix A leaves the reflected register on the wire.
    public static func checksumIsValid(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 12 else { return false }
        return readChecksumField(bytes[...]) == computeChecksum(bytes[...])
    }

    /// `bytes` with the checksum field set to their CRC-32c: for mutators and tools that edit a packet's
    /// bytes and want it past the checksum gate again. Input shorter than the header comes back unchanged.
    public static func withComputedChecksum(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= 12 else { return bytes }
        var result = bytes
        let crc = computeChecksum(bytes[...])
        for index in 0..<4 { result[8 + index] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(index))) }
        return result
    }

    /// The checksum field's bytes as the CRC register value (little-endian on the wire).
    static func readChecksumField(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        let start = bytes.startIndex + 8
        return (0..<4).reduce(UInt32(0)) { value, index in value | UInt32(bytes[start + index]) << (8 * UInt32(index)) }
    }
}

private let zeroWord: [UInt8] = [0, 0, 0, 0]
