public import Wire

/// What a machine asks of its driver's sockets while it runs (DESIGN §1.1: a machine binds nothing; the
/// driver binds, and says what it bound through an input).
///
/// An ICE agent restarting asks for new host bases this way (RFC 8445 §9), as libwebrtc and Pion bind
/// new sockets for each generation; once the old generation no longer carries the selected pair, it
/// releases the old ones.
public enum SocketRequest: Hashable, Sendable, CustomStringConvertible {
    /// Bind one new UDP socket per address, on that address's IP; port 0 lets the driver choose a free
    /// port. The driver answers once, with ``DatagramInput/socketsBound(request:addresses:)`` carrying
    /// `request` and the bound addresses in the same order (nil where it could not bind, so the machine
    /// can fall back on what it has).
    case bind(request: UInt64, addresses: [TransportAddress])
    /// Close the sockets bound to these addresses: the machine sends nothing more from them and no
    /// longer wants what arrives there. Addresses the driver has no socket for are ignored.
    case release([TransportAddress])

    public var description: String {
        switch self {
        case .bind(let request, let addresses):
            "bind #\(request) \(addresses.map(\.description).joined(separator: ","))"
        case .release(let addresses):
            "release \(addresses.map(\.description).joined(separator: ","))"
        }
    }
}

extension DatagramInput {
    /// A machine that never asks for sockets has no input for the answer.
    public static func socketsBound(request: UInt64, addresses: [TransportAddress?]) -> Self? { nil }
}

extension DatagramOutput {
    /// A machine that never asks for sockets never emits a request.
    public var socketRequest: SocketRequest? { nil }
}
