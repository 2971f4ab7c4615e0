import SansIO
import Simulation
import Wire

// Small machines the simulator tests drive. They follow the machine contract and nothing else.

enum ToyInput: DatagramInput {
    case received(Datagram)
}

enum ToyOutput: DatagramOutput, CustomStringConvertible {
    case send(Datagram)
    case note(String)

    var transmission: Datagram? {
        if case .send(let datagram) = self { return datagram }
        return nil
    }

    var description: String {
        switch self {
        case .send(let datagram): "send \(datagram.destination)"
        case .note(let text): text
        }
    }
}

/// A datagram that reached a toy machine.
struct Arrival: Hashable {
    var instant: Instant
    var datagram: Datagram

    /// The sequence number in the first four bytes, as ``Pinger`` writes it.
    var sequence: UInt32? {
        guard datagram.payload.count >= 4 else { return nil }
        return datagram.payload.prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    var text: String { String(decoding: datagram.payload, as: UTF8.self) }
}

/// Sends `count` numbered datagrams, one every `interval` from `start`, to its destinations in turn, and
/// records what comes back.
struct Pinger: DatagramMachine {
    let local: TransportAddress
    let destinations: [TransportAddress]
    let count: Int
    let interval: Duration
    let start: Instant
    let payloadSize: Int
    private(set) var sent = 0
    private(set) var arrivals: [Arrival] = []
    private var outbox: [ToyOutput] = []

    init(
        local: TransportAddress, to destinations: [TransportAddress], count: Int,
        interval: Duration = .milliseconds(20), start: Instant = .zero, payloadSize: Int = 100
    ) {
        self.local = local
        self.destinations = destinations
        self.count = count
        self.interval = interval
        self.start = start
        self.payloadSize = max(payloadSize, 4)
    }

    /// When datagram `sequence` was sent.
    func sendInstant(_ sequence: Int) -> Instant { start + interval * sequence }

    var nextDeadline: Instant? { sent < count ? sendInstant(sent) : nil }

    mutating func handleTimeout(at now: Instant) {
        while sent < count, sendInstant(sent) <= now {
            let number = UInt32(sent)
            var payload = [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: number >> UInt32($0)) }
            payload += [UInt8](repeating: 0x5A, count: payloadSize - 4)
            outbox.append(.send(Datagram(from: local, to: destinations[sent % destinations.count], payload: payload)))
            sent += 1
        }
    }

    mutating func handle(_ input: ToyInput, at now: Instant) {
        guard case .received(let datagram) = input else { return }
        arrivals.append(Arrival(instant: now, datagram: datagram))
    }

    mutating func poll() -> ToyOutput? { outbox.isEmpty ? nil : outbox.removeFirst() }
}

/// Sends every datagram back to where it came from, from the address it was sent to.
struct Echo: DatagramMachine {
    private(set) var echoed = 0
    private var outbox: [ToyOutput] = []

    var nextDeadline: Instant? { nil }
    mutating func handleTimeout(at now: Instant) {}

    mutating func handle(_ input: ToyInput, at now: Instant) {
        guard case .received(let datagram) = input else { return }
        echoed += 1
        outbox.append(.send(Datagram(from: datagram.destination, to: datagram.source, payload: datagram.payload)))
    }

    mutating func poll() -> ToyOutput? { outbox.isEmpty ? nil : outbox.removeFirst() }
}

/// A STUN-server-like machine: answers every datagram, from the address it reached, with the text of the
/// source address it saw (the reflexive address). With `probeFromEveryAddress` it also sends `probe` from
/// each of its other addresses to that source, like RFC 5780's CHANGE-REQUEST tests.
struct Reflector: DatagramMachine {
    let addresses: [TransportAddress]
    let probeFromEveryAddress: Bool
    private var outbox: [ToyOutput] = []

    init(addresses: [TransportAddress], probeFromEveryAddress: Bool = false) {
        self.addresses = addresses
        self.probeFromEveryAddress = probeFromEveryAddress
    }

    var nextDeadline: Instant? { nil }
    mutating func handleTimeout(at now: Instant) {}

    mutating func handle(_ input: ToyInput, at now: Instant) {
        guard case .received(let datagram) = input else { return }
        let answer = Array(datagram.source.description.utf8)
        outbox.append(.send(Datagram(from: datagram.destination, to: datagram.source, payload: answer)))
        guard probeFromEveryAddress else { return }
        for address in addresses where address != datagram.destination {
            outbox.append(.send(Datagram(from: address, to: datagram.source, payload: Array("probe".utf8))))
        }
    }

    mutating func poll() -> ToyOutput? { outbox.isEmpty ? nil : outbox.removeFirst() }
}

/// Records what reaches it and sends nothing; tests script its traffic with ``Simulator/inject(_:from:at:)``.
struct Recorder: DatagramMachine {
    private(set) var arrivals: [Arrival] = []

    var nextDeadline: Instant? { nil }
    mutating func handleTimeout(at now: Instant) {}
    mutating func handle(_ input: ToyInput, at now: Instant) {
        guard case .received(let datagram) = input else { return }
        arrivals.append(Arrival(instant: now, datagram: datagram))
    }
    mutating func poll() -> ToyOutput? { nil }
}

/// Addresses the tests use (documentation ranges, RFC 5737).
enum Addresses {
    static func at(_ text: String) -> TransportAddress {
        guard let address = TransportAddress(text) else { preconditionFailure("bad test address \(text)") }
        return address
    }

    static let server = at("203.0.113.1:3478")
    static let serverOtherPort = at("203.0.113.1:3479")
    static let serverOtherAddress = at("203.0.113.2:3478")
    static let serverOtherBoth = at("203.0.113.2:3479")
    static let natPublic = IPAddress("198.51.100.1") ?? .loopbackV4
    static let otherNATPublic = IPAddress("198.51.100.2") ?? .loopbackV4
    static let alice = at("10.0.0.2:5000")
    static let bob = at("10.0.0.3:5000")
    static let publicAlice = at("192.0.2.10:5000")
    static let publicBob = at("192.0.2.20:6000")
}

extension Instant {
    static func milliseconds(_ value: UInt64) -> Instant { Instant(nanoseconds: value * 1_000_000) }
    static func seconds(_ value: UInt64) -> Instant { Instant(nanoseconds: value * 1_000_000_000) }
}

/// The seed every simulator test uses: `CRUCIBLE_SEED` when set, else the test's default.
func testSeed(_ fallback: UInt64 = 0xC0FF_EE00_5EED) -> SimulationSeed {
    SimulationSeed.fromEnvironment(default: fallback)
}
