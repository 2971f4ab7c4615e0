import SCTP
import SansIO
import Testing
import Wire

@Suite("SCTP association: DATA, SACK, retransmission, partial reliability (RFC 9260 §6–7, RFC 3758)")
struct AssociationDataTests {
    static func message(_ index: Int, stream: UInt16 = 1, ordered: Bool = true, reliability: SCTPReliability = .reliable) -> SCTPMessage {
        SCTPMessage(
            stream: stream, payloadProtocol: .binary, bytes: Array("message \(index)".utf8), ordered: ordered,
            reliability: reliability)
    }

    @Test("1000 ordered messages arrive in order exactly once under 10 % loss")
    func orderedUnderLoss() {
        var loop = AssociationLoop()
        let done1 = loop.establish()
        #expect(done1)
        loop.loss = 0.1
        for index in 0..<1000 { loop.input(0, .send(Self.message(index))) }
        #expect(loop.run(for: .seconds(600)) { $0.messages(1).count >= 1000 && $0.sides[0].sendBufferedBytes == 0 })
        #expect(loop.messages(1).map(\.bytes) == (0..<1000).map { Array("message \($0)".utf8) })
        #expect(loop.sides[0].statistics.retransmittedChunks > 0)
        #expect(loop.has(0, .bufferedAmount(stream: 1, bytes: 0)))
    }

    @Test("unordered messages are all delivered, in arrival order rather than send order, under reordering")
    func unordered() {
        var loop = AssociationLoop()
        let done2 = loop.establish()
        #expect(done2)
        loop.jitter = .milliseconds(30)
        for index in 0..<200 { loop.input(0, .send(Self.message(index, ordered: false))) }
        #expect(loop.run(for: .seconds(60)) { $0.messages(1).count >= 200 })
        let received = loop.messages(1)
        #expect(Set(received.map(\.bytes)) == Set((0..<200).map { Array("message \($0)".utf8) }))
        #expect(received.count == 200)
        #expect(received.allSatisfy { !$0.ordered })
    }

    @Test("a 200 KB message is fragmented to the packet size and reassembled")
    func largeMessage() {
        var loop = AssociationLoop()
        let done3 = loop.establish()
        #expect(done3)
        loop.loss = 0.05
        var random = SeededGenerator(seed: 5)
        let payload = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        loop.input(0, .send(SCTPMessage(stream: 3, payloadProtocol: .binary, bytes: payload)))
        #expect(loop.run(for: .seconds(120)) { !$0.messages(1).isEmpty })
        #expect(loop.messages(1).first?.bytes == payload)
        #expect(loop.sent[0].allSatisfy { $0.count <= 1160 })
    }

