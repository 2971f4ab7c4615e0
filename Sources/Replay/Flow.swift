public import Pcap

/// A UDP datagram as the replay checker sees it: `Pcap.UDPDatagram`, which a capture yields and which
/// tests build by hand to feed synthetic traffic.
public typealias ReplayDatagram = UDPDatagram

extension UDPDatagram {
    /// The same datagram (kept so call sites read `datagrams.map(ReplayDatagram.init)`).
    public init(_ datagram: UDPDatagram) { self = datagram }
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

    /// Hashes the case. RawRepresentable's default hashes the raw string, which every table keyed by a
    /// direction then paid per packet (a fifth of the replay's hashing).
    public func hash(into hasher: inout Hasher) { hasher.combine(self == .aToB) }
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
