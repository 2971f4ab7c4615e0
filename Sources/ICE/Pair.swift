/// A local and a remote candidate of the same component and address family (RFC 8445 §6.1.2.2).
public struct ICECandidatePair: Hashable, Sendable, CustomStringConvertible {
    public var local: ICECandidate
    public var remote: ICECandidate

    public init(local: ICECandidate, remote: ICECandidate) {
        self.local = local
        self.remote = remote
    }

    /// RFC 8445 §6.1.2.3: `2^32·MIN(G,D) + 2·MAX(G,D) + (G>D ? 1 : 0)`, where G is the priority of the
    /// controlling agent's candidate and D the controlled agent's.
    public static func priority(controlling g: UInt32, controlled d: UInt32) -> UInt64 {
        let low = UInt64(min(g, d))
        let high = UInt64(max(g, d))
        return low << 32 + 2 * high + (g > d ? 1 : 0)
    }

    /// The pair priority as seen by an agent in `role`.
    public func priority(as role: ICERole) -> UInt64 {
        role == .controlling
            ? Self.priority(controlling: local.priority, controlled: remote.priority)
            : Self.priority(controlling: remote.priority, controlled: local.priority)
    }

    /// Pairs with equal foundations are unfrozen together (RFC 8445 §6.1.2.6).
    public var foundation: String { local.foundation + ":" + remote.foundation }

    public var description: String { "\(local.base) → \(remote.address)" }
}
