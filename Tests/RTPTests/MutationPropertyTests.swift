import PropertyBased
import RTP
import Testing
import Wire

@Suite("RTP structure-aware mutation keeps the framing")
struct MutationPropertyTests {
    static let packets = Generator(run: { rng in (RTPPacket.random(using: &rng), rng.next() as UInt64) })
    static let compounds = Generator(run: { rng in (RTCPCompound.random(using: &rng), rng.next() as UInt64) })

    @Test("A mutated RTP packet's fixed header, CSRC list and extension still parse (RFC 3550 §5.1, §5.3.1)")
    func mutatedPacketHeaderParses() async {
        await propertyCheck(count: 500, input: Self.packets) { input in
            var (packet, seed) = input
            var generator = SeededGenerator(seed: seed)
            for _ in 0..<5 { #expect(RTPCodec.mutate(&packet, using: &generator)) }
            let bytes = RTPCodec.serialize(packet)
            #expect(throws: Never.self) { _ = try RTPHeader.parse(prefixOf: bytes[...]) }
        }
    }

    @Test("A mutated RTCP compound's first packet is written with version 2 and a length within the bytes (RFC 3550 §6.4.1)")
    func mutatedCompoundKeepsFirstHeader() async {
        await propertyCheck(count: 500, input: Self.compounds) { input in
            var (compound, seed) = input
            var generator = SeededGenerator(seed: seed)
            for _ in 0..<5 { #expect(RTCPCodec.mutate(&compound, using: &generator)) }
            let bytes = RTCPCodec.serialize(compound)
            // Bodies a mutation leaves short of a word boundary shift later packets, on purpose (the
            // parser's length rule must catch them), so only the first header is certain.
            guard bytes.count >= 4 else { return }
            #expect(bytes[0] >> 6 == 2)
            #expect(4 * (Int(bytes[2]) << 8 | Int(bytes[3])) < bytes.count + 3)
        }
    }
}
