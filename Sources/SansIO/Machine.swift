public import Wire

/// A stateful protocol layer without IO (DESIGN §1.1): it is fed inputs and the passing of time, and it
/// is drained of outputs. It never opens a socket, reads a clock or draws global randomness; time comes in
/// as ``Instant`` and randomness from a generator the owner hands it when it is made.
///
/// The contract every driver (the simulator, the UDP driver, a fuzzer, a test) follows:
/// 1. deliver an input with ``handle(_:at:)``, or let time pass with ``handleTimeout(at:)`` once the
///    clock reaches ``nextDeadline``;
/// 2. then call ``poll()`` until it returns nil, acting on every output;
/// 3. then read ``nextDeadline`` again: it may have moved.
public protocol Machine {
    associatedtype Input
    associatedtype Output

    /// Takes one input that arrived at `now`. `now` never goes backwards between calls.
    mutating func handle(_ input: Input, at now: Instant)

    /// Lets time pass up to `now`; fires whatever timers are due. Calling it early is harmless.
    mutating func handleTimeout(at now: Instant)

    /// The next output, oldest first; nil when there is nothing more to do until the next input or deadline.
    mutating func poll() -> Output?

    /// When the machine next needs ``handleTimeout(at:)``; nil when no timer is running.
    var nextDeadline: Instant? { get }
}

/// An input that can carry a datagram from the network, so a driver can feed any such machine.
public protocol DatagramInput {
    static func received(_ datagram: Datagram) -> Self
    /// The answer to a ``SocketRequest/bind(request:addresses:)``: the addresses bound, in the order
    /// asked, nil where binding failed. Nil for a machine that never asks (the default).
    static func socketsBound(request: UInt64, addresses: [TransportAddress?]) -> Self?
}

/// An output that may be a datagram for the network, so a driver can carry it without knowing the machine.
public protocol DatagramOutput {
    /// The datagram to send, or nil when the output is something else (an event, a state change).
    var transmission: Datagram? { get }
    /// A request about the driver's sockets (bind new ones, release old ones), or nil (the default).
    var socketRequest: SocketRequest? { get }
}

/// A machine that speaks datagrams: the shape the simulator and the UDP driver run.
public protocol DatagramMachine: Machine where Input: DatagramInput, Output: DatagramOutput {}
