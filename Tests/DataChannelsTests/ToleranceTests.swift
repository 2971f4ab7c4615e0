import DataChannels
import SCTP
import Testing
import Wire

/// DESIGN §1.7 on a live machine: what real peers send out of spec is accepted when it is unambiguous and
/// safe, and counted under the rule it breaks (`Tolerance.all`).
@Suite("Data channels: tolerated deviations are accepted and counted")
struct ToleranceTests {
    /// Pion v3's DATA_CHANNEL_ACK (RFC 8832 §5.2 defines the single byte 0x02).
    static let pionAck: [UInt8] = [0x02, 0x00, 0x00, 0x00]

    @Test("a channel we open reaches open when the peer answers with Pion's 4-byte ACK, and the machine counts 1 tolerated DCEP.ack-length")
    func pionAckOpensOurChannel() throws {
        var loop = RawLoop()
        let started = loop.startRaw()
        #expect(started)
        let handle = try loop.createOnA("to-pion", .init())
        loop.settle()
        let stream = try #require(loop.a.channel(handle)?.stream)
        // The peer got our OPEN and has not answered: the channel waits for the ACK (RFC 8832 §6).
        #expect(loop.eventsB.contains { if case .message(let message) = $0 { message.payloadProtocol == .dcep } else { false } })
        #expect(loop.a.channel(handle)?.state == .connecting)
        loop.peerSends(stream: stream, .dcep, Self.pionAck)
        loop.settle()
        #expect(loop.a.channel(handle)?.state == .open)
        #expect(loop.eventsA.contains(.open(handle)))
        #expect(loop.a.statistics.tolerated == ["DCEP.ack-length": 1])
        #expect(loop.a.statistics.dcepErrors == 0)
        // And the channel works: our message reaches the peer.
        try loop.performOnA { machine, now throws(DataChannelError) in try machine.send(.text("hello pion"), on: handle, at: now) }
        loop.settle()
        #expect(loop.eventsB.contains { if case .message(let message) = $0 { message.bytes == Array("hello pion".utf8) } else { false } })
    }

    @Test("the same 4-byte ACK on a stream where nobody waits for one is read, counted as tolerated, and still a DCEP error")
    func pionAckNobodyWaitedFor() {
        var loop = RawLoop()
        let started = loop.startRaw()
        #expect(started)
        loop.peerSends(stream: 5, .dcep, Self.pionAck)
        loop.settle()
        #expect(loop.a.statistics.tolerated == ["DCEP.ack-length": 1])
        #expect(loop.a.statistics.dcepErrors == 1)
        #expect(loop.a.channels.isEmpty)
    }
}
