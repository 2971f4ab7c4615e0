public import SDP
public import SansIO
public import Wire

/// What an `ICEAgent` is told.
public enum ICEInput: DatagramInput, Sendable {
    /// A datagram that arrived on one of the agent's bases (a host address or a relayed address).
    case received(Datagram)
    /// Start gathering local candidates (W3C `iceCandidatePoolSize` pre-gathering is this input sent
    /// before any remote description exists: nothing here waits for the peer).
    case startGathering
    /// The peer's ufrag and pwd (`a=ice-ufrag`, `a=ice-pwd`) and whether it is ICE-lite (`a=ice-lite`).
    /// New values while others are known mean the peer restarted ICE (RFC 8445 §9).
    case setRemoteCredentials(ufrag: String, pwd: String, isLite: Bool)
    /// A remote candidate from SDP or trickle. Ignored (see `ICECandidate.init(remote:)`) when not usable,
    /// or when its `ufrag` extension names another generation.
    case addRemoteCandidate(Candidate)
    /// The peer's end-of-candidates (RFC 8838 §13).
    case endOfRemoteCandidates
    /// A relayed candidate a TURN client composed around the agent allocated: `relayed` is both its
    /// address and its base, `mapped` its related address (RFC 8445 §5.1.1.2).
    case addRelayedCandidate(relayed: TransportAddress, mapped: TransportAddress)
    /// The TURN client has no more relayed candidates to report.
    case relayGatheringFinished
    /// ICE restart (RFC 8445 §9): new local credentials, new checks; the selected pair keeps carrying data
    /// (and consent) until a pair of the new generation is selected. Unless the configuration says
    /// otherwise (``ICEConfiguration/restartBases``), the new generation's host candidates are on new
    /// sockets: the agent asks for them with ``ICEOutput/sockets(_:)`` and stays `gathering` until
    /// ``basesBound(request:addresses:)`` answers.
    case restart
    /// The driver's answer to a ``SansIO/SocketRequest/bind(request:addresses:)`` the agent asked for:
    /// the new host bases in the order asked, nil where binding failed (that base is then reused, as
    /// RFC 8445 §9 allows). An answer to a request the agent no longer waits for is released at once.
    case basesBound(request: UInt64, addresses: [TransportAddress?])
    /// Application data for the selected pair; dropped when no pair is selected or consent is lost
    /// (RFC 7675 §5.2).
    case send([UInt8])
    /// Stop everything: no more datagrams, timers or events after `connectionStateChanged(.closed)`.
    case close

    public static func socketsBound(request: UInt64, addresses: [TransportAddress?]) -> ICEInput? {
        .basesBound(request: request, addresses: addresses)
    }
}

/// What an `ICEAgent` asks its driver to do or tells its owner.
public enum ICEOutput: DatagramOutput, Hashable, Sendable {
    /// A datagram for the network. Its source is one of the agent's bases; a relayed source means the
    /// TURN client must wrap it.
    case transmit(Datagram)
    /// A local candidate to signal (trickle, RFC 8838).
    case localCandidate(ICECandidate)
    case gatheringStateChanged(IceGatheringState)
    case connectionStateChanged(IceConnectionState)
    /// A (new) pair carries data from now on.
    case selectedPairChanged(ICECandidatePair)
    /// A datagram that is not STUN, from a remote address on a validated pair (RFC 7983 demultiplexing
    /// above: DTLS, SRTP).
    case received([UInt8], from: TransportAddress)
    /// The role changed to resolve a conflict (RFC 8445 §7.2.5.1, §7.3.1.1) or because the peer is lite.
    case roleChanged(ICERole)

    /// Sockets for the driver to bind (new host bases for a restart) or release (bases of an earlier
    /// generation that carry nothing any more).
    case sockets(SocketRequest)

    public var transmission: Datagram? {
        if case .transmit(let datagram) = self { return datagram }
        return nil
    }

    public var socketRequest: SocketRequest? {
        if case .sockets(let request) = self { return request }
        return nil
    }
}
