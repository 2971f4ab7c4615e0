import SansIO
import Wire

/// Answers "ping…" with "pong…" to whoever sent it, and reports every datagram it gets.
struct EchoMachine: DatagramMachine {
    enum Input: DatagramInput, Sendable {
        case received(Datagram)
        case send([UInt8], from: TransportAddress, to: TransportAddress)
    }

    enum Output: DatagramOutput, Hashable, Sendable {
        case transmit(Datagram)
        case got(Datagram)

        var transmission: Datagram? {
            if case .transmit(let datagram) = self { return datagram }
            return nil
        }
    }

    private var queue: [Output] = []

    mutating func handle(_ input: Input, at now: Instant) {
        switch input {
        case .received(let datagram):
            queue.append(.got(datagram))
            if datagram.payload.starts(with: Array("ping".utf8)) {
                let reply = Array("pong".utf8) + datagram.payload.dropFirst(4)
                queue.append(.transmit(Datagram(from: datagram.destination, to: datagram.source, payload: reply)))
            }
        case .send(let payload, let source, let destination):
            queue.append(.transmit(Datagram(from: source, to: destination, payload: payload)))
        }
    }

    mutating func handleTimeout(at now: Instant) {}

    mutating func poll() -> Output? { queue.isEmpty ? nil : queue.removeFirst() }

    var nextDeadline: Instant? { nil }
}

/// Keeps timers that the test arms, and reports each when it fires, with the instant it fired at.
struct TimerMachine: DatagramMachine {
    enum Input: DatagramInput, Sendable {
        case received(Datagram)
        case arm(String, after: Duration)
    }

    enum Output: DatagramOutput, Hashable, Sendable {
        case fired(String, deadline: Instant, at: Instant)
        var transmission: Datagram? { nil }
    }

    private var timers: [(name: String, deadline: Instant)] = []
    private var queue: [Output] = []

    mutating func handle(_ input: Input, at now: Instant) {
        if case .arm(let name, let delay) = input { timers.append((name, now + delay)) }
    }

    mutating func handleTimeout(at now: Instant) {
        for timer in timers.sorted(by: { $0.deadline < $1.deadline }) where timer.deadline <= now {
            queue.append(.fired(timer.name, deadline: timer.deadline, at: now))
        }
        timers.removeAll { $0.deadline <= now }
    }

    mutating func poll() -> Output? { queue.isEmpty ? nil : queue.removeFirst() }

    var nextDeadline: Instant? { timers.map(\.deadline).min() }
}
