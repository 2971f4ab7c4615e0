import DataChannels
import SCTP
import SansIO
import Wire

/// Either end of a ``Loop``: a machine that takes SCTP packets and emits packets and events.
protocol LoopSide {
    associatedtype Event
    mutating func deliver(_ bytes: [UInt8], at now: Instant)
    mutating func wake(at now: Instant)
    var deadline: Instant? { get }
    /// The next output: a packet for the peer, or an event.
    mutating func nextOutput() -> (packet: [UInt8]?, event: Event?)?
}

extension DataChannelMachine: LoopSide {
    mutating func deliver(_ bytes: [UInt8], at now: Instant) { handle(.received(bytes), at: now) }
    mutating func wake(at now: Instant) { handleTimeout(at: now) }
    var deadline: Instant? { nextDeadline }
    mutating func nextOutput() -> (packet: [UInt8]?, event: DataChannelOutput?)? {
        guard let output = poll() else { return nil }
        if case .transmit(let bytes) = output { return (bytes, nil) }
        return (nil, output)
    }
}

extension SCTPAssociation: LoopSide {
    mutating func deliver(_ bytes: [UInt8], at now: Instant) { handle(.received(bytes), at: now) }
    mutating func wake(at now: Instant) { handleTimeout(at: now) }
    var deadline: Instant? { nextDeadline }
    mutating func nextOutput() -> (packet: [UInt8]?, event: SCTPAssociationOutput?)? {
        guard let output = poll() else { return nil }
        if case .transmit(let bytes) = output { return (bytes, nil) }
        return (nil, output)
    }
}

/// Two machines joined by a lossy link, as `Tests/SCTPTests/AssociationLoop.swift` joins two associations:
/// each packet arrives `delay` later (plus seeded jitter), or is lost with probability `loss`; time jumps
/// to the next delivery or deadline. Side 0 (`a`) plays the DTLS client, side 1 (`b`) the server.
struct Loop<A: LoopSide, B: LoopSide> {
    struct InFlight {
        var at: Instant
        var order: Int
        var to: Int
        var bytes: [UInt8]
    }

    var a: A
    var b: B
    var now = Instant.zero
    var delay: Duration = .milliseconds(10)
    var loss = 0.0
    var jitter: Duration = .zero
    var random = SeededGenerator(seed: 7)
    /// Packets (from side, bytes) for which it returns true are lost.
    var drop: (Int, [UInt8]) -> Bool = { _, _ in false }
    var inFlight: [InFlight] = []
    var counter = 0
    var eventsA: [A.Event] = []
    var eventsB: [B.Event] = []
    /// Every packet each side sent, lost or not.
    var sent: [[[UInt8]]] = [[], []]

    init(_ a: A, _ b: B) {
        self.a = a
        self.b = b
    }

    mutating func drain() {
        while let output = a.nextOutput() {
            if let event = output.event { eventsA.append(event) }
            if let packet = output.packet { carry(packet, from: 0) }
        }
        while let output = b.nextOutput() {
            if let event = output.event { eventsB.append(event) }
            if let packet = output.packet { carry(packet, from: 1) }
        }
    }

    mutating func carry(_ bytes: [UInt8], from side: Int) {
        sent[side].append(bytes)
        if drop(side, bytes) || Double.random(in: 0..<1, using: &random) < loss { return }
        var extra = Duration.zero
        if jitter > .zero { extra = .nanoseconds(Int64.random(in: 0...jitter.nanosecondsSaturated, using: &random)) }
        counter += 1
        inFlight.append(InFlight(at: now + delay + extra, order: counter, to: 1 - side, bytes: bytes))
    }

    /// Advances to the next delivery or deadline; false when nothing happens before `limit`.
    mutating func step(until limit: Instant) -> Bool {
        drain()
        let delivery = inFlight.indices.min { (inFlight[$0].at, inFlight[$0].order) < (inFlight[$1].at, inFlight[$1].order) }
        let timers = [a.deadline.map { (0, $0) }, b.deadline.map { (1, $0) }].compactMap { $0 }
        let timer = timers.min { $0.1 < $1.1 }
        if let delivery, timer.map({ inFlight[delivery].at <= $0.1 }) ?? true {
            guard inFlight[delivery].at <= limit else { return false }
            let packet = inFlight.remove(at: delivery)
            now = max(now, packet.at)
            if packet.to == 0 { a.deliver(packet.bytes, at: now) } else { b.deliver(packet.bytes, at: now) }
            drain()
            return true
        }
        guard let (side, at) = timer, at <= limit else { return false }
        now = max(now, at)
        if side == 0 { a.wake(at: now) } else { b.wake(at: now) }
        drain()
        return true
    }

