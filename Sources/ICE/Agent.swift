public import SansIO
import STUN
public import Wire

/// An ICE agent (RFC 8445, trickle RFC 8838, consent RFC 7675, dual stack RFC 8421) for one data stream
/// of one component, as a sans-IO machine (DESIGN §1.1).
///
/// Feed it `ICEInput`s and the passing of time; drain `ICEOutput`s with `poll()`; read `nextDeadline`.
/// It opens no socket: its datagrams name a local base as source, and the driver sends them from there
/// (or a TURN client composed around the agent wraps those whose source is a relayed address).
///
/// Bounded by `ICEConfiguration.limits`: a datagram from an unknown source either fails authentication
/// and creates no state at all, or is authenticated and may add at most one peer-reflexive candidate
/// and one pair, within the per-window and total limits.
public struct ICEAgent: DatagramMachine, Sendable {
    public typealias Input = ICEInput
    public typealias Output = ICEOutput

    public let configuration: ICEConfiguration
    public internal(set) var role: ICERole
    /// The 64-bit tie-breaker for role conflicts (RFC 8445 §7.3.1.1).
    public internal(set) var tieBreaker: UInt64
    public internal(set) var localCredentials: ICECredentials
    public internal(set) var remoteCredentials: ICECredentials?
    public internal(set) var remoteIsLite = false
    public internal(set) var connectionState: IceConnectionState = .new
    public internal(set) var gatheringState: IceGatheringState = .new
    /// The candidates offered to the peer, plus peer-reflexive ones learned from responses (not signalled).
    public internal(set) var localCandidates: [ICECandidate] = []
    public internal(set) var remoteCandidates: [ICECandidate] = []
    public internal(set) var checkList: CheckList
    /// The pair that carries data.
    public internal(set) var selectedPair: ICECandidatePair?
    /// Whether the peer signalled end-of-candidates for the current generation.
    public internal(set) var remoteEndOfCandidates = false

    var generator: SeededGenerator
    var outputs = OutputQueue<ICEOutput>()
    var localKey: STUNKey
    var remoteKey: STUNKey?
    /// Host bases the driver bound (every one, whatever the transport policy: datagrams arrive there),
    /// of every generation still held; see `currentBases` and `releaseIdleBases`.
    var hostCandidates: [ICECandidate] = []
    /// The host bases of the current generation: the configured ones until a restart binds new ones.
    var currentBases: Set<TransportAddress> = []
    /// A restart's request for new host bases, until the driver answers: its number and the bases the
    /// new ones replace (one each, in order).
    var pendingBases: (request: UInt64, replacing: [ICECandidate])?
    var nextSocketRequest: UInt64 = 1
    /// Pairs the peer checked with the previous generation's credentials (our ufrag before the restart),
    /// before or after our restart: data arriving over them is accepted until a pair of the new
    /// generation is selected (RFC 8445 §12.2: a restarting peer may already send over the pair it
    /// chose with its new sockets). At most `limits.maximumCheckListSize`.
    var previousGenerationPairs: Set<PairKey> = []
    /// The local credentials before the last restart, kept while the selected pair is of that generation
    /// so its consent checks keep being answered.
    var previousLocal: (credentials: ICECredentials, key: STUNKey)?
    var transactions: [STUNTransactionID: Transaction] = [:]
    var gatherQueue: [(base: ICECandidate, server: TransportAddress)] = []
    var pendingServerReflexive = 0
    var relayPending: Bool
    var nextPacingAt: Instant?
    var lastPacedAt: Instant?
    var firstSuccessAt: Instant?
    var consent: ConsentState?
    var peerReflexiveWindowStart = Instant.zero
    var peerReflexiveInWindow = 0
    var failedLatched = false
    var closed = false
    var now = Instant.zero

    /// Consent freshness of the selected pair (RFC 7675), with the credentials of the generation it
    /// belongs to.
    struct ConsentState: Sendable {
        var pair: PairKey
        var localUfrag: String
        var remote: ICECredentials
        var remoteKey: STUNKey
        var lastResponse: Instant
        var nextCheck: Instant
        var disconnected = false
        var lost = false
    }

