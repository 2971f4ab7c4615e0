import SansIO
import Simulation
import Testing
import Wire

/// Offers `count` datagrams of `packetSize` bytes, one every `spacing`, and returns each decision with its
/// offer instant.
private func offer(
    _ link: inout Link, count: Int, spacing: Duration = .milliseconds(1), packetSize: Int = 128
) -> [(sent: Instant, decision: Link.Decision)] {
    (0..<count).map { index in
        let instant = Instant.zero + spacing * index
        return (instant, link.offer(packetSize: packetSize, at: instant))
    }
}

/// Lengths of the runs of consecutive losses.
private func lossRuns(_ decisions: [Link.Decision]) -> [Int] {
    var runs: [Int] = []
    var current = 0
    for decision in decisions {
        if decision == .dropped(.loss) {
            current += 1
        } else if current > 0 {
            runs.append(current)
            current = 0
        }
    }
    if current > 0 { runs.append(current) }
    return runs
}

private func exits(_ decision: Link.Decision) -> [Link.Exit] {
    if case .delivered(let exits) = decision { return exits }
    return []
}

@Suite("Link model: delay, jitter, loss, reordering, duplication, MTU, rate limit, blackouts")
struct LinkTests {
    let seed = testSeed()
    var replay: Comment { Comment(rawValue: seed.failureMessage(test: "SimulationTests.LinkTests")) }

    @Test("every datagram takes between delay and delay + jitter, and jitter alone never reorders (FIFO)")
    func delayAndJitter() {
        var link = Link(name: "jitter", conditions: LinkConditions(delay: .milliseconds(20), jitter: .milliseconds(10)), seed: seed)
        let offers = offer(&link, count: 2_000, spacing: .microseconds(500))
        let transit = offers.map { exits($0.decision)[0].instant - $0.sent }
        #expect(transit.allSatisfy { $0 >= .milliseconds(20) && $0 <= .milliseconds(30) }, replay)
        let leaving = offers.map { exits($0.decision)[0].instant }
        #expect(zip(leaving, leaving.dropFirst()).allSatisfy { $0 <= $1 }, replay)
        // The jitter is real: transit times spread over much of the window.
        #expect((transit.max() ?? .zero) - (transit.min() ?? .zero) > .milliseconds(5), replay)
    }

    @Test("independent loss drops close to its probability", arguments: [0.05, 0.20])
    func independentLoss(probability: Double) {
        var link = Link(name: "loss", conditions: LinkConditions(loss: .independent(probability)), seed: seed)
        let decisions = offer(&link, count: 20_000).map(\.decision)
        let lost = decisions.filter { $0 == .dropped(.loss) }.count
        let expected = 20_000 * probability
        // Six standard deviations of a binomial: fails by chance for no seed anyone will meet.
        let tolerance = 6 * (expected * (1 - probability)).squareRoot()
        #expect(abs(Double(lost) - expected) < tolerance, replay)
        #expect(link.statistics.dropped[.loss] == lost)
        #expect(link.statistics.delivered + lost == 20_000)
    }

    @Test("Gilbert-Elliott loss at the same average as independent loss loses in longer runs")
    func burstLoss() {
        let bursty = LossModel.gilbertElliott(goodToBad: 0.02, badToGood: 0.3, lossInGood: 0, lossInBad: 0.8)
        #expect(abs(bursty.averageLossRate - 0.05) < 1e-9)
        var burstLink = Link(name: "bursts", conditions: LinkConditions(loss: bursty), seed: seed)
        var plainLink = Link(name: "plain", conditions: LinkConditions(loss: .independent(bursty.averageLossRate)), seed: seed)
        let burstRuns = lossRuns(offer(&burstLink, count: 50_000).map(\.decision))
        let plainRuns = lossRuns(offer(&plainLink, count: 50_000).map(\.decision))
        let burstLost = burstRuns.reduce(0, +)
        let plainLost = plainRuns.reduce(0, +)
        #expect((1_750...3_250).contains(burstLost), replay)
        #expect((2_000...3_000).contains(plainLost), replay)
        let burstMean = Double(burstLost) / Double(burstRuns.count)
        let plainMean = Double(plainLost) / Double(plainRuns.count)
        // Independent 5 % loss: mean run ≈ 1/(1 − 0.05) ≈ 1.05; these bursts: ≈ 1/(1 − 0.7 × 0.8) ≈ 2.3.
        #expect(plainMean < 1.2, replay)
        #expect(burstMean > 1.8, replay)
        #expect((burstRuns.max() ?? 0) > (plainRuns.max() ?? 0), replay)
    }

