import Benchmark
import ICE
import SansIO
import Simulation
import UDPDriver
import Wire

// Issue 6's ICE benchmarks. Run from Benchmarks/: `swift package benchmark --target IceAgents`.
//
// - Time to `connected`: two `ICEAgent`s in one process, each on its own `UDPDriver` bound to 127.0.0.1,
//   real sockets and the wall clock. Measured from the credential exchange (sockets already bound) until
//   both agents have reported `connected`; binding and closing are outside the measurement.
// - Memory per agent: 100 agents (50 pairs) made, gathered and connected in the simulator (virtual time,
//   perfect links), measured while they are all alive; and 100 agents only made and gathered. Divide the
//   bytes by 100 for a per-agent figure; the simulator's own hosts, links and event queue are in the first.

let benchmarks: @Sendable () -> Void = {
    let loopback = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal], timeUnits: .microseconds, warmupIterations: 2,
        maxDuration: .seconds(20), maxIterations: 40)

    // Regular nomination (RFC 8445 §8.1.1) puts the nominating re-check in the triggered queue, which the
    // Ta pacer (50 ms) serves: expect about one Ta. Aggressive nomination has no second check.
    for nomination in NominationMode.allCases {
        Benchmark(
            "ICE: two agents on loopback UDP, credentials exchanged → both connected, \(nomination.rawValue) nomination",
            configuration: loopback
        ) { benchmark async in
            await connectOverLoopback(benchmark, nomination: nomination)
        }
    }

    let memory = Benchmark.Configuration(
        metrics: [.memoryLeakedBytes, .mallocFreeDelta, .mallocCountTotal, .peakMemoryResidentDelta, .wallClock],
        timeUnits: .milliseconds, warmupIterations: 1, maxDuration: .seconds(20), maxIterations: 20)

    Benchmark("ICE: 100 agents (50 pairs) gathered and connected in the simulator, all alive", configuration: memory) { benchmark in
        let simulator = connectInSimulator(agents: 100)
        benchmark.stopMeasurement()  // measured while every agent is still held
        blackHole(simulator)
    }

    Benchmark("ICE: 100 agents made and gathered, all alive", configuration: memory) { benchmark in
        var agents: [ICEAgent] = []
        agents.reserveCapacity(100)
        for index in 0..<100 {
            var agent = ICEAgent(
                configuration: ICEConfiguration(hostAddresses: [hostAddress(index)]), role: .controlling,
                generator: SeededGenerator(seed: UInt64(index)))
            agent.handle(.startGathering, at: .zero)
            while agent.poll() != nil {}
            agents.append(agent)
        }
        benchmark.stopMeasurement()
        blackHole(agents)
    }
}

/// 10.0.x.y:5000, distinct for each index below 65,536.
func hostAddress(_ index: Int) -> TransportAddress {
    TransportAddress(.v4(0x0A00_0000 | UInt32(index + 1)), port: 5000)
}

/// Starts two drivers, exchanges credentials and candidates as signalling would, and waits until both
/// agents report `connected`.
func connectOverLoopback(_ benchmark: Benchmark, nomination: NominationMode) async {
    func start(_ role: ICERole, seed: UInt64) async -> UDPDriver<ICEAgent> {
        try! await UDPDriver.start(configuration: UDPDriverConfiguration(localAddresses: [TransportAddress(.loopbackV4, port: 0)])) {
            ICEAgent(
                configuration: ICEConfiguration(hostAddresses: $0, nomination: nomination), role: role,
                generator: SeededGenerator(seed: seed))
        }
    }
    func connected(_ driver: UDPDriver<ICEAgent>) async -> Bool {
        for await output in driver.outputs {
            if case .connectionStateChanged(.connected) = output { return true }
        }
        return false
    }
    let drivers = [await start(.controlling, seed: 1), await start(.controlled, seed: 2)]

    benchmark.startMeasurement()
    async let first = connected(drivers[0])
    async let second = connected(drivers[1])
    let credentials = [await drivers[0].inspect { $0.localCredentials }!, await drivers[1].inspect { $0.localCredentials }!]
    for (index, driver) in drivers.enumerated() {
        let remote = credentials[1 - index]
        await driver.handle(.setRemoteCredentials(ufrag: remote.ufrag, pwd: remote.pwd, isLite: false))
        await driver.handle(.startGathering)
    }
    for (index, driver) in drivers.enumerated() {
        let candidates = await drivers[1 - index].inspect { $0.localCandidates }!
        for candidate in candidates { await driver.handle(.addRemoteCandidate(candidate.sdpCandidate)) }
        await driver.handle(.endOfRemoteCandidates)
    }
    let both = await (first, second)
    benchmark.stopMeasurement()
    precondition(both == (true, true), "an agent stopped before connecting")

    for driver in drivers {
        await driver.handle(.close)
        await driver.stop()
    }
}

/// `agents` agents in pairs (even index controlling), signalled before the run, connected on a perfect
/// simulated network; returns the simulator holding them all.
func connectInSimulator(agents count: Int) -> Simulator {
    final class Connected { var hosts = Set<Int>() }
    let connected = Connected()
    var agents: [ICEAgent] = (0..<count).map { index in
        var agent = ICEAgent(
            configuration: ICEConfiguration(hostAddresses: [hostAddress(index)]),
            role: index % 2 == 0 ? .controlling : .controlled, generator: SeededGenerator(seed: UInt64(index)))
        agent.handle(.startGathering, at: .zero)
        return agent
    }
    for index in agents.indices {
        let peer = agents[index ^ 1]
        agents[index].handle(
            .setRemoteCredentials(ufrag: peer.localCredentials.ufrag, pwd: peer.localCredentials.pwd, isLite: false), at: .zero)
        for candidate in peer.localCandidates { agents[index].handle(.addRemoteCandidate(candidate.sdpCandidate), at: .zero) }
        agents[index].handle(.endOfRemoteCandidates, at: .zero)
    }
    var simulator = Simulator(seed: SimulationSeed(6), traceRetention: .none)
    for (index, agent) in agents.enumerated() {
        simulator.addHost("agent\(index)", addresses: agent.configuration.hostAddresses, machine: agent) { output, _ in
            if case .connectionStateChanged(.connected) = output { connected.hosts.insert(index) }
        }
    }
    let done = simulator.run(until: { _ in connected.hosts.count == count }, limit: .zero + .seconds(60))
    precondition(done, "only \(connected.hosts.count) of \(count) agents connected")
    return simulator
}
