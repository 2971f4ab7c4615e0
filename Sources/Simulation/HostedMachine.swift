import SansIO

/// What the simulator needs from a machine whatever its input and output types: the box that lets one
/// simulation run heterogeneous machines side by side.
protocol HostedMachine {
    mutating func receive(_ datagram: Datagram, at now: Instant)
    mutating func timeout(at now: Instant)
    /// The next output: a datagram to send, or the description of anything else (already shown to the observer).
    mutating func poll(at now: Instant) -> HostedOutput?
    var nextDeadline: Instant? { get }
    /// The machine itself, for ``Simulator/machine(_:as:)``.
    var unboxed: Any { get }
    /// Runs `body` on the machine when it is a `T`; nil otherwise.
    mutating func perform<T, Result>(as type: T.Type, at now: Instant, _ body: (inout T, Instant) -> Result) -> Result?
}

enum HostedOutput {
    case transmission(Datagram)
    case other(String)
}

/// The box for one concrete machine type, with the observer its non-datagram outputs go to.
struct MachineBox<M: DatagramMachine>: HostedMachine {
    var machine: M
    let observer: ((M.Output, Instant) -> Void)?

    mutating func receive(_ datagram: Datagram, at now: Instant) {
        machine.handle(.received(datagram), at: now)
    }

    mutating func timeout(at now: Instant) {
        machine.handleTimeout(at: now)
    }

    mutating func poll(at now: Instant) -> HostedOutput? {
        guard let output = machine.poll() else { return nil }
        if let datagram = output.transmission { return .transmission(datagram) }
        observer?(output, now)
        return .other(String(describing: output))
    }

    var nextDeadline: Instant? { machine.nextDeadline }
    var unboxed: Any { machine }

    mutating func perform<T, Result>(as type: T.Type, at now: Instant, _ body: (inout T, Instant) -> Result) -> Result? {
        guard var typed = machine as? T else { return nil }
        let result = body(&typed, now)
        guard let back = typed as? M else { return nil }
        machine = back
        return result
    }
}
