public import Wire

/// A username fragment and password (RFC 8445 §5.3, RFC 8839 §5.4).
public struct ICECredentials: Hashable, Sendable, CustomStringConvertible {
    public var ufrag: String
    public var pwd: String

    public init(ufrag: String, pwd: String) {
        self.ufrag = ufrag
        self.pwd = pwd
    }

    /// The 64 `ice-char`s (RFC 8839 §5.1: ALPHA / DIGIT / "+" / "/").
    static let iceChars: [Character] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    /// Fresh credentials from `generator`: an 8-character ufrag (≥ 4, and 24 bits of randomness as
    /// RFC 8445 §5.3 asks) and a 24-character pwd (≥ 22, ≥ 128 bits), all `ice-char`s.
    public static func random<R: RandomNumberGenerator>(using generator: inout R) -> ICECredentials {
        func text(_ count: Int) -> String {
            String((0..<count).map { _ in iceChars[Int(generator.next() % UInt64(iceChars.count))] })
        }
        return ICECredentials(ufrag: text(8), pwd: text(24))
    }

    /// Whether both fields have the lengths and characters RFC 8839 §5.4 requires.
    public var isValid: Bool {
        let allowed = Set(Self.iceChars)
        return (4...256).contains(ufrag.count) && (22...256).contains(pwd.count)
            && ufrag.allSatisfy(allowed.contains) && pwd.allSatisfy(allowed.contains)
    }

    public var description: String { "\(ufrag):<\(pwd.count)-char pwd>" }
}

/// How the controlling agent nominates (RFC 8445 §8.1.1; aggressive from RFC 5245 §8.1.1.2, still what
/// several stacks do).
public enum NominationMode: String, Hashable, Sendable, CaseIterable {
    /// Check first, then repeat the check of the chosen valid pair with USE-CANDIDATE.
    case regular
    /// Every check carries USE-CANDIDATE; the best pair that succeeds is selected.
    case aggressive
}

/// Which local candidates are offered and paired (W3C `RTCIceTransportPolicy`).
public enum IceTransportPolicy: String, Hashable, Sendable, CaseIterable {
    case all
    /// Only relayed candidates: host and server-reflexive addresses are never revealed or used.
    case relay
}

/// Where the host candidates of a new generation live after an ICE restart (RFC 8445 §9).
public enum RestartBases: String, Hashable, Sendable, CaseIterable {
    /// On new sockets, one per host address, as libwebrtc and Pion do: the agent asks its driver for
    /// them (``ICEOutput/sockets(_:)``). A peer restarting at the same time cannot mistake the new
    /// generation's candidates for the old one's (Chromium keeps the credentials it first paired with a
    /// remote address, so reused addresses get its checks rejected with 401), and the old sockets keep
    /// carrying the selected pair until a new pair is selected, then are released.
    case fresh
    /// The same sockets, re-offered with the new credentials (allowed by RFC 8445 §9).
    case reuse
}

/// Consent freshness timers (RFC 7675).
public struct ConsentTiming: Hashable, Sendable {
    /// The mean interval between consent checks on the selected pair; each interval is drawn uniformly
    /// from 0.8–1.2 times it (RFC 7675 §5.1: 5 s, so 4–6 s).
    public var interval: Duration
    /// No consent response for this long makes the state `disconnected` (our choice, see
    /// `IceConnectionState`).
    public var disconnectedAfter: Duration
    /// No consent response for this long means consent is lost: `failed`, and no more data is sent
    /// (RFC 7675 §5.1: 30 s).
    public var lostAfter: Duration

    public init(interval: Duration = .seconds(5), disconnectedAfter: Duration = .seconds(8), lostAfter: Duration = .seconds(30)) {
        self.interval = interval
        self.disconnectedAfter = disconnectedAfter
        self.lostAfter = lostAfter
    }
}

/// Bounds on everything a peer (or anyone who can send a datagram) can make the agent store.
public struct ICELimits: Hashable, Sendable {
    /// Pairs in the check list; the lowest-priority pairs are dropped beyond it (RFC 8445 §6.1.2.5: 100).
    public var maximumCheckListSize: Int
    /// Remote candidates kept, signalled and peer-reflexive together.
    public var maximumRemoteCandidates: Int
    /// Peer-reflexive remote candidates learned per `peerReflexiveWindow`; authenticated checks from
    /// further new addresses in the same window are answered but create no state.
    public var maximumPeerReflexivePerWindow: Int
    public var peerReflexiveWindow: Duration

