import CrucibleTestSupport
import ICE
import SansIO
import STUN
import TURN
import Wire

/// An `ICEEndpoint` (agent plus TURN clients), the fake TURN server (relaying, and answering Binding
/// requests) and a plain public `ICEAgent` as the peer, joined by a lossless network with a fixed delay
/// on virtual time. Candidates and end-of-candidates are signalled at once in both directions.
struct RelayLoop {
    static let endpointHost = TransportAddress("10.0.0.1:5000")!
    static let peerHost = TransportAddress("203.0.113.2:6000")!
    static let serverAddress = TransportAddress("192.0.2.1:3478")!
    static let relayedAddress = TransportAddress("192.0.2.1:50000")!
    static let turn = TURNServerConfiguration(address: serverAddress, username: "alice", password: "secret")

    var endpoint: ICEEndpoint
    var server: FakeTURNServer
    var peer: ICEAgent
    var now = Instant.zero
    var delay: Duration = .milliseconds(5)
    /// When false, the server hears nothing more (a server that stopped answering).
    var serverListening = true
    /// Forward candidates between the endpoint and the peer.
    var autoSignal = true
    private var pending: [(at: Instant, order: Int, datagram: Datagram)] = []
    private var order = 0
    private(set) var endpointEvents: [ICEOutput] = []
    private(set) var peerEvents: [ICEOutput] = []
    /// Every datagram the endpoint put on the network.
    private(set) var endpointSent: [Datagram] = []

    init(policy: IceTransportPolicy = .relay, password: String = "secret", stunServer: Bool = false,
         configure: (inout ICEEndpointConfiguration) -> Void = { _ in }) {
        let turn = TURNServerConfiguration(address: Self.serverAddress, username: "alice", password: password)
        var configuration = ICEEndpointConfiguration(
            ice: ICEConfiguration(hostAddresses: [Self.endpointHost], stunServers: stunServer ? [Self.serverAddress] : [],
                                  transportPolicy: policy),
            turnServers: [turn])
        configure(&configuration)
        endpoint = ICEEndpoint(configuration: configuration, role: .controlling, generator: SeededGenerator(seed: 11))
        server = FakeTURNServer(address: Self.serverAddress, username: "alice", password: "secret")
        server.relayed = Self.relayedAddress
        server.relaysToPeers = true
        peer = ICEAgent(configuration: ICEConfiguration(hostAddresses: [Self.peerHost]), role: .controlled,
                        generator: SeededGenerator(seed: 12))
    }

    /// Credentials both ways, then gathering on both.
    mutating func start() {
        endpoint.handle(.setRemoteCredentials(ufrag: peer.localCredentials.ufrag, pwd: peer.localCredentials.pwd, isLite: false), at: now)
        let credentials = endpoint.agent.localCredentials
        peer.handle(.setRemoteCredentials(ufrag: credentials.ufrag, pwd: credentials.pwd, isLite: false), at: now)
        input(endpoint: .startGathering)
        input(peer: .startGathering)
    }

    mutating func input(endpoint input: ICEInput) {
        endpoint.handle(input, at: now)
        drain()
    }

    mutating func input(peer input: ICEInput) {
        peer.handle(input, at: now)
        drain()
    }

    private mutating func send(_ datagram: Datagram) {
        order += 1
        pending.append((now + delay, order, datagram))
    }

    /// Every machine's outputs, until all are quiet.
    private mutating func drain() {
        var busy = true
        while busy {
            busy = false
            while let output = endpoint.poll() {
                busy = true
                if let datagram = output.transmission {
                    endpointSent.append(datagram)
                    send(datagram)
                    continue
                }
                endpointEvents.append(output)
                guard autoSignal else { continue }
                if case .localCandidate(let candidate) = output { peer.handle(.addRemoteCandidate(candidate.sdpCandidate), at: now) }
                if output == .gatheringStateChanged(.complete) { peer.handle(.endOfRemoteCandidates, at: now) }
            }
            while let output = peer.poll() {
                busy = true
                if let datagram = output.transmission {
                    send(datagram)
                    continue
                }
                peerEvents.append(output)
                guard autoSignal else { continue }
                if case .localCandidate(let candidate) = output { endpoint.handle(.addRemoteCandidate(candidate.sdpCandidate), at: now) }
                if output == .gatheringStateChanged(.complete) { endpoint.handle(.endOfRemoteCandidates, at: now) }
            }
            while let output = server.poll() {
                busy = true
                if let datagram = output.transmission { send(datagram) }
            }
        }
    }

    private mutating func deliver(_ datagram: Datagram) {
        if datagram.destination == Self.serverAddress || datagram.destination == Self.relayedAddress {
            if serverListening { server.handle(.received(datagram), at: now) }
        } else if datagram.destination == Self.endpointHost {
            endpoint.handle(.received(datagram), at: now)
        } else if datagram.destination == Self.peerHost {
            peer.handle(.received(datagram), at: now)
        }
        drain()
    }

    /// Deliveries and deadlines in time order until `end`.
    mutating func run(until end: Instant) {
        for _ in 0..<200_000 {
            let next = pending.min { ($0.at, $0.order) < ($1.at, $1.order) }
            var instant = next?.at
            for deadline in [endpoint.nextDeadline, peer.nextDeadline].compactMap({ $0 }) where instant.map({ deadline < $0 }) ?? true {
                instant = deadline
            }
            guard let instant, instant <= end else { break }
            now = max(now, instant)
            if let next, next.at <= now {
                pending.removeAll { $0.order == next.order }
                deliver(next.datagram)
                continue
            }
            if let deadline = endpoint.nextDeadline, deadline <= now { endpoint.handleTimeout(at: now) }
            if let deadline = peer.nextDeadline, deadline <= now { peer.handleTimeout(at: now) }
            drain()
        }
        now = max(now, end)
    }

    mutating func run(for duration: Duration) { run(until: now + duration) }

    /// The STUN requests the endpoint sent to the TURN server, by method.
    func requestsToServer(_ method: STUNMethod) -> [STUNMessage] {
        endpointSent.filter { $0.destination == Self.serverAddress }
            .compactMap { try? STUNMessage.parse($0.payload) }
            .filter { $0.type.messageClass == .request && $0.type.method == method }
    }

    func received(_ events: [ICEOutput]) -> [[UInt8]] {
        events.compactMap { if case .received(let payload, _) = $0 { payload } else { nil } }
    }
}
