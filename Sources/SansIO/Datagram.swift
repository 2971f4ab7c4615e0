public import Wire

/// One UDP datagram between two transport addresses: what machines emit and drivers carry.
public struct Datagram: Hashable, Sendable {
    public var source: TransportAddress
    public var destination: TransportAddress
    public var payload: [UInt8]

    public init(from source: TransportAddress, to destination: TransportAddress, payload: [UInt8]) {
        self.source = source
        self.destination = destination
        self.payload = payload
    }
}
