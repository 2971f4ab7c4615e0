import PropertyBased
import Testing
import Wire
import STUN

@Suite("STUN properties: round trips, integrity, hostile bytes")
struct PropertyTests {
    static let messages = Generator(run: { rng in STUNMessage.random(using: &rng) })
    static let values = Generator(run: { rng in STUNAttributeValue.random(using: &rng) })
    static let channelData = Generator(run: { rng in ChannelData.random(using: &rng) })
    static let seeds = Generator(run: { rng in rng.next() as UInt64 })

    @Test("Any model message survives serialise → parse unchanged")
    func messageRoundTrip() async {
        await propertyCheck(count: 500, input: Self.messages) { message throws in
            let bytes = message.serialize()
            // RFC 7983 gives STUN the first bytes 0–3 only, which leaves out methods from 0x100 up.
            #expect(STUNMessage.looksLikeSTUN(bytes) == (message.type.method.rawValue < 0x100))
            #expect(try STUNMessage.parse(bytes) == message)
        }
    }

    @Test("Any typed value survives encode → decode unchanged")
    func valueRoundTrip() async {
        let id = STUNTransactionID(high: 0x0102_0304, low: 0x0506_0708_090A_0B0C)
        await propertyCheck(count: 1000, input: Self.values) { value throws in
            #expect(try STUNAttribute(value, transactionID: id).decode(transactionID: id) == value)
        }
    }

    @Test("Integrity and fingerprint appended by the serialiser always verify, after a trip through bytes")
    func appendedIntegrityVerifies() async {
        await propertyCheck(count: 200, input: Self.messages) { message throws in
            let key = STUNKey(bytes: Array(message.transactionID.bytes.prefix(Int(message.transactionID.high % 13))))
            let protected = message.withMessageIntegrity(key: key).withMessageIntegritySHA256(key: key, length: 16 + 4 * Int(message.transactionID.low % 5)).withFingerprint()
            let parsed = try STUNMessage.parse(protected.serialize())
            #expect(parsed.verifyMessageIntegrity(key: key) == .valid)
            #expect(parsed.verifyMessageIntegritySHA256(key: key) == .valid)
            #expect(parsed.verifyFingerprint() == .valid)
            #expect(parsed.attributesIgnoredAfterIntegrity.isEmpty)
        }
    }

    @Test("Flipping any single bit of a protected message makes its verification fail")
    func bitFlipBreaksVerification() async {
        await propertyCheck(count: 100, input: Self.messages) { message throws in
            let key = STUNKey(bytes: [0x42, 0x17])
            let bytes = message.withMessageIntegrity(key: key).withFingerprint().serialize()
            var rng = SeededGenerator(seed: message.transactionID.low)
            for _ in 0..<16 {
                let bit = Int.random(in: 0..<(bytes.count * 8), using: &rng)
                var copy = bytes
                copy[bit / 8] ^= 1 << UInt8(bit % 8)
                // A flip in FINGERPRINT's type turns it into an unknown attribute, so the message still
                // parses; then the fingerprint is absent. Any other flip fails one of the checks.
                guard let flipped = try? STUNMessage.parse(copy, checkFingerprint: false) else { continue }
                #expect(flipped.verifyMessageIntegrity(key: key) != .valid || flipped.verifyFingerprint() != .valid,
                        "bit \(bit) still verifies")
            }
        }
    }

    @Test("Bytes the parser accepts re-serialise byte for byte (mutated vectors)")
    func acceptedBytesRoundTrip() async {
        await propertyCheck(count: 2000, input: Self.seeds) { seed throws in
            var rng = SeededGenerator(seed: seed)
            var bytes = Vectors.all[Int.random(in: 0..<Vectors.all.count, using: &rng)].bytes
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                // Mostly attribute bytes, sometimes the header.
                let index = Int.random(in: (Bool.random(using: &rng) ? 0 : 20)..<bytes.count, using: &rng)
                bytes[index] = UInt8.random(in: .min ... .max, using: &rng)
            }
            guard let message = try? STUNMessage.parse(bytes, checkFingerprint: false) else { return }
            #expect(message.serialize() == bytes)
            #expect(try STUNMessage.parse(message.serialize(), checkFingerprint: false) == message)
            _ = STUNCodec.describe(message)
        }
    }

    @Test("Random bytes behind a valid header never trap; whatever parses round-trips")
    func randomBytesNeverTrap() async {
        await propertyCheck(count: 2000, input: Self.seeds) { seed throws in
            var rng = SeededGenerator(seed: seed)
            let body = (0..<(4 * Int.random(in: 0...16, using: &rng))).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
            var bytes: [UInt8] = [0x00, 0x01, UInt8(body.count >> 8), UInt8(body.count & 0xFF), 0x21, 0x12, 0xA4, 0x42]
            bytes += [UInt8](repeating: 7, count: 12) + body
            if Bool.random(using: &rng) { bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng))) }
            if let message = try? STUNMessage.parse(bytes, checkFingerprint: false) {
                #expect(message.serialize() == bytes)
            }
            if let channel = try? ChannelData.parse(Array(bytes.dropFirst(2))) {
                #expect(channel.serialize() == Array(bytes.dropFirst(2)))
            }
        }
    }

    @Test("Any model ChannelData survives serialise → parse unchanged")
    func channelDataRoundTrip() async {
        await propertyCheck(count: 500, input: Self.channelData) { message throws in
            let bytes = message.serialize()
            #expect(ChannelData.looksLikeChannelData(bytes))
            #expect(try ChannelData.parse(bytes) == message)
        }
    }
}
