import SansIO
import STUN
import Wire

/// A STUN Binding client (RFC 8489 §6): sends one request, every `interval` until answered, and reports
/// the XOR-MAPPED-ADDRESS of the success response with the same transaction ID. Also how a test waits
/// until a server it started answers.
struct BindingClient: DatagramMachine {
    enum Input: DatagramInput, Sendable {
        case received(Datagram)
        case bind
    }

    enum Output: DatagramOutput, Hashable, Sendable {
        case transmit(Datagram)
        case mapped(TransportAddress)

        var transmission: Datagram? {
            if case .transmit(let datagram) = self { return datagram }
            return nil
        }
    }

    let local: TransportAddress
    let server: TransportAddress
    let interval: Duration
    private var generator = SeededGenerator(seed: 0x6269_6E64)
    private var request: (id: STUNTransactionID, bytes: [UInt8])?
    private var deadline: Instant?
    private var queue = OutputQueue<Output>()

    init(local: TransportAddress, server: TransportAddress, interval: Duration = .milliseconds(100)) {
        self.local = local
        self.server = server
        self.interval = interval
    }

    mutating func handle(_ input: Input, at now: Instant) {
        switch input {
        case .bind:
            let id = STUNTransactionID.random(using: &generator)
            let bytes = STUNMessage(type: .bindingRequest, transactionID: id).withFingerprint().serialize()
            request = (id, bytes)
            send(at: now)
        case .received(let datagram):
            guard datagram.source == server, let message = try? STUNMessage.parse(datagram.payload),
                message.type == .bindingSuccess, message.transactionID == request?.id,
                case .xorMappedAddress(let mapped)? = message.value(of: .xorMappedAddress)
            else { return }
            request = nil
            deadline = nil
            queue.append(.mapped(mapped))
        }
    }

    mutating func handleTimeout(at now: Instant) {
        if let deadline, deadline <= now { send(at: now) }
    }

    private mutating func send(at now: Instant) {
        guard let request else { return }
        queue.append(.transmit(Datagram(from: local, to: server, payload: request.bytes)))
        deadline = now + interval
    }

    mutating func poll() -> Output? { queue.next() }
    var nextDeadline: Instant? { deadline }
}
