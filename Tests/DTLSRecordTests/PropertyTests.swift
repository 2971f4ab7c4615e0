import DTLSRecord
import PropertyBased
import Testing
import Wire

/// The round-trip contract (DESIGN §1.3) over random valid values and over mutated accepted bytes.
@Suite("DTLS properties")
struct PropertyTests {
    static let datagrams = Generator(run: { rng in DTLSDatagram.random(using: &rng) })
    static let flights = Generator(run: { rng in
        (0..<Int.random(in: 1...4, using: &rng)).map { _ in HandshakeMessage.random(using: &rng) }
    })

    @Test("Every random valid datagram survives serialize then parse unchanged")
    func datagramRoundTrip() async {
        await propertyCheck(count: 300, input: Self.datagrams) { datagram throws in
            let bytes = DTLSCodec.serialize(datagram)
            #expect(try DTLSCodec.parse(bytes) == datagram)
        }
    }

    @Test("Every random list of handshake messages (typed Hellos, Certificates, fragments) round-trips")
    func handshakeRoundTrip() async {
        await propertyCheck(count: 300, input: Self.flights) { messages throws in
            let bytes = DTLSHandshakeCodec.serialize(messages)
            #expect(try DTLSHandshakeCodec.parse(bytes) == messages)
        }
    }

    @Test("Bytes the record codec accepts, even after random damage, re-serialise byte-exact")
    func acceptedDatagramBytesReserialise() async {
        await propertyCheck(count: 500, input: Self.datagrams) { datagram throws in
            var bytes = DTLSCodec.serialize(datagram)
            var rng = SeededGenerator(seed: Self.seed(bytes))
            Self.damage(&bytes, using: &rng)
            if let parsed = try? DTLSCodec.parse(bytes) {
                #expect(DTLSCodec.serialize(parsed) == bytes)
                _ = DTLSCodec.describe(parsed)
            }
        }
    }

    @Test("Bytes the handshake codec accepts, even after random damage, re-serialise byte-exact")
    func acceptedHandshakeBytesReserialise() async {
        await propertyCheck(count: 500, input: Self.flights) { messages throws in
            var bytes = DTLSHandshakeCodec.serialize(messages)
            var rng = SeededGenerator(seed: Self.seed(bytes))
            Self.damage(&bytes, using: &rng)
            if let parsed = try? DTLSHandshakeCodec.parse(bytes) {
                #expect(DTLSHandshakeCodec.serialize(parsed) == bytes)
                _ = DTLSHandshakeCodec.describe(parsed)
            }
        }
    }

    @Test("Random bytes behind a record or handshake header never trap, and are re-serialised exactly when accepted")
    func randomBytesNeverTrap() {
        var rng = SeededGenerator(seed: 0xD7_15_0003)
        var accepted = 0
        for round in 0..<5000 {
            var bytes = (0..<Int.random(in: 0...80, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if round % 2 == 0 {
                // A plausible record header, so the fuzzing reaches handshake framing and hello bodies.
                let length = UInt16(bytes.count + 12)
                bytes = [0x16, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, UInt8(length >> 8), UInt8(length & 0xFF), UInt8.random(in: 0...3, using: &rng)]
                    + [0, 0, UInt8(bytes.count), 0, 0, 0, 0, 0, 0, 0, UInt8(bytes.count)] + bytes
            }
            if let parsed = try? DTLSCodec.parse(bytes) {
                accepted += 1
                #expect(DTLSCodec.serialize(parsed) == bytes)
                _ = DTLSCodec.describe(parsed).renderJSON()
            }
            if let parsed = try? DTLSHandshakeCodec.parse(Array(bytes.dropFirst(13))) {
                #expect(DTLSHandshakeCodec.serialize(parsed) == Array(bytes.dropFirst(13)))
            }
        }
        // The framed half gets past the record layer often enough to exercise the layers behind it.
        #expect(accepted > 500)
    }

    /// A damage seed that follows the generated value, so a shrunk or replayed case damages the same way.
    static func seed(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
    }

    /// Flips, overwrites or cuts a few bytes.
    static func damage(_ bytes: inout [UInt8], using rng: inout SeededGenerator) {
        guard !bytes.isEmpty else { return }
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let index = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: bytes[index] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
            case 1: bytes[index] = UInt8.random(in: 0...255, using: &rng)
            default: bytes.removeSubrange(index...)
            }
            if bytes.isEmpty { return }
        }
    }
}
