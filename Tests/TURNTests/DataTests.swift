import Testing
import SansIO
import STUN
import TURN
import Wire

@Suite("TURN client: permissions, channels and relayed data (RFC 8656 §9–12)")
struct DataTests {
    static let peer = TransportAddress(IPAddress.v4(0x7F00_0002), port: 6000)  // 127.0.0.2

    @Test("CreatePermission carries the peer's address in XOR-PEER-ADDRESS")
    func createPermission() throws {
        var harness = Harness()
        harness.allocated()
        harness.input(.createPermission(Self.peer.address))
        let request = try #require(harness.sentRequests(.createPermission).last)
        guard case .xorPeerAddress(let address)? = request.value(of: .xorPeerAddress) else {
            Issue.record("no XOR-PEER-ADDRESS")
            return
        }
        #expect(address.address == Self.peer.address)
        #expect(harness.events == [.permissionCreated(Self.peer.address)])
        #expect(harness.server.permissions == [Self.peer.address])
    }

    @Test("with a permission and no channel, data goes as a Send indication without credentials")
    func sendIndication() throws {
        var harness = Harness()
        harness.allocated()
        harness.input(.createPermission(Self.peer.address))
        harness.input(.send([1, 2, 3], to: Self.peer))
        let last = try STUNMessage.parse(try #require(harness.sent.last).payload)
        #expect(last.type == STUNMessageType(method: .send, messageClass: .indication))
        #expect(last.first(.messageIntegrity) == nil)
        #expect(harness.server.relayedToPeers.map(\.data) == [[1, 2, 3]])
        #expect(harness.server.relayedToPeers.map(\.viaChannel) == [false])
    }

    @Test("with a channel bound, data goes as ChannelData")
    func channelData() throws {
        var harness = Harness()
        harness.allocated()
        harness.input(.bindChannel(Self.peer))
        harness.input(.send([9, 8, 7, 6, 5], to: Self.peer))
        let last = try #require(harness.sent.last).payload
        #expect(last == [0x40, 0x00, 0x00, 0x05, 9, 8, 7, 6, 5])
        #expect(harness.server.relayedToPeers.map(\.viaChannel) == [true])
    }

    @Test("sending to a peer without a permission fails and sends nothing")
    func sendWithoutPermission() {
        var harness = Harness()
        harness.allocated()
        let before = harness.sent.count
        harness.input(.send([1], to: Self.peer))
        #expect(harness.events == [.failed(.noPermission(Self.peer.address))])
        #expect(harness.sent.count == before)
    }

    @Test("a channel does not stand in for a lapsed permission: once its refresh failed, nothing is sent (RFC 8656 §12.4)")
    func channelWithoutPermission() {
        var harness = Harness()
        harness.allocated()
        harness.input(.bindChannel(Self.peer))
        #expect(harness.client.hasPermission(for: Self.peer.address))
        // The permission's refresh at 240 s goes unanswered and fails at 279.5 s; the channel lives on.
        harness.delivering = false
        harness.advance(by: .seconds(290))
        #expect(harness.events.contains(.failed(.timedOut(.createPermission))))
        #expect(!harness.client.hasPermission(for: Self.peer.address))
        harness.clearEvents()
        let before = harness.sent.count
        harness.input(.send([1], to: Self.peer))
        #expect(harness.events == [.failed(.noPermission(Self.peer.address))])
        #expect(harness.sent.count == before)
    }

    @Test("data larger than one message can carry is refused")
    func dataTooLarge() {
        var harness = Harness()
        harness.allocated()
        harness.input(.createPermission(Self.peer.address))
        harness.clearEvents()
        harness.input(.send([UInt8](repeating: 0, count: 70_000), to: Self.peer))
        #expect(harness.events == [.failed(.dataTooLarge(70_000))])
    }

    @Test("channel numbers start at 0x4000 and differ per peer; a second bind of one peer reuses its number")
    func channelNumbers() {
        var harness = Harness()
        harness.allocated()
        let peers = (1...3).map { TransportAddress(.loopbackV4, port: UInt16(7000 + $0)) }
        for peer in peers { harness.input(.bindChannel(peer)) }
        harness.input(.bindChannel(peers[0]))
        #expect(harness.events == [
            .channelBound(0x4000, peer: peers[0]), .channelBound(0x4001, peer: peers[1]),
            .channelBound(0x4002, peer: peers[2]), .channelBound(0x4000, peer: peers[0]),
        ])
        #expect(harness.sentRequests(.channelBind).count == 3)
    }

    @Test("a channel binding also keeps a permission for the peer's address")
    func channelImpliesPermission() {
        var harness = Harness()
        harness.server.lifetime = 3600
        harness.allocated()
        harness.input(.bindChannel(Self.peer))
        #expect(harness.client.hasPermission(for: Self.peer.address))
        harness.advance(by: .seconds(240))
        #expect(harness.sentRequests(.createPermission).count == 1)
    }

    @Test("a failed ChannelBind frees its number and reports the error")
    func channelRejected() {
        var harness = Harness()
        harness.allocated()
        harness.server.rejecting = (.channelBind, STUNErrorCode.badRequest)
        harness.input(.bindChannel(Self.peer))
        #expect(harness.events == [.failed(.rejected(.channelBind, STUNErrorCode(code: 400)))])
        #expect(harness.client.channel(for: Self.peer) == nil)
    }

    @Test("a Data indication from a permitted peer becomes .data")
    func dataIndication() {
        var harness = Harness()
        harness.allocated()
        harness.input(.createPermission(Self.peer.address))
        harness.clearEvents()
        harness.deliver(harness.server.dataIndication(from: Self.peer, [4, 5], to: Harness.clientAddress))
        #expect(harness.events == [.data([4, 5], from: Self.peer)])
    }

    @Test("a Data indication from a peer without permission is dropped and counted")
    func dataIndicationUnknownPeer() {
        var harness = Harness()
        harness.allocated()
        harness.deliver(harness.server.dataIndication(from: Self.peer, [4, 5], to: Harness.clientAddress))
        #expect(harness.events.isEmpty)
        #expect(harness.client.counters.unknownPeer == 1)
    }

    @Test("ChannelData on a bound channel becomes .data from the channel's peer")
    func channelDataReceived() {
        var harness = Harness()
        harness.allocated()
        harness.input(.bindChannel(Self.peer))
        harness.clearEvents()
        harness.deliver(harness.server.channelData(0x4000, [1, 2, 3, 4, 5], to: Harness.clientAddress))
        #expect(harness.events == [.data([1, 2, 3, 4, 5], from: Self.peer)])
    }

    @Test("ChannelData on an unbound channel is dropped and counted")
    func channelDataUnknown() {
        var harness = Harness()
        harness.allocated()
        harness.input(.bindChannel(Self.peer))
        harness.clearEvents()
        harness.deliver(harness.server.channelData(0x4001, [1], to: Harness.clientAddress))
        #expect(harness.events.isEmpty)
        #expect(harness.client.counters.unknownChannel == 1)
    }

    @Test("datagrams from anywhere but the server are dropped and counted")
    func foreignSource() {
        var harness = Harness()
        harness.allocated()
        harness.input(.createPermission(Self.peer.address))
        harness.clearEvents()
        var datagram = harness.server.dataIndication(from: Self.peer, [1], to: Harness.clientAddress)
        datagram.source = Self.peer
        harness.deliver(datagram)
        #expect(harness.events.isEmpty)
        #expect(harness.client.counters.foreignSource == 1)
    }
}
