import SansIO
import Simulation
import Testing
import Wire

/// Emits three datagrams and a note at each deadline in `deadlines`, recording when it was woken.
private struct Burster: DatagramMachine {
    let local: TransportAddress
    let target: TransportAddress
    var deadlines: [Instant]
    private(set) var timeouts: [Instant] = []
    private var outbox: [ToyOutput] = []

    init(local: TransportAddress, target: TransportAddress, deadlines: [Instant]) {
        self.local = local
        self.target = target
        self.deadlines = deadlines
    }

    var nextDeadline: Instant? { deadlines.first }

    mutating func handleTimeout(at now: Instant) {
        timeouts.append(now)
        guard let first = deadlines.first, first <= now else { return }
        deadlines.removeFirst()
        for index in 0..<3 {
            outbox.append(.send(Datagram(from: local, to: target, payload: [UInt8(index)])))
        }
        outbox.append(.note("burst done"))
    }

    mutating func handle(_ input: ToyInput, at now: Instant) {}
    mutating func poll() -> ToyOutput? { outbox.isEmpty ? nil : outbox.removeFirst() }
}

/// Asks to be woken at 10 ms; any datagram pushes that deadline to 20 ms after it.
private struct Snoozer: DatagramMachine {
    var deadline: Instant? = .milliseconds(10)
    private(set) var timeouts: [Instant] = []

    var nextDeadline: Instant? { deadline }
    mutating func handleTimeout(at now: Instant) {
        timeouts.append(now)
        deadline = nil
    }
    mutating func handle(_ input: ToyInput, at now: Instant) { deadline = now + .milliseconds(20) }
    mutating func poll() -> ToyOutput? { nil }
}

@Suite("The machine contract: deliver, drain poll(), re-read the deadline")
struct MachineContractTests {
    @Test("every output of one wake-up is drained: all datagrams are sent and the note reaches the observer")
    func drainsPoll() {
        var simulator = Simulator(seed: testSeed(), traceRetention: .all)
        var notes: [(String, Instant)] = []
        let burster = simulator.addHost(
            "burster", addresses: [Addresses.publicAlice],
            machine: Burster(local: Addresses.publicAlice, target: Addresses.publicBob, deadlines: [.milliseconds(1), .milliseconds(5)]),
            observer: { output, instant in notes.append((output.description, instant)) }
        )
        let sink = simulator.addHost("sink", addresses: [Addresses.publicBob], machine: Recorder())
        simulator.run(until: .milliseconds(100))
        #expect(simulator.machine(sink, as: Recorder.self)?.arrivals.map(\.datagram.payload) == [[0], [1], [2], [0], [1], [2]])
        #expect(notes.map(\.0) == ["burst done", "burst done"])
        #expect(notes.map(\.1) == [.milliseconds(1), .milliseconds(5)])
        #expect(simulator.trace.lines.filter { $0.hasSuffix("output burst done") }.count == 2)
        // The deadline was re-read after each wake-up: woken exactly at 1 ms and 5 ms, never again.
        #expect(simulator.machine(burster, as: Burster.self)?.timeouts == [.milliseconds(1), .milliseconds(5)])
    }

    @Test("a deadline that moves after an input replaces the old timer instead of adding one")
    func deadlineReplaced() {
        var simulator = Simulator(seed: testSeed())
        let snoozer = simulator.addHost("snoozer", addresses: [Addresses.publicBob], machine: Snoozer())
        let sender = simulator.addHost("sender", addresses: [Addresses.publicAlice], machine: Recorder())
        simulator.inject(Datagram(from: Addresses.publicAlice, to: Addresses.publicBob, payload: [1]), from: sender, at: .milliseconds(4))
        simulator.run(until: .milliseconds(100))
        #expect(simulator.machine(snoozer, as: Snoozer.self)?.timeouts == [.milliseconds(24)])
    }

    @Test("a host added later is serviced at once: its first deadline is armed from the current instant")
    func lateHost() {
        var simulator = Simulator(seed: testSeed())
        simulator.run(until: .seconds(1))
        let late = simulator.addHost(
            "late", addresses: [Addresses.publicAlice],
            machine: Pinger(local: Addresses.publicAlice, to: [Addresses.publicBob], count: 2, interval: .milliseconds(10), start: .zero)
        )
        let sink = simulator.addHost("sink", addresses: [Addresses.publicBob], machine: Recorder())
        simulator.run(until: .seconds(2))
        // Both deadlines were already past: each fires at the current instant, in order.
        #expect(simulator.machine(late, as: Pinger.self)?.sent == 2)
        #expect(simulator.machine(sink, as: Recorder.self)?.arrivals.map(\.instant) == [.seconds(1), .seconds(1)])
    }

    @Test("machines that keep the clock from advancing stop the run as stalled instead of hanging it")
    func livelock() {
        var simulator = Simulator(seed: testSeed())
        simulator.maximumEventsPerInstant = 1_000
        let alice = simulator.addHost("alice", addresses: [Addresses.publicAlice], machine: Echo())
        simulator.addHost("bob", addresses: [Addresses.publicBob], machine: Echo())
        simulator.inject(Datagram(from: Addresses.publicAlice, to: Addresses.publicBob, payload: [7]), from: alice, at: .zero)
        simulator.run(until: .seconds(1))
        #expect(simulator.isStalled)
        #expect(simulator.now == .zero)
        #expect(simulator.trace.lines.last?.contains("stalled") == true)
    }
}
