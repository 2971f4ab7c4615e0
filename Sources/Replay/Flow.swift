public import Pcap

/// A UDP datagram as the replay checker sees it: where it came from in the capture and its payload.
///
/// `Pcap.UDPDatagram` is what a capture yields; this type can also be built by hand, which is how the
/// rule tests feed synthetic traffic.
public struct ReplayDatagram: Hashable, Sendable {
    /// 1-based frame number in the capture.
    public let frame: Int
    /// Capture time, nanoseconds since the Unix epoch.
    public let timestampNanoseconds: Int64
    public let source: Endpoint
    public let destination: Endpoint
    public let payload: [UInt8]

    public init(frame: Int, timestampNanoseconds: Int64, source: Endpoint, destination: Endpoint, payload: [UInt8]) {
        self.frame = frame
        self.timestampNanoseconds = timestampNanoseconds
        self.source = source
        self.destination = destination
        self.payload = payload
    }

    public init(_ datagram: UDPDatagram) {
        self.init(
            frame: datagram.frame, timestampNanoseconds: datagram.timestampNanoseconds,
            source: datagram.source, destination: datagram.destination, payload: datagram.payload)
    }
}

/// Which way a packet travels inside its flow.
///
/// A flow's endpoint `a` is the sender of the first datagram seen on it, so names stay stable however the
/// capture was taken: `.aToB` is "the way the conversation started".
public enum FlowDirection: String, Hashable, Sendable, Codable {
    case aToB = "a->b"
    case bToA = "b->a"

    /// The other direction.
    public var reversed: FlowDirection { self == .aToB ? .bToA : .aToB }
}

/// One conversation between two UDP endpoints (both directions), or a TURN-relayed conversation inside
/// one (RFC 8656: the client's side is `a`, the peer named by XOR-PEER-ADDRESS or a channel is `b`).
public struct Flow: Hashable, Sendable {
    /// Position in the capture's list of flows, in order of first appearance (0-based).
    public let id: Int
    /// The endpoint that sent the first datagram.
    public let a: Endpoint
    /// The other endpoint.
    public let b: Endpoint
    /// For a relayed flow, the id of the outer flow between the TURN client and server.
    public let relayedThrough: Int?

    public init(id: Int, a: Endpoint, b: Endpoint, relayedThrough: Int? = nil) {
        self.id = id
        self.a = a
        self.b = b
        self.relayedThrough = relayedThrough
    }
}
