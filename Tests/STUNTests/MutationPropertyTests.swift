import PropertyBased
import STUN
import Testing
import Wire

@Suite("STUN structure-aware mutation keeps the framing")
struct MutationPropertyTests {
    static let cases = Generator(run: { rng in (STUNMessage.random(using: &rng), rng.next() as UInt64) })

    @Test("A mutated message serialises to whole 32-bit words with zero leading bits, a matching length and the magic cookie (RFC 8489 §5)")
    func mutatedMessageKeepsFraming() async {
        await propertyCheck(count: 500, input: Self.cases) { input in
            var (message, seed) = input
            var generator = SeededGenerator(seed: seed)
            for _ in 0..<5 { #expect(STUNCodec.mutate(&message, using: &generator)) }
            let bytes = STUNCodec.serialize(message)
            #expect(bytes.count % 4 == 0)
            #expect(bytes[0] & 0xC0 == 0, "the two leading bits are zero")
            #expect(Int(bytes[2]) << 8 | Int(bytes[3]) == bytes.count - STUNMessage.headerLength)
            #expect(Array(bytes[4..<8]) == [0x21, 0x12, 0xA4, 0x42])
        }
    }

    @Test("A mutated ChannelData message keeps its length field equal to its data (RFC 8656 §12.4)")
    func mutatedChannelDataKeepsLength() async {
        await propertyCheck(count: 500, input: Generator(run: { rng in (ChannelData.random(using: &rng), rng.next() as UInt64) })) { input in
            var (channelData, seed) = input
            var generator = SeededGenerator(seed: seed)
            for _ in 0..<5 { #expect(ChannelDataCodec.mutate(&channelData, using: &generator)) }
            let bytes = ChannelDataCodec.serialize(channelData)
            #expect(bytes.count >= 4 && Int(bytes[2]) << 8 | Int(bytes[3]) == channelData.data.count)
        }
    }
}
