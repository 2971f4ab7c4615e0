import SansIO
import Simulation
import Testing
import Wire

/// Alice behind a NAT with the given behaviours; a four-address reflector on the internet.
private struct NATScene {
    var simulator: Simulator
    let alice: HostID
    let realm: RealmID

    init(mapping: NATBehavior, filtering: NATBehavior, probes: Bool, destinations: [TransportAddress], seed: SimulationSeed) {
        simulator = Simulator(seed: seed, traceRetention: .all)
        realm = simulator.addPrivateRealm(
            "home", nat: NATConfiguration(publicAddress: Addresses.natPublic, mapping: mapping, filtering: filtering)
        )
        alice = simulator.addHost(
            "alice", addresses: [Addresses.alice], in: realm,
            uplink: LinkConditions(delay: .milliseconds(10)),
            machine: Pinger(local: Addresses.alice, to: destinations, count: destinations.count, interval: .milliseconds(100))
        )
        let serverAddresses = [Addresses.server, Addresses.serverOtherPort, Addresses.serverOtherAddress, Addresses.serverOtherBoth]
        simulator.addHost(
            "reflector", addresses: serverAddresses, uplink: LinkConditions(delay: .milliseconds(10)),
            machine: Reflector(addresses: serverAddresses, probeFromEveryAddress: probes)
        )
    }

    var arrivals: [Arrival] { simulator.machine(alice, as: Pinger.self)?.arrivals ?? [] }
}

@Suite("NAT: RFC 4787 mapping (§4.1) and filtering (§5) behaviours, timeouts, hairpinning")
struct NATTests {
    let seed = testSeed()
    var replay: Comment { Comment(rawValue: seed.failureMessage(test: "SimulationTests.NATTests")) }

    @Test(
        "the reflexive addresses a STUN-like server reports, and which unsolicited sources get through, follow the NAT's behaviours",
        arguments: NATBehavior.allCases, NATBehavior.allCases
    )
    func behaviourTable(mapping: NATBehavior, filtering: NATBehavior) throws {
        // Mapping (RFC 4787 §4.1): Alice asks from one socket via three server addresses.
        var mappingScene = NATScene(
            mapping: mapping, filtering: filtering, probes: false,
            destinations: [Addresses.server, Addresses.serverOtherAddress, Addresses.serverOtherPort], seed: seed
        )
        mappingScene.simulator.run(until: .seconds(1))
        let answers = mappingScene.arrivals
        try #require(answers.count == 3, replay)
        let reflexive = answers.map { TransportAddress($0.text) }
        #expect(reflexive.allSatisfy { $0?.address == Addresses.natPublic })
        let bySource = Dictionary(uniqueKeysWithValues: answers.map { ($0.datagram.source, TransportAddress($0.text)) })
        let viaServer = bySource[Addresses.server]
        let viaOtherAddress = bySource[Addresses.serverOtherAddress]
        let viaOtherPort = bySource[Addresses.serverOtherPort]
        switch mapping {
        case .endpointIndependent:
            #expect(viaServer == viaOtherAddress && viaServer == viaOtherPort, replay)
        case .addressDependent:
            #expect(viaServer != viaOtherAddress && viaServer == viaOtherPort, replay)
        case .addressAndPortDependent:
            #expect(viaServer != viaOtherAddress && viaServer != viaOtherPort && viaOtherAddress != viaOtherPort, replay)
        }
        let table = try #require(mappingScene.simulator.nat(mappingScene.realm)).mappingTable
        #expect(table.count == Set(reflexive).count)

        // Filtering (RFC 4787 §5): Alice sends to one server address; the server answers from all four.
        var filteringScene = NATScene(mapping: mapping, filtering: filtering, probes: true, destinations: [Addresses.server], seed: seed)
        filteringScene.simulator.run(until: .seconds(1))
        let admitted = Set(filteringScene.arrivals.map(\.datagram.source))
        let expected: Set<TransportAddress> =
            switch filtering {
            case .endpointIndependent: [Addresses.server, Addresses.serverOtherPort, Addresses.serverOtherAddress, Addresses.serverOtherBoth]
            case .addressDependent: [Addresses.server, Addresses.serverOtherPort]
            case .addressAndPortDependent: [Addresses.server]
            }
        #expect(admitted == expected, replay)
        #expect(filteringScene.simulator.routingDrops[.natFiltered, default: 0] == 4 - expected.count)
    }

