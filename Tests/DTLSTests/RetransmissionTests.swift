import DTLS
import DTLSRecord
import SansIO
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("DTLS endpoint: retransmission on the machine's clock (RFC 6347 §4.2.4)")
struct RetransmissionTests {
    static func seconds(_ value: Int) -> Instant { Instant.zero + .seconds(value) }

    static func handshakeTypes(_ payload: [UInt8]) -> [HandshakeType] {
        guard let datagram = try? DTLSDatagram.parse(payload) else { return [] }
        var types: [HandshakeType] = []
        for case .classic(let record) in datagram.records where record.contentType == .handshake && record.epoch == 0 {
            types += ((try? HandshakeFragment.parseAll(record.fragment)) ?? []).map(\.header.type)
        }
        return types
    }

    @Test("a lost ClientHello is sent again exactly at the 1 s virtual deadline and not a nanosecond before")
    func firstFlightAtDeadline() throws {
        let pair = try Fixture.pair()
        let client = pair.client
        client.handleTimeout(at: .zero)
        var first: [DTLSEndpoint.Output] = []
        while let output = client.poll() { first.append(output) }
        #expect(first.count == 1)
        #expect(client.nextDeadline == Self.seconds(1))
        for early in [Instant.zero + .milliseconds(1), Instant.zero + .milliseconds(999), Self.seconds(1) - .nanoseconds(1)] {
            client.handleTimeout(at: early)
            #expect(client.poll() == nil, "nothing is due at \(early)")
            client.handle(.received([]), at: early)
            #expect(client.poll() == nil, "an empty datagram at \(early) causes nothing")
        }
        client.handleTimeout(at: Self.seconds(1))
        let again = try #require(client.poll())
        guard case .transmit(let payload) = again else {
            Issue.record("expected the retransmission, got \(again)")
            return
        }
        #expect(Self.handshakeTypes(payload) == [.clientHello])
        #expect(client.poll() == nil)
        #expect(client.nextDeadline == Self.seconds(3), "the timer doubles to 2 s")
    }

    @Test("with the first flight lost, the handshake completes right after the retransmission at 1 s")
    func firstFlightLost() throws {
        let pair = try Fixture.pair()
        pair.drop = { $0.from == .client && $0.index == 0 }
        pair.run(until: Self.seconds(30))
        #expect(pair.connectionInfo(.client) != nil && pair.connectionInfo(.server) != nil)
        let client = pair.sent(by: .client)
        #expect(client.map(\.time) == [.zero, Self.seconds(1), Self.seconds(1)])
        #expect(Self.handshakeTypes(client[1].payload) == [.clientHello])
    }

    @Test("with the server's flight lost, both sides retransmit at 1 s and the handshake completes")
    func secondFlightLost() throws {
        let pair = try Fixture.pair()
        pair.drop = { $0.from == .server && $0.index == 0 }
        pair.run(until: Self.seconds(30))
        #expect(pair.connectionInfo(.client) != nil && pair.connectionInfo(.server) != nil)
        #expect(pair.transmissions.filter { $0.time != .zero }.allSatisfy { $0.time == Self.seconds(1) })
    }

    @Test("with the server's last flight lost, the client's fresh retransmission of its flight at 1 s makes the server resend it")
    func lastFlightLost() throws {
        let pair = try Fixture.pair()
        pair.drop = { $0.from == .server && $0.index == 1 }
        pair.run(until: Self.seconds(30))
        #expect(pair.server.state == .connected)
        #expect(pair.client.state == .connected, "client events: \(pair.clientEvents)")
        let resent = pair.sent(by: .server).filter { $0.time == Self.seconds(1) }
        #expect(!resent.isEmpty)
        // A retransmission carries new record sequence numbers (RFC 6347 §4.2.4: a copy would be a replay).
        let clientRecords = pair.sent(by: .client).compactMap { try? DTLSDatagram.parse($0.payload) }.flatMap(\.records)
        let numbers = clientRecords.compactMap { record -> String? in
            guard case .classic(let classic) = record else { return nil }
            return "\(classic.epoch)/\(classic.sequenceNumber)"
        }
        #expect(Set(numbers).count == numbers.count)
    }

    @Test("a flight that is never answered is sent at 0, 1, 3, 7, 15, 31 and 63 s, then the endpoint fails at 123 s")
    func timeout() throws {
        let pair = try Fixture.pair()
        pair.drop = { $0.from == .client }
        pair.run(until: Self.seconds(1000))
        #expect(pair.sent(by: .client).map(\.time) == [0, 1, 3, 7, 15, 31, 63].map(Self.seconds))
        #expect(pair.failure(.client) == .timeout(retransmissions: 6))
        #expect(pair.client.state == .failed && pair.client.nextDeadline == nil)
        #expect(pair.server.state == .handshaking && pair.server.nextDeadline == nil)
    }

