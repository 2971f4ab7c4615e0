/// CRC-32 as ISO-HDLC / zlib computes it: reflected polynomial 0xEDB88320, initial value and final XOR
/// 0xFFFFFFFF. STUN's FINGERPRINT is this CRC XOR 0x5354554e (RFC 8489 §14.7).
///
/// Slicing-by-8 over tables built once, so a 1200-byte datagram costs a few hundred nanoseconds.
public enum CRC32 {
    static let tables: [[UInt32]] = makeSlicingTables(reflectedPolynomial: 0xEDB8_8320)

    /// The CRC-32 of `bytes`.
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
        slicingUpdate(state, buffer, tables: tables)
    }
}

/// Lookup tables for slicing-by-8 of a reflected CRC-32 polynomial: `tables[k][b]` is the CRC of byte `b`
/// followed by `k` zero bytes.
func makeSlicingTables(reflectedPolynomial: UInt32) -> [[UInt32]] {
    var tables = [[UInt32]](repeating: [UInt32](repeating: 0, count: 256), count: 8)
    for byte in 0..<256 {
        var crc = UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ reflectedPolynomial : crc >> 1 }
        tables[0][byte] = crc
    }
    for byte in 0..<256 {
        for slice in 1..<8 {
            let previous = tables[slice - 1][byte]
            tables[slice][byte] = (previous >> 8) ^ tables[0][Int(previous & 0xFF)]
        }
    }
    return tables
}

/// Calls `body` with the bytes as one contiguous buffer, copying only collections that are not.
@inlinable
func withContiguousBuffer<Bytes: Collection, Result>(_ bytes: Bytes, _ body: (UnsafeRawBufferPointer) -> Result) -> Result
where Bytes.Element == UInt8 {
    if let result = bytes.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) { return result }
    return Array(bytes).withUnsafeBytes(body)
}

func slicingUpdate(_ state: UInt32, _ buffer: UnsafeRawBufferPointer, tables: [[UInt32]]) -> UInt32 {
    var crc = state
    var index = 0
    let count = buffer.count
    tables[0].withUnsafeBufferPointer { t0 in
        tables[1].withUnsafeBufferPointer { t1 in
            tables[2].withUnsafeBufferPointer { t2 in
                tables[3].withUnsafeBufferPointer { t3 in
                    tables[4].withUnsafeBufferPointer { t4 in
                        tables[5].withUnsafeBufferPointer { t5 in
                            tables[6].withUnsafeBufferPointer { t6 in
                                tables[7].withUnsafeBufferPointer { t7 in
                                    while count - index >= 8 {
                                        let low = crc ^ (UInt32(buffer[index]) | UInt32(buffer[index + 1]) << 8
                                            | UInt32(buffer[index + 2]) << 16 | UInt32(buffer[index + 3]) << 24)
                                        crc = t7[Int(low & 0xFF)] ^ t6[Int((low >> 8) & 0xFF)]
                                            ^ t5[Int((low >> 16) & 0xFF)] ^ t4[Int(low >> 24)]
                                            ^ t3[Int(buffer[index + 4])] ^ t2[Int(buffer[index + 5])]
                                            ^ t1[Int(buffer[index + 6])] ^ t0[Int(buffer[index + 7])]
                                        index += 8
                                    }
                                    while index < count {
                                        crc = (crc >> 8) ^ t0[Int((crc ^ UInt32(buffer[index])) & 0xFF)]
                                        index += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    return crc
}
