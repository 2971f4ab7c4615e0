public import SansIO
public import Simulation
public import Wire

/// One datagram payload a side of a ``MachinePair`` sent, lost or not.
public struct PeerTransmission: Hashable, Sendable {
    /// When the side sent it.
    public var instant: Instant
    /// 0 for the pair's first machine (`a`), 1 for the second (`b`).
    public var side: Int
    /// 0 for the first payload this side sent, 1 for the next…
    public var index: Int
    public var payload: [UInt8]
    /// Lost by the pair's ``MachinePair/drop`` rule (the link's own losses are in the trace).
    public var dropped = false
}

/// Two payload machines on the simulator, each behind ``SansIO/PointToPoint`` at its own public
/// address, joined by one link condition in each direction (both uplinks; downlinks are perfect): the
/// fixture every two-peer test of SCTP, data channels and DTLS runs on. A run is a function of the seed,
/// the machines and the test's inputs; its trace hash says so (DESIGN §1.5).
///
/// Scripted faults (``drop``, ``corrupt``) see every payload as its machine sent it; statistical ones are
/// the ``link``'s. Outputs other than payloads are kept per side, in order.
public struct MachinePair<A: PayloadMachine, B: PayloadMachine> {
    /// 192.0.2.1:5000 and 192.0.2.2:5000 (RFC 5737 documentation addresses).
    public static var addressA: TransportAddress { TransportAddress(.v4(0xC000_0201), port: 5000) }
    public static var addressB: TransportAddress { TransportAddress(.v4(0xC000_0202), port: 5000) }

    /// What the closures the simulator holds write to (they outlive any one copy of the pair).
    private final class Log {
        var eventsA: [A.Output] = []
        var eventsB: [B.Output] = []
        var transmissions: [PeerTransmission] = []
        var counts = [0, 0]
        var drop: (PeerTransmission) -> Bool = { _ in false }
        var corrupt: (PeerTransmission) -> [UInt8]? = { _ in nil }
    }

    public private(set) var simulator: Simulator
    public let hostA: HostID
    public let hostB: HostID
    private let log = Log()

    /// Both conditions of the path, one direction each (both uplinks).
    public var link: LinkConditions {
        didSet {
            simulator.setUplink(hostA, link)
            simulator.setUplink(hostB, link)
        }
    }

    /// Runs `a` and `b` (named `names` in the trace) on a simulator driven by `seed`.
    public init(
        _ a: A, _ b: B, seed: SimulationSeed, names: (String, String) = ("a", "b"), link: LinkConditions = .perfect,
        traceRetention: Trace.Retention = .none
    ) {
        self.link = link
        var simulator = Simulator(seed: seed, traceRetention: traceRetention)
        let log = self.log
        simulator.tap = { record in
            guard record.point == .sent else { return }
            let side = record.host.index
            log.transmissions.append(
                PeerTransmission(instant: record.instant, side: side, index: log.counts[side], payload: record.datagram.payload))
            log.counts[side] += 1
        }
        simulator.fault = { record in
            guard let last = log.transmissions.indices.last else { return record.datagram }
            if log.drop(log.transmissions[last]) {
                log.transmissions[last].dropped = true
                return nil
            }
            guard let altered = log.corrupt(log.transmissions[last]) else { return record.datagram }
            return Datagram(from: record.datagram.source, to: record.datagram.destination, payload: altered)
        }
        // Hosts are added in order, so host index and side agree (the tap relies on it).
        hostA = simulator.addHost(
            names.0, addresses: [Self.addressA], uplink: link,
            machine: PointToPoint(a, from: Self.addressA, to: Self.addressB),
            observer: { output, _ in log.eventsA.append(output.output) })
        hostB = simulator.addHost(
            names.1, addresses: [Self.addressB], uplink: link,
            machine: PointToPoint(b, from: Self.addressB, to: Self.addressA),
            observer: { output, _ in log.eventsB.append(output.output) })
        self.simulator = simulator
    }

    // MARK: The machines

    /// The first machine as it is now; setting it replaces it in place and services it.
    public var a: A {
        get { Self.unwrap(simulator.machine(hostA, as: PointToPoint<A>.self)) }
        set { performOnA { machine, _ in machine = newValue } }
    }

    /// The second machine as it is now; setting it replaces it in place and services it.
    public var b: B {
        get { Self.unwrap(simulator.machine(hostB, as: PointToPoint<B>.self)) }
        set { performOnB { machine, _ in machine = newValue } }
    }

    private static func unwrap<M>(_ host: PointToPoint<M>?) -> M {
        guard let host else { preconditionFailure("a peer pair's host runs another machine") }
        return host.machine
    }

    /// Calls into the first machine now (an application call), then services it, whether the call
    /// threw or not.
    @discardableResult
    public mutating func performOnA<Success, Failure>(
        _ body: (inout A, Instant) throws(Failure) -> Success
    ) throws(Failure) -> Success {
        try perform(on: hostA, body)
    }

