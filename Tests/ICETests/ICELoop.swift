import CrucibleTestSupport
import ICE
import STUN
import SansIO
import Simulation
import Testing
import Wire

/// Two ICE machines (agents or endpoints, each a ``SignalledPeer``) on the simulator, with an optional
/// fake TURN server (also a STUN server) as a third host: the fixture every two-peer ICE test runs on.
/// Candidates and end-of-candidates travel over a ``SignallingBoard`` with a fixed delay, handed over at
/// exactly the instant they are due. A run is a function of the seed, the machines and the test's
/// inputs; its trace hash says so (DESIGN §1.5).
///
/// Scripted faults (``drop``, ``serverListening``) see every datagram as its machine sent it; link
/// conditions and NATs are the simulator's. Outputs other than datagrams are kept per side, in order.
struct ICELoop<A: ICEMachine, B: ICEMachine> {
    /// One host to add: its name in the trace, its machine, the addresses it owns, where it lives.
    struct Host<M> {
        var name: String
        var machine: M
        var addresses: [TransportAddress]
        var realm: RealmID = .internet
        var uplink: LinkConditions = .perfect
    }

    /// What the closures the simulator holds write to (they outlive any one copy of the loop).
    private final class Log {
        var sides: [HostID: Int] = [:]
        var events: [[ICEOutput]] = [[], []]
        var sent: [[(at: Instant, datagram: Datagram)]] = [[], []]
        var serverAddresses: [TransportAddress] = []
        var drop: (Datagram) -> Bool = { _ in false }
        var serverListening = true
    }

    private(set) var simulator: Simulator
    let hostA: HostID
    let hostB: HostID
    let serverHost: HostID?
    let board: SignallingBoard
    private let log = Log()

    /// Adds both peers (and the server, when there is one) to `simulator`, whose realms are already made.
    /// With `pings`, each peer pings the other once connected (see ``SignalledPeer``).
    init(
        simulator: Simulator, a: Host<A>, b: Host<B>, server: Host<FakeTURNServer>? = nil,
        signallingDelay: Duration = .milliseconds(20), pings: Bool = false
    ) {
        var simulator = simulator
        let log = self.log
        let board = SignallingBoard(delay: signallingDelay)
        self.board = board
        hostA = simulator.addHost(
            a.name, addresses: a.addresses, in: a.realm, uplink: a.uplink,
            machine: SignalledPeer(a.machine, index: 0, board: board, pings: pings),
            observer: { output, _ in log.events[0].append(output) })
        hostB = simulator.addHost(
            b.name, addresses: b.addresses, in: b.realm, uplink: b.uplink,
            machine: SignalledPeer(b.machine, index: 1, board: board, pings: pings),
            observer: { output, _ in log.events[1].append(output) })
        serverHost = server.map {
            simulator.addHost($0.name, addresses: $0.addresses, in: $0.realm, uplink: $0.uplink, machine: $0.machine)
        }
        log.sides = [hostA: 0, hostB: 1]
        log.serverAddresses = server?.addresses ?? []
        simulator.tap = { record in
            guard record.point == .sent, let side = log.sides[record.host] else { return }
            log.sent[side].append((record.instant, record.datagram))
        }
        simulator.fault = { record in
            if log.sides[record.host] != nil, log.drop(record.datagram) { return nil }
            if !log.serverListening, log.serverAddresses.contains(record.datagram.destination) { return nil }
            return record.datagram
        }
        self.simulator = simulator
    }

    /// The host a test's server lives at: its address, and its relayed address when it relays.
    static func serverHost(_ server: FakeTURNServer, uplink: LinkConditions = .perfect) -> Host<FakeTURNServer> {
        Host(name: "server", machine: server, addresses: server.relaysToPeers ? [server.address, server.relayed] : [server.address],
             uplink: uplink)
    }

    // MARK: The machines

    var a: SignalledPeer<A> { Self.unwrap(simulator.machine(hostA, as: SignalledPeer<A>.self)) }
    var b: SignalledPeer<B> { Self.unwrap(simulator.machine(hostB, as: SignalledPeer<B>.self)) }

    /// Both agents as they are now (an endpoint's is the agent inside it).
    var agents: [ICEAgent] { [a.agent, b.agent] }

    /// The server as it is now (a loop without one traps).
    var server: FakeTURNServer { Self.unwrap(serverHost.flatMap { simulator.machine($0, as: FakeTURNServer.self) }) }

    private static func unwrap<M>(_ machine: M?) -> M {
        guard let machine else { preconditionFailure("an ICE loop's host runs another machine") }
        return machine
    }

    /// Hands an input to a side now, then services it.
    mutating func input(_ side: Int, _ input: ICEInput) {
        let done: Void? = side == 0
            ? simulator.perform(on: hostA, as: SignalledPeer<A>.self) { peer, now in peer.handle(input, at: now) }
            : simulator.perform(on: hostB, as: SignalledPeer<B>.self) { peer, now in peer.handle(input, at: now) }
        Self.unwrap(done)
    }