    @Test("a mapping lapses after its timeout unless outbound traffic refreshes it; inbound traffic does not refresh it")
    func mappingTimeout() throws {
        func scene(pings: Int) -> (Simulator, HostID, HostID, TransportAddress?) {
            var simulator = Simulator(seed: seed, traceRetention: .all)
            let realm = simulator.addPrivateRealm(
                "home", nat: NATConfiguration(publicAddress: Addresses.natPublic, mappingTimeout: .seconds(30))
            )
            let alice = simulator.addHost(
                "alice", addresses: [Addresses.alice], in: realm,
                machine: Pinger(local: Addresses.alice, to: [Addresses.server], count: pings, interval: .seconds(25))
            )
            let server = simulator.addHost("server", addresses: [Addresses.server], machine: Recorder())
            simulator.run(until: .seconds(1))
            return (simulator, alice, server, simulator.nat(realm)?.mappingTable.first?.externalAddress)
        }
        func unsolicited(_ simulator: inout Simulator, _ server: HostID, to mapped: TransportAddress, at seconds: [UInt64]) {
            for second in seconds {
                simulator.inject(Datagram(from: Addresses.server, to: mapped, payload: [UInt8(second)]), from: server, at: .seconds(second))
            }
        }

        // One datagram at 0 s: the mapping lives until 30 s, whatever comes in meanwhile.
        let single = scene(pings: 1)
        var once = single.0
        unsolicited(&once, single.2, to: try #require(single.3), at: [20, 29, 31])
        once.run(until: .seconds(60))
        #expect(once.machine(single.1, as: Pinger.self)?.arrivals.map(\.datagram.payload) == [[20], [29]], replay)
        #expect(once.routingDrops[.natNoMapping] == 1)

        // A second outbound datagram at 25 s refreshes it until 55 s.
        let double = scene(pings: 2)
        var refreshed = double.0
        unsolicited(&refreshed, double.2, to: try #require(double.3), at: [31, 54, 56])
        refreshed.run(until: .seconds(60))
        #expect(refreshed.machine(double.1, as: Pinger.self)?.arrivals.map(\.datagram.payload) == [[31], [54]], replay)
        #expect(refreshed.trace.lines.contains { $0.contains("drop nat-no-mapping") })
    }

    @Test("hosts behind one NAT reach each other through their public mappings only when the NAT hairpins", arguments: [true, false])
    func hairpinning(enabled: Bool) throws {
        var simulator = Simulator(seed: seed, traceRetention: .all)
        let realm = simulator.addPrivateRealm(
            "office", nat: NATConfiguration(publicAddress: Addresses.natPublic, hairpinning: enabled)
        )
        let alice = simulator.addHost("alice", addresses: [Addresses.alice], in: realm, machine: Recorder())
        let bob = simulator.addHost("bob", addresses: [Addresses.bob], in: realm, machine: Recorder())
        simulator.addHost("server", addresses: [Addresses.server], machine: Recorder())
        simulator.inject(Datagram(from: Addresses.alice, to: Addresses.server, payload: [1]), from: alice, at: .zero)
        simulator.inject(Datagram(from: Addresses.bob, to: Addresses.server, payload: [2]), from: bob, at: .zero)
        simulator.run(until: .milliseconds(1))
        let table = try #require(simulator.nat(realm)).mappingTable
        let aliceMapped = try #require(table.first { $0.internalAddress == Addresses.alice }?.externalAddress)
        let bobMapped = try #require(table.first { $0.internalAddress == Addresses.bob }?.externalAddress)
        simulator.inject(Datagram(from: Addresses.alice, to: bobMapped, payload: [3]), from: alice, at: .milliseconds(2))
        simulator.run(until: .milliseconds(10))
        let received = simulator.machine(bob, as: Recorder.self)?.arrivals ?? []
        if enabled {
            // RFC 4787 REQ-9: the hairpinned datagram carries Alice's public mapping as its source.
            #expect(received.map(\.datagram.source) == [aliceMapped])
            #expect(received.map(\.datagram.destination) == [Addresses.bob])
        } else {
            #expect(received.isEmpty)
            #expect(simulator.routingDrops[.natNoHairpinning] == 1)
        }
        // Hosts in one realm reach each other's private addresses directly, NAT or not.
        simulator.inject(Datagram(from: Addresses.alice, to: Addresses.bob, payload: [4]), from: alice, at: .milliseconds(20))
        simulator.run(until: .milliseconds(30))
        #expect(simulator.machine(bob, as: Recorder.self)?.arrivals.last?.datagram.source == Addresses.alice)
    }

    @Test(
        "hole punching: server-reflexive paths open between endpoint-independent mappings; an address-dependent mapping shows up as a peer-reflexive source"
    )
    func holePunching() throws {
        func punch(bobMapping: NATBehavior, aliceFiltering: NATBehavior) throws -> (alice: [Arrival], bob: [Arrival], bobSrflx: TransportAddress) {
            var simulator = Simulator(seed: seed, traceRetention: .all)
            let home = simulator.addPrivateRealm(
                "home", nat: NATConfiguration(publicAddress: Addresses.natPublic, filtering: aliceFiltering)
            )
            let office = simulator.addPrivateRealm(
                "office",
                nat: NATConfiguration(publicAddress: Addresses.otherNATPublic, mapping: bobMapping, filtering: .addressAndPortDependent)
            )
            // The same private address on both sides: realms keep them apart.
            let alice = simulator.addHost("alice", addresses: [Addresses.alice], in: home, machine: Recorder())
            let bob = simulator.addHost("bob", addresses: [Addresses.alice], in: office, machine: Recorder())
            simulator.addHost("stun", addresses: [Addresses.server], machine: Reflector(addresses: [Addresses.server]))
            simulator.inject(Datagram(from: Addresses.alice, to: Addresses.server, payload: []), from: alice, at: .zero)
            simulator.inject(Datagram(from: Addresses.alice, to: Addresses.server, payload: []), from: bob, at: .zero)
            simulator.run(until: .milliseconds(10))
            let aliceSrflx = try #require(simulator.machine(alice, as: Recorder.self)?.arrivals.first.flatMap { TransportAddress($0.text) })
            let bobSrflx = try #require(simulator.machine(bob, as: Recorder.self)?.arrivals.first.flatMap { TransportAddress($0.text) })
            // Both send to the other's server-reflexive address; Alice first, so Bob's NAT drops her first try.
            simulator.inject(Datagram(from: Addresses.alice, to: bobSrflx, payload: [1]), from: alice, at: .milliseconds(20))
            simulator.inject(Datagram(from: Addresses.alice, to: aliceSrflx, payload: [2]), from: bob, at: .milliseconds(30))
            simulator.inject(Datagram(from: Addresses.alice, to: bobSrflx, payload: [3]), from: alice, at: .milliseconds(40))
            simulator.run(until: .milliseconds(100))
            let aliceGot = Array(simulator.machine(alice, as: Recorder.self)?.arrivals.dropFirst() ?? [])
            let bobGot = Array(simulator.machine(bob, as: Recorder.self)?.arrivals.dropFirst() ?? [])
            return (aliceGot, bobGot, bobSrflx)
        }

        // Endpoint-independent mapping on both sides: the server-reflexive path opens.
        let open = try punch(bobMapping: .endpointIndependent, aliceFiltering: .addressAndPortDependent)
        #expect(open.alice.map(\.datagram.payload) == [[2]], replay)
        #expect(open.alice.first?.datagram.source == open.bobSrflx)
        #expect(open.bob.map(\.datagram.payload) == [[3]], replay)

        // Bob's NAT maps per destination: towards Alice he gets a port the server never saw. Alice's NAT
        // (endpoint-independent filtering) lets it in, from a peer-reflexive address.
        let prflx = try punch(bobMapping: .addressAndPortDependent, aliceFiltering: .endpointIndependent)
        let source = try #require(prflx.alice.first?.datagram.source)
        #expect(source.address == Addresses.otherNATPublic)
        #expect(source != prflx.bobSrflx, replay)
        // Alice's reply to Bob's server-reflexive address still fails: Bob's mapping there never saw her.
        #expect(prflx.bob.isEmpty, replay)

        // Both strict: Bob's datagram from a fresh port is filtered by Alice's NAT too.
        let closed = try punch(bobMapping: .addressAndPortDependent, aliceFiltering: .addressAndPortDependent)
        #expect(closed.alice.isEmpty && closed.bob.isEmpty, replay)
    }

    @Test("NAT ports come from the seed: the same seed allocates the same ports, another seed others")
    func portAllocation() {
        func ports(_ seed: SimulationSeed) -> [UInt16] {
            var nat = NAT(name: "home", configuration: NATConfiguration(publicAddress: Addresses.natPublic, mapping: .addressAndPortDependent), seed: seed)
            return (0..<20).compactMap { index -> UInt16? in
                let remote = TransportAddress(.v4(0xCB00_7100), port: UInt16(1000 + index))
                guard case .translated(let external, true) = nat.translateOutbound(from: Addresses.alice, to: remote, at: .zero)
                else { return nil }
                return external.port
            }
        }
        let first = ports(seed)
        #expect(first.count == 20 && Set(first).count == 20)
        #expect(ports(seed) == first)
        #expect(ports(SimulationSeed(seed.value &+ 1)) != first)
    }

    @Test("a NAT whose port range is used up drops new mappings with a reason, and frees ports of expired ones")
    func portsExhausted() {
        var nat = NAT(
            name: "tiny",
            configuration: NATConfiguration(publicAddress: Addresses.natPublic, mapping: .addressAndPortDependent, mappingTimeout: .seconds(10), ports: 40000...40001),
            seed: seed
        )
        let remotes = (0..<3).map { TransportAddress(.v4(0xCB00_7100), port: UInt16(1000 + $0)) }
        #expect(nat.translateOutbound(from: Addresses.alice, to: remotes[0], at: .zero) != .dropped(.natPortsExhausted))
        #expect(nat.translateOutbound(from: Addresses.alice, to: remotes[1], at: .zero) != .dropped(.natPortsExhausted))
        #expect(nat.translateOutbound(from: Addresses.alice, to: remotes[2], at: .seconds(1)) == .dropped(.natPortsExhausted))
        #expect(nat.translateOutbound(from: Addresses.alice, to: remotes[2], at: .seconds(11)) != .dropped(.natPortsExhausted))
    }
}
