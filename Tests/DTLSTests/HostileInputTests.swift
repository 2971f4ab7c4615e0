import DTLS
import SansIO
import Testing
import Wire

@Suite("DTLS endpoint: hostile input (RFC 6347 §4.1.2.7: invalid records are discarded)")
struct HostileInputTests {
    static func randomBytes(_ generator: inout SeededGenerator, maximum: Int) -> [UInt8] {
        let count = Int.random(in: 0...maximum, using: &generator)
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    @Test("garbage after the handshake is discarded: nothing delivered, still connected, data still flows", arguments: 0..<24)
    func garbageAfterHandshake(seed: UInt64) throws {
        let pair = try DataTests.connected()
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<200 {
            var garbage = Self.randomBytes(&generator, maximum: 1500)
            // Half of it looks like a DTLS 1.2 record header, to get past the first checks.
            if Bool.random(using: &generator), garbage.count >= 13 {
                garbage[0] = [20, 21, 22, 23].randomElement(using: &generator)!
                garbage[1] = 0xFE
                garbage[2] = 0xFD
                garbage[3] = 0
                garbage[4] = UInt8.random(in: 0...2, using: &generator)
                let length = garbage.count - 13
                garbage[11] = UInt8(length >> 8)
                garbage[12] = UInt8(length & 0xFF)
            }
            pair.input(.received(garbage), to: Bool.random(using: &generator) ? .client : .server)
        }
        #expect(pair.client.state == .connected && pair.server.state == .connected,
                "client \(pair.failure(.client).map(String.init(describing:)) ?? "-"), server \(pair.failure(.server).map(String.init(describing:)) ?? "-")")
        #expect(pair.applicationData(.client).isEmpty && pair.applicationData(.server).isEmpty)
        pair.input(.send([42]), to: .client)
        #expect(pair.applicationData(.server) == [[42]])
    }

    @Test("garbage during the handshake never traps: each side ends connected or with a typed failure", arguments: 0..<24)
    func garbageDuringHandshake(seed: UInt64) throws {
        let pair = try Fixture.pair()
        var generator = SeededGenerator(seed: seed)
        pair.drop = { _ in false }
        for step in 0..<40 {
            let side: TwoEndpoints.Side = Bool.random(using: &generator) ? .client : .server
            pair.input(.received(Self.randomBytes(&generator, maximum: 300)), to: side)
            if step % 10 == 0 { pair.run(until: pair.now + .milliseconds(500)) }
        }
        pair.run(until: Instant.zero + .seconds(300))
        for side in [TwoEndpoints.Side.client, .server] {
            let state = pair.endpoint(side).state
            #expect(state == .connected || (state == .failed && pair.failure(side) != nil), "\(side): \(pair.events(side))")
        }
    }

    @Test("handshake datagrams damaged on the link never trap: each side ends connected, failed with a reason, or idle", arguments: 0..<16)
    func damagedHandshake(seed: UInt64) throws {
        let pair = try Fixture.pair()
        var generator = SeededGenerator(seed: seed)
        var damage: [[UInt8]] = []
        // Decide every datagram's damage up front from the seed, so the run is a function of it.
        for _ in 0..<64 {
            var flips: [UInt8] = []
            if Int.random(in: 0..<3, using: &generator) == 0 {
                flips = (0..<Int.random(in: 1...4, using: &generator)).flatMap { _ in
                    [UInt8.random(in: 0...255, using: &generator), UInt8.random(in: 1...255, using: &generator)]
                }
            }
            damage.append(flips)
        }
        var delivered = 0
        pair.corrupt = { transmission in
            defer { delivered += 1 }
            guard delivered < damage.count, !damage[delivered].isEmpty else { return nil }
            var bytes = transmission.payload
            var index = 0
            while index + 1 < damage[delivered].count {
                let position = Int(damage[delivered][index]) * bytes.count / 256
                bytes[position] ^= damage[delivered][index + 1]
                index += 2
            }
            return bytes
        }
        pair.run(until: Instant.zero + .seconds(400))
        print("OUTCOME \(seed) \(pair.client.state) \(pair.server.state) \(pair.failure(.client).map { "\($0)" } ?? "") | \(pair.failure(.server).map { "\($0)" } ?? "")")
        for side in [TwoEndpoints.Side.client, .server] {
            let endpoint = pair.endpoint(side)
            switch endpoint.state {
            case .connected: #expect(pair.connectionInfo(side) != nil)
            case .failed: #expect(pair.failure(side) != nil)
            case .handshaking: #expect(endpoint.nextDeadline == nil, "\(side) waits with no timer: its peer gave up")
            case .closed: Issue.record("\(side) closed without being asked")
            }
        }
        if pair.client.state == .connected && pair.server.state == .connected {
            pair.corrupt = { _ in nil }
            pair.input(.send([5]), to: .client)
            #expect(pair.applicationData(.server).last == [5])
        }
    }

    @Test("every truncation of an application-data record is discarded; the whole record is then delivered")
    func truncatedRecords() throws {
        let pair = try DataTests.connected()
        let message = Array("truncate me".utf8)
        pair.drop = { $0.payload.first == 23 }
        pair.input(.send(message), to: .client)
        let record = try #require(pair.sent(by: .client).last?.payload)
        for length in 0..<record.count {
            pair.input(.received(Array(record.prefix(length))), to: .server)
        }
        #expect(pair.applicationData(.server).isEmpty)
        #expect(pair.server.state == .connected)
        pair.input(.received(record), to: .server)
        #expect(pair.applicationData(.server) == [message])
    }

    @Test("a record with another epoch, or altered, or replayed is discarded (RFC 6347 §4.1.2.6, §4.1.2.7)")
    func wrongEpochAlteredReplayed() throws {
        let pair = try DataTests.connected()
        pair.drop = { $0.payload.first == 23 }
        pair.input(.send([1, 2, 3]), to: .client)
        let record = try #require(pair.sent(by: .client).last?.payload)
        for epoch: UInt8 in [0, 2, 255] {
            var other = record
            other[4] = epoch
            pair.input(.received(other), to: .server)
        }
        var altered = record
        altered[altered.count - 1] ^= 1
        pair.input(.received(altered), to: .server)
        #expect(pair.applicationData(.server).isEmpty)
        pair.input(.received(record), to: .server)
        pair.input(.received(record), to: .server)
        #expect(pair.applicationData(.server) == [[1, 2, 3]], "delivered once")
        #expect(pair.server.state == .connected)
    }

    @Test("input after failure or close is ignored")
    func afterTheEnd() throws {
        let pair = try DataTests.connected()
        pair.input(.close, to: .client)
        let before = pair.clientEvents.count
        pair.input(.received([23, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, 9, 0, 0]), to: .client)
        pair.client.handleTimeout(at: Instant.zero + .seconds(100))
        #expect(pair.clientEvents.count == before)
    }
}
