import CWireKernels

/// CRC-32c (Castagnoli): reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF, as
/// SCTP's checksum uses it (RFC 9260 §6.8 and Appendix A; check values in RFC 3720 Appendix B.4).
///
/// Uses the SSE4.2 crc32 instruction when the CPU has it, and slicing-by-16 tables otherwise; both paths
/// are tested against the same vectors.
public enum CRC32C {
    static let tables: [UInt32] = makeSlicingTables(reflectedPolynomial: 0x82F6_3B78)
    /// Whether the hardware path is taken on this machine.
    public static let usesHardware: Bool = crucible_crc32c_hardware_available() != 0

    /// The CRC-32c of `bytes`.
    @inlinable
    public static func checksum<Bytes: Collection>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        ~update(0xFFFF_FFFF, bytes)
    }

    /// Continues a running register (start from 0xFFFFFFFF, invert at the end).
    @inlinable
    public static func update<Bytes: Collection>(_ state: UInt32, _ bytes: Bytes) -> UInt32
    where Bytes.Element == UInt8 {
        withContiguousBuffer(bytes) { update(state, buffer: $0) }
    }

    /// The non-generic core of `update(_:_:)`.
    public static func update(_ state: UInt32, buffer: UnsafeRawBufferPointer) -> UInt32 {
        guard usesHardware else { return slicingUpdate(state, buffer, tables: tables) }
        return crucible_crc32c_hardware_update(state, buffer.baseAddress?.assumingMemoryBound(to: UInt8.self), buffer.count)
    }

    /// The table-driven path, exposed so tests can check it on machines that have the instruction.
    @inlinable
    public static func softwareUpdate<Bytes: Collection>(_ state: UInt32, _ bytes: Bytes) -> UInt32
    where Bytes.Element == UInt8 {
        withContiguousBuffer(bytes) { softwareUpdate(state, buffer: $0) }
    }

    /// The non-generic core of `softwareUpdate(_:_:)`.
    public static func softwareUpdate(_ state: UInt32, buffer: UnsafeRawBufferPointer) -> UInt32 {
        slicingUpdate(state, buffer, tables: tables)
    }
}
