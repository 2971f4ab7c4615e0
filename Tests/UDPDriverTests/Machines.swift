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

/// Asks its driver for sockets when the test says so (``SocketRequest``), reports the answer, and sends
/// and reports datagrams like an echo machine's peer: what the driver's run-time binds are tested with.
struct SocketMachine: DatagramMachine {
    enum Input: DatagramInput, Sendable {
        case received(Datagram)
        case bind([TransportAddress])
        case release([TransportAddress])
        case send([UInt8], from: TransportAddress, to: TransportAddress)
        case bound(request: UInt64, addresses: [TransportAddress?])

        static func socketsBound(request: UInt64, addresses: [TransportAddress?]) -> Input? {
            .bound(request: request, addresses: addresses)
        }
    }

    enum Output: DatagramOutput, Hashable, Sendable {
        case transmit(Datagram)
        case sockets(SocketRequest)
        case bound(request: UInt64, addresses: [TransportAddress?])
        case got(Datagram)

        var transmission: Datagram? {
            if case .transmit(let datagram) = self { return datagram }
            return nil
        }

        var socketRequest: SocketRequest? {
            if case .sockets(let request) = self { return request }
            return nil
        }
    }

    private var queue = OutputQueue<Output>()
    private var nextRequest: UInt64 = 1

    mutating func handle(_ input: Input, at now: Instant) {
        switch input {
        case .received(let datagram): queue.append(.got(datagram))
        case .bind(let addresses):
            queue.append(.sockets(.bind(request: nextRequest, addresses: addresses)))
            nextRequest += 1
        case .release(let addresses): queue.append(.sockets(.release(addresses)))
        case .send(let payload, let source, let destination): queue.append(.transmit(Datagram(from: source, to: destination, payload: payload)))
        case .bound(let request, let addresses): queue.append(.bound(request: request, addresses: addresses))
        }
    }

    mutating func handleTimeout(at now: Instant) {}
    mutating func poll() -> Output? { queue.next() }
    var nextDeadline: Instant? { nil }
}
