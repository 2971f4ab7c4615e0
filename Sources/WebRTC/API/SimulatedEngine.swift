import DTLS
import Foundation
import Pcap
public import SansIO
public import Simulation
import Synchronization
import Wire

/// A deterministic network for peer connections (DESIGN §1.5): one ``Simulation/Simulator`` on virtual
/// time. Time moves only while a caller of the client API waits for something, and then only as far as
/// that something needs; so a scripted session on it is a function of its seed, bytes included: each
/// connection's certificate and DTLS endpoint draw OpenSSL's randomness from that seed too.
public final class SimulatedNetwork: Sendable {
    private struct State: ~Copyable {
        var simulator: Simulator
        var hosts: [HostID] = []
        var connectionSeeds: UInt64 = 0
    }

    /// The capture the simulator's tap writes; touched only under the network's lock.
    private final class Capture: @unchecked Sendable {
        var writer = PcapngWriter()
    }

    public let seed: SimulationSeed
    public let conditions: LinkConditions
    /// Guards the simulator for one step or one call at a time; never held while a caller's condition runs.
    private let state: Mutex<State>
    /// Hands the simulation to one runner or caller at a time, in arrival order, without blocking a
    /// thread: a run lasts as long as its condition needs, and everyone else waits suspended.
    private let turns = Turns()
    private let capture: Capture?

    /// A network whose every host has `conditions` on its uplink (downlinks are perfect), so each
    /// direction of a two-peer session crosses the conditions once, as ``LinkConditions`` presets mean.
    ///
    /// - Parameter recording: when set, every datagram sent is kept for ``writeCapture(to:)``.
    public init(seed: SimulationSeed, conditions: LinkConditions = .perfect, recording: Bool = false) {
        self.seed = seed
        self.conditions = conditions
        var simulator = Simulator(seed: seed)
        let capture = recording ? Capture() : nil
        if let capture {
            simulator.tap = { record in
                guard record.point == .sent else { return }
                let datagram = record.datagram
                capture.writer.append(UDPDatagram(
                    frame: 0, timestampNanoseconds: Int64(clamping: record.instant.nanoseconds),
                    source: Endpoint(address: datagram.source.address.bytes, port: datagram.source.port),
                    destination: Endpoint(address: datagram.destination.address.bytes, port: datagram.destination.port),
                    payload: datagram.payload))
            }
        }
        self.capture = capture
        state = Mutex(State(simulator: simulator))
    }

    /// The seed of the next connection: the network's seed mixed with a count (SplitMix64 steps).
    func nextConnectionSeed() -> UInt64 {
        state.withLock { state in
            state.connectionSeeds += 1
            var generator = SeededGenerator(seed: seed.value &+ state.connectionSeeds &* 0x9E37_79B9_7F4A_7C15)
            return generator.next()
        }
    }

    /// The virtual instant now.
    public var now: Instant { state.withLock { $0.simulator.now } }
    /// The hash of the event trace: the same seed and script give the same hash.
    public var traceHash: String { state.withLock { $0.simulator.traceHash } }
    /// Why datagrams were dropped in the network, summed over hosts.
    public var routingDrops: [DropReason: Int] { state.withLock { $0.simulator.routingDrops } }

    /// Adds a host for one peer connection at `192.0.2.N:5000` (RFC 5737 documentation addresses: the
    /// simulation never touches a real network).
    func addHost(
        configuration: EngineConfiguration, certificate: DTLSCertificate, sink: @escaping @Sendable (EngineEvent) -> Void
    ) -> HostID {
        state.withLock { state in
            let number = state.hosts.count + 1
            let address = TransportAddress(.v4(0xC000_0200 | UInt32(number & 0xFF)), port: 5000)
            var engine = configuration
            engine.hostAddresses = [address]
            engine.seededDTLS = true
            let machine = PeerConnectionMachine(configuration: engine, certificate: certificate)
            let host = state.simulator.addHost(
                "peer\(number)", addresses: [address], uplink: conditions, machine: machine
            ) { output, _ in
                if case .event(let event) = output { sink(event) }
            }
            state.hosts.append(host)
            return host
        }
    }

    /// An application call on a host's machine, in its turn; the machine is changed in place.
    func perform<Result: Sendable>(on host: HostID, _ body: @Sendable (inout PeerConnectionMachine, Instant) -> Result) async -> Result? {
        await turns.acquire()
        defer { turns.release() }
        return state.withLock { state in
            state.simulator.perform(on: host, as: PeerConnectionMachine.self, body)
        }
    }

    /// Events run between two yields of the cooperative thread a run executes on.
    static let stepsPerYield = 256

