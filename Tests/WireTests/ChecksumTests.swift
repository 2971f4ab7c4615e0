import CrucibleTestSupport
import Testing
import Wire

/// CRC-32c check values from RFC 3720 Appendix B.4 (transcribed in ../shared/vectors/crc32c_rfc3720.txt),
/// and the CRC catalogue check value of "123456789" for both polynomials.
@Suite("CRC-32 and CRC-32c")
struct ChecksumTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let data: [UInt8]
        let crc: UInt32
        var testDescription: String { name }
    }

    static let crc32cVectors: [Vector] = [
        Vector(name: "RFC 3720 B.4: 32 bytes of zeroes", data: [UInt8](repeating: 0, count: 32), crc: 0x8A91_36AA),
        Vector(name: "RFC 3720 B.4: 32 bytes of ones", data: [UInt8](repeating: 0xFF, count: 32), crc: 0x62A8_AB43),
        Vector(name: "RFC 3720 B.4: 32 incrementing bytes", data: (0..<32).map { UInt8($0) }, crc: 0x46DD_794E),
        Vector(name: "RFC 3720 B.4: 32 decrementing bytes", data: (0..<32).reversed().map { UInt8($0) }, crc: 0x113F_DB5C),
        Vector(
            name: "RFC 3720 B.4: iSCSI SCSI Read (10) command PDU",
            data: Hex.literal(
                "01c00000 00000000 00000000 00000000 14000000 00000400 00000014 00000018 28000000 00000000 02000000 00000000"),
            crc: 0xD996_3A56),
        Vector(name: "CRC catalogue check: \"123456789\"", data: Array("123456789".utf8), crc: 0xE306_9283),
    ]

    @Test("CRC-32c matches RFC 3720 B.4", arguments: crc32cVectors)
    func crc32c(_ vector: Vector) {
        #expect(CRC32C.checksum(vector.data) == vector.crc)
    }

    @Test("The table path of CRC-32c matches the same vectors", arguments: crc32cVectors)
    func crc32cSoftware(_ vector: Vector) {
        #expect(~CRC32C.softwareUpdate(0xFFFF_FFFF, vector.data) == vector.crc)
    }

    @Test("CRC-32 (ISO-HDLC, STUN FINGERPRINT's) check value")
    func crc32Check() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
    }

    @Test("Hardware and table CRC-32c agree at every length and alignment up to 300 bytes")
    func crc32cPathsAgree() {
        var generator = SeededGenerator(seed: 7)
        let data = (0..<320).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for start in 0..<8 {
            for length in 0...300 {
                let slice = data[start..<(start + length)]
                #expect(CRC32C.update(0xFFFF_FFFF, slice) == CRC32C.softwareUpdate(0xFFFF_FFFF, slice))
            }
        }
    }

    @Test("CRC-32 agrees with a bit-at-a-time reference at every length and alignment up to 300 bytes")
    func crc32MatchesBitwiseReference() {
        // The definition itself (reflected polynomial 0xEDB88320, one bit per step), so the sliced
        // tables, the 16-, 4- and 1-byte steps and their hand-offs are all checked against it.
        func reference(_ bytes: ArraySlice<UInt8>) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
            }
            return ~crc
        }
        var generator = SeededGenerator(seed: 11)
        let data = (0..<320).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for start in 0..<8 {
            for length in 0...300 {
                let slice = data[start..<(start + length)]
                #expect(CRC32.checksum(slice) == reference(slice))
            }
        }
    }

    @Test("Checksums can be computed in pieces")
    func incremental() {
        let data = Array("123456789".utf8)
        #expect(~CRC32.update(CRC32.update(0xFFFF_FFFF, data[..<4]), data[4...]) == 0xCBF4_3926)
        #expect(~CRC32C.update(CRC32C.update(0xFFFF_FFFF, data[..<5]), data[5...]) == 0xE306_9283)
    }
}

