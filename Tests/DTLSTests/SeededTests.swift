import DTLS
import DTLSRecord
import Hashing
import SansIO
import Testing
import Wire
import CrucibleTestSupport
import Simulation

/// Seeded endpoints (`randomness:` given): a run is a function of its inputs and seed, and no
/// retransmission waits on or depends on the wall clock (issue 13).
enum Seeded {
    /// One client and one server identity for the whole test process: a replay needs the same
    /// certificates (their validity comes from the wall clock, and their keys from OpenSSL's generator).
    static let certificates: (client: DTLSCertificate, server: DTLSCertificate)? = {
        guard let client = try? DTLSCertificate(commonName: "client"),
              let server = try? DTLSCertificate(commonName: "server")
        else { return nil }
        return (client, server)
    }()

    /// A client and a server over `TwoEndpoints`; each side seeded from `seed` unless told to be native.
    static func pair(
        seed: UInt64, clientSeeded: Bool = true, serverSeeded: Bool = true, mtu: Int = 1200,
        maximumRetransmissions: Int = 6
    ) throws -> TwoEndpoints {
        let identities = try #require(certificates)
        let client = try DTLSEndpoint(
            role: .client, certificate: identities.client, expectedPeerFingerprint: identities.server.fingerprint(),
            mtu: mtu, maximumRetransmissions: maximumRetransmissions,
            randomness: clientSeeded ? SeededGenerator(seed: seed &* 2) : nil)
        let server = try DTLSEndpoint(
            role: .server, certificate: identities.server, expectedPeerFingerprint: identities.client.fingerprint(),
            mtu: mtu, maximumRetransmissions: maximumRetransmissions,
            randomness: serverSeeded ? SeededGenerator(seed: seed &* 2 &+ 1) : nil)
        return TwoEndpoints(client: client, server: server, seed: SimulationSeed(seed))
    }

    /// True when the datagram carries a ChangeCipherSpec record: it belongs to a final flight (the
    /// client's flight 5 or the server's flight 6 of a full handshake, RFC 6347 §4.2.4).
    static func carriesChangeCipherSpec(_ payload: [UInt8]) -> Bool {
        guard let datagram = try? DTLSDatagram.parse(payload) else { return false }
        return datagram.records.contains { record in
            if case .classic(let classic) = record { classic.contentType == .changeCipherSpec } else { false }
        }
    }

    /// Loses the first `times` datagrams of `side`'s final flight.
    static func loseFinalFlight(of side: TwoEndpoints.Side, times: Int = 1) -> (TwoEndpoints.Transmission) -> Bool {
        var lost = 0
        return { transmission in
            guard transmission.from == side, lost < times, carriesChangeCipherSpec(transmission.payload) else { return false }
            lost += 1
            return true
        }
    }

    /// Both directions of the run, in order: instant, sender, index, loss and bytes of every datagram.
    static func trace(_ pair: TwoEndpoints) -> [UInt8] {
        var bytes: [UInt8] = []
        for transmission in pair.transmissions {
            bytes += Array("\(transmission.time) \(transmission.from) #\(transmission.index) \(transmission.dropped)\n".utf8)
            bytes += transmission.payload
        }
        return bytes
    }

    static func traceHash(_ pair: TwoEndpoints) -> [UInt8] { DigestAlgorithm.sha256.hash(trace(pair)) }

    /// Neither side slept on the wall clock, nor did its OpenSSL ever find its own timer run out.
    static func expectNoWallClock(_ pair: TwoEndpoints, _ context: String = "") {
        for side in [TwoEndpoints.Side.client, .server] {
            #expect(pair.endpoint(side).wallClockWaits == 0, "\(side) \(context)")
            #expect(pair.endpoint(side).suppressedRetransmissionRecords == 0, "\(side) \(context)")
        }
    }

    /// A run under random loss on both links, then one message each way.
    static func lossyRun(seed: UInt64, loss: Double = 0.3) throws -> TwoEndpoints {
        let pair = try pair(seed: seed, maximumRetransmissions: 10)
        pair.network.loss = loss
        pair.run(until: Instant.zero + .seconds(600))
        pair.network.loss = 0
        pair.input(.send([1, 2, 3]), to: .client)
        pair.input(.send([4, 5]), to: .server)
        return pair
    }
}

@Suite("DTLS endpoint, seeded: retransmission on the machine's clock alone, runs that replay (issue 13)")
struct SeededTests {
    static func seconds(_ value: Int) -> Instant { Instant.zero + .seconds(value) }

    enum Loss: String, CaseIterable, CustomTestStringConvertible {
        case clientHello, serverFirstFlight, clientFinalFlight, serverFinalFlight, bothFinalFlights, finalFlightsTwice
        var testDescription: String { rawValue }

