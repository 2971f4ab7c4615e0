import SCTP
import SansIO
import Testing
import Wire

@Suite("SCTP association: stream reset, heartbeat, SHUTDOWN, ABORT (RFC 6525, RFC 9260 §8.3, §9)")
struct AssociationLifecycleTests {
    @Test("resetting our outgoing streams is confirmed to us and reported to the peer as incoming")
    func resetFromEitherSide() {
        var loop = AssociationLoop()
        let done1 = loop.establish()
        #expect(done1)
        loop.input(0, .send(SCTPMessage(stream: 4, payloadProtocol: .binary, bytes: [1])))
        loop.input(0, .resetStreams([4]))
        #expect(loop.run(for: .seconds(5)) { $0.has(0, .streamsReset(.outgoing, [4])) && $0.has(1, .streamsReset(.incoming, [4])) })
        #expect(loop.messages(1).map(\.bytes) == [[1]])
        loop.input(1, .resetStreams([4, 6]))
        #expect(loop.run(for: .seconds(5)) { $0.has(1, .streamsReset(.outgoing, [4, 6])) && $0.has(0, .streamsReset(.incoming, [4, 6])) })
    }

    @Test("a reset request that overtakes lost data waits for it (In progress, RFC 6525 §5.2.2), then the message comes first")
    func deferredReset() {
        var loop = AssociationLoop()
        let established = loop.establish()
        #expect(established)
        var droppedData = false
        loop.drop = { sent in
            guard sent.side == 0, !droppedData, let packet = try? SCTPPacket.parse(sent.payload),
                packet.chunks.contains(where: { if case .data = $0 { true } else { false } })
            else { return false }
            droppedData = true
            return true
        }
        loop.input(0, .send(SCTPMessage(stream: 5, payloadProtocol: .binary, bytes: [7])))
        loop.input(0, .resetStreams([5]))
        let done = loop.run(for: .seconds(10)) { $0.has(0, .streamsReset(.outgoing, [5])) && $0.has(1, .streamsReset(.incoming, [5])) }
        #expect(done)
        let order = loop.events[1].compactMap { event -> String? in
            switch event {
            case .message: "message"
            case .streamsReset: "reset"
            default: nil
            }
        }
        #expect(order == ["message", "reset"])
    }

    @Test("after a reset the stream starts again at SSN 0 and ordered delivery continues")
    func reuseAfterReset() {
        var loop = AssociationLoop()
        let done2 = loop.establish()
        #expect(done2)
        for byte in 0..<3 { loop.input(0, .send(SCTPMessage(stream: 2, payloadProtocol: .binary, bytes: [UInt8(byte)]))) }
        loop.input(0, .resetStreams([2]))
        #expect(loop.run(for: .seconds(5)) { $0.has(0, .streamsReset(.outgoing, [2])) })
        loop.input(0, .send(SCTPMessage(stream: 2, payloadProtocol: .binary, bytes: [9])))
        #expect(loop.run(for: .seconds(5)) { $0.messages(1).count == 4 })
        #expect(loop.messages(1).map(\.bytes) == [[0], [1], [2], [9]])
    }

