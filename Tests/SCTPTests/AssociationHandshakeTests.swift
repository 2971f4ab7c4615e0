import SCTP
import SansIO
import Testing
import Wire

@Suite("SCTP association: handshake and verification tags (RFC 9260 §5, §8.5)")
struct AssociationHandshakeTests {
    @Test("a four-way handshake from one side establishes both, with the negotiated stream counts")
    func oneSidedConnect() {
        var loop = AssociationLoop { configuration, side in
            configuration.outboundStreams = side == 0 ? 100 : 300
            configuration.inboundStreams = side == 0 ? 200 : 50
        }
        let done1 = loop.establish()
        #expect(done1)
        #expect(loop.has(0, .established(SCTPEstablishment(outboundStreams: 50, inboundStreams: 200, peerMaxMessageSize: nil))))
        #expect(loop.has(1, .established(SCTPEstablishment(outboundStreams: 200, inboundStreams: 50, peerMaxMessageSize: nil))))
        #expect(loop.sides[0].state == .established)
        #expect(loop.sides[1].state == .established)
    }

    @Test("the other side may connect instead")
    func otherSideConnects() {
        var loop = AssociationLoop()
        loop.input(1, .connect)
        #expect(loop.run { $0.isEstablished(0) && $0.isEstablished(1) })
    }

    @Test("both sides connecting at once (INIT collision, §5.2.4) establish one association, each exactly once")
    func simultaneousConnect() {
        var loop = AssociationLoop()
        let done2 = loop.establish(simultaneous: true)
        #expect(done2)
        loop.run(for: .seconds(2))
        for side in 0..<2 {
            #expect(loop.events[side].filter { if case .established = $0 { true } else { false } }.count == 1)
        }
        loop.input(0, .send(SCTPMessage(stream: 1, payloadProtocol: .binary, bytes: [1, 2, 3])))
        loop.input(1, .send(SCTPMessage(stream: 1, payloadProtocol: .binary, bytes: [4])))
        loop.run(for: .seconds(2))
        #expect(loop.messages(1).map(\.bytes) == [[1, 2, 3]])
        #expect(loop.messages(0).map(\.bytes) == [[4]])
    }

    @Test("a lost INIT and a lost COOKIE ECHO are retransmitted on T1")
    func handshakeUnderLoss() {
        var loop = AssociationLoop()
        var dropped = 0
        loop.drop = { sent in
            guard sent.side == 0, dropped < 2 else { return false }
            dropped += 1
            return true
        }
        let done3 = loop.establish()
        #expect(done3)
        #expect(loop.sent[0].count >= 4)
    }

    @Test("an INIT that is never answered ends in handshakeTimedOut after Max.Init.Retransmits")
    func handshakeTimeout() {
        var loop = AssociationLoop()
        loop.loss = 1
        loop.input(0, .connect)
        loop.run(for: .seconds(600))
        #expect(loop.has(0, .aborted(.handshakeTimedOut)))
        #expect(loop.sent[0].count == 9)
    }

    /// Runs the handshake by hand up to the COOKIE ECHO, returning it and the server.
    func cookieEcho() -> (client: [UInt8], server: SCTPAssociation) {
        var client = SCTPAssociation(generator: SeededGenerator(seed: 1))
        var server = SCTPAssociation(generator: SeededGenerator(seed: 2))
        client.handle(.connect, at: .zero)
        guard case .transmit(let initPacket) = client.poll() else { return ([], server) }
        server.handle(.received(initPacket), at: .zero)
        guard case .transmit(let initAck) = server.poll() else { return ([], server) }
        client.handle(.received(initAck), at: .zero)
        guard case .transmit(let echo) = client.poll() else { return ([], server) }
        return (echo, server)
    }

    @Test("a COOKIE ECHO whose cookie was altered fails the HMAC and is dropped")
    func forgedCookie() throws {
        let (echo, original) = cookieEcho()
        var packet = try SCTPPacket.parse(echo)
        guard case .cookieEcho(var chunk) = packet.chunks.first else {
            Issue.record("no COOKIE ECHO")
            return
        }
        chunk.cookie[5] ^= 0x01
        packet.chunks = [.cookieEcho(chunk)]
        var server = original
        server.handle(.received(packet.serialize()), at: .zero)
        #expect(server.poll() == nil)
        #expect(server.statistics.forgedCookies == 1)
        #expect(server.state == .closed)
    }