    @Test("reordering holds datagrams back so later ones overtake them, and counts them")
    func reordering() {
        let conditions = LinkConditions(delay: .milliseconds(10), reordering: Reordering(probability: 0.1, extraDelay: .milliseconds(30)))
        var link = Link(name: "reorder", conditions: conditions, seed: seed)
        let offers = offer(&link, count: 5_000)
        let held = offers.filter { exits($0.decision)[0].isReordered }
        #expect(link.statistics.reordered == held.count)
        #expect((350...650).contains(held.count), replay)
        #expect(held.allSatisfy { exits($0.decision)[0].instant - $0.sent == .milliseconds(40) }, replay)
        let leaving = offers.map { exits($0.decision)[0].instant }
        let overtaken = zip(leaving, leaving.dropFirst()).filter { $0 > $1 }.count
        #expect(overtaken > 0, replay)
    }

    @Test("duplication delivers a second copy of some datagrams, and counts them")
    func duplication() {
        var link = Link(name: "duplicate", conditions: LinkConditions(delay: .milliseconds(5), duplication: 0.1), seed: seed)
        let decisions = offer(&link, count: 5_000).map(\.decision)
        let doubled = decisions.filter { exits($0).count == 2 }
        #expect(doubled.allSatisfy { exits($0)[1].isDuplicate && !exits($0)[0].isDuplicate })
        #expect(link.statistics.duplicated == doubled.count)
        #expect((350...650).contains(doubled.count), replay)
        #expect(link.statistics.delivered == 5_000 + doubled.count)
        #expect(link.statistics.bytesDelivered == link.statistics.delivered * 128)
    }

    @Test(
        "a packet larger than the MTU (payload + 28 bytes IPv4/UDP, 48 bytes IPv6/UDP) is dropped",
        arguments: [(1472, false, true), (1473, false, false), (1452, true, true), (1453, true, false)]
    )
    func mtu(payload: Int, isIPv6: Bool, passes: Bool) {
        var link = Link(name: "mtu", conditions: LinkConditions(mtu: 1500), seed: seed)
        let decision = link.offer(packetSize: Link.packetSize(payloadCount: payload, isIPv6: isIPv6), at: .zero)
        #expect((decision != .dropped(.mtu)) == passes)
    }

    @Test("a rate limit serialises datagrams one after another and tail-drops what does not fit in the queue")
    func rateLimit() {
        // 1250-byte packets at 1 Mbit/s take 10 ms each; the queue holds four of them.
        let limit = RateLimit(bitsPerSecond: 1_000_000, queueBytes: 5_000)
        var link = Link(name: "rate", conditions: LinkConditions(delay: .milliseconds(1), rateLimit: limit), seed: seed)
        let burst = (0..<6).map { _ in link.offer(packetSize: 1_250, at: .zero) }
        #expect(burst.prefix(4).map { exits($0).first?.instant } == [11, 21, 31, 41].map { Instant.milliseconds($0) })
        #expect(Array(burst.suffix(2)) == [.dropped(.queueFull), .dropped(.queueFull)])
        // At 15 ms the first packet has left the queue: room for one more, behind the other three.
        #expect(exits(link.offer(packetSize: 1_250, at: .milliseconds(15))).first?.instant == .milliseconds(51))
        #expect(link.offer(packetSize: 1_250, at: .milliseconds(15)) == .dropped(.queueFull))
        #expect(link.statistics.dropped == [.queueFull: 3])
    }

    @Test("inside a blackout window every datagram is dropped; outside it nothing is")
    func blackout() {
        let window = Instant.seconds(1)..<Instant.seconds(2)
        var link = Link(name: "blackout", conditions: LinkConditions(blackouts: [window]), seed: seed)
        let verdicts = [Instant.milliseconds(999), .seconds(1), .milliseconds(1_999), .seconds(2)].map {
            link.offer(packetSize: 100, at: $0) == .dropped(.blackout)
        }
        #expect(verdicts == [false, true, true, false])
        #expect(link.statistics.dropped == [.blackout: 2])
    }

