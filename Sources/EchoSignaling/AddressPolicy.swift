import Wire

/// Which hosts the signaling server may bind and the client may reach: loopback only unless told
/// otherwise, as for the UDP driver (DESIGN §6: tests and tools stay on this machine).
public enum SignalingAddressPolicy: Hashable, Sendable {
    /// 127.0.0.0/8, ::1 and the name `localhost` (taken as 127.0.0.1, never resolved): the default.
    case loopbackOnly
    /// Any address or name: for a deployment that means it.
    case any

    /// The host text to hand to the socket layer for `host` (an IP literal or, under `.any`, a name), or
    /// why it is refused.
    func resolve(_ host: String) throws(EchoSignalingError) -> String {
        if host.lowercased() == "localhost" { return IPAddress.loopbackV4.description }
        if let address = IPAddress(host) {
            guard self == .any || address.isLoopback else { throw .notLoopback(host) }
            return address.description
        }
        // A name other than localhost could resolve anywhere; only `.any` lets the resolver decide.
        guard self == .any else { throw .notLoopback(host) }
        return host
    }
}
