import SCTP
import SansIO
import Testing
import Wire

@Suite("SCTP association: hostile peers stay within bounded memory")
struct AssociationHostileTests {
    /// An established server and the peer's parameters, made by a hand-driven handshake, so the test can
    /// then speak as the peer with any packet.
    struct Forger {
        var server: SCTPAssociation
        var peerTag: UInt32 = 0x5EED
        var serverTag: UInt32 = 0
        var nextTSN: UInt32 = 1000
        var now = Instant.zero

        init(configure: (inout SCTPAssociationConfiguration) -> Void = { _ in }) throws {
            var configuration = SCTPAssociationConfiguration()
            configure(&configuration)
            server = SCTPAssociation(configuration: configuration, generator: SeededGenerator(seed: 7))
            let initChunk = InitChunk(
                initiateTag: peerTag, advertisedReceiverWindowCredit: UInt32.max, outboundStreams: 1024, inboundStreams: 1024,
                initialTSN: nextTSN, parameters: [.forwardTSNSupported, .supportedExtensions([130, 192])])
            let replies = send([.initiation(initChunk)], tag: 0)
            guard case .initiationAck(let ack)? = try replies.first.map({ try SCTPPacket.parse($0) })?.chunks.first else {
                throw ForgerError.noInitAck
            }
            serverTag = ack.initiateTag
            var cookie: [UInt8] = []
            for case .stateCookie(let bytes) in ack.parameters.elements { cookie = bytes }
            _ = send([.cookieEcho(CookieEchoChunk(cookie: cookie))], tag: serverTag)
            guard server.state == .established else { throw ForgerError.notEstablished }
        }

        enum ForgerError: Error { case noInitAck, notEstablished }

        @discardableResult
        mutating func send(_ chunks: [SCTPChunk], tag: UInt32? = nil) -> [[UInt8]] {
            let packet = SCTPPacket(sourcePort: 5000, destinationPort: 5000, verificationTag: tag ?? serverTag, chunks: chunks)
            server.handle(.received(packet.serialize()), at: now)
            var out: [[UInt8]] = []
            while let output = server.poll() { if case .transmit(let bytes) = output { out.append(bytes) } }
            return out
        }

        func data(tsn: UInt32, stream: UInt16 = 0, ssn: UInt16 = 0, flags: DataChunkFlags, size: Int) -> SCTPChunk {
            .data(DataChunk(
                flags: flags, tsn: tsn, streamIdentifier: stream, streamSequenceNumber: ssn, payloadProtocol: .binary,
                userData: ArraySlice(repeating: 0xAB, count: size)))
        }
    }

    @Test("a flood of first fragments that never end stays within the receive buffer and the window shrinks")
    func reassemblyFlood() throws {
        var forger = try Forger()
        var tsn: UInt32 = 1000
        for index in 0..<3000 {
            // Beginning fragments on many streams, with every other TSN skipped so nothing completes.
            forger.send([forger.data(tsn: tsn, stream: UInt16(index % 1000), ssn: 0, flags: .beginning, size: 1100)])
            tsn &+= 2
            #expect(forger.server.receiveBufferedBytes <= 1024 * 1024)
        }
        #expect(forger.server.statistics.droppedDataChunks > 0)
        #expect(!forger.server.isTerminated)
    }

    @Test("complete ordered messages waiting behind a missing SSN are bounded in number; the missing one still gets in")
    func orderedFlood() throws {
        var forger = try Forger()
        // TSN 1000 (stream 0, SSN 0) is missing; everything after it completes but must wait.
        for index in 0..<12000 {
            let tsn = 1001 &+ UInt32(index)
            forger.send([forger.data(tsn: tsn, stream: UInt16(index % 7), ssn: UInt16(1 + index / 7), flags: .complete, size: 1)])
        }
        #expect(forger.server.statistics.droppedDataChunks > 0)
        let before = forger.server.receiveBufferedBytes
        #expect(before <= 4096)
        forger.send([forger.data(tsn: 1000, stream: 0, ssn: 0, flags: .complete, size: 1)])
        #expect(forger.server.receiveBufferedBytes < before - 500)
    }