    @Test("the timeout doubles up to 60 s and stays there (RFC 6347 §4.2.4.1)")
    func cap() throws {
        let clientCertificate = try DTLSCertificate()
        let serverCertificate = try DTLSCertificate()
        let client = try DTLSEndpoint(
            role: .client, certificate: clientCertificate, expectedPeerFingerprint: serverCertificate.fingerprint(),
            maximumRetransmissions: 9)
        let server = try DTLSEndpoint(role: .server, certificate: serverCertificate, expectedPeerFingerprint: clientCertificate.fingerprint())
        let pair = TwoEndpoints(client: client, server: server)
        pair.drop = { $0.from == .client }
        pair.run(until: Self.seconds(1000))
        #expect(pair.sent(by: .client).map(\.time) == [0, 1, 3, 7, 15, 31, 63, 123, 183, 243].map(Self.seconds))
        #expect(pair.failure(.client) == .timeout(retransmissions: 9))
    }
}

@Suite("DTLS endpoint: packing flights under the MTU and independence from the wall clock")
struct FlightTests {
    @Test("with a 300-byte MTU the flights are fragmented into datagrams of at most 300 bytes and still connect")
    func smallMTU() throws {
        let pair = try Fixture.pair(mtu: 300)
        pair.run(until: Instant.zero + .seconds(10))
        #expect(pair.connectionInfo(.client) != nil && pair.connectionInfo(.server) != nil)
        #expect(pair.transmissions.allSatisfy { $0.payload.count <= 300 })
        #expect(pair.sent(by: .server).count > 2, "the server's certificate flight needs several datagrams")
    }

    @Test("when OpenSSL's own wall-clock timer has run out, still nothing is resent before the virtual deadline")
    func wallClockIgnored() throws {
        let pair = try Fixture.pair()
        pair.client.handleTimeout(at: .zero)
        var hello: [UInt8] = []
        while let output = pair.client.poll() {
            if case .transmit(let payload) = output { hello = payload }
        }
        pair.server.handle(.received(hello), at: .zero)
        var flight: [[UInt8]] = []
        while let output = pair.server.poll() {
            if case .transmit(let payload) = output { flight.append(payload) }
        }
        // The one wall-clock wait in this suite: 60 ms is past the point (50 ms) where OpenSSL counts
        // its own timer as run out, so its read path would retransmit now if the endpoint let it.
        usleep(60_000)
        // A well-formed record of a future epoch reaches OpenSSL's read path, which is discarded there.
        let stray = RecordFilterTests.record(type: 23, epoch: 1, fragment: 40)
        pair.client.handle(.received(stray), at: .zero + .milliseconds(500))
        #expect(pair.client.poll() == nil, "a stray record makes the client send nothing")
        #expect(pair.client.suppressedRetransmissionRecords == 1, "OpenSSL did try to resend the ClientHello")
        for datagram in flight {
            pair.client.handle(.received(datagram), at: Instant.zero + .milliseconds(500))
        }
        var sent = 0
        while let output = pair.client.poll() {
            if case .transmit = output { sent += 1 }
        }
        #expect(sent == 1, "only the client's next flight, packed in one datagram")
        #expect(pair.client.nextDeadline == Instant.zero + .milliseconds(500) + .seconds(1))
    }
}

@Suite("DTLS endpoint: schedules are a function of the inputs")
struct ScheduleTests {
    static func schedule() throws -> [String] {
        let pair = try Fixture.pair()
        pair.drop = { ($0.from == .client && $0.index == 0) || ($0.from == .server && $0.index == 1) }
        pair.run(until: Instant.zero + .seconds(60))
        return pair.transmissions.map { "\($0.time) \($0.from) #\($0.index)\($0.dropped ? " lost" : "")" }
            + pair.clientEvents.map { "\($0)".prefix(12) }.map(String.init)
    }

    @Test("two runs with the same losses send the same number of datagrams from the same side at the same instants")
    func repeatable() throws {
        let first = try Self.schedule()
        #expect(try Self.schedule() == first)
        // ClientHello lost at 0 and resent at 1 s; flight 5 sent at 1 s, the server's last flight lost,
        // so flight 5 is resent at 2 s (OpenSSL resends one message per datagram: Certificate,
        // ClientKeyExchange, CertificateVerify, ChangeCipherSpec, Finished) and answered.
        #expect(first == [
            "0.000s client #0 lost", "1.000s client #1", "1.000s server #0", "1.000s client #2", "1.000s server #1 lost",
            "2.000s client #3", "2.000s client #4", "2.000s client #5", "2.000s client #6", "2.000s client #7",
            "2.000s server #2", "2.000s server #3", "connected(DT",
        ])
    }

    @Test("application data sent by the server with its last flight waits at the client until its handshake completes")
    func dataBeforeClientCompletes() throws {
        let pair = try Fixture.pair()
        pair.input(.send([9]), to: .server)
        pair.drop = { $0.from == .server && $0.index == 1 }
        pair.run(until: Instant.zero + .seconds(30))
        #expect(pair.client.state == .connected)
        #expect(pair.applicationData(.client) == [[9]])
        let connectedAt = pair.clientEvents.firstIndex { if case .connected = $0 { true } else { false } }
        let dataAt = pair.clientEvents.firstIndex { if case .applicationData = $0 { true } else { false } }
        #expect(try #require(connectedAt) < #require(dataAt))
    }
}