    /// Makes an agent. The generator supplies credentials (when the configuration has none), the
    /// tie-breaker, transaction IDs and consent jitter; hand it a fixed seed for a reproducible run.
    public init(configuration: ICEConfiguration, role: ICERole, generator: SeededGenerator) {
        self.configuration = configuration
        self.generator = generator
        self.role = configuration.isLite ? .controlled : role
        tieBreaker = self.generator.next()
        let credentials = configuration.credentials ?? ICECredentials.random(using: &self.generator)
        localCredentials = credentials
        localKey = ICEAgent.key(for: credentials.pwd)
        checkList = CheckList(maximumSize: configuration.limits.maximumCheckListSize)
        relayPending = configuration.expectsRelayedCandidates
        let preferences = hostLocalPreferences(configuration.hostAddresses)
        for (address, preference) in zip(configuration.hostAddresses, preferences)
        where !hostCandidates.contains(where: { $0.address == address }) {
            hostCandidates.append(ICECandidate(
                kind: .host, address: address,
                priority: ICECandidate.priority(typePreference: ICECandidateKind.host.typePreference, localPreference: preference),
                foundation: ICECandidate.foundation(kind: .host, baseAddress: address.address, server: nil)))
        }
        currentBases = Set(hostCandidates.map(\.address))
    }

    /// The short-term key of a password (RFC 8445 §7.2.2); a password that OpaqueString rejects is used
    /// as raw UTF-8, so a hostile remote pwd cannot stop the agent (its checks simply fail).
    static func key(for password: String) -> STUNKey {
        (try? STUNCredentials.shortTermKey(password: password)) ?? STUNKey(bytes: Array(password.utf8))
    }

    // MARK: Machine

    public mutating func handle(_ input: ICEInput, at now: Instant) {
        self.now = max(self.now, now)
        guard !closed else { return }
        switch input {
        case .received(let datagram): receive(datagram)
        case .startGathering: startGathering()
        case .setRemoteCredentials(let ufrag, let pwd, let isLite): setRemoteCredentials(ICECredentials(ufrag: ufrag, pwd: pwd), isLite: isLite)
        case .addRemoteCandidate(let candidate): addRemoteCandidate(candidate)
        case .endOfRemoteCandidates: remoteEndOfCandidates = true
        case .addRelayedCandidate(let relayed, let mapped): addRelayedCandidate(relayed: relayed, mapped: mapped)
        case .relayGatheringFinished: relayPending = false
        case .restart: restart()
        case .basesBound(let request, let addresses): basesBound(request: request, addresses: addresses)
        case .send(let payload): send(payload)
        case .close:
            closed = true
            transactions.removeAll()
            consent = nil
            nextPacingAt = nil
        }
        afterEvent()
    }

    public mutating func handleTimeout(at now: Instant) {
        self.now = max(self.now, now)
        guard !closed else { return }
        fireTransactionTimers()
        fireConsentTimers()
        if let due = nextPacingAt, due <= self.now { pace() }
        afterEvent()
    }

    public mutating func poll() -> ICEOutput? {
        outputs.next()
    }

    public var nextDeadline: Instant? {
        guard !closed else { return nil }
        var deadlines: [Instant] = []
        if let nextPacingAt { deadlines.append(nextPacingAt) }
        for transaction in transactions.values { deadlines.append(transaction.deadline) }
        if let consent, !consent.lost {
            deadlines.append(consent.nextCheck)
            if !consent.disconnected { deadlines.append(consent.lastResponse + configuration.consent.disconnectedAfter) }
            deadlines.append(consent.lastResponse + configuration.consent.lostAfter)
        }
        if let nominationDeadline { deadlines.append(nominationDeadline) }
        return deadlines.min()
    }

