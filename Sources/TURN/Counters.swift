/// What the client dropped or repeated, so tests and operators can see it (DESIGN §1.4: machines say
/// what they drop).
public struct TURNCounters: Hashable, Sendable {
    /// Datagrams whose source is not the server.
    public var foreignSource = 0
    /// Datagrams that are neither a well-formed STUN message nor a well-formed ChannelData message.
    public var malformed = 0
    /// Responses whose transaction ID (or method) matches no request in flight (RFC 8489 §6.3.3).
    public var unmatchedResponses = 0
    /// Responses to authenticated requests without a valid MESSAGE-INTEGRITY (RFC 8489 §9.2.5).
    public var badIntegrity = 0
    /// Data indications from a peer without a permission (RFC 8656 §11.6).
    public var unknownPeer = 0
    /// ChannelData on a channel number that is not bound (RFC 8656 §12.6).
    public var unknownChannel = 0
    /// Requests, indications other than Data, and responses the client ignores for another reason.
    public var ignored = 0
    /// Requests sent again because no response came in time.
    public var retransmissions = 0

    public init() {}
}