    /// Exchanges credentials (as an offer/answer would) and starts gathering on both.
    mutating func start() {
        let credentials = agents.map(\.localCredentials)
        let lite = agents.map(\.configuration.isLite)
        for side in 0..<2 {
            input(side, .setRemoteCredentials(ufrag: credentials[1 - side].ufrag, pwd: credentials[1 - side].pwd, isLite: lite[1 - side]))
        }
        input(0, .startGathering)
        input(1, .startGathering)
    }

    // MARK: The record

    var now: Instant { simulator.now }
    var seed: SimulationSeed { simulator.seed }
    var traceHash: String { simulator.traceHash }
    /// Every output but datagrams, per side, in order.
    var events: [[ICEOutput]] { log.events }
    /// Every datagram each side sent (lost or not), with its instant.
    var sent: [[(at: Instant, datagram: Datagram)]] { log.sent }
    /// Application data received, per side.
    var received: [[[UInt8]]] { log.events.map { Self.received($0) } }

    static func received(_ events: [ICEOutput]) -> [[UInt8]] {
        events.compactMap { if case .received(let payload, _) = $0 { payload } else { nil } }
    }

    /// The state changes a side reported, in order.
    func connectionStates(_ side: Int) -> [IceConnectionState] {
        events[side].compactMap { if case .connectionStateChanged(let state) = $0 { state } else { nil } }
    }

    func gatheringStates(_ side: Int) -> [IceGatheringState] {
        events[side].compactMap { if case .gatheringStateChanged(let state) = $0 { state } else { nil } }
    }

    func selectedPairs(_ side: Int) -> [ICECandidatePair] {
        events[side].compactMap { if case .selectedPairChanged(let pair) = $0 { pair } else { nil } }
    }

    /// The STUN requests a side sent to the server, by method.
    func requestsToServer(from side: Int, _ method: STUNMethod) -> [STUNMessage] {
        sent[side].map(\.datagram).filter { $0.destination == log.serverAddresses.first }
            .compactMap { try? STUNMessage.parse($0.payload) }
            .filter { $0.type.messageClass == .request && $0.type.method == method }
    }

    // MARK: Faults and signalling

    /// Datagrams either side sends for which it returns true are lost before they enter the link.
    var drop: (Datagram) -> Bool {
        get { log.drop }
        nonmutating set { log.drop = newValue }
    }

    /// When false, the server hears nothing more (a server that stopped answering).
    var serverListening: Bool {
        get { log.serverListening }
        nonmutating set { log.serverListening = newValue }
    }

    /// Forward local candidates and end-of-candidates to the other side.
    var autoSignal: Bool {
        get { board.isForwarding }
        nonmutating set { board.isForwarding = newValue }
    }

    // MARK: Running

    /// Runs events and signalling in time order until `done` holds (checked before every event) or
    /// nothing is due by `end`, then leaves the clock at `end` when `done` never held; whether it held.
    @discardableResult
    mutating func run(until end: Instant, until done: (Self) -> Bool = { _ in false }) -> Bool {
        while !done(self) {
            let event = simulator.nextEventInstant
            if let due = board.nextDue, due <= end, event.map({ due < $0 }) ?? true {
                simulator.run(until: due)
                for post in board.takeDue(at: now) { input(post.peer, post.input) }
                continue
            }
            guard let event, event <= end, simulator.step() else {
                simulator.run(until: end)
                return done(self)
            }
        }
        return true
    }

    @discardableResult
    mutating func run(for duration: Duration, until done: (Self) -> Bool = { _ in false }) -> Bool {
        run(until: now + duration, until: done)
    }
}

extension ICELoop where A == ICEAgent, B == ICEAgent {
    /// The seed of every two-agent test: `CRUCIBLE_SEED` when set.
    static var defaultSeed: SimulationSeed { SimulationSeed.fromEnvironment(default: 0x1CE_2A6E) }

    /// Both agents with loopback hosts 127.0.0.1:5000 and 127.0.0.2:6000, 5 ms apart, signalling 20 ms.
    ///
    /// - Parameters:
    ///   - stunServer: where a STUN server (answering Binding requests with the source it sees) listens.
    ///   - nat: puts side 0 behind this NAT.
    ///   - alsoOwned: addresses a side owns besides its host addresses (a relayed address it was given).
    static func loopback(
        a: ICERole = .controlling, b: ICERole = .controlled, nomination: NominationMode = .regular,
        seed: SimulationSeed = defaultSeed, stunServer: TransportAddress? = nil, nat: NATConfiguration? = nil,
        alsoOwned: [[TransportAddress]] = [[], []],
        configure: (inout ICEConfiguration, Int) -> Void = { _, _ in }
    ) -> Self {
        var first = ICEConfiguration(hostAddresses: [TransportAddress("127.0.0.1:5000")!], nomination: nomination)
        var second = ICEConfiguration(hostAddresses: [TransportAddress("127.0.0.2:6000")!], nomination: nomination)
        configure(&first, 0)
        configure(&second, 1)
        var simulator = Simulator(seed: seed, traceRetention: .none)
        let realm = nat.map { simulator.addPrivateRealm("nat", nat: $0) } ?? .internet
        let delay = LinkConditions(delay: .milliseconds(5))
        let server = stunServer.map { address -> Host<FakeTURNServer> in
            var server = FakeTURNServer(address: address, username: "alice", password: "secret")
            server.relaysToPeers = true
            return serverHost(server, uplink: delay)
        }
        return ICELoop(
            simulator: simulator,
            a: Host(name: "a", machine: ICEAgent(configuration: first, role: a, generator: seed.generator(label: "a/agent")),
                    addresses: first.hostAddresses + alsoOwned[0], realm: realm, uplink: delay),
            b: Host(name: "b", machine: ICEAgent(configuration: second, role: b, generator: seed.generator(label: "b/agent")),
                    addresses: second.hostAddresses + alsoOwned[1], uplink: delay),
            server: server)
    }
}