        func install(on pair: TwoEndpoints) {
            switch self {
            case .clientHello: pair.drop = { $0.from == .client && $0.index == 0 }
            case .serverFirstFlight: pair.drop = { $0.from == .server && $0.index == 0 }
            case .clientFinalFlight: pair.drop = Seeded.loseFinalFlight(of: .client)
            case .serverFinalFlight: pair.drop = Seeded.loseFinalFlight(of: .server)
            case .bothFinalFlights, .finalFlightsTwice:
                let times = self == .bothFinalFlights ? 1 : 2
                let client = Seeded.loseFinalFlight(of: .client, times: times)
                let server = Seeded.loseFinalFlight(of: .server, times: times)
                pair.drop = { client($0) || server($0) }
            }
        }
    }

    @Test("under each loss both sides connect, with no wall-clock wait and no retransmission of OpenSSL's own", arguments: Loss.allCases)
    func lossRecovers(loss: Loss) throws {
        let pair = try Seeded.pair(seed: 7)
        loss.install(on: pair)
        pair.run(until: Self.seconds(120))
        #expect(pair.client.state == .connected && pair.server.state == .connected,
                "client \(pair.clientEvents), server \(pair.serverEvents)")
        #expect(pair.transmissions.contains { $0.dropped })
        #expect(pair.transmissions.contains { $0.time > .zero }, "recovered by retransmission")
        Seeded.expectNoWallClock(pair)
    }

    @Test("a lost final flight of the server is answered the instant the client resends its own at 1 s, byte for byte")
    func serverFinalFlightLost() throws {
        let pair = try Seeded.pair(seed: 11)
        pair.drop = Seeded.loseFinalFlight(of: .server)
        pair.run(until: Self.seconds(30))
        #expect(pair.server.state == .connected && pair.client.state == .connected)
        let client = pair.sent(by: .client)
        let server = pair.sent(by: .server)
        #expect(client.map(\.time) == [.zero, .zero, Self.seconds(1)])
        #expect(client[2].payload == client[1].payload, "the client's flight again, as first sent")
        #expect(server.map(\.time) == [.zero, .zero, Self.seconds(1)])
        #expect(server[2].payload == server[1].payload, "the server's final flight again, as first sent")
        #expect(!server[2].dropped)
    }

    @Test("the client's lost final flight is resent as first sent at 1 s; the server's identical flight 4 is dropped as a replay")
    func clientFinalFlightLost() throws {
        let pair = try Seeded.pair(seed: 12)
        pair.drop = Seeded.loseFinalFlight(of: .client)
        pair.run(until: Self.seconds(30))
        #expect(pair.server.state == .connected && pair.client.state == .connected)
        let client = pair.sent(by: .client)
        #expect(client.map(\.time) == [.zero, .zero, Self.seconds(1)])
        #expect(client[2].payload == client[1].payload)
        #expect(pair.sent(by: .server).map(\.time) == [.zero, Self.seconds(1), Self.seconds(1)])
    }

    @Test("with a 300-byte MTU, a flight partly lost is completed from its identical resend")
    func partOfAFlightLost() throws {
        let pair = try Seeded.pair(seed: 13, mtu: 300)
        pair.drop = { $0.from == .server && ($0.index == 1 || $0.index == 3) }
        pair.run(until: Self.seconds(30))
        #expect(pair.server.state == .connected && pair.client.state == .connected)
        #expect(pair.transmissions.allSatisfy { $0.payload.count <= 300 })
        Seeded.expectNoWallClock(pair)
    }

    @Test("a flight never answered is sent at 0, 1, 3, 7, 15, 31 and 63 s, identical each time, without waiting on the wall clock")
    func timeout() throws {
        let pair = try Seeded.pair(seed: 14)
        pair.drop = { $0.from == .client }
        let elapsed = ContinuousClock().measure { pair.run(until: Self.seconds(1000)) }
        let sent = pair.sent(by: .client)
        #expect(sent.map(\.time) == [0, 1, 3, 7, 15, 31, 63].map(Self.seconds))
        #expect(Set(sent.map(\.payload)).count == 1)
        #expect(pair.failure(.client) == .timeout(retransmissions: 6))
        Seeded.expectNoWallClock(pair)
        // A native endpoint sleeps about 6 × 50 ms here, until OpenSSL's timer runs out each time.
        #expect(elapsed < .milliseconds(200), "\(elapsed)")
    }

    @Test("under 30 % random loss on both links every seed connects and carries data, with no wall-clock wait", arguments: 1...12 as ClosedRange<UInt64>)
    func randomLoss(seed: UInt64) throws {
        let pair = try Seeded.lossyRun(seed: seed)
        #expect(pair.client.state == .connected && pair.server.state == .connected,
                "seed \(seed): client \(pair.clientEvents), server \(pair.serverEvents)")
        #expect(pair.applicationData(.server) == [[1, 2, 3]] && pair.applicationData(.client) == [[4, 5]])
        Seeded.expectNoWallClock(pair, "seed \(seed)")
    }

    @Test("the same seed gives the same datagrams in both directions, byte for byte; another seed other bytes", arguments: [3, 21] as [UInt64])
    func sameSeedSameBytes(seed: UInt64) throws {
        let first = try Seeded.lossyRun(seed: seed)
        let second = try Seeded.lossyRun(seed: seed)
        #expect(first.network.linkLosses > 0, "the run exercises loss")
        #expect(first.transmissions.filter { $0.time > .zero }.count > 0, "and retransmission")
        #expect(Seeded.trace(first) == Seeded.trace(second))
        #expect(Seeded.traceHash(first) == Seeded.traceHash(second))
        #expect(first.keyLogLines(.client) == second.keyLogLines(.client))
        let other = try Seeded.lossyRun(seed: seed + 1000)
        #expect(Seeded.traceHash(other) != Seeded.traceHash(first))
    }

    @Test("on a clean link the same seed gives the same handshake bytes; the randoms differ between seeds")
    func cleanHandshakeReplays() throws {
        func run(_ seed: UInt64) throws -> TwoEndpoints {
            let pair = try Seeded.pair(seed: seed)
            pair.run(until: Self.seconds(10))
            try #require(pair.client.state == .connected && pair.server.state == .connected)
            return pair
        }
        let first = try run(5)
        let second = try run(5)
        #expect(first.transmissions.map(\.payload) == second.transmissions.map(\.payload))
        #expect(first.connectionInfo(.client)?.srtpKeys == second.connectionInfo(.client)?.srtpKeys)
        let other = try run(6)
        let hello = { (pair: TwoEndpoints) in pair.sent(by: .client).first?.payload }
        #expect(hello(other) != hello(first))
    }

    // Mixed pairs: a seeded endpoint against a native one, whose OpenSSL retransmits with fresh sequence
    // numbers — the behaviour of foreign stacks — while the seeded one resends identical bytes.

    @Test("a native server answers a seeded client's identical repeat when its final flight was lost")
    func nativeServerAnswersIdenticalRepeat() throws {
        let pair = try Seeded.pair(seed: 15, serverSeeded: false)
        pair.drop = Seeded.loseFinalFlight(of: .server)
        pair.run(until: Self.seconds(30))
        #expect(pair.server.state == .connected && pair.client.state == .connected)
        #expect(pair.client.wallClockWaits == 0)
    }

    @Test("a seeded server's OpenSSL answers a native client's fresh repeat when its final flight was lost")
    func seededServerAnswersFreshRepeat() throws {
        let pair = try Seeded.pair(seed: 16, clientSeeded: false)
        pair.drop = Seeded.loseFinalFlight(of: .server)
        pair.run(until: Self.seconds(30))
        #expect(pair.server.state == .connected && pair.client.state == .connected)
        #expect(pair.server.wallClockWaits == 0)
    }

    @Test("a repeat of the completing datagram is answered only until the peer's data shows the final flight arrived")
    func answersStopOnceThePeerSendsData() throws {
        let pair = try Seeded.pair(seed: 17)
        pair.run(until: Self.seconds(10))
        try #require(pair.server.state == .connected)
        let completing = try #require(pair.sent(by: .client).last?.payload)
        let before = pair.sent(by: .server).count
        pair.input(.received(completing), to: .server)
        #expect(pair.sent(by: .server).count == before + 1, "the final flight again")
        pair.input(.send([9]), to: .client)
        #expect(pair.applicationData(.server) == [[9]])
        let after = pair.sent(by: .server).count
        pair.input(.received(completing), to: .server)
        #expect(pair.sent(by: .server).count == after, "the client has it: nothing more")
    }
}

@Suite("DTLS endpoints on the simulator: a run is a function of its seed (DESIGN §1.5)")
struct DTLSReplayTests {
    @Test("seeded endpoints under 30 % loss give the same trace hash for the same seed, another for the next seed")
    func sameSeedSameTrace() throws {
        let seed = dtlsSeed
        let replay = Comment(rawValue: seed.failureMessage(test: "DTLSTests.DTLSReplayTests"))
        let run = try Seeded.lossyRun(seed: seed.value)
        #expect(run.client.state == .connected && run.server.state == .connected, replay)
        #expect(run.network.linkLosses > 0, "the run exercises loss")
        let hashes = try ReplayHashes(seed: seed) { try Seeded.lossyRun(seed: $0.value).network.traceHash }
        #expect(hashes.first == run.network.traceHash, replay)
        #expect(hashes.again == hashes.first, replay)
        #expect(hashes.otherSeed != hashes.first, replay)
    }
}