    @Test("turning on reordering does not change which datagrams a link loses (separate random streams)")
    func independentStreams() {
        var lossy = Link(name: "same", conditions: LinkConditions(loss: .independent(0.1)), seed: seed)
        var lossyReordering = Link(
            name: "same",
            conditions: LinkConditions(loss: .independent(0.1), reordering: Reordering(probability: 0.5, extraDelay: .milliseconds(1))),
            seed: seed
        )
        let plain = offer(&lossy, count: 1_000).map { $0.decision == .dropped(.loss) }
        let reordered = offer(&lossyReordering, count: 1_000).map { $0.decision == .dropped(.loss) }
        #expect(plain == reordered, replay)
    }
}

@Suite("Link presets: the matrix issue 6 names, end to end between two hosts")
struct LinkPresetTests {
    @Test("a pinger and an echo over each preset: every datagram is accounted for, and round trips respect the delays",
          arguments: LinkConditions.matrix.map(\.name))
    func preset(name: String) throws {
        let conditions = try #require(LinkConditions.matrix.first { $0.name == name }?.conditions)
        let seed = testSeed()
        var simulator = Simulator(seed: seed)
        let pinger = simulator.addHost(
            "pinger", addresses: [Addresses.publicAlice], uplink: conditions,
            machine: Pinger(local: Addresses.publicAlice, to: [Addresses.server], count: 500, interval: .milliseconds(20))
        )
        let echo = simulator.addHost("echo", addresses: [Addresses.server], uplink: conditions, machine: Echo())
        simulator.run(until: .seconds(20))
        let comment = Comment(rawValue: seed.failureMessage(test: "SimulationTests.LinkPresetTests"))
        let up = simulator.uplinkStatistics(pinger)
        let back = simulator.uplinkStatistics(echo)
        #expect(up.sent == 500)
        #expect(up.delivered == up.sent - up.droppedTotal + up.duplicated)
        #expect(back.sent == up.delivered, comment)
        let arrivals = try #require(simulator.machine(pinger, as: Pinger.self)).arrivals
        #expect(arrivals.count == back.delivered, comment)
        let expectedLoss = 1 - (1 - conditions.loss.averageLossRate) * (1 - conditions.loss.averageLossRate)
        let observedLoss = 1 - Double(arrivals.count) / 500
        #expect(abs(observedLoss - expectedLoss) < 0.08, comment)
        let pingerMachine = try #require(simulator.machine(pinger, as: Pinger.self))
        for arrival in arrivals {
            let sequence = Int(arrival.sequence ?? 0)
            #expect(arrival.instant - pingerMachine.sendInstant(sequence) >= conditions.delay * 2, comment)
        }
    }
}

@Suite("Links inside the simulator: drops are traced with their reason and counted per link")
struct SimulatedLinkTests {
    @Test("a blackout on a host's uplink and an MTU on the peer's downlink drop, trace and count what they should")
    func blackoutAndMTU() throws {
        let seed = testSeed()
        var simulator = Simulator(seed: seed, traceRetention: .all)
        let blackout = LinkConditions(blackouts: [Instant.milliseconds(100)..<Instant.milliseconds(200)])
        let alice = simulator.addHost(
            "alice", addresses: [Addresses.publicAlice], uplink: blackout,
            machine: Pinger(local: Addresses.publicAlice, to: [Addresses.publicBob], count: 30, interval: .milliseconds(10), payloadSize: 1_473)
        )
        let bob = simulator.addHost("bob", addresses: [Addresses.publicBob], downlink: LinkConditions(mtu: 1_500), machine: Echo())
        simulator.run(until: .seconds(1))
        // Sent at 100, 110, …, 190 ms: ten datagrams in the window.
        #expect(simulator.uplinkStatistics(alice).dropped == [.blackout: 10])
        // 1473 bytes of payload + 28 bytes of headers exceed an MTU of 1500: the other twenty die at Bob's downlink.
        #expect(simulator.downlinkStatistics(bob).dropped == [.mtu: 20])
        #expect(simulator.machine(bob, as: Echo.self)?.echoed == 0)
        let lines = simulator.trace.lines
        #expect(lines.filter { $0.contains(" alice drop blackout uplink 192.0.2.10:5000>192.0.2.20:6000 len=1473") }.count == 10)
        #expect(lines.filter { $0.contains(" bob drop mtu downlink ") }.count == 20)
    }