    /// Runs until `done` holds or `duration` of virtual time has passed; whether `done` held.
    @discardableResult
    mutating func run(for duration: Duration = .seconds(60), until done: (Self) -> Bool = { _ in false }) -> Bool {
        let limit = now + duration
        while !done(self) {
            guard step(until: limit) else { return done(self) }
        }
        return true
    }
}

typealias ChannelLoop = Loop<DataChannelMachine, DataChannelMachine>

func makeMachine(seed: UInt64, configure: (inout SCTPAssociationConfiguration) -> Void = { _ in }) -> DataChannelMachine {
    var association = SCTPAssociationConfiguration()
    configure(&association)
    return DataChannelMachine(configuration: DataChannelConfiguration(association: association), generator: SeededGenerator(seed: seed))
}

extension Loop where A == DataChannelMachine, B == DataChannelMachine {
    init(configure: (inout SCTPAssociationConfiguration) -> Void = { _ in }) {
        self.init(makeMachine(seed: 1, configure: configure), makeMachine(seed: 2, configure: configure))
    }

    /// Both sides learn their DTLS role (side 0 the client: even ids) and connect; runs until both are up.
    mutating func start() -> Bool {
        a.handle(.start(.even), at: now)
        b.handle(.start(.odd), at: now)
        return run(for: .seconds(30)) { $0.isEstablished(0) && $0.isEstablished(1) }
    }

    mutating func input(_ side: Int, _ input: DataChannelInput) {
        if side == 0 { a.handle(input, at: now) } else { b.handle(input, at: now) }
        drain()
    }

    mutating func create(
        _ side: Int, _ label: String, _ options: DataChannelOptions = .init()
    ) throws(DataChannelError) -> DataChannelHandle {
        defer { drain() }
        if side == 0 { return try a.createChannel(label: label, options: options, at: now) }
        return try b.createChannel(label: label, options: options, at: now)
    }

    mutating func send(_ side: Int, _ message: DataChannelMessage, on handle: DataChannelHandle) throws(DataChannelError) {
        defer { drain() }
        if side == 0 { try a.send(message, on: handle, at: now) } else { try b.send(message, on: handle, at: now) }
    }

    func events(_ side: Int) -> [DataChannelOutput] { side == 0 ? eventsA : eventsB }
    func machine(_ side: Int) -> DataChannelMachine { side == 0 ? a : b }

    func isEstablished(_ side: Int) -> Bool {
        events(side).contains { if case .associationEstablished = $0 { true } else { false } }
    }

    func has(_ side: Int, _ event: DataChannelOutput) -> Bool { events(side).contains(event) }

    func announced(_ side: Int) -> [DataChannelInfo] {
        events(side).compactMap { if case .announced(let info) = $0 { info } else { nil } }
    }

    func messages(_ side: Int, on handle: DataChannelHandle? = nil) -> [DataChannelMessage] {
        events(side).compactMap { event in
            guard case .message(let from, let message) = event, handle == nil || from == handle else { return nil }
            return message
        }
    }

    /// The events of one channel, in order, without messages and buffered amounts.
    func lifecycle(_ side: Int, _ handle: DataChannelHandle) -> [DataChannelOutput] {
        events(side).filter { event in
            switch event {
            case .open(let h), .closing(let h), .closed(let h): h == handle
            case .error(let h, _): h == handle
            case .announced(let info): info.handle == handle
            default: false
            }
        }
    }
}

/// The DATA chunks in packets, in order: how tests read PPIDs and ordering flags off the wire.
func dataChunks(in packets: [[UInt8]]) -> [DataChunk] {
    packets.flatMap { bytes -> [DataChunk] in
        guard let packet = try? SCTPPacket.parse(bytes) else { return [] }
        return packet.chunks.compactMap { if case .data(let chunk) = $0 { chunk } else { nil } }
    }
}
