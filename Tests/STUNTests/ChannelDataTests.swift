import Testing
import STUN

@Suite("TURN ChannelData framing (RFC 8656 §12.4) and RFC 7983 demultiplexing")
struct ChannelDataTests {
    @Test("Unpadded and padded messages both parse and re-serialise exactly", arguments: [
        [0x40, 0x00, 0x00, 0x03, 0x61, 0x62, 0x63],
        [0x40, 0x00, 0x00, 0x03, 0x61, 0x62, 0x63, 0x00],
        [0x4F, 0xFF, 0x00, 0x01, 0x61, 0xAA, 0xBB, 0xCC],
        [0x40, 0x01, 0x00, 0x00],
        [0x40, 0x01, 0x00, 0x04, 1, 2, 3, 4],
    ] as [[UInt8]])
    func roundTrip(bytes: [UInt8]) throws {
        let message = try ChannelData.parse(bytes)
        #expect(message.serialize() == bytes)
        #expect(ChannelDataCodec.serialize(try ChannelDataCodec.parse(bytes)) == bytes)
        #expect(ChannelData.looksLikeChannelData(bytes))
        #expect(!STUNMessage.looksLikeSTUN(bytes))
    }

    @Test("Fields decode: channel number, data, padding kept as received")
    func fields() throws {
        let message = try ChannelData.parse([0x4F, 0xFF, 0x00, 0x01, 0x61, 0xAA, 0xBB, 0xCC])
        #expect(message.channelNumber == 0x4FFF)
        #expect(Array(message.data) == [0x61])
        #expect(message.isPadded)
        #expect(message.padding == [0xAA, 0xBB, 0xCC])
        #expect(ChannelDataCodec.describe(message).renderText().contains("channel: 0x4fff"))
    }

    @Test("A message built in code pads with zeros only when asked (TCP), never for aligned data")
    func builtPadding() {
        #expect(ChannelData(channelNumber: 0x4000, data: [1], padded: true).serialize() == [0x40, 0, 0, 1, 1, 0, 0, 0])
        #expect(ChannelData(channelNumber: 0x4000, data: [1]).serialize() == [0x40, 0, 0, 1, 1])
        #expect(ChannelData(channelNumber: 0x4000, data: [1, 2, 3, 4], padded: true).isPadded == false)
    }

    @Test("RFC 7983: STUN starts with 0–3, ChannelData with 64–79; other first bytes are neither")
    func demultiplexing() {
        #expect(STUNMessage.looksLikeSTUN(Vectors.sampleRequest))
        #expect(!ChannelData.looksLikeChannelData(Vectors.sampleRequest))
        var dtls = Vectors.sampleRequest
        dtls[0] = 22
        #expect(!STUNMessage.looksLikeSTUN(dtls))
        #expect(!ChannelData.looksLikeChannelData(dtls))
        #expect(!STUNMessage.looksLikeSTUN([UInt8](repeating: 0, count: 20)))
        #expect(STUNMessage.looksLikeSTUN(Vectors.sampleRequest[...]))
        #expect(!ChannelData.looksLikeChannelData([0x50, 0, 0, 0]))
    }
}
