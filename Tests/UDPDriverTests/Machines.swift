import CrucibleTestSupport
import SansIO
import Wire

extension EchoMachine {
    /// Answers "ping…" with "pong…" to whoever sent it, and reports every datagram it gets.
    static func pingPong() -> EchoMachine {
        EchoMachine { payload in payload.starts(with: Array("ping".utf8)) ? Array("pong".utf8) + payload.dropFirst(4) : nil }
    }
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
    private var queue = OutputQueue<Output>()

    mutating func handle(_ input: Input, at now: Instant) {
        if case .arm(let name, let delay) = input { timers.append((name, now + delay)) }
    }

    mutating func handleTimeout(at now: Instant) {
        for timer in timers.sorted(by: { $0.deadline < $1.deadline }) where timer.deadline <= now {
            queue.append(.fired(timer.name, deadline: timer.deadline, at: now))
        }
        timers.removeAll { $0.deadline <= now }
    }

    mutating func poll() -> Output? { queue.next() }

    var nextDeadline: Instant? { timers.map(\.deadline).min() }
}