    @Test("sending on a stream being reset fails with streamResetting")
    func sendWhileResetting() {
        var loop = AssociationLoop()
        let done3 = loop.establish()
        #expect(done3)
        loop.input(0, .resetStreams([3]))
        #expect(throws: SCTPAssociationError.streamResetting(3)) {
            try loop.send(0, SCTPMessage(stream: 3, payloadProtocol: .binary, bytes: [1]))
        }
    }

    @Test("SHUTDOWN delivers queued data first and both sides see closed")
    func shutdown() {
        var loop = AssociationLoop()
        let done4 = loop.establish()
        #expect(done4)
        loop.loss = 0.1
        for index in 0..<50 { loop.input(0, .send(SCTPMessage(stream: 0, payloadProtocol: .binary, bytes: [UInt8(index)]))) }
        loop.input(0, .shutdown)
        #expect(loop.run(for: .seconds(120)) { $0.has(0, .closed) && $0.has(1, .closed) })
        #expect(loop.messages(1).count == 50)
        #expect(loop.sides[0].nextDeadline == nil)
        #expect(loop.sides[1].nextDeadline == nil)
        loop.input(0, .send(SCTPMessage(stream: 0, payloadProtocol: .binary, bytes: [1])))
        #expect(loop.events[0].last == .closed)
    }

    @Test("a SHUTDOWN carries the cumulative TSN at sending, even when DATA bundled after the SACK that allowed it moved it on (RFC 9260 §9.2)")
    func shutdownCarriesCumulativeTSNAtSending() throws {
        // Found by the sctp-association fuzz target (Corpus/sctp-association/regressions): the SHUTDOWN
        // was built while the peer's SACK was handled, before its bundled DATA, so the packet carried a
        // SACK acking TSN 1000 and then a SHUTDOWN acking 999: an ack that went back.
        var forger = try AssociationHostileTests.Forger()
        forger.server.handle(.send(SCTPMessage(stream: 0, payloadProtocol: .binary, bytes: [1, 2, 3])), at: forger.now)
        var sentTSN: UInt32?
        while let output = forger.server.poll() {
            if case .transmit(let bytes) = output, let packet = try? SCTPPacket.parse(bytes) {
                for case .data(let data) in packet.chunks { sentTSN = data.tsn }
            }
        }
        let tsn = try #require(sentTSN)
        forger.server.handle(.shutdown, at: forger.now)
        #expect(forger.server.state == .shutdownPending)

        let replies = forger.send([
            .selectiveAck(SelectiveAckChunk(cumulativeTSNAck: tsn, advertisedReceiverWindowCredit: 65536, gapAckBlocks: [], duplicateTSNs: [])),
            forger.data(tsn: 1000, flags: .complete, size: 4),
        ])
        let chunks = try replies.flatMap { try SCTPPacket.parse($0).chunks }
        let shutdowns = chunks.compactMap { if case .shutdown(let shutdown) = $0 { shutdown.cumulativeTSNAck } else { nil } }
        #expect(shutdowns == [1000])
        #expect(forger.server.state == .shutdownSent)
    }

    @Test("a lost SHUTDOWN COMPLETE: the closed side answers the retransmitted SHUTDOWN ACK and both close (RFC 9260 §8.4)")
    func lostShutdownComplete() {
        var loop = AssociationLoop()
        let established = loop.establish()
        #expect(established)
        var dropped = 0
        loop.drop = { sent in
            guard sent.side == 0, dropped == 0, let packet = try? SCTPPacket.parse(sent.payload),
                packet.chunks.contains(where: { if case .shutdownComplete = $0 { true } else { false } })
            else { return false }
            dropped += 1
            return true
        }
        loop.input(0, .shutdown)
        #expect(loop.run(for: .seconds(30)) { $0.has(0, .closed) && $0.has(1, .closed) })
        #expect(dropped == 1)
        #expect(loop.sides[0].nextDeadline == nil && loop.sides[1].nextDeadline == nil)
    }

    /// Every packet `association` sends after receiving a SHUTDOWN ACK tagged `tag`.
    static func answers(of association: inout SCTPAssociation, toShutdownAckTagged tag: UInt32) throws -> [SCTPPacket] {
        let shutdownAck = SCTPPacket(sourcePort: 5000, destinationPort: 5000, verificationTag: tag, chunks: [.shutdownAck(EmptyChunk())])
        association.handle(.received(shutdownAck.serialize()), at: Instant.zero + .seconds(1))
        var packets: [SCTPPacket] = []
        while let output = association.poll() {
            if case .transmit(let bytes) = output { packets.append(try SCTPPacket.parse(bytes)) }
        }
        return packets
    }

    static let outOfTheBlueAnswer = [SCTPChunk.shutdownComplete(ShutdownCompleteChunk(reflectedTag: true))]

    @Test("a closed association answers an out-of-the-blue SHUTDOWN ACK with SHUTDOWN COMPLETE, T bit set, its tag (RFC 9260 §8.4 item 5)")
    func outOfTheBlueShutdownAck() throws {
        // Ended (here by an ABORT during the handshake): the association keeps no state but answers.
        var ended = SCTPAssociation(generator: SeededGenerator(seed: 1))
        ended.handle(.connect, at: .zero)
        ended.handle(.abort, at: .zero)
        while ended.poll() != nil {}
        #expect(ended.isTerminated)
        let answers = try Self.answers(of: &ended, toShutdownAckTagged: 0xA1B2_C3D4)
        #expect(answers.map(\.verificationTag) == [0xA1B2_C3D4])
        #expect(answers.map(\.chunks) == [Self.outOfTheBlueAnswer])
        #expect(ended.isTerminated && ended.state == .closed && ended.nextDeadline == nil)
        // Never opened: the same.
        var fresh = SCTPAssociation(generator: SeededGenerator(seed: 2))
        let freshAnswers = try Self.answers(of: &fresh, toShutdownAckTagged: 0x0BAD_F00D)
        #expect(freshAnswers.map(\.verificationTag) == [0x0BAD_F00D])
        #expect(freshAnswers.map(\.chunks) == [Self.outOfTheBlueAnswer])
        #expect(fresh.state == .closed && !fresh.isTerminated)
    }

    @Test("in COOKIE-WAIT a SHUTDOWN ACK is out of the blue: SHUTDOWN COMPLETE with its tag, and T1-init keeps running (RFC 9260 §9.2)")
    func shutdownAckInCookieWait() throws {
        var opening = SCTPAssociation(generator: SeededGenerator(seed: 3))
        opening.handle(.connect, at: .zero)
        while opening.poll() != nil {}
        let deadline = opening.nextDeadline
        let answers = try Self.answers(of: &opening, toShutdownAckTagged: 0x1234_5678)
        #expect(answers.map(\.verificationTag) == [0x1234_5678])
        #expect(answers.map(\.chunks) == [Self.outOfTheBlueAnswer])
        #expect(opening.state == .cookieWait)
        #expect(opening.nextDeadline == deadline && deadline != nil)
    }

    @Test("ABORT is seen by both: requested here, with the peer's causes there")
    func abort() {
        var loop = AssociationLoop()
        let done5 = loop.establish()
        #expect(done5)
        loop.input(1, .abort)
        #expect(loop.run(for: .seconds(5)) { $0.events[0].contains { if case .aborted(.peer) = $0 { true } else { false } } })
        #expect(loop.has(1, .aborted(.requested)))
        #expect(loop.sides[0].isTerminated && loop.sides[1].isTerminated)
    }

    @Test("an idle association exchanges heartbeats and stays up; a dead peer is detected")
    func heartbeats() {
        var loop = AssociationLoop()
        let done6 = loop.establish()
        #expect(done6)
        let before = loop.sent[0].count
        loop.run(for: .seconds(100))
        #expect(loop.sent[0].count > before)
        #expect(loop.sides[0].state == .established)
        loop.loss = 1
        loop.run(for: .seconds(3600))
        #expect(loop.has(0, .aborted(.retransmissionLimitReached)))
    }

    @Test("data to a vanished peer fails the association after Association.Max.Retrans timeouts")
    func retransmissionLimit() {
        var loop = AssociationLoop()
        let done7 = loop.establish()
        #expect(done7)
        loop.loss = 1
        loop.input(0, .send(SCTPMessage(stream: 0, payloadProtocol: .binary, bytes: [1])))
        loop.run(for: .seconds(3600))
        #expect(loop.has(0, .aborted(.retransmissionLimitReached)))
    }
}