    @Test("a message growing past max-message-size aborts the association")
    func oversizedMessage() throws {
        var forger = try Forger()
        var tsn: UInt32 = 1000
        forger.send([forger.data(tsn: tsn, flags: .beginning, size: 1100)])
        for _ in 0..<300 where !forger.server.isTerminated {
            tsn &+= 1
            forger.send([forger.data(tsn: tsn, flags: [], size: 1100)])
        }
        #expect(forger.server.isTerminated)
        #expect(forger.server.receiveBufferedBytes <= 256 * 1024 + 1100)
    }

    @Test("tiny chunks far ahead are bounded by the chunk count, not only by bytes")
    func tinyChunkFlood() throws {
        var forger = try Forger()
        for offset in stride(from: UInt32(2), to: 20000, by: 2) {
            forger.send([forger.data(tsn: 1000 &+ offset, flags: .beginning, size: 1)])
        }
        #expect(forger.server.statistics.droppedDataChunks > 0)
        #expect(forger.server.receiveBufferedBytes <= 4096)
    }

    @Test("a huge advertised window does not make us send beyond cwnd")
    func hugeWindow() throws {
        var forger = try Forger()
        for _ in 0..<100 {
            try forger.server.send(SCTPMessage(stream: 0, payloadProtocol: .binary, bytes: [UInt8](repeating: 1, count: 1000)), at: forger.now)
        }
        forger.server.handleTimeout(at: forger.now)
        var sentBytes = 0
        while let output = forger.server.poll() { if case .transmit(let bytes) = output { sentBytes += bytes.count } }
        // Nothing acknowledged yet: at most cwnd (4380) plus one packet in flight.
        #expect(sentBytes <= 4380 + 1160)
        #expect(forger.server.congestionWindow == 4380)
    }

    @Test("the send buffer is bounded: beyond it send fails with sendBufferFull")
    func sendBufferBound() throws {
        var forger = try Forger { $0.sendBufferSize = 10_000 }
        for _ in 0..<10 {
            try forger.server.send(SCTPMessage(stream: 0, payloadProtocol: .binary, bytes: [UInt8](repeating: 1, count: 1000)), at: forger.now)
        }
        #expect(throws: SCTPAssociationError.sendBufferFull(queued: 10_000, limit: 10_000)) {
            try forger.server.send(SCTPMessage(stream: 0, payloadProtocol: .binary, bytes: [1]), at: forger.now)
        }
    }

    @Test("a SACK acknowledging TSNs never sent is ignored")
    func bogusSack() throws {
        var forger = try Forger()
        try forger.server.send(SCTPMessage(stream: 0, payloadProtocol: .binary, bytes: [1]), at: forger.now)
        forger.server.handleTimeout(at: forger.now)
        while forger.server.poll() != nil {}
        forger.send([.selectiveAck(SelectiveAckChunk(cumulativeTSNAck: 0xFFFF_0000, advertisedReceiverWindowCredit: 0, gapAckBlocks: [GapAckBlock(start: 1, end: 65535)]))])
        #expect(forger.server.sendBufferedBytes == 1)
    }

    @Test("random and mutated packets never trap and leave memory bounded", arguments: [1, 2, 3, 4] as [UInt64])
    func fuzz(seed: UInt64) throws {
        var forger = try Forger()
        var random = SeededGenerator(seed: seed)
        for _ in 0..<1500 {
            var packet = SCTPPacket.random(using: &random)
            if Bool.random(using: &random) { packet.verificationTag = forger.serverTag }
            packet.sourcePort = 5000
            packet.destinationPort = 5000
            _ = SCTPCodec.mutate(&packet, using: &random)
            forger.now += .milliseconds(Int64.random(in: 0...300, using: &random))
            forger.server.handle(.received(packet.serialize()), at: forger.now)
            if let deadline = forger.server.nextDeadline, deadline <= forger.now { forger.server.handleTimeout(at: forger.now) }
            while forger.server.poll() != nil {}
            #expect(forger.server.receiveBufferedBytes <= 1024 * 1024)
        }
    }
}

