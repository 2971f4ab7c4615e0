import ICE
import SDP
import STUN
import SansIO
import Wire

/// A tiny deterministic network for two agents (and an optional STUN server): every datagram arrives
/// after a fixed delay, signalling (candidates, end-of-candidates) after another; time jumps to the
/// earliest pending delivery or deadline. Not the project's simulator: just enough for machine tests.
struct TwoAgentLoop {
    enum Action {
        case deliver(Datagram)
        case input(Int, ICEInput)
    }

    struct Scheduled {
        var at: Instant
        var order: Int
        var action: Action
    }

    var agents: [ICEAgent]
    var now = Instant.zero
    var delay: Duration = .milliseconds(5)
    var signallingDelay: Duration = .milliseconds(20)
    /// Forward local candidates and end-of-candidates to the other agent.
    var autoSignal = true
    /// Datagrams for which this returns true are lost.
    var drop: (Datagram) -> Bool = { _ in false }
    /// A STUN server: answers Binding requests with the mapping of the source.
    var stunServer: TransportAddress? = nil
    var mapping: (TransportAddress) -> TransportAddress = { $0 }
    var pending: [Scheduled] = []
    var counter = 0
    /// Every output but transmissions, per agent, in order.
    var events: [[ICEOutput]] = [[], []]
    /// Every transmission, per agent, with its time.
    var sent: [[(at: Instant, datagram: Datagram)]] = [[], []]
    /// Application data received, per agent.
    var received: [[[UInt8]]] = [[], []]

    init(_ a: ICEAgent, _ b: ICEAgent) {
        agents = [a, b]
    }

    /// Both agents with loopback hosts 127.0.0.1:5000 and 127.0.0.2:6000.
    static func loopback(
        a: ICERole = .controlling, b: ICERole = .controlled, nomination: NominationMode = .regular,
        configure: (inout ICEConfiguration, Int) -> Void = { _, _ in }
    ) -> TwoAgentLoop {
        var first = ICEConfiguration(hostAddresses: [TransportAddress("127.0.0.1:5000")!], nomination: nomination)
        var second = ICEConfiguration(hostAddresses: [TransportAddress("127.0.0.2:6000")!], nomination: nomination)
        configure(&first, 0)
        configure(&second, 1)
        return TwoAgentLoop(
            ICEAgent(configuration: first, role: a, generator: SeededGenerator(seed: 1)),
            ICEAgent(configuration: second, role: b, generator: SeededGenerator(seed: 2)))
    }

    mutating func schedule(_ action: Action, after: Duration) {
        counter += 1
        pending.append(Scheduled(at: now + after, order: counter, action: action))
    }

    /// Hands an input to an agent now and carries out its outputs.
    mutating func input(_ index: Int, _ input: ICEInput) {
        agents[index].handle(input, at: now)
        drain(index)
    }

    /// Exchanges credentials (as an offer/answer would) and starts gathering on both.
    mutating func start(remoteLite: [Bool] = [false, false]) {
        for index in 0..<2 {
            let other = agents[1 - index]
            input(index, .setRemoteCredentials(
                ufrag: other.localCredentials.ufrag, pwd: other.localCredentials.pwd,
                isLite: other.configuration.isLite))
        }
        input(0, .startGathering)
        input(1, .startGathering)
    }

    mutating func drain(_ index: Int) {
        while let output = agents[index].poll() {
            switch output {
            case .transmit(let datagram):
                sent[index].append((now, datagram))
                if !drop(datagram) { schedule(.deliver(datagram), after: delay) }
            case .localCandidate(let candidate):
                events[index].append(output)
                if autoSignal { schedule(.input(1 - index, .addRemoteCandidate(candidate.sdpCandidate)), after: signallingDelay) }
            case .gatheringStateChanged(.complete):
                events[index].append(output)
                if autoSignal { schedule(.input(1 - index, .endOfRemoteCandidates), after: signallingDelay) }
            case .received(let payload, _):
                events[index].append(output)
                received[index].append(payload)
            default:
                events[index].append(output)
            }
        }
    }

    func owner(of address: TransportAddress) -> Int? {
        for index in 0..<2 {
            if agents[index].configuration.hostAddresses.contains(address)
                || agents[index].localCandidates.contains(where: { $0.kind == .relayed && $0.address == address }) {
                return index
            }
        }
        return nil
    }

    mutating func carryOut(_ action: Action) {
        switch action {
        case .input(let index, let input):
            self.input(index, input)
        case .deliver(let datagram):
            if datagram.destination == stunServer {
                answerAsServer(datagram)
            } else if let index = owner(of: datagram.destination) {
                input(index, .received(datagram))
            }
        }
    }

    mutating func answerAsServer(_ datagram: Datagram) {
        guard let request = try? STUNMessage.parse(datagram.payload), request.type == .bindingRequest,
            let server = stunServer
        else { return }
        let response = STUNMessage(
            type: .bindingSuccess, transactionID: request.transactionID,
            values: [.xorMappedAddress(mapping(datagram.source))]).withFingerprint()
        schedule(.deliver(Datagram(from: server, to: datagram.source, payload: response.serialize())), after: delay)
    }

    /// Runs until `end`: deliveries and deadlines in time order (ties: deliveries first, in the order
    /// they were scheduled; then agent 0's deadline, then agent 1's).
    mutating func run(until end: Instant) {
        var steps = 0
        while steps < 500_000 {
            steps += 1
            let nextPending = pending.min { ($0.at, $0.order) < ($1.at, $1.order) }
            let deadlines = agents.map(\.nextDeadline)
            var next = nextPending?.at
            for deadline in deadlines.compactMap({ $0 }) where next == nil || deadline < next! { next = deadline }
            guard let next, next <= end else { break }
            now = max(now, next)
            if let item = nextPending, item.at <= now {
                pending.removeAll { $0.order == item.order }
                carryOut(item.action)
                continue
            }
            for index in 0..<2 where (agents[index].nextDeadline.map { $0 <= now }) ?? false {
                agents[index].handleTimeout(at: now)
                drain(index)
            }
        }
        now = max(now, end)
    }

    mutating func run(for duration: Duration) { run(until: now + duration) }

    /// The state changes an agent reported, in order.
    func connectionStates(_ index: Int) -> [IceConnectionState] {
        events[index].compactMap { if case .connectionStateChanged(let state) = $0 { state } else { nil } }
    }

    func gatheringStates(_ index: Int) -> [IceGatheringState] {
        events[index].compactMap { if case .gatheringStateChanged(let state) = $0 { state } else { nil } }
    }

    func selectedPairs(_ index: Int) -> [ICECandidatePair] {
        events[index].compactMap { if case .selectedPairChanged(let pair) = $0 { pair } else { nil } }
    }
}

extension Instant {
    static func seconds(_ value: Double) -> Instant { Instant(nanoseconds: UInt64(value * 1_000_000_000)) }
}