    public init(
        maximumCheckListSize: Int = 100, maximumRemoteCandidates: Int = 100,
        maximumPeerReflexivePerWindow: Int = 10, peerReflexiveWindow: Duration = .seconds(1)
    ) {
        self.maximumCheckListSize = maximumCheckListSize
        self.maximumRemoteCandidates = maximumRemoteCandidates
        self.maximumPeerReflexivePerWindow = maximumPeerReflexivePerWindow
        self.peerReflexiveWindow = peerReflexiveWindow
    }
}

/// STUN transaction timers (RFC 8489 §6.2.1, RFC 8445 §14.3).
public struct RetransmissionTiming: Hashable, Sendable {
    /// The smallest RTO; a check's RTO is max(this, Ta × (waiting + in-progress pairs)) (RFC 8445 §14.3).
    public var minimumRTO: Duration
    /// Requests sent in all, the first included (Rc, RFC 8489 §6.2.1: 7).
    public var requestCount: Int
    /// After the last request, wait this many RTOs for a response (Rm, RFC 8489 §6.2.1: 16).
    public var lastWaitMultiplier: Int

    public init(minimumRTO: Duration = .milliseconds(500), requestCount: Int = 7, lastWaitMultiplier: Int = 16) {
        self.minimumRTO = minimumRTO
        self.requestCount = requestCount
        self.lastWaitMultiplier = lastWaitMultiplier
    }
}

/// Everything an `ICEAgent` is told when it is made.
public struct ICEConfiguration: Sendable {
    /// The local host transport addresses the driver has bound sockets to. The machine opens nothing: the
    /// allow-list of interfaces is the driver's (DESIGN §6), and the default is loopback only.
    public var hostAddresses: [TransportAddress]
    /// STUN servers for server-reflexive candidates (RFC 8445 §5.1.1.2); each is asked from each host
    /// address of the same family.
    public var stunServers: [TransportAddress]
    public var transportPolicy: IceTransportPolicy
    public var nomination: NominationMode
    /// Whether this agent is an ICE-lite implementation (RFC 8445 §2.5): host candidates only, no checks
    /// of its own, always controlled.
    public var isLite: Bool
    /// Local credentials; generated from the agent's generator when nil.
    public var credentials: ICECredentials?
    /// Whether relayed candidates will be reported through `addRelayedCandidate` (a TURN client composed
    /// around the agent): gathering completes only after `relayGatheringFinished`.
    public var expectsRelayedCandidates: Bool
    /// The pacing interval Ta between checks (RFC 8445 §14.2: 50 ms by default).
    public var ta: Duration
    public var retransmission: RetransmissionTiming
    public var consent: ConsentTiming
    public var limits: ICELimits
    /// With regular nomination, nominate the best valid pair this long after the first pair succeeded even
    /// if higher-priority pairs are still being checked, so one silent pair cannot hold nomination back
    /// for a whole transaction timeout.
    public var nominationDelay: Duration
    /// Where a restart's host candidates live: new sockets (the default) or the same ones. Under the
    /// `.relay` transport policy no host candidate is offered, so the bases are always reused.
    public var restartBases: RestartBases

    public init(
        hostAddresses: [TransportAddress] = [TransportAddress(.loopbackV4, port: 50_000)],
        stunServers: [TransportAddress] = [],
        transportPolicy: IceTransportPolicy = .all,
        nomination: NominationMode = .regular,
        isLite: Bool = false,
        credentials: ICECredentials? = nil,
        expectsRelayedCandidates: Bool = false,
        ta: Duration = .milliseconds(50),
        retransmission: RetransmissionTiming = RetransmissionTiming(),
        consent: ConsentTiming = ConsentTiming(),
        limits: ICELimits = ICELimits(),
        nominationDelay: Duration = .seconds(2),
        restartBases: RestartBases = .fresh
    ) {
        self.hostAddresses = hostAddresses
        self.stunServers = stunServers
        self.transportPolicy = transportPolicy
        self.nomination = nomination
        self.isLite = isLite
        self.credentials = credentials
        self.expectsRelayedCandidates = expectsRelayedCandidates
        self.ta = ta
        self.retransmission = retransmission
        self.consent = consent
        self.limits = limits
        self.nominationDelay = nominationDelay
        self.restartBases = restartBases
    }
}
