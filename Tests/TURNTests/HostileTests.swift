import Testing
import SansIO
import STUN
import TURN
import Wire

@Suite("TURN client: hostile responses are dropped, counted, and never trap")
struct HostileTests {
    /// A client with an Allocate in flight (after the 401), and the request the server would answer.
    static func pendingAllocate() throws -> (Harness, STUNMessage) {
        var harness = Harness()
        harness.delivering = false
        harness.input(.allocate)
        let request = try #require(harness.sentRequests.last)
        // Let the real server answer the first try with its 401, by hand.
        var server = harness.server
        let answers = server.handle(Datagram(from: Harness.clientAddress, to: Harness.serverAddress,
                                             payload: request.serialize()))
        for answer in answers { harness.deliver(answer) }
        return (harness, try #require(harness.sentRequests.last))
    }

    static func success(for request: STUNMessage, id: STUNTransactionID? = nil, key: STUNKey?) -> Datagram {
        let message = STUNMessage(
            type: STUNMessageType(method: request.type.method, messageClass: .successResponse),
            transactionID: id ?? request.transactionID,
            values: [.xorRelayedAddress(TransportAddress(.loopbackV4, port: 1)), .lifetime(600)])
        let signed = key.map { message.withMessageIntegrity(key: $0) } ?? message
        return Datagram(from: Harness.serverAddress, to: Harness.clientAddress, payload: signed.serialize())
    }

    @Test("a response with an unknown transaction ID is dropped and counted")
    func wrongTransactionID() throws {
        let (pending, request) = try Self.pendingAllocate()
        var harness = pending
        harness.deliver(Self.success(for: request, id: STUNTransactionID(high: 9, low: 9), key: harness.server.key))
        #expect(harness.client.state == .allocating)
        #expect(harness.client.counters.unmatchedResponses == 1)
    }

    @Test("a response of another method with the right ID is dropped and counted")
    func wrongMethod() throws {
        let (pending, request) = try Self.pendingAllocate()
        var harness = pending
        var other = request
        other.type = STUNMessageType(method: .refresh, messageClass: .request)
        harness.deliver(Self.success(for: other, id: request.transactionID, key: harness.server.key))
        #expect(harness.client.state == .allocating)
        #expect(harness.client.counters.unmatchedResponses == 1)
    }

    @Test("a response to a signed request without valid MESSAGE-INTEGRITY is ignored; the transaction goes on",
          arguments: [false, true])
    func badIntegrity(unsigned: Bool) throws {
        let (pending, request) = try Self.pendingAllocate()
        var harness = pending
        let key = unsigned ? nil : STUNKey(bytes: Array("wrong".utf8))
        harness.deliver(Self.success(for: request, key: key))
        #expect(harness.client.state == .allocating)
        #expect(harness.client.counters.badIntegrity == 1)
        harness.deliver(Self.success(for: request, key: harness.server.key))
        #expect(harness.client.state == .allocated)
    }

    @Test("a server signing with the wrong key never completes the allocation")
    func corruptServer() {
        var harness = Harness()
        harness.server.corruptIntegrity = true
        harness.input(.allocate)
        harness.advance(by: .seconds(60))
        #expect(harness.events == [.failed(.timedOut(.allocate))])
        #expect(harness.client.counters.badIntegrity == 7)
    }

    @Test("a response is verified with the key its request was signed with, though a 438 to another request changed the realm since (RFC 8489 §9.2.4)")
    func responseVerifiedWithItsRequestsKey() throws {
        var harness = Harness()
        harness.allocated()
        let oldKey = harness.server.key
        harness.delivering = false
        let first = TransportAddress(IPAddress.v4(0x7F00_0002), port: 6000)
        harness.input(.createPermission(first.address))
        let pending = try #require(harness.sentRequests(.createPermission).last)
        harness.input(.createPermission(IPAddress.v4(0x7F00_0003)))
        let other = try #require(harness.sentRequests(.createPermission).last)
        // The server moves to another realm: its 438 to the second request gives the client a new key.
        let stale = STUNMessage(
            type: STUNMessageType(method: .createPermission, messageClass: .errorResponse), transactionID: other.transactionID,
            values: [.errorCode(STUNErrorCode(code: STUNErrorCode.staleNonce)), .realm("elsewhere.test"), .nonce("nonce-9")])
        harness.deliver(Datagram(from: Harness.serverAddress, to: Harness.clientAddress, payload: stale.serialize()))
        #expect(try #require(harness.sentRequests(.createPermission).last).value(of: .realm) == .realm("elsewhere.test"))
        // The answer to the first request is signed with the key that request was sent under.
        let answer = STUNMessage(
            type: STUNMessageType(method: .createPermission, messageClass: .successResponse), transactionID: pending.transactionID,
            values: [])
        harness.deliver(Datagram(from: Harness.serverAddress, to: Harness.clientAddress, payload: answer.withMessageIntegrity(key: oldKey).serialize()))
        #expect(harness.events.contains(.permissionCreated(first.address)))
        #expect(harness.client.counters.badIntegrity == 0)
    }

    @Test("a success without XOR-RELAYED-ADDRESS fails the allocation")
    func missingRelayed() throws {
        let (pending, request) = try Self.pendingAllocate()
        var harness = pending
        let message = STUNMessage(type: STUNMessageType(method: .allocate, messageClass: .successResponse),
                                  transactionID: request.transactionID, values: [.lifetime(600)])
        harness.deliver(Datagram(from: Harness.serverAddress, to: Harness.clientAddress,
                                 payload: message.withMessageIntegrity(key: harness.server.key).serialize()))
        #expect(harness.events == [.failed(.malformedResponse(.allocate, "no XOR-RELAYED-ADDRESS"))])
        #expect(harness.client.state == .idle)
    }

    @Test("a response with an unknown comprehension-required attribute fails its transaction")
    func unknownComprehensionRequired() throws {
        let (pending, request) = try Self.pendingAllocate()
        var harness = pending
        var message = STUNMessage(type: STUNMessageType(method: .allocate, messageClass: .successResponse),
                                  transactionID: request.transactionID,
                                  values: [.xorRelayedAddress(TransportAddress(.loopbackV4, port: 1)), .lifetime(600)])
        message.attributes.append(STUNAttribute(type: STUNAttributeType(0x7F01), value: [1, 2, 3, 4]))
        harness.deliver(Datagram(from: Harness.serverAddress, to: Harness.clientAddress,
                                 payload: message.withMessageIntegrity(key: harness.server.key).serialize()))
        #expect(harness.events == [.failed(.malformedResponse(.allocate, "unknown comprehension-required 0x7f01"))])
        #expect(harness.client.state == .idle)
        #expect(harness.client.pendingRequests == 0)
    }

    @Test("a 401 without NONCE fails the request instead of retrying")
    func unauthorizedWithoutNonce() {
        var harness = Harness()
        harness.delivering = false
        harness.input(.allocate)
        let request = harness.sentRequests[0]
        let message = STUNMessage(type: STUNMessageType(method: .allocate, messageClass: .errorResponse),
                                  transactionID: request.transactionID,
                                  values: [.errorCode(STUNErrorCode(code: 401)), .realm("r")])
        harness.deliver(Datagram(from: Harness.serverAddress, to: Harness.clientAddress, payload: message.serialize()))
        #expect(harness.events == [.failed(.malformedResponse(.allocate, "401 without NONCE"))])
    }

    @Test("random and mutated datagrams from the server never trap, and the client keeps its bounds")
    func fuzz() {
        var generator = SeededGenerator(seed: 0x7475_726E)
        var harness = Harness()
        harness.allocated()
        harness.input(.createPermission(.loopbackV4))
        harness.input(.bindChannel(TransportAddress(.loopbackV4, port: 9)))
        let templates: [[UInt8]] = harness.sent.map(\.payload) + [
            harness.server.dataIndication(from: TransportAddress(.loopbackV4, port: 9), [1, 2], to: Harness.clientAddress).payload,
            harness.server.channelData(0x4000, [1, 2, 3], to: Harness.clientAddress).payload,
        ]
        for round in 0..<5000 {
            var bytes: [UInt8]
            if round % 3 == 0 {
                bytes = (0..<Int.random(in: 0...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            } else {
                bytes = templates[Int.random(in: 0..<templates.count, using: &generator)]
                for _ in 0..<Int.random(in: 1...4, using: &generator) where !bytes.isEmpty {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
            }
            harness.deliver(Datagram(from: Harness.serverAddress, to: Harness.clientAddress, payload: bytes))
            if round % 100 == 0 { harness.advance(by: .seconds(7)) }
        }
        #expect(harness.client.pendingRequests <= TURNClient.maximumPendingTransactions)
        #expect(harness.client.counters.malformed > 0)
    }

    @Test("requests in flight are bounded")
    func pendingBound() {
        var harness = Harness()
        harness.allocated()
        harness.delivering = false
        for index in 0..<TURNClient.maximumPendingTransactions {
            harness.input(.createPermission(.v4(0x0A00_0000 + UInt32(index))))
        }
        #expect(harness.events.isEmpty)
        harness.input(.createPermission(.v4(0x0B00_0000)))
        #expect(harness.events == [.failed(.tooManyPendingRequests)])
        #expect(harness.client.pendingRequests == TURNClient.maximumPendingTransactions)
    }
}

@Suite("TURN client: random sessions keep the machine contract")
struct RandomSessionTests {
    /// One random step: an input, a lost or delivered link, a hostile datagram, or time passing.
    static func step(_ harness: inout Harness, using generator: inout SeededGenerator) {
        let peers = (0..<4).map { TransportAddress(.v4(0x7F00_0001 + UInt32($0)), port: UInt16(5000 + $0)) }
        let peer = peers[Int.random(in: 0..<peers.count, using: &generator)]
        switch Int.random(in: 0..<12, using: &generator) {
        case 0: harness.input(.allocate)
        case 1: harness.input(.createPermission(peer.address))
        case 2: harness.input(.bindChannel(peer))
        case 3, 4: harness.input(.send([UInt8](repeating: 7, count: Int.random(in: 0...40, using: &generator)), to: peer))
        case 5: harness.input(.refresh)
        case 6: if Int.random(in: 0..<8, using: &generator) == 0 { harness.input(.close) }
        case 7: harness.delivering.toggle()
        case 8: harness.server.staleNoncesToSend = Int.random(in: 0...2, using: &generator)
        case 9:
            harness.deliver(harness.server.channelData(UInt16.random(in: 0x4000...0x4003, using: &generator), [1],
                                                       to: Harness.clientAddress))
        case 10:
            harness.deliver(harness.server.dataIndication(from: peer, [2], to: Harness.clientAddress))
        default:
            harness.advance(by: .milliseconds(Int64.random(in: 1...400_000, using: &generator)))
        }
    }

    @Test("for any seed: no trap, bounded tables, deadlines never left in the past, and the same trace twice",
          arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func randomSession(seed: UInt64) {
        func run() -> [[UInt8]] {
            var generator = SeededGenerator(seed: seed)
            var harness = Harness(seed: seed)
            for _ in 0..<400 {
                Self.step(&harness, using: &generator)
                harness.advance(by: .zero)  // fire whatever is due now
                // A deadline at or before now after its timeout ran would spin a driver.
                #expect(harness.client.nextDeadline.map { $0 > harness.now } ?? true, "seed \(seed): a deadline stuck at \(harness.now)")
                #expect(harness.client.pendingRequests <= TURNClient.maximumPendingTransactions)
            }
            // Not vacuous: the session got somewhere.
            #expect(harness.events.contains { if case .allocated = $0 { true } else { false } }, "seed \(seed)")
            #expect(harness.events.contains { if case .data = $0 { true } else { false } }, "seed \(seed)")
            return harness.sent.map(\.payload)
        }
        #expect(run() == run(), "seed \(seed): two runs differ")
    }
}