    /// Calls into the second machine now (an application call), then services it.
    @discardableResult
    public mutating func performOnB<Success, Failure>(
        _ body: (inout B, Instant) throws(Failure) -> Success
    ) throws(Failure) -> Success {
        try perform(on: hostB, body)
    }

    private mutating func perform<M: PayloadMachine, Success, Failure>(
        on host: HostID, _ body: (inout M, Instant) throws(Failure) -> Success
    ) throws(Failure) -> Success {
        let outcome = simulator.perform(on: host, as: PointToPoint<M>.self) { host, now in
            Swift.Result { () throws(Failure) -> Success in try body(&host.machine, now) }
        }
        return try Self.unwrap(outcome).get()
    }

    private static func unwrap<Result>(_ result: Result?) -> Result {
        guard let result else { preconditionFailure("a peer pair's host runs another machine") }
        return result
    }

    public mutating func input(a input: A.Input) { performOnA { machine, now in machine.handle(input, at: now) } }
    public mutating func input(b input: B.Input) { performOnB { machine, now in machine.handle(input, at: now) } }

    // MARK: The record

    public var now: Instant { simulator.now }
    public var seed: SimulationSeed { simulator.seed }
    public var traceHash: String { simulator.traceHash }
    public var eventsA: [A.Output] { log.eventsA }
    public var eventsB: [B.Output] { log.eventsB }
    /// Every payload either side sent, in order, lost or not.
    public var transmissions: [PeerTransmission] { log.transmissions }
    /// Every payload each side sent, lost or not: `sent[0]` is `a`'s.
    public var sent: [[[UInt8]]] {
        var sides: [[[UInt8]]] = [[], []]
        for transmission in log.transmissions { sides[transmission.side].append(transmission.payload) }
        return sides
    }

    // MARK: Faults

    /// Payloads for which it returns true are lost before they enter the link.
    public var drop: (PeerTransmission) -> Bool {
        get { log.drop }
        nonmutating set { log.drop = newValue }
    }

    /// What the link carries instead of a payload (nil: the payload unchanged).
    public var corrupt: (PeerTransmission) -> [UInt8]? {
        get { log.corrupt }
        nonmutating set { log.corrupt = newValue }
    }

    /// Independent loss on both directions.
    public var loss: Double {
        get { if case .independent(let probability) = link.loss { probability } else { 0 } }
        set { link.loss = newValue > 0 ? .independent(newValue) : .none }
    }

    /// The one-way delay of both directions.
    public var delay: Duration {
        get { link.delay }
        set { link.delay = newValue }
    }

    /// Up to this much extra delay per payload, both directions, and payloads that overtake each other: the
    /// link's jitter (which alone keeps order) plus a quarter of payloads held back by as much.
    public var jitter: Duration {
        get { link.jitter }
        set {
            link.jitter = newValue
            link.reordering = newValue > .zero ? Reordering(probability: 0.25, extraDelay: newValue) : nil
        }
    }

    // MARK: Running

    /// Runs until `done` holds (checked before every event) or `duration` of virtual time has passed,
    /// then leaves the clock at the end of that time when `done` never held; whether it held.
    @discardableResult
    public mutating func run(for duration: Duration = .seconds(60), until done: (Self) -> Bool = { _ in false }) -> Bool {
        let limit = now + duration
        while !done(self) {
            guard let next = simulator.nextEventInstant, next <= limit, simulator.step() else {
                simulator.run(until: limit)
                return done(self)
            }
        }
        return true
    }

    /// Runs every event due now, with every event it causes at the same instant.
    public mutating func runEventsDueNow() {
        simulator.run(until: now)
    }
}

extension MachinePair where A == B {
    /// Both machines, `sides[0]` being `a`. Setting replaces both.
    public var sides: [A] {
        get { [a, b] }
        set {
            a = newValue[0]
            b = newValue[1]
        }
    }

    /// Every output but payloads, per side.
    public var events: [[A.Output]] { [eventsA, eventsB] }

    public mutating func input(_ side: Int, _ input: A.Input) {
        perform(side) { machine, now in machine.handle(input, at: now) }
    }

    @discardableResult
    public mutating func perform<Success, Failure>(
        _ side: Int, _ body: (inout A, Instant) throws(Failure) -> Success
    ) throws(Failure) -> Success {
        side == 0 ? try performOnA(body) : try performOnB(body)
    }
}

extension MachinePair {
    /// Datagrams both links lost so far (the scripted ``drop`` rule not included).
    public var linkLosses: Int {
        simulator.uplinkStatistics(hostA).droppedTotal + simulator.uplinkStatistics(hostB).droppedTotal
    }
}

/// The trace hashes a replay test compares (DESIGN §1.5): a scenario run twice with `seed`, and once with
/// the next seed.
public struct ReplayHashes: Sendable {
    public var first: String
    public var again: String
    public var otherSeed: String

    /// Runs `scenario` (which builds everything from the seed it is given) three times.
    public init(seed: SimulationSeed, _ scenario: (SimulationSeed) throws -> String) rethrows {
        first = try scenario(seed)
        again = try scenario(seed)
        otherSeed = try scenario(SimulationSeed(seed.value &+ 1))
    }
}
