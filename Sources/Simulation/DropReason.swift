/// Why the simulated network discarded a datagram. Every drop is counted and written to the trace with
/// one of these names.
public enum DropReason: String, Hashable, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    /// The link was inside one of its blackout windows when the datagram entered it.
    case blackout
    /// The IP packet (payload + 28 bytes of IPv4/UDP header, 48 for IPv6) was larger than the link's MTU.
    case mtu
    /// The link's loss model (independent or Gilbert-Elliott) chose this datagram.
    case loss
    /// The rate-limited link's queue had no room (tail drop).
    case queueFull = "queue-full"
    /// The run's ``Simulator/fault`` hook chose to lose it (a scripted fault).
    case scripted
    /// The machine sent from an address its host does not own.
    case sourceNotOwned = "source-not-owned"
    /// No host or NAT owns the destination address in the realm the datagram reached.
    case noRoute = "no-route"
    /// A NAT had no live mapping for the public port the datagram was sent to (never made, or expired).
    case natNoMapping = "nat-no-mapping"
    /// A NAT's filtering behaviour refused an inbound datagram (RFC 4787 §5).
    case natFiltered = "nat-filtered"
    /// A host sent to its own NAT's public address and the NAT does not hairpin (RFC 4787 §6).
    case natNoHairpinning = "nat-no-hairpinning"
    /// A NAT had no free public port for a new mapping.
    case natPortsExhausted = "nat-ports-exhausted"

    public var description: String { rawValue }

    public static func < (lhs: DropReason, rhs: DropReason) -> Bool { lhs.rawValue < rhs.rawValue }
}