    /// STUN client transactions running (checks, consent, server requests): at most two per pair, two
    /// for consent and one per host and server.
    public var transactionCount: Int { transactions.count }

    mutating func emit(_ output: ICEOutput) { outputs.append(output) }

    // MARK: States

    /// After every input and timer: finish gathering, settle the check list, and report state changes.
    mutating func afterEvent() {
        if gatheringState == .gathering, pendingBases == nil, pendingServerReflexive == 0, gatherQueue.isEmpty, !relayPending {
            setGatheringState(.complete)
        }
        releaseIdleBases()
        if checkList.state == .running, checkList.allFailed, remoteEndOfCandidates, !configuration.isLite {
            checkList.state = .failed
        }
        considerNomination()
        schedulePacing()
        // A free pacing slot is used at once rather than reported as a deadline that has already come.
        if let due = nextPacingAt, due <= now { pace() }
        let state = computeConnectionState()
        if state == .completed, connectionState == .new || connectionState == .checking {
            // A nomination that also settles everything still reports `connected` first, so an observer
            // always sees checking → connected → completed.
            connectionState = .connected
            emit(.connectionStateChanged(.connected))
        }
        if state != connectionState {
            connectionState = state
            emit(.connectionStateChanged(state))
        }
    }

    mutating func setGatheringState(_ state: IceGatheringState) {
        guard state != gatheringState else { return }
        gatheringState = state
        emit(.gatheringStateChanged(state))
    }

    /// The W3C state from the agent's facts; see `IceConnectionState` for the table.
    mutating func computeConnectionState() -> IceConnectionState {
        if closed { return .closed }
        if failedLatched { return .failed }
        if selectedPair != nil {
            if let consent {
                if consent.lost {
                    failedLatched = true
                    return .failed
                }
                if consent.disconnected { return .disconnected }
            }
            let settled = checkList.state == .completed && remoteEndOfCandidates && gatheringState == .complete
                && previousLocal == nil
            return settled ? .completed : .connected
        }
        if checkList.state == .failed && gatheringState == .complete {
            failedLatched = true
            return .failed
        }
        return checkList.entries.isEmpty ? .new : .checking
    }

    // MARK: Data

    mutating func send(_ payload: [UInt8]) {
        guard let selectedPair, consent?.lost != true else { return }
        emit(.transmit(Datagram(from: selectedPair.local.base, to: selectedPair.remote.address, payload: payload)))
    }

    /// Whether non-STUN data from `source` to `base` comes over a pair that a check proved: one of ours
    /// succeeded on it, or the peer checked it with our password (RFC 8445 §12.2).
    func isValidated(source: TransportAddress, base: TransportAddress) -> Bool {
        if let selectedPair, selectedPair.local.base == base, selectedPair.remote.address == source { return true }
        let key = PairKey(localBase: base, remote: source)
        if previousGenerationPairs.contains(key) { return true }
        guard let entry = checkList.entry(key) else { return false }
        return entry.isValid || entry.peerChecked
    }

    /// RFC 7983 §7: a first byte of 0–3 is STUN; anything else is handed up when it comes over a
    /// validated pair and dropped otherwise.
    mutating func receive(_ datagram: Datagram) {
        guard isLocalBase(datagram.destination) else { return }
        guard let first = datagram.payload.first else { return }
        if first > 3 {
            if isValidated(source: datagram.source, base: datagram.destination) {
                emit(.received(datagram.payload, from: datagram.source))
            }
            return
        }
        guard let message = try? STUNMessage.parse(datagram.payload) else { return }
        switch message.type.messageClass {
        case .request: handleRequest(message, datagram)
        case .successResponse, .errorResponse: handleResponse(message, datagram)
        case .indication: break  // keepalives (RFC 8445 §11) need no answer
        }
    }

    func isLocalBase(_ address: TransportAddress) -> Bool {
        hostCandidates.contains { $0.address == address }
            || localCandidates.contains { $0.kind == .relayed && $0.address == address }
    }
}
