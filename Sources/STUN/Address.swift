public import Wire

/// The address family byte of the address attributes (RFC 8489 §14.1) and of TURN's family attributes
/// (RFC 8656 §18.1, §18.11, §18.12).
public enum STUNAddressFamily: UInt8, Hashable, Sendable, CaseIterable {
    case ipv4 = 0x01
    case ipv6 = 0x02

    /// Bytes of the address itself.
    public var addressLength: Int { self == .ipv4 ? 4 : 16 }
}

/// The IP address the address attributes carry (the shared `Wire.IPAddress`).
public typealias STUNIPAddress = IPAddress
/// An IP address and port, as the address attributes carry them (the shared `Wire.TransportAddress`).
public typealias STUNTransportAddress = TransportAddress

extension IPAddress {
    /// The family byte STUN writes before the address (RFC 8489 §14.1).
    public var family: STUNAddressFamily { isIPv6 ? .ipv6 : .ipv4 }
}