@Suite("SCTP association: what the receiver acknowledges (RFC 9260 §6.2, §3.3.4)")
struct AssociationAcknowledgementTests {
    func sacks(_ packets: [[UInt8]]) -> [SelectiveAckChunk] {
        packets.flatMap { (try? SCTPPacket.parse($0).chunks) ?? [] }.compactMap { if case .selectiveAck(let sack) = $0 { sack } else { nil } }
    }

    @Test("a gap is acknowledged at once with its Gap Ack Block, and a duplicate TSN is reported")
    func gapAndDuplicate() throws {
        var forger = try AssociationHostileTests.Forger()
        _ = forger.send([forger.data(tsn: 1000, flags: .complete, size: 10)])
        let gapped = sacks(forger.send([forger.data(tsn: 1002, ssn: 2, flags: .complete, size: 10), forger.data(tsn: 1003, ssn: 3, flags: .complete, size: 10)]))
        #expect(gapped.last?.cumulativeTSNAck == 1000)
        #expect(gapped.last?.gapAckBlocks == [GapAckBlock(start: 2, end: 3)])
        let duplicate = sacks(forger.send([forger.data(tsn: 1002, ssn: 2, flags: .complete, size: 10)]))
        #expect(duplicate.last?.duplicateTSNs == [1002])
        let filled = sacks(forger.send([forger.data(tsn: 1001, ssn: 1, flags: .complete, size: 10)]))
        #expect(filled.last?.cumulativeTSNAck == 1003)
        #expect(filled.last?.gapAckBlocks == [])
    }

    @Test("the advertised window shrinks by what is held and recovers when it is delivered")
    func window() throws {
        var forger = try AssociationHostileTests.Forger()
        let held = sacks(forger.send([forger.data(tsn: 1001, ssn: 1, flags: .complete, size: 1000)]))
        #expect(held.last?.advertisedReceiverWindowCredit == UInt32(1024 * 1024 - 1000))
        let delivered = sacks(forger.send([forger.data(tsn: 1000, flags: .complete, size: 10)]))
        #expect(delivered.last?.advertisedReceiverWindowCredit == UInt32(1024 * 1024))
    }

    @Test("an unknown chunk whose type asks for a report gets an ERROR (Unrecognized Chunk Type)")
    func unknownChunk() throws {
        var forger = try AssociationHostileTests.Forger()
        let replies = forger.send([.unknown(UnknownChunk(type: 0x7F, value: [1, 2, 3, 4]))])
        let chunks = replies.flatMap { (try? SCTPPacket.parse($0).chunks) ?? [] }
        #expect(chunks.contains { if case .error(let error) = $0, case .unrecognizedChunkType = error.causes.elements.first { true } else { false } })
    }

    @Test("random packets sent to an association that is not yet established never trap", arguments: [5, 6] as [UInt64])
    func fuzzBeforeEstablishment(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        var association = SCTPAssociation(generator: SeededGenerator(seed: seed))
        association.handle(.connect, at: .zero)
        var now = Instant.zero
        for _ in 0..<1000 {
            var packet = SCTPPacket.random(using: &random)
            packet.sourcePort = 5000
            packet.destinationPort = 5000
            _ = SCTPCodec.mutate(&packet, using: &random)
            now += .milliseconds(50)
            association.handle(.received(packet.serialize()), at: now)
            association.handleTimeout(at: now)
            while association.poll() != nil {}
        }
        #expect(association.receiveBufferedBytes == 0)
    }
}