    @Test("a message above max-message-size fails with a typed error, on the input and on send(_:at:)")
    func tooLarge() {
        var loop = AssociationLoop { configuration, _ in configuration.peerMaxMessageSize = 65536 }
        let done4 = loop.establish()
        #expect(done4)
        loop.input(0, .send(SCTPMessage(stream: 0, payloadProtocol: .binary, bytes: [UInt8](repeating: 1, count: 65537))))
        #expect(loop.has(0, .failed(.messageTooLarge(size: 65537, limit: 65536))))
        #expect(throws: SCTPAssociationError.messageTooLarge(size: 300_000, limit: 65536)) {
            try loop.send(0, SCTPMessage(stream: 0, payloadProtocol: .binary, bytes: [UInt8](repeating: 1, count: 300_000)))
        }
        #expect(throws: SCTPAssociationError.invalidStream(5000)) {
            try loop.send(0, SCTPMessage(stream: 5000, payloadProtocol: .binary, bytes: [1]))
        }
    }

    @Test("maxRetransmits(0) messages lost on the link are abandoned by FORWARD TSN and never block later ones")
    func partialReliability() {
        var loop = AssociationLoop()
        let done5 = loop.establish()
        #expect(done5)
        loop.loss = 0.2
        for index in 0..<200 { loop.input(0, .send(Self.message(index, reliability: .maxRetransmits(0)))) }
        loop.input(0, .send(Self.message(1000, stream: 2)))
        #expect(loop.run(for: .seconds(900)) { $0.sides[0].sendBufferedBytes == 0 && $0.messages(1).contains { $0.stream == 2 } })
        let received = loop.messages(1).filter { $0.stream == 1 }
        #expect(received.count < 200)
        #expect(received.count > 100)
        // Whatever arrived arrived in order and once.
        let indices = received.compactMap { Int(String(decoding: $0.bytes.dropFirst(8), as: UTF8.self)) }
        #expect(indices == indices.sorted())
        #expect(Set(indices).count == indices.count)
        #expect(loop.sides[0].statistics.abandonedMessages > 0)
        // Ordered delivery on stream 1 continues after the abandoned ones.
        loop.loss = 0
        loop.input(0, .send(Self.message(5000)))
        #expect(loop.run(for: .seconds(10)) { $0.messages(1).last?.bytes == Array("message 5000".utf8) })
    }

    @Test("a lifetime-limited message that cannot get through is abandoned after its lifetime")
    func lifetime() {
        var loop = AssociationLoop()
        let done6 = loop.establish()
        #expect(done6)
        loop.loss = 1
        loop.input(0, .send(Self.message(1, reliability: .lifetime(.milliseconds(500)))))
        loop.run(for: .seconds(3))
        loop.loss = 0
        loop.input(0, .send(Self.message(2)))
        #expect(loop.run(for: .seconds(30)) { !$0.messages(1).isEmpty && $0.sides[0].sendBufferedBytes == 0 })
        #expect(loop.messages(1).map(\.bytes) == [Array("message 2".utf8)])
    }

    @Test("a loss is repaired by fast retransmit after three miss indications, and cwnd halves (§7.2.4)")
    func fastRetransmit() throws {
        var loop = AssociationLoop()
        let done7 = loop.establish()
        #expect(done7)
        var droppedOne = false
        loop.drop = { sent in
            guard sent.side == 0, !droppedOne, let packet = try? SCTPPacket.parse(sent.payload),
                packet.chunks.contains(where: { if case .data = $0 { true } else { false } })
            else { return false }
            droppedOne = true
            return true
        }
        for index in 0..<20 { loop.input(0, .send(SCTPMessage(stream: 0, payloadProtocol: .binary, bytes: [UInt8](repeating: UInt8(index), count: 1000)))) }
        #expect(loop.run(for: .seconds(30)) { $0.messages(1).count == 20 })
        #expect(loop.sides[0].statistics.fastRetransmits >= 1)
        #expect(loop.sides[0].statistics.timeouts == 0)
    }

    @Test("the initial cwnd is min(4·MTU, max(2·MTU, 4380)) and the RTO starts at 1 s (RFC 9260 §7.2.1, §16)")
    func initialNumbers() {
        let association = SCTPAssociation(generator: SeededGenerator(seed: 1))
        #expect(association.congestionWindow == 4380)
        #expect(association.retransmissionTimeout == .seconds(1))
    }

    @Test("a measured RTT lowers the RTO to its 200 ms floor (RFC 6298 §2)")
    func rtoMeasured() {
        var loop = AssociationLoop()
        let done8 = loop.establish()
        #expect(done8)
        for index in 0..<10 { loop.input(0, .send(Self.message(index))) }
        loop.run(for: .seconds(2))
        #expect(loop.sides[0].retransmissionTimeout == .milliseconds(200))
    }

    @Test("SACKs are delayed up to 200 ms for a single packet")
    func delayedSack() throws {
        var loop = AssociationLoop()
        let done9 = loop.establish()
        #expect(done9)
        loop.run(for: .seconds(1))
        let before = loop.sent[1].count
        let start = loop.now
        loop.input(0, .send(Self.message(1)))
        loop.run(for: .seconds(1)) { $0.sent[1].count > before }
        #expect(loop.now - start >= .milliseconds(200))
    }
}
