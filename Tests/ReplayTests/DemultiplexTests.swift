import Pcap
import Replay
import STUN
import Testing

@Suite("Flows and RFC 7983 demultiplexing")
struct DemultiplexTests {
    @Test(
        "The first byte picks the family (RFC 7983 §7); in the RTP range the second byte splits RTP from RTCP (RFC 5761 §4)",
        arguments: [
            ([0x00, 0x01], PacketKind.stun), ([0x03, 0x00], .stun), ([0x10, 0x00], .zrtp), ([0x13, 0x00], .zrtp),
            ([0x14, 0x00], .dtls), ([0x3F, 0x00], .dtls), ([0x40, 0x00], .turnChannel), ([0x4F, 0x00], .turnChannel),
            ([0x80, 0x6F], .rtp), ([0x80, 0xE0], .rtp), ([0x80, 0xC8], .rtcp), ([0x81, 0xDF], .rtcp), ([0xBF, 0xC9], .rtcp),
            ([0x04, 0x00], .unknown), ([0x50, 0x00], .unknown), ([0xC0, 0x00], .unknown), ([0x80], .unknown), ([], .unknown),
        ] as [([UInt8], PacketKind)])
    func classification(payload: [UInt8], kind: PacketKind) {
        #expect(PacketKind(payload: payload) == kind)
    }

    @Test("Both directions of an address pair are one flow; its endpoint a is the first sender")
    func flowsByFiveTuple() {
        var demultiplexer = Demultiplexer()
        let datagrams = Traffic.datagrams([
            Traffic.bobToAlice([0x80, 0x60, 0, 1]), Traffic.aliceToBob([0x80, 0x60, 0, 1]),
            (Traffic.alice, Traffic.peer, [0x80, 0x60, 0, 1]),
        ])
        let packets = datagrams.flatMap { demultiplexer.packets(for: $0) }
        #expect(packets.map(\.flow) == [0, 0, 1])
        #expect(packets.map(\.direction) == [.aToB, .bToA, .aToB])
        #expect(demultiplexer.flows.map(\.a) == [Traffic.bob, Traffic.alice])
        #expect(demultiplexer.flows.allSatisfy { $0.relayedThrough == nil })
    }

    @Test("A TURN Send indication's DATA is a packet of the relayed flow from the client to XOR-PEER-ADDRESS (RFC 8656 §11)")
    func sendAndDataIndications() {
        var demultiplexer = Demultiplexer()
        let inner: [UInt8] = [0x80, 0x6F, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]
        let peer = STUNAttributeValue.xorPeerAddress(Traffic.address(Traffic.peer))
        let datagrams = Traffic.datagrams([
            (Traffic.alice, Traffic.turnServer, Traffic.stun(.init(method: .send, messageClass: .indication), 1, [peer, .data(inner)])),
            (Traffic.turnServer, Traffic.alice, Traffic.stun(.init(method: .data, messageClass: .indication), 2, [peer, .data(inner)])),
        ])
        let packets = datagrams.flatMap { demultiplexer.packets(for: $0) }
        #expect(packets.map(\.kind) == [.stun, .rtp, .stun, .rtp])
        #expect(packets.map(\.flow) == [0, 1, 0, 1])
        #expect(packets[1].direction == .aToB && packets[3].direction == .bToA)
        #expect(packets[1].payload == inner && packets[1].encapsulation == .turnIndication)
        #expect(demultiplexer.flows[1] == Flow(id: 1, a: Traffic.alice, b: Traffic.peer, relayedThrough: 0))
    }

    @Test("ChannelData unwraps to the peer of the channel a ChannelBind success bound (RFC 8656 §12); an unbound channel is noted")
    func channelData() {
        var demultiplexer = Demultiplexer()
        let inner: [UInt8] = [0x16, 0xFE, 0xFD]
        let channelData = ChannelData(channelNumber: 0x4001, data: inner).serialize()
        let bind: [STUNAttributeValue] = [.channelNumber(0x4001), .xorPeerAddress(Traffic.address(Traffic.peer))]
        let datagrams = Traffic.datagrams([
            (Traffic.alice, Traffic.turnServer, channelData),
            (Traffic.alice, Traffic.turnServer, Traffic.stun(.init(method: .channelBind, messageClass: .request), 1, bind)),
            (Traffic.turnServer, Traffic.alice, Traffic.stun(.init(method: .channelBind, messageClass: .successResponse), 1)),
            (Traffic.turnServer, Traffic.alice, channelData),
        ])
        let packets = datagrams.flatMap { demultiplexer.packets(for: $0) }
        #expect(packets.map(\.kind) == [.turnChannel, .stun, .stun, .turnChannel, .dtls])
        #expect(packets.last?.encapsulation == .turnChannel(0x4001))
        #expect(packets.last?.direction == .bToA)
        #expect(demultiplexer.flows.last == Flow(id: 1, a: Traffic.alice, b: Traffic.peer, relayedThrough: 0))
        #expect(demultiplexer.unboundChannelFrames == [1])
    }
}
