import PropertyBased
import SCTP
import Testing
import Wire

/// The round-trip contract (DESIGN §1.3) over random values from `Generate.swift`.
@Suite("SCTP and DCEP properties")
struct SCTPPropertyTests {
    static let packets = Generator(run: { rng in SCTPPacket.random(using: &rng) })
    static let messages = Generator(run: { rng in DCEPMessage.random(using: &rng) })

    @Test("A random packet serialises to bytes that parse back to the same packet")
    func packetRoundTrip() async {
        await propertyCheck(count: 500, input: Self.packets) { packet throws in
            let bytes = packet.serialize()
            #expect(try SCTPPacket.parse(bytes, checksum: .zeroAllowed) == packet)
        }
    }

    @Test("Serialisation computes a CRC-32c that the strict parser verifies, or writes zero when asked")
    func checksumVerifies() async {
        await propertyCheck(count: 300, input: Self.packets) { packet throws in
            let bytes = packet.serialize()
            var zeroed = bytes
            zeroed.replaceSubrange(8..<12, with: [0, 0, 0, 0])
            let wire = UInt32(bytes[8]) | UInt32(bytes[9]) << 8 | UInt32(bytes[10]) << 16 | UInt32(bytes[11]) << 24
            switch packet.checksum {
            case .crc32c:
                #expect(wire == CRC32C.checksum(zeroed))
                #expect(sctpRule(bytes) == nil)
            case .zero:
                #expect(wire == 0)
                #expect(sctpRule(bytes) == .checksum)
            }
        }
    }

    @Test("Accepted bytes re-serialise byte-exact, even after random damage to a valid packet")
    func acceptedBytesRoundTrip() async {
        let damaged = Generator(run: { rng -> [UInt8] in
            var bytes = SCTPPacket.random(using: &rng).serialize()
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let index = Int.random(in: 12..<bytes.count, using: &rng)
                bytes[index] = UInt8.random(in: 0...255, using: &rng)
            }
            if Bool.random(using: &rng) { bytes.removeLast(Int.random(in: 0...min(8, bytes.count - 12), using: &rng)) }
            bytes.replaceSubrange(8..<12, with: [0, 0, 0, 0])
            return bytes
        })
        await propertyCheck(count: 1000, input: damaged) { bytes throws in
            guard let parsed = try? SCTPPacket.parse(bytes, checksum: .zeroAllowed) else { return }
            #expect(parsed.serialize() == bytes)
            #expect(try SCTPPacket.parse(parsed.serialize(), checksum: .zeroAllowed) == parsed)
        }
    }

    @Test("Parsing random bytes never traps, and what it accepts round-trips")
    func randomBytes() async {
        let noise = Generator(run: { rng -> [UInt8] in
            var bytes = (0..<Int.random(in: 0...80, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if bytes.count >= 12 { bytes.replaceSubrange(8..<12, with: [0, 0, 0, 0]) }
            return bytes
        })
        await propertyCheck(count: 1000, input: noise) { bytes in
            guard let parsed = try? SCTPPacket.parse(bytes, checksum: .zeroAllowed) else { return }
            #expect(parsed.serialize() == bytes)
        }
    }

    @Test("Every random packet describes itself as JSON")
    func describes() async {
        await propertyCheck(count: 100, input: Self.packets) { packet throws in
            #expect(SCTPCodec.describe(packet).renderJSON().hasPrefix("{"))
        }
    }

    @Test("A random DCEP message serialises to bytes that parse back to the same message, byte-exact")
    func dcepRoundTrip() async {
        await propertyCheck(count: 500, input: Self.messages) { message in
            let bytes = DCEPCodec.serialize(message)
            let parsed = try DCEPCodec.parse(bytes)
            #expect(parsed == message)
            #expect(DCEPCodec.serialize(parsed) == bytes)
        }
    }

    @Test("Parsing random DCEP bytes never traps, and what it accepts round-trips")
    func dcepRandomBytes() async {
        let noise = Generator(run: { rng -> [UInt8] in
            var bytes = (0..<Int.random(in: 0...24, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if !bytes.isEmpty, Bool.random(using: &rng) { bytes[0] = 3 }
            return bytes
        })
        await propertyCheck(count: 1000, input: noise) { bytes in
            guard let parsed = try? DCEPMessage.parse(bytes) else { return }
            #expect(parsed.serialize() == bytes)
        }
    }

    @Test("Tolerant DCEP parsing never traps; it agrees with the strict parse wherever that accepts, and otherwise accepts only what Tolerance.all lists")
    func dcepTolerantAgreesWithStrict() async {
        let noise = Generator(run: { rng -> [UInt8] in
            var bytes = (0..<Int.random(in: 0...24, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if !bytes.isEmpty { bytes[0] = [2, 3, UInt8.random(in: 0...255, using: &rng)].randomElement(using: &rng)! }
            return bytes
        })
        await propertyCheck(count: 1000, input: noise) { bytes in
            let tolerant = try? DCEPMessage.parse(bytes[...], mode: .tolerant)
            if let strict = try? DCEPMessage.parse(bytes) {
                #expect(tolerant == Tolerated(strict))
            } else if let tolerant {
                #expect(!tolerant.deviations.isEmpty)
                #expect(tolerant.deviations.allSatisfy { Tolerance.all.contains($0.tolerance) })
            }
        }
    }
}