    @Test("a COOKIE ECHO older than the cookie lifetime is refused with a Stale Cookie error")
    func staleCookie() throws {
        var (echo, server) = cookieEcho()
        server.handle(.received(echo), at: .zero + .seconds(61))
        #expect(server.statistics.staleCookies == 1)
        #expect(server.state == .closed)
        guard case .transmit(let reply) = server.poll() else {
            Issue.record("no ERROR sent")
            return
        }
        let packet = try SCTPPacket.parse(reply)
        guard case .error(let error) = packet.chunks.first, case .staleCookie = error.causes.elements.first else {
            Issue.record("expected ERROR(Stale Cookie), got \(packet.chunks)")
            return
        }
    }

    @Test("a fresh COOKIE ECHO establishes the server and is answered with COOKIE ACK")
    func validCookie() throws {
        var (echo, server) = cookieEcho()
        server.handle(.received(echo), at: .zero + .seconds(1))
        #expect(server.state == .established)
        var chunks: [SCTPChunk] = []
        while let output = server.poll() {
            if case .transmit(let bytes) = output { chunks += try SCTPPacket.parse(bytes).chunks }
        }
        #expect(chunks.first == .cookieAck(EmptyChunk()))
    }

    @Test("packets with a wrong verification tag are dropped and counted")
    func wrongTag() throws {
        var loop = AssociationLoop()
        let done4 = loop.establish()
        #expect(done4)
        // The link carries the DATA packet with its tag changed, instead of the packet.
        loop.corrupt = { sent in
            guard sent.side == 0, var packet = try? SCTPPacket.parse(sent.payload) else { return nil }
            packet.verificationTag &+= 1
            return packet.serialize()
        }
        loop.input(0, .send(SCTPMessage(stream: 0, payloadProtocol: .binary, bytes: [9])))
        #expect(loop.sent[0].count > 0, "nothing sent")
        loop.run(for: .milliseconds(15))
        #expect(loop.sides[1].statistics.wrongTagPackets == 1)
        #expect(loop.messages(1).isEmpty)
    }

    @Test("an INIT bundled with other chunks, or with a nonzero tag, is dropped (§8.5.1 A)")
    func initRules() throws {
        var client = SCTPAssociation(generator: SeededGenerator(seed: 1))
        var server = SCTPAssociation(generator: SeededGenerator(seed: 2))
        client.handle(.connect, at: .zero)
        guard case .transmit(let bytes) = client.poll() else { return }
        var packet = try SCTPPacket.parse(bytes)
        packet.verificationTag = 7
        server.handle(.received(packet.serialize()), at: .zero)
        #expect(server.poll() == nil)
        packet.verificationTag = 0
        packet.chunks.append(.cookieAck(EmptyChunk()))
        server.handle(.received(packet.serialize()), at: .zero)
        #expect(server.poll() == nil)
        #expect(server.statistics.wrongTagPackets == 2)
    }
}

@Suite("SCTP association: zero checksum (RFC 9653)")
struct AssociationZeroChecksumTests {
    func checksums(_ packets: [[UInt8]]) -> [Bool] { packets.map { $0[8..<12].allSatisfy { $0 == 0 } } }

    @Test("when both offer it, packets after the handshake carry checksum 0, handshake packets a CRC, and data flows")
    func bothOffer() {
        var loop = AssociationLoop { configuration, _ in configuration.zeroChecksum = true }
        let established = loop.establish()
        #expect(established)
        let handshake = loop.sent[0].count
        loop.input(0, .send(SCTPMessage(stream: 0, payloadProtocol: .binary, bytes: [1, 2, 3])))
        let done = loop.run(for: .seconds(5)) { !$0.messages(1).isEmpty }
        #expect(done)
        #expect(checksums(Array(loop.sent[0].prefix(2))) == [false, false])
        #expect(checksums(Array(loop.sent[0].dropFirst(handshake))).allSatisfy { $0 })
    }

    @Test("when only one side offers it, every packet carries a CRC-32c and a zero checksum is refused by the other")
    func oneOffers() throws {
        var loop = AssociationLoop { configuration, side in configuration.zeroChecksum = side == 0 }
        let established = loop.establish()
        #expect(established)
        loop.input(0, .send(SCTPMessage(stream: 0, payloadProtocol: .binary, bytes: [1])))
        loop.run(for: .seconds(5)) { !$0.messages(1).isEmpty }
        #expect(checksums(loop.sent[0] + loop.sent[1]).allSatisfy { !$0 })
        var packet = try SCTPPacket.parse(loop.sent[0].last ?? [])
        packet.checksum = .zero
        loop.input(1, .received(packet.serialize()))
        #expect(loop.sides[1].statistics.malformedPackets == 1)
    }
}
