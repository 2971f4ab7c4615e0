import SCTP
import Testing
import Wire

/// `SCTPCodec.roundTrips` skips a second CRC-32c: these pin that it still answers what serialising and
/// comparing would, for parsed packets and for models that no longer match their bytes.
@Suite("SCTP round-trip check")
struct RoundTripCheckTests {
    /// A DATA chunk (TSN 7, stream 1, SSN 0, PPID 51, "hello") and a SACK, under a correct checksum.
    static let bytes = packet(chunks: "0003 0015 00000007 0001 0000 00000033 68656c6c6f 000000" + "0300 0010 00000006 0000a000 0000 0000")

    @Test("A parsed packet round-trips, as serialising it and comparing says")
    func parsed() throws {
        let value = try SCTPCodec.parse(Self.bytes)
        #expect(SCTPCodec.roundTrips(parsed: value, from: Self.bytes))
        #expect(SCTPCodec.serialize(value) == Self.bytes)
    }

    @Test("A model changed anywhere but the checksum does not", arguments: [
        { (packet: inout SCTPPacket) in packet.sourcePort = 5001 },
        { packet in packet.verificationTag ^= 1 },
        { packet in packet.chunks.removeLast() },
        { packet in
            guard case .data(var data) = packet.chunks[0] else { return }
            data.userData = [0x68, 0x65, 0x6c, 0x6c, 0x70][...]
            packet.chunks[0] = .data(data)
        },
    ] as [@Sendable (inout SCTPPacket) -> Void])
    func changed(_ change: @Sendable (inout SCTPPacket) -> Void) throws {
        var value = try SCTPCodec.parse(Self.bytes)
        change(&value)
        #expect(!SCTPCodec.roundTrips(parsed: value, from: Self.bytes))
        #expect(SCTPCodec.serialize(value) != Self.bytes)
    }

    /// RFC 9653: a zero checksum parses under `.zeroAllowed`; the model says so and serialises zeros.
    @Test("A zero checksum round-trips as zero")
    func zeroChecksum() throws {
        var zeroed = Self.bytes
        for index in 8..<12 { zeroed[index] = 0 }
        let value = try SCTPPacket.parse(zeroed, checksum: .zeroAllowed)
        #expect(SCTPCodec.roundTrips(parsed: value, from: zeroed))
        #expect(value.serialize() == zeroed)
    }
}
