import DTLS
import SansIO
import Testing

@Suite("DTLS endpoint: application data and close")
struct DataTests {
    static func connected() throws -> TwoEndpoints {
        let pair = try Fixture.pair()
        pair.run(until: Instant.zero + .seconds(10))
        try #require(pair.client.state == .connected && pair.server.state == .connected)
        return pair
    }

    @Test("messages of 1 and 1200 bytes cross in both directions, one record each, in order", arguments: [1, 1200])
    func bothWays(length: Int) throws {
        let pair = try Self.connected()
        let fromClient = (0..<length).map { UInt8(truncatingIfNeeded: $0) }
        let fromServer = (0..<length).map { UInt8(truncatingIfNeeded: 255 - $0) }
        pair.input(.send(fromClient), to: .client)
        pair.input(.send(fromServer), to: .server)
        pair.input(.send(fromClient.reversed()), to: .client)
        #expect(pair.applicationData(.server) == [fromClient, fromClient.reversed()])
        #expect(pair.applicationData(.client) == [fromServer])
        // An AES-GCM record adds 13 bytes of header, 8 of explicit nonce and 16 of tag.
        let appRecords = pair.transmissions.suffix(3)
        #expect(appRecords.allSatisfy { $0.payload.count == length + 37 && $0.payload.first == 23 })
    }

    @Test("the application-data MTU is the MTU less the AES-GCM record overhead, and a message of that size fits")
    func dataMTU() throws {
        let pair = try Self.connected()
        #expect(pair.client.applicationDataMTU == 1200 - 37)
        pair.input(.send([UInt8](repeating: 3, count: 1163)), to: .client)
        #expect(pair.sent(by: .client).last?.payload.count == 1200)
        let fresh = try Fixture.pair()
        #expect(fresh.client.applicationDataMTU == nil)
    }

    @Test("an empty message sends nothing and delivers nothing (OpenSSL writes no empty record); later data still flows")
    func emptyMessage() throws {
        let pair = try Self.connected()
        let before = pair.transmissions.count
        pair.input(.send([]), to: .client)
        pair.input(.send([]), to: .server)
        #expect(pair.transmissions.count == before)
        pair.input(.send([7]), to: .client)
        #expect(pair.applicationData(.server) == [[7]])
        #expect(pair.applicationData(.client).isEmpty)
    }

    @Test("messages sent during the handshake wait and go out, in order, once connected")
    func queuedBeforeConnect() throws {
        let pair = try Fixture.pair()
        pair.input(.send([1]), to: .client)
        pair.input(.send([2]), to: .client)
        pair.run(until: Instant.zero + .seconds(10))
        #expect(pair.applicationData(.server) == [[1], [2]])
    }

    @Test("a message longer than 2^14 bytes is refused and counted, not sent")
    func oversizedMessage() throws {
        let pair = try Self.connected()
        let before = pair.transmissions.count
        pair.input(.send([UInt8](repeating: 1, count: DTLSEndpoint.maximumMessageLength + 1)), to: .client)
        #expect(pair.transmissions.count == before)
        #expect(pair.client.refusedSendCount == 1)
        pair.input(.send([UInt8](repeating: 1, count: DTLSEndpoint.maximumMessageLength)), to: .client)
        #expect(pair.applicationData(.server).map(\.count) == [DTLSEndpoint.maximumMessageLength])
    }

    @Test("close sends close_notify: the closing side reports closed, the peer sees it, answers and reports closed")
    func closeNotify() throws {
        let pair = try Self.connected()
        pair.input(.close, to: .client)
        #expect(pair.clientEvents.last == .closed)
        #expect(pair.serverEvents.last == .closed)
        #expect(pair.client.state == .closed && pair.server.state == .closed)
        // The close_notify is an encrypted alert record (content type 21, epoch 1).
        let alert = try #require(pair.sent(by: .client).last)
        #expect(alert.payload.first == 21)
        pair.input(.send([1]), to: .client)
        #expect(pair.client.refusedSendCount == 1)
    }

    @Test("closing during the handshake abandons it: closed, no deadline, nothing more sent")
    func closeDuringHandshake() throws {
        let pair = try Fixture.pair()
        pair.client.handleTimeout(at: .zero)
        while pair.client.poll() != nil {}
        pair.client.handle(.close, at: .zero)
        #expect(pair.client.poll() == .closed)
        #expect(pair.client.poll() == nil)
        #expect(pair.client.nextDeadline == nil)
        pair.client.handleTimeout(at: Instant.zero + .seconds(5))
        #expect(pair.client.poll() == nil)
    }
}
