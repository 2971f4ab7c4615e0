import Conformance
import SCTP
import Testing
import Wire

/// A packet with the given chunk bytes behind a common header (ports 5000, tag 0x01020304) and a correct
/// CRC-32c, written least significant byte first as RFC 9260 Appendix A leaves it.
func packet(chunks hex: String, verificationTag: UInt32 = 0x0102_0304) -> [UInt8] {
    var writer = ByteWriter()
    writer.writeUInt16(5000)
    writer.writeUInt16(5000)
    writer.writeUInt32(verificationTag)
    writer.writeUInt32(0)
    writer.writeBytes(Hex.literal(hex))
    var result = writer.bytes
    let crc = CRC32C.checksum(result)
    result[8] = UInt8(truncatingIfNeeded: crc)
    result[9] = UInt8(truncatingIfNeeded: crc >> 8)
    result[10] = UInt8(truncatingIfNeeded: crc >> 16)
    result[11] = UInt8(truncatingIfNeeded: crc >> 24)
    return result
}

/// The one chunk of a packet built by `packet(chunks:)`, or a test failure.
func onlyChunk(_ hex: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> SCTPChunk {
    let parsed = try SCTPPacket.parse(packet(chunks: hex))
    try #require(parsed.chunks.count == 1, sourceLocation: sourceLocation)
    return parsed.chunks[0]
}

/// The rule an SCTP parse broke, or nil when it succeeded.
func sctpRule(_ input: [UInt8], checksum: SCTPPacket.ChecksumPolicy = .required) -> SCTPRule? {
    do {
        _ = try SCTPPacket.parse(input, checksum: checksum)
        return nil
    } catch {
        return error.rule
    }
}

/// A name for a table row, shown by Swift Testing.
struct Named<Value: Sendable>: Sendable, CustomTestStringConvertible {
    let name: String
    let value: Value
    init(_ name: String, _ value: Value) {
        self.name = name
        self.value = value
    }
    var testDescription: String { name }
}
