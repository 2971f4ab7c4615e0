/// A host in a simulation: one machine, the addresses it owns, its uplink and downlink.
public struct HostID: Hashable, Sendable, Comparable {
    /// The host's position in the order hosts were added.
    public let index: Int

    public static func < (lhs: HostID, rhs: HostID) -> Bool { lhs.index < rhs.index }
}

/// An addressing realm: the public internet, or a private network behind one NAT.
///
/// Addresses are unique within a realm; two private realms may reuse the same private addresses, as home
/// networks do. A private realm reaches the internet only through its NAT; realms do not nest.
public struct RealmID: Hashable, Sendable {
    public let index: Int

    /// The public internet, where public hosts and every NAT's public address live.
    public static let internet = RealmID(index: 0)
}