    @Test("the tap sees each datagram as the sender sent it and as the receiver got it, after NAT translation")
    func tap() throws {
        var simulator = Simulator(seed: testSeed())
        var records: [TapRecord] = []
        simulator.tap = { records.append($0) }
        let home = simulator.addPrivateRealm("home", nat: NATConfiguration(publicAddress: Addresses.natPublic))
        let alice = simulator.addHost(
            "alice", addresses: [Addresses.alice], in: home, uplink: LinkConditions(delay: .milliseconds(5)),
            machine: Pinger(local: Addresses.alice, to: [Addresses.server], count: 1)
        )
        let server = simulator.addHost("server", addresses: [Addresses.server], machine: Echo())
        simulator.run(until: .seconds(1))
        #expect(records.map(\.point) == [.sent, .received, .sent, .received])
        #expect(records.map(\.host) == [alice, server, server, alice])
        #expect(records.map(\.instant) == [.zero, .milliseconds(5), .milliseconds(5), .milliseconds(5)])
        let mapped = try #require(records.dropFirst().first?.datagram.source)
        #expect(records.first?.datagram.source == Addresses.alice)
        #expect(mapped.address == Addresses.natPublic)
        #expect(records.last?.datagram.destination == Addresses.alice)
        #expect(records.last?.datagram.source == Addresses.server)
    }
}

@Suite("Link invariants under random conditions")
struct LinkInvariantTests {
    @Test("for any conditions: every datagram is delivered or dropped once, never early, and in order unless held back")
    func conservation() {
        let seed = testSeed()
        var generator = seed.generator(label: "link-invariants")
        for round in 0..<200 {
            let conditions = LinkConditions.random(using: &generator)
            var link = Link(name: "random-\(round)", conditions: conditions, seed: seed)
            var lastInOrder = Instant.zero
            var dropped = 0
            var copies = 0
            var now = Instant.zero
            for _ in 0..<300 {
                now += .microseconds(Int(generator.next() % 40_000))
                let size = Link.packetSize(payloadCount: Int(generator.next() % 1_600), isIPv6: generator.next() % 2 == 0)
                switch link.offer(packetSize: size, at: now) {
                case .dropped:
                    dropped += 1
                case .delivered(let exits):
                    copies += exits.count
                    #expect((1...2).contains(exits.count))
                    for exit in exits {
                        #expect(exit.instant >= now + conditions.delay, Comment(rawValue: seed.failureMessage(test: "LinkInvariantTests")))
                        if !exit.isReordered {
                            #expect(exit.instant >= lastInOrder)
                            lastInOrder = exit.instant
                        }
                    }
                }
            }
            let statistics = link.statistics
            #expect(statistics.sent == 300)
            #expect(statistics.droppedTotal == dropped)
            #expect(statistics.delivered == copies)
            #expect(statistics.sent - statistics.droppedTotal + statistics.duplicated == statistics.delivered)
        }
    }
}

@Suite("IPv6 through the simulator")
struct IPv6Tests {
    @Test("IPv6 hosts exchange datagrams, and the MTU counts 48 header bytes for them")
    func ipv6() throws {
        let left = try #require(TransportAddress("[2001:db8::1]:5000"))
        let right = try #require(TransportAddress("[2001:db8::2]:6000"))
        var simulator = Simulator(seed: testSeed())
        let small = simulator.addHost(
            "small", addresses: [left], uplink: LinkConditions(delay: .milliseconds(3), mtu: 1_500),
            machine: Pinger(local: left, to: [right], count: 1, payloadSize: 1_452)
        )
        let leftBig = try #require(TransportAddress("[2001:db8::3]:5000"))
        let big = simulator.addHost(
            "big", addresses: [leftBig], uplink: LinkConditions(mtu: 1_500),
            machine: Pinger(local: leftBig, to: [right], count: 1, payloadSize: 1_453)
        )
        simulator.addHost("echo", addresses: [right], machine: Echo())
        simulator.run(until: .seconds(1))
        #expect(simulator.machine(small, as: Pinger.self)?.arrivals.map(\.instant) == [.milliseconds(3)])
        #expect(simulator.uplinkStatistics(big).dropped == [.mtu: 1])
    }
}