extension ICELoop where A == ICEEndpoint, B == ICEAgent {
    static var endpointHost: TransportAddress { TransportAddress("10.0.0.1:5000")! }
    static var peerHost: TransportAddress { TransportAddress("203.0.113.2:6000")! }
    static var serverAddress: TransportAddress { TransportAddress("192.0.2.1:3478")! }
    static var relayedAddress: TransportAddress { TransportAddress("192.0.2.1:50000")! }
    static var turn: TURNServerConfiguration { TURNServerConfiguration(address: serverAddress, username: "alice", password: "secret") }

    /// An `ICEEndpoint` (agent plus TURN clients, side 0), the fake TURN server (relaying, and answering
    /// Binding requests) and a plain public `ICEAgent` as the peer (side 1), every hop 5 ms; candidates
    /// are signalled at once in both directions.
    init(
        policy: IceTransportPolicy = .relay, password: String = "secret", stunServer: Bool = false,
        seed: SimulationSeed = ICELoop<ICEAgent, ICEAgent>.defaultSeed, configure: (inout ICEEndpointConfiguration) -> Void = { _ in }
    ) {
        var configuration = ICEEndpointConfiguration(
            ice: ICEConfiguration(hostAddresses: [Self.endpointHost], stunServers: stunServer ? [Self.serverAddress] : [],
                                  transportPolicy: policy),
            turnServers: [TURNServerConfiguration(address: Self.serverAddress, username: "alice", password: password)])
        configure(&configuration)
        var server = FakeTURNServer(address: Self.serverAddress, username: "alice", password: "secret")
        server.relayed = Self.relayedAddress
        server.relaysToPeers = true
        let delay = LinkConditions(delay: .milliseconds(5))
        self.init(
            simulator: Simulator(seed: seed, traceRetention: .none),
            a: Host(name: "endpoint", machine: ICEEndpoint(configuration: configuration, role: .controlling,
                                                           generator: seed.generator(label: "endpoint")),
                    addresses: [Self.endpointHost], uplink: delay),
            b: Host(name: "peer", machine: ICEAgent(configuration: ICEConfiguration(hostAddresses: [Self.peerHost]), role: .controlled,
                                                    generator: seed.generator(label: "peer")),
                    addresses: [Self.peerHost], uplink: delay),
            server: Self.serverHost(server, uplink: delay), signallingDelay: .zero)
    }

    var endpoint: ICEEndpoint { a.machine }
    var peer: ICEAgent { b.machine }
    var endpointEvents: [ICEOutput] { events[0] }
    var peerEvents: [ICEOutput] { events[1] }
    /// Every datagram the endpoint put on the network.
    var endpointSent: [Datagram] { sent[0].map(\.datagram) }

    mutating func input(endpoint input: ICEInput) { self.input(0, input) }
    mutating func input(peer input: ICEInput) { self.input(1, input) }

    /// The STUN requests the endpoint sent to the TURN server, by method.
    func requestsToServer(_ method: STUNMethod) -> [STUNMessage] { requestsToServer(from: 0, method) }

    func received(_ events: [ICEOutput]) -> [[UInt8]] { Self.received(events) }
}

/// Two agents on loopback (see ``ICELoop/loopback(a:b:nomination:seed:stunServer:nat:alsoOwned:configure:)``).
typealias TwoAgentLoop = ICELoop<ICEAgent, ICEAgent>
/// An endpoint relaying through the fake TURN server to a public agent (see ``ICELoop/init(policy:password:stunServer:seed:configure:)``).
typealias RelayLoop = ICELoop<ICEEndpoint, ICEAgent>

extension Trait where Self == IssueHandlingTrait {
    /// Adds the seed and the command that replays it to every issue a suite of seeded tests records.
    static func replaying(_ seed: SimulationSeed, _ filter: String) -> Self {
        .compactMapIssues { issue in
            // The suite's handler runs again for the suite after the test's: add the line once.
            let replay = Comment(rawValue: seed.failureMessage(test: filter))
            guard !issue.comments.contains(replay) else { return issue }
            var issue = issue
            issue.comments.append(replay)
            return issue
        }
    }
}

extension Instant {
    static func seconds(_ value: Double) -> Instant { Instant(nanoseconds: UInt64(value * 1_000_000_000)) }
}
