public import Wire

/// A whole SCTP packet as the harnesses see it: `crucible decode sctp`, the `sctp` fuzz target and
/// `Corpus/sctp/`. Parsing is strict about the checksum (a correct CRC-32c only); use
/// `SCTPPacket.parse(_:checksum: .zeroAllowed)` inside an association that agreed on RFC 9653.
public enum SCTPCodec: WireCodec {
    public static let name = "sctp"

    public static func parse(_ bytes: [UInt8]) throws(SCTPError) -> SCTPPacket {
        try SCTPPacket.parse(bytes, checksum: .required)
    }

    public static func serialize(_ value: SCTPPacket) -> [UInt8] { value.serialize() }

    /// Compares every byte but the checksum field, and skips computing a second CRC-32c: `parse`
    /// accepted the field only as the CRC-32c of the rest (or as zero, which the model then says), and
    /// the serialised field is the CRC-32c of the same bytes when the rest matches (RFC 9260 §6.8).
    public static func roundTrips(parsed value: SCTPPacket, from bytes: [UInt8]) -> Bool {
        let checksumField = 8..<12
        guard bytes.count >= checksumField.upperBound else { return value.serialize().sameBytes(as: bytes) }
        return value.serialize(withChecksum: false).sameBytes(as: bytes, ignoring: checksumField)
            && (value.checksum == .crc32c || bytes[checksumField].allSatisfy { $0 == 0 })
    }

    public static func describe(_ value: SCTPPacket) -> Structure { value.structure }
}

/// One DCEP message (RFC 8832): `crucible decode dcep`, the `dcep` fuzz target and `Corpus/dcep/`.
public enum DCEPCodec: WireCodec {
    public static let name = "dcep"

    public static func parse(_ bytes: [UInt8]) throws(DCEPError) -> DCEPMessage { try DCEPMessage.parse(bytes) }

    public static func serialize(_ value: DCEPMessage) -> [UInt8] { value.serialize() }

    public static func describe(_ value: DCEPMessage) -> Structure { value.structure }
}
