/// What one direction of a link did with the datagrams offered to it.
public struct LinkStatistics: Hashable, Sendable {
    /// Datagrams offered to the link.
    public var sent = 0
    /// Copies that left the link towards their destination (a duplicated datagram counts twice).
    public var delivered = 0
    /// Datagrams dropped, by reason.
    public var dropped: [DropReason: Int] = [:]
    /// Datagrams the link delivered a second copy of.
    public var duplicated = 0
    /// Datagrams the link held back for reordering.
    public var reordered = 0
    /// IP bytes (payload + headers) offered and delivered.
    public var bytesSent = 0
    public var bytesDelivered = 0

    public init() {}

    /// All drops, whatever the reason.
    public var droppedTotal: Int { dropped.values.reduce(0, +) }
}
