import SansIO
import Wire

/// A peer for driver and relay tests: reports every datagram it gets and answers the sender with
/// `reply(payload)` when that is not nil; `.send` makes it transmit on request.
public struct EchoMachine: DatagramMachine, Sendable {
    public enum Input: DatagramInput, Sendable {
        case received(Datagram)
        case send([UInt8], from: TransportAddress, to: TransportAddress)
    }

    public enum Output: DatagramOutput, Hashable, Sendable {
        case transmit(Datagram)
        case got(Datagram)

        public var transmission: Datagram? {
            if case .transmit(let datagram) = self { return datagram }
            return nil
        }
    }

    private let reply: @Sendable ([UInt8]) -> [UInt8]?
    private var outputs = OutputQueue<Output>()

    public init(reply: @escaping @Sendable ([UInt8]) -> [UInt8]?) {
        self.reply = reply
    }

    public mutating func handle(_ input: Input, at now: Instant) {
        switch input {
        case .received(let datagram):
            outputs.append(.got(datagram))
            if let answer = reply(datagram.payload) {
                outputs.append(.transmit(Datagram(from: datagram.destination, to: datagram.source, payload: answer)))
            }
        case .send(let payload, let source, let destination):
            outputs.append(.transmit(Datagram(from: source, to: destination, payload: payload)))
        }
    }

    public mutating func handleTimeout(at now: Instant) {}
    public mutating func poll() -> Output? { outputs.next() }
    public var nextDeadline: Instant? { nil }
}
