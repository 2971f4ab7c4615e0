public import Wire

/// Where a driver keeps one machine, and the one way every driver steps it (DESIGN §1.1): an input, a
/// timeout or an application call, then every output, then the deadline.
///
/// The UDP driver holds one per driver, the simulator one per host (behind ``AnyMachineSlot``, so one
/// simulation runs machines of different types). The machine is a stored value mutated in place: no
/// step, and no application call through ``perform(as:at:_:)``, copies the machine or the buffers it
/// holds, which matters when those are an SCTP association's queues.
public struct MachineSlot<M: DatagramMachine>: AnyMachineSlot {
    /// The machine, for reading.
    public private(set) var machine: M
    /// Receives every output that is not a datagram, with the instant it was drained at.
    private let observer: ((M.Output, Instant) -> Void)?
    /// Whether ``poll(at:)`` describes those outputs as text (a trace wants it; a socket driver does not
    /// pay for it).
    private let describesOutputs: Bool

    public init(_ machine: M, describingOutputs: Bool = false, observer: ((M.Output, Instant) -> Void)? = nil) {
        self.machine = machine
        self.describesOutputs = describingOutputs
        self.observer = observer
    }

    /// Any input the machine takes (the UDP driver's application inputs).
    public mutating func handle(_ input: M.Input, at now: Instant) {
        machine.handle(input, at: now)
    }

    public mutating func receive(_ datagram: Datagram, at now: Instant) {
        machine.handle(.received(datagram), at: now)
    }

    public mutating func timeout(at now: Instant) {
        machine.handleTimeout(at: now)
    }

    public mutating func socketsBound(request: UInt64, addresses: [TransportAddress?], at now: Instant) {
        guard let input = M.Input.socketsBound(request: request, addresses: addresses) else { return }
        machine.handle(input, at: now)
    }

    /// The next output: a datagram to send, a socket request for the driver, or any other output
    /// (already handed to the observer).
    public mutating func poll(at now: Instant) -> SlotOutput? {
        guard let output = machine.poll() else { return nil }
        if let datagram = output.transmission { return .transmission(datagram) }
        if let request = output.socketRequest { return .sockets(request) }
        observer?(output, now)
        return .other(describesOutputs ? String(describing: output) : "")
    }

    public var nextDeadline: Instant? { machine.nextDeadline }

    public var unboxed: Any { machine }

    /// Runs `body` on the machine in place when it is a `T`; nil otherwise. The caller then drains.
    public mutating func perform<T, Result>(as type: T.Type, at now: Instant, _ body: (inout T, Instant) -> Result) -> Result? {
        // When T is M the closure's type is `(inout M, Instant) -> Result`, and the cast hands the stored
        // machine to it by reference; a cast of the machine itself (`machine as? T`) would copy it.
        withoutActuallyEscaping(body) { escapable -> Result? in
            guard let typed = escapable as? (inout M, Instant) -> Result else { return nil }
            return typed(&machine, now)
        }
    }
}

/// A ``MachineSlot`` whatever its machine type: what the simulator keeps per host.
public protocol AnyMachineSlot {
    mutating func receive(_ datagram: Datagram, at now: Instant)
    mutating func timeout(at now: Instant)
    /// Hands the machine the driver's answer to its ``SocketRequest/bind(request:addresses:)``.
    mutating func socketsBound(request: UInt64, addresses: [TransportAddress?], at now: Instant)
    /// The next output: a datagram to send, a socket request, or the description of anything else
    /// (already observed).
    mutating func poll(at now: Instant) -> SlotOutput?
    var nextDeadline: Instant? { get }
    /// The machine itself, for reading.
    var unboxed: Any { get }
    /// Runs `body` on the machine, in place, when it is a `T`; nil otherwise.
    mutating func perform<T, Result>(as type: T.Type, at now: Instant, _ body: (inout T, Instant) -> Result) -> Result?
}

/// One drained output of a slot.
public enum SlotOutput {
    case transmission(Datagram)
    /// Sockets to bind or release (``SocketRequest``): the driver's business.
    case sockets(SocketRequest)
    /// Any other output, as text when the slot describes outputs (empty otherwise).
    case other(String)
}
