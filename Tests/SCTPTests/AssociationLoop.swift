import SCTP
import SansIO
import Wire

/// Two associations joined by a lossy, reordering link: every packet arrives after a delay (plus a random
/// jitter when reordering), or not at all with probability `loss`, all drawn from a seeded generator.
/// Time jumps to the earliest delivery or deadline. Just enough network for machine tests.
struct AssociationLoop {
    struct InFlight {
        var at: Instant
        var order: Int
        var to: Int
        var bytes: [UInt8]
    }

    var sides: [SCTPAssociation]
    var now = Instant.zero
    var delay: Duration = .milliseconds(10)
    /// Probability that a packet is lost.
    var loss = 0.0
    /// Up to this much extra random delay per packet: packets overtake each other.
    var jitter: Duration = .zero
    var random = SeededGenerator(seed: 99)
    /// Extra filter: packets (from side, bytes) for which it returns true are lost.
    var drop: (Int, [UInt8]) -> Bool = { _, _ in false }
    var inFlight: [InFlight] = []
    var counter = 0
    /// Every output but transmissions, per side.
    var events: [[SCTPAssociationOutput]] = [[], []]
    /// Every packet each side sent.
    var sent: [[[UInt8]]] = [[], []]

    init(_ configure: (inout SCTPAssociationConfiguration, Int) -> Void = { _, _ in }) {
        var first = SCTPAssociationConfiguration()
        var second = SCTPAssociationConfiguration()
        configure(&first, 0)
        configure(&second, 1)
        sides = [
            SCTPAssociation(configuration: first, generator: SeededGenerator(seed: 1)),
            SCTPAssociation(configuration: second, generator: SeededGenerator(seed: 2)),
        ]
    }

    mutating func input(_ side: Int, _ input: SCTPAssociationInput) {
        sides[side].handle(input, at: now)
        drain(side)
    }

    mutating func drain(_ side: Int) {
        while let output = sides[side].poll() {
            guard case .transmit(let bytes) = output else {
                events[side].append(output)
                continue
            }
            sent[side].append(bytes)
            if drop(side, bytes) || Double.random(in: 0..<1, using: &random) < loss { continue }
            var extra = Duration.zero
            if jitter > .zero {
                extra = .nanoseconds(Int64.random(in: 0...jitter.nanosecondsSaturated, using: &random))
            }
            counter += 1
            inFlight.append(InFlight(at: now + delay + extra, order: counter, to: 1 - side, bytes: bytes))
        }
    }

    /// Advances to the next delivery or deadline; false when nothing is left to happen before `limit`.
    mutating func step(until limit: Instant) -> Bool {
        let delivery = inFlight.indices.min { (inFlight[$0].at, inFlight[$0].order) < (inFlight[$1].at, inFlight[$1].order) }
        let deadlines = sides.indices.compactMap { index in sides[index].nextDeadline.map { (index, $0) } }
        let timer = deadlines.min { $0.1 < $1.1 }
        if let delivery, timer.map({ inFlight[delivery].at <= $0.1 }) ?? true {
            let packet = inFlight.remove(at: delivery)
            guard packet.at <= limit else { return false }
            now = max(now, packet.at)
            sides[packet.to].handle(.received(packet.bytes), at: now)
            drain(packet.to)
            return true
        }
        guard let (index, at) = timer, at <= limit else { return false }
        now = max(now, at)
        sides[index].handleTimeout(at: now)
        drain(index)
        return true
    }

    /// Runs until `done` holds or `duration` of virtual time has passed.
    @discardableResult
    mutating func run(for duration: Duration = .seconds(60), until done: (AssociationLoop) -> Bool = { _ in false }) -> Bool {
        let limit = now + duration
        while !done(self) {
            guard step(until: limit) else { return done(self) }
        }
        return true
    }

    /// Both sides connect (or only side 0) and run until both are established.
    mutating func establish(simultaneous: Bool = false) -> Bool {
        input(0, .connect)
        if simultaneous { input(1, .connect) }
        return run(for: .seconds(30)) { $0.isEstablished(0) && $0.isEstablished(1) }
    }

    func isEstablished(_ side: Int) -> Bool { events[side].contains { if case .established = $0 { true } else { false } } }

    func messages(_ side: Int) -> [SCTPReceivedMessage] {
        events[side].compactMap { if case .message(let message) = $0 { message } else { nil } }
    }

    func has(_ side: Int, _ output: SCTPAssociationOutput) -> Bool { events[side].contains(output) }
}