    /// Runs the simulation until `condition` holds or `timeout` of virtual time passes.
    ///
    /// The run has the simulation to itself (its turn), takes the lock one event at a time, and checks
    /// `condition` after each event outside the lock; it yields its thread every ``stepsPerYield`` events,
    /// so a long simulated transfer never holds a cooperative thread for its whole length.
    func run(until condition: @Sendable () -> Bool, timeout: Duration) async -> Bool {
        await turns.acquire()
        defer { turns.release() }
        let limit = state.withLock { $0.simulator.now } + timeout
        var held = condition()
        var steps = 0
        while !held {
            let advanced = state.withLock { state -> Bool in
                guard let next = state.simulator.nextEventInstant, next <= limit else { return false }
                return state.simulator.step()
            }
            guard advanced else { break }
            held = condition()
            steps += 1
            if steps % Self.stepsPerYield == 0 { await Task.yield() }
        }
        // Waiting out a timeout takes the virtual time it names, even when nothing happens meanwhile.
        if !held { state.withLock { $0.simulator.run(until: limit) } }
        return held
    }

    /// True when the simulation stopped because time could not advance (a machine asking for its
    /// timer again and again at one instant): always a bug.
    public var isStalled: Bool { state.withLock { $0.simulator.isStalled } }

    /// The last `count` lines of the event trace.
    public func traceTail(_ count: Int = 30) -> [String] { state.withLock { Array($0.simulator.trace.lines.suffix(count)) } }

    /// Gives every host's uplink `conditions` from now on (a blackout, a change of path).
    public func setConditions(_ conditions: LinkConditions) {
        state.withLock { state in
            for host in state.hosts { state.simulator.setUplink(host, conditions) }
        }
    }

    /// Runs the simulation for `duration` of virtual time.
    public func run(for duration: Duration) async {
        _ = await run(until: { false }, timeout: duration)
    }

    /// Writes every datagram sent so far as pcapng (when the network records), with virtual timestamps.
    public func writeCapture(to path: String) throws(WebRTCError) {
        let bytes = state.withLock { _ in capture?.writer.bytes }
        guard let bytes else { throw .operationError("the network was made without recording") }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw .operationError("cannot write \(path)")
        }
    }
}

/// Our engine inside a ``SimulatedNetwork``.
public struct SimulatedEngine: MachineEngine {
    public let network: SimulatedNetwork

    public init(network: SimulatedNetwork) { self.network = network }

    /// Derived from the network's seed, so a simulated session is a function of that one seed.
    public func nextConnectionSeed() -> UInt64 { network.nextConnectionSeed() }

    /// A UUID-shaped id drawn from the simulation's seed, so a seeded run names its tracks the same way
    /// every time (DESIGN §1.5).
    public func nextTrackID() -> String {
        let high = network.nextConnectionSeed()
        let low = network.nextConnectionSeed()
        let hex = Hex.encode((0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) } + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) })
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }

    /// Waiting runs the simulation, so a sequence waits no longer than an operation: virtual time would
    /// otherwise run on through consent checks and heartbeats for a year.
    public func sequenceTimeout(operationTimeout: Duration) -> Duration { operationTimeout }

    /// An identity drawn from the connection's seed, valid from a fixed date: a simulated session,
    /// fingerprints included, is a function of the network's seed.
    func makeCertificate(seed: UInt64) throws(WebRTCError) -> DTLSCertificate {
        var generator = SeededGenerator(seed: seed ^ 0xCE27_1F1C_A7E5_EED5)
        do { return try DTLSCertificate(seededBy: &generator) } catch { throw .dtls(error) }
    }

    func makeHost(
        configuration: EngineConfiguration, certificate: DTLSCertificate, recording: Recording?,
        sink: @escaping @Sendable (EngineEvent) -> Void
    ) async throws(WebRTCError) -> any EngineHost {
        SimulatedHost(network: network, host: network.addHost(configuration: configuration, certificate: certificate, sink: sink))
    }
}

final class SimulatedHost: EngineHost {
    let network: SimulatedNetwork
    let host: HostID
    private let stopped = Atomic<Bool>(false)

    init(network: SimulatedNetwork, host: HostID) {
        self.network = network
        self.host = host
    }

    func perform<Result: Sendable>(_ body: @escaping @Sendable (inout PeerConnectionMachine, Instant) -> Result) async -> Result? {
        guard !stopped.load(ordering: .relaxed) else { return nil }
        return await network.perform(on: host, body)
    }

    func wait(until condition: @escaping @Sendable () -> Bool, timeout: Duration) async -> Bool {
        await network.run(until: condition, timeout: timeout)
    }

    func stop() async {
        stopped.store(true, ordering: .relaxed)
    }
}

/// A first-come, first-served turn for async callers: `acquire` suspends (it never blocks a thread) until
/// every earlier caller has released.
final class Turns: Sendable {
    private let state = Mutex<(busy: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

    func acquire() async {
        let free = state.withLock { state -> Bool in
            guard !state.busy else { return false }
            state.busy = true
            return true
        }
        if free { return }
        await withCheckedContinuation { continuation in
            let granted = state.withLock { state -> Bool in
                guard state.busy else {
                    state.busy = true
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if granted { continuation.resume() }
        }
    }

    /// Hands the turn to the earliest waiter, or frees it.
    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiting.isEmpty else {
                state.busy = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
