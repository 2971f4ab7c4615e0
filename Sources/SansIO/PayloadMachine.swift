public import Wire

/// An input that can carry the bytes of one datagram from the peer, with no addresses: the wire unit of
/// a layer that runs on top of a transport (SCTP inside DTLS, DTLS on ICE).
public protocol PayloadInput {
    static func received(_ payload: [UInt8]) -> Self
}

/// An output that may be the bytes of one datagram for the peer.
public protocol PayloadOutput {
    /// The bytes to send, or nil when the output is something else (an event, a state change).
    var payloadToSend: [UInt8]? { get }
}

/// A machine whose wire unit is a payload rather than an addressed datagram: SCTP associations, data
/// channel machines, DTLS endpoints. ``PointToPoint`` makes one a ``DatagramMachine``, so a driver that
/// runs datagram machines (the simulator) runs it unchanged.
public protocol PayloadMachine: Machine where Input: PayloadInput, Output: PayloadOutput {}

/// A ``PayloadMachine`` as a ``DatagramMachine`` between two fixed transport addresses: every payload it
/// sends leaves `local` for `remote`, and every datagram it receives hands its payload in, whatever its
/// addresses (the driver decides what reaches it). It adds no state of its own: its outputs, deadline and
/// timers are the machine's.
public struct PointToPoint<Wrapped: PayloadMachine>: DatagramMachine {
    public enum Input: DatagramInput {
        case received(Datagram)
        /// Any input of the machine, as its owner would hand it over (an application call).
        case machine(Wrapped.Input)
    }

    /// One output of the machine, with the datagram it becomes when it is a payload to send.
    public struct Output: DatagramOutput, CustomStringConvertible {
        public var output: Wrapped.Output
        public var transmission: Datagram?

        public var description: String { String(describing: output) }
    }

    /// The machine, for reading and for application calls in place.
    public var machine: Wrapped
    public let local: TransportAddress
    public let remote: TransportAddress

    public init(_ machine: Wrapped, from local: TransportAddress, to remote: TransportAddress) {
        self.machine = machine
        self.local = local
        self.remote = remote
    }

    public mutating func handle(_ input: Input, at now: Instant) {
        switch input {
        case .received(let datagram): machine.handle(.received(datagram.payload), at: now)
        case .machine(let input): machine.handle(input, at: now)
        }
    }

    public mutating func handleTimeout(at now: Instant) {
        machine.handleTimeout(at: now)
    }

    public mutating func poll() -> Output? {
        guard let output = machine.poll() else { return nil }
        return Output(output: output, transmission: output.payloadToSend.map { Datagram(from: local, to: remote, payload: $0) })
    }

    public var nextDeadline: Instant? { machine.nextDeadline }
}
