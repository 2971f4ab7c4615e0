import SansIO
import Simulation
import Testing
import Wire

@Suite("Scheduler: events in instant order, ties in scheduling order")
struct SchedulerTests {
    @Test("events leave the queue by instant, and events at the same instant in the order they were scheduled")
    func queueOrder() {
        var queue = EventQueue<String>()
        queue.schedule("c@3", at: .milliseconds(3))
        queue.schedule("a@1", at: .milliseconds(1))
        queue.schedule("b@2", at: .milliseconds(2))
        queue.schedule("d@1", at: .milliseconds(1))
        queue.schedule("e@1", at: .milliseconds(1))
        queue.schedule("f@0", at: .zero)
        var order: [String] = []
        while let (_, event) = queue.popFirst() { order.append(event) }
        #expect(order == ["f@0", "a@1", "d@1", "e@1", "b@2", "c@3"])
        #expect(queue.isEmpty)
    }

    @Test("a large shuffled schedule comes out sorted by (instant, sequence)")
    func heapProperty() {
        var generator = SeededGenerator(seed: testSeed().value)
        var queue = EventQueue<Int>()
        for index in 0..<2_000 {
            queue.schedule(index, at: .milliseconds(generator.next() % 50))
        }
        var previous: EventQueue<Int>.Key?
        var count = 0
        while let (key, _) = queue.popFirst() {
            if let previous { #expect(previous < key) }
            previous = key
            count += 1
        }
        #expect(count == 2_000)
    }

    @Test("two hosts whose timers fall due at the same instant fire in the order their timers were armed")
    func timerTies() {
        func firstTimer(order: [String]) -> [String] {
            var simulator = Simulator(seed: testSeed(), traceRetention: .all)
            for name in order {
                let local = Addresses.at(name == "a" ? "192.0.2.1:1" : "192.0.2.2:1")
                simulator.addHost(
                    name, addresses: [local],
                    machine: Pinger(local: local, to: [Addresses.server], count: 1, start: .milliseconds(10))
                )
            }
            simulator.run(until: .milliseconds(10))
            return simulator.trace.lines.filter { $0.hasSuffix(" timer") }.map { String($0.split(separator: " ")[1]) }
        }
        #expect(firstTimer(order: ["a", "b"]) == ["a", "b"])
        #expect(firstTimer(order: ["b", "a"]) == ["b", "a"])
    }

    @Test("run(until:) stops at the bound and leaves later events queued; step() runs one event at a time")
    func runBounds() {
        var simulator = Simulator(seed: testSeed())
        let local = Addresses.publicAlice
        simulator.addHost(
            "alice", addresses: [local],
            machine: Pinger(local: local, to: [Addresses.server], count: 3, interval: .milliseconds(10))
        )
        simulator.run(until: .milliseconds(15))
        #expect(simulator.now == .milliseconds(15))
        #expect(simulator.nextEventInstant == .milliseconds(20))
        let timerRan = simulator.step()
        #expect(timerRan)
        #expect(simulator.now == .milliseconds(20))
        // The timer sent the third datagram; the next step routes it (no host owns the server address).
        let routingRan = simulator.step()
        let nothingLeft = !simulator.step()
        #expect(routingRan && nothingLeft)
        #expect(simulator.routingDrops[.noRoute] == 3)
    }

    @Test("run(until: condition) stops as soon as the condition holds, or at the limit")
    func runUntilCondition() {
        var simulator = Simulator(seed: testSeed())
        let alice = simulator.addHost(
            "alice", addresses: [Addresses.publicAlice],
            uplink: LinkConditions(delay: .milliseconds(5)),
            machine: Pinger(local: Addresses.publicAlice, to: [Addresses.server], count: 10, interval: .milliseconds(10))
        )
        simulator.addHost("server", addresses: [Addresses.server], machine: Echo())
        let met = simulator.run(
            until: { ($0.machine(alice, as: Pinger.self)?.arrivals.count ?? 0) >= 3 }, limit: .seconds(1)
        )
        #expect(met)
        #expect(simulator.now == .milliseconds(25))
        let never = simulator.run(until: { _ in false }, limit: .seconds(2))
        #expect(!never)
        #expect(simulator.now == .seconds(2))
    }
}
