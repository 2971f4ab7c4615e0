public import Fuzzing
import ICE
import SDP
import SansIO
import STUN
import Wire

/// Fuzz target `ice-agent` (issue 17): our ICE agent (RFC 8445, trickle RFC 8838, consent RFC 7675)
/// against a scripted remote peer, in the shape of dcSCTP's socket fuzzer.
///
/// The input is a ``MachineScript``. Its first byte picks a start state (modulo 12: six states, each
/// with regular or aggressive nomination), reached by a scripted prologue in which the remote answers
/// everything correctly:
/// 0. controlling, gathering complete, remote candidates added, checks waiting;
/// 1. the same, controlled;
/// 2. controlling, checking with pairs in progress (200 ms of checks unanswered);
/// 3. controlling, connected: a pair nominated and selected, consent running;
/// 4. controlled, connected: the remote nominated with USE-CANDIDATE;
/// 5. state 3 after an ICE restart of both sides (RFC 8445 §9): the old pair still selected, the new
///    generation checking.
///
/// Actions: `deliver` builds a datagram from the STUN model with the right keys (variant modulo 8: the
/// remote's success response to one of our outstanding checks, a check from a known remote address, a
/// check from a new address (a peer-reflexive flood, §7.3.1.3), a role-conflict check (§7.3.1.1), a 487
/// to one of our checks, one of our own datagrams reflected, another error response, and a success
/// from the wrong address, a STUN server's answer or application data); its seed mutates it
/// (``ModelledSTUN``). `call` is selector modulo 7: add a remote candidate from the argument,
/// end-of-candidates, restart, new remote credentials (a peer restart), send data, a relayed
/// candidate, and the driver's answer to a socket request. `close` closes the agent.
///
/// Oracles besides not trapping: every selected, nominated or valid pair is one whose check got an
/// authenticated success response from the address it was sent to (RFC 8445 §7.2.5.2, §8.1.1);
/// connection and gathering states move only along `IceConnectionState`'s table (W3C
/// `RTCIceTransportState`); the check list, remote and peer-reflexive candidates and transactions stay
/// within `ICELimits` under floods; no check goes to an address the agent was not given or did not
/// learn from an authenticated check, no datagram leaves an address that is not (or no longer) a base,
/// no response answers a request that never came, data goes over the selected pair only; and timers
/// never stand still.
public enum ICEAgentFuzzTarget {
    public static let name = "ice-agent"
    public static let plantedName = "planted-ice-agent"
    /// Start states: six situations, each with regular and aggressive nomination.
    public static let startStates = 12

    /// The target.
    public static var target: FuzzTarget {
        ICEAgentHarness.target(name: name, corpusName: name, planted: false, dictionary: dictionary)
    }

    /// The self-test: the same harness, with a bug planted in its copy of the connection-state rule
    /// (see `ICEAgentHarness.plantedStateAfterRoleSwitch`). Never part of `all`.
    public static var plantedTarget: FuzzTarget {
        ICEAgentHarness.target(name: plantedName, corpusName: name, planted: true, dictionary: dictionary)
    }

    /// Opcodes with their operands, so havoc splices whole actions: a role conflict, a success
    /// response, a new-address check, a restart, a 5 s advance, a timer.
    static let dictionary: [[UInt8]] = [[0x00, 0x03, 0x00], [0x00, 0x00, 0x00], [0x00, 0x02, 0x00], [0x04, 0x02, 0x01], [0x03, 0x13, 0x88], [0x02]]

    /// Runs one script; `planted` runs the self-test's harness.
    public static func run(_ input: [UInt8], planted: Bool = false) -> FuzzOutcome {
        ICEAgentHarness.run(input, target: planted ? plantedName : name, planted: planted).outcome
    }

    /// What the agent did under the script: run an input twice and compare, to show that a finding
    /// reproduces from its saved input alone.
    public static func trace(_ input: [UInt8], planted: Bool = false) -> MachineTrace {
        ICEAgentHarness.run(input, target: name, planted: planted).trace
    }

    /// A script from `generator`: a start state, then mostly well-formed remote traffic (answers, checks,
    /// floods, conflicts), time, calls and now and then a mutant or raw bytes. Seeds and tests use it.
    public static func randomScript(using generator: inout some RandomNumberGenerator) -> [UInt8] {
        var actions: [MachineScript.Action] = []
        for _ in 0..<Int.random(in: 4...48, using: &generator) {
            let roll = Int.random(in: 0..<100, using: &generator)
            switch roll {
            case 0..<50:
                // Kinds weighted towards answers and checks: 0 answer ×4, 1 check ×3, 2 new address ×2, 3–7 once.
                let kinds: [UInt8] = [0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 5, 6, 7]
                let kind = kinds[Int.random(in: 0..<kinds.count, using: &generator)]
                let variant = kind | UInt8.random(in: 0...31, using: &generator) << 3
                let seed: UInt8 = roll < 42 ? 0 : .random(in: 1...255, using: &generator)
                actions.append(.deliver(variant: variant, seed: seed))
            case 50..<65: actions.append(.fireTimer)
            case 65..<80:
                let long = Bool.random(using: &generator)
                actions.append(.advance(milliseconds: .random(in: long ? 1_000...40_000 : 1...400, using: &generator)))
            case 80..<97:
                actions.append(.call(selector: .random(in: 0...6, using: &generator), argument: .random(in: 0...255, using: &generator)))
            case 97, 98:
                actions.append(.deliverBytes((0..<Int.random(in: 0...40, using: &generator)).map { _ in .random(in: 0...255, using: &generator) }))
            default: actions.append(.close)
            }
        }
        return MachineScript(start: .random(in: 0...255, using: &generator), actions: actions).bytes
    }
}

/// The scripted remote peer and the oracles of `ice-agent`.
struct ICEAgentHarness: MachineFuzzHarness {
    static let hosts = [
        TransportAddress(.v4(0xC000_0201), port: 5000),  // 192.0.2.1
        TransportAddress(.v4(0xC000_0202), port: 5000),  // 192.0.2.2
        TransportAddress(.v6(high: 0x2001_0DB8_0000_0000, low: 1), port: 5000),
    ]
    static let stunServer = TransportAddress(.v4(0xC633_6401), port: 3478)  // 198.51.100.1
    /// Where the STUN server sees us: a NAT's address, so a server-reflexive candidate is learned.
    static let mapped = TransportAddress(.v4(0xC633_644D), port: 7000)  // 198.51.100.77
    /// Small limits, so short scripts reach them.
    static let limits = ICELimits(
        maximumCheckListSize: 12, maximumRemoteCandidates: 8, maximumPeerReflexivePerWindow: 3, peerReflexiveWindow: .seconds(1))
    /// The remote's signalled candidates: a host and a server-reflexive IPv4 one and an IPv6 host.
    static let remoteCandidates: [Candidate] = [
        Candidate(foundation: "1", component: 1, priority: 2_130_706_431, address: "203.0.113.1", port: 6000, type: .host),
        Candidate(foundation: "2", component: 1, priority: 1_694_498_815, address: "203.0.113.2", port: 6001, type: .srflx,
                  relatedAddress: "10.0.0.9", relatedPort: 6000),
        Candidate(foundation: "3", component: 1, priority: 2_130_706_430, address: "2001:db8::9", port: 6000, type: .host),
    ]

    /// A request the agent sent that the remote (or the STUN server) may answer.
    struct Sent {
        var id: STUNTransactionID
        var datagram: Datagram
        /// The remote password's key it was signed with; nil for a STUN server request.
        var key: STUNKey?
    }

    var agent: ICEAgent
    var now = Instant.zero
    var trace = MachineTrace()
    var problem: String?
    let planted: Bool
    let limits = ICEAgentHarness.limits

    // The remote's model.
    var remoteGeneration = 0
    var remoteCredentials: ICECredentials
    /// Every remote password's key so far: our checks are signed with one of them.
    var remoteKeys: [STUNKey]
    /// Remote addresses the agent may check: signalled, or the source of an authenticated check.
    var known: Set<TransportAddress> = []
    /// Addresses the agent may send from: its host addresses, bases the driver bound for it, relayed
    /// addresses; a base it released leaves the set.
    var bases = Set(ICEAgentHarness.hosts)
    var sent: [Sent] = []
    var recent: [Datagram] = []
    /// Requests delivered to the agent, which its responses must answer.
    var delivered: [(id: STUNTransactionID, datagram: Datagram)] = []
    /// Pairs whose check got an authenticated success from the address the check went to.
    var succeeded: Set<PairKey> = []
    /// Every pair seen in the check list.
    var everPaired: Set<PairKey> = []
    var state: IceConnectionState = .new
    var gathering: IceGatheringState = .new
    /// Set during an action that restarts (ours or the peer's): the states a restart may move to.
    var restarting = false
    var closing = false
    var newAddresses: UInt32 = 0
    /// Checks the remote built: their transaction IDs.
    var checksBuilt: UInt64 = 0
    var nextBoundPort: UInt16 = 20_000
    /// Socket requests the driver has not answered yet.
    var pendingBinds: [(request: UInt64, addresses: [TransportAddress])] = []
    /// The tie-breaker of the role-conflict check being delivered, for the planted bug.
    var conflictTieBreaker: UInt64?

    /// States, whether a pair is selected, and the pairs that succeeded (bucketed), for the features.
    var situation: String {
        "\(state) \(gathering) selected \(agent.selectedPair != nil) succeeded \(min(succeeded.count, 6)) "
            + "restarting \(restarting) binds \(pendingBinds.count)"
    }

    init(start: UInt8, planted: Bool) {
        self.planted = planted
        let situation = Int(start) % 6
        let aggressive = Int(start) % ICEAgentFuzzTarget.startStates >= 6
        let role: ICERole = situation == 1 || situation == 4 ? .controlled : .controlling
        let configuration = ICEConfiguration(
            hostAddresses: Self.hosts, stunServers: [Self.stunServer], nomination: aggressive ? .aggressive : .regular,
            limits: Self.limits)
        agent = ICEAgent(configuration: configuration, role: role, generator: SeededGenerator(seed: 0x1CE0 + UInt64(start)))
        remoteCredentials = Self.credentials(generation: 0)
        remoteKeys = [Self.key(for: remoteCredentials.pwd)]
        prologue(situation)
        trace.record("start \(situation) \(aggressive ? "aggressive" : "regular")")
    }

    static func credentials(generation: Int) -> ICECredentials {
        ICECredentials(ufrag: "RMT\(generation)", pwd: "remotepasswordgeneration\(generation)")
    }

    /// The short-term key as the agent derives it (RFC 8445 §7.2.2).
    static func key(for password: String) -> STUNKey {
        (try? STUNCredentials.shortTermKey(password: password)) ?? STUNKey(bytes: Array(password.utf8))
    }

    // MARK: Prologue

    mutating func prologue(_ situation: Int) {
        handle(.startGathering)
        // The STUN server answers both IPv4 hosts, one per pacing slot.
        for _ in 0..<8 where agent.gatheringState != .complete {
            for request in sent where request.key == nil { deliver(success(to: request)) }
            sent.removeAll { $0.key == nil }
            fire(after: .milliseconds(50))
        }
        handle(.setRemoteCredentials(ufrag: remoteCredentials.ufrag, pwd: remoteCredentials.pwd, isLite: false))
        signalRemote()
        handle(.endOfRemoteCandidates)
        switch situation {
        case 2:
            fire(after: .milliseconds(200))
        case 3, 4, 5:
            connect()
            fire(after: .seconds(1))
            if situation == 5 {
                restarting = true
                handle(.restart)
                answerBinds()
                newRemoteGeneration(signal: true)
                restarting = false
            }
        default:
            break
        }
    }

    /// The remote answers every check and, when controlling, nominates, until a pair is selected.
    mutating func connect() {
        for _ in 0..<200 where agent.selectedPair == nil && problem == nil {
            if agent.role == .controlled, let remote = known.sorted(by: { $0.description < $1.description }).first,
                let base = currentBases.first {
                deliver(check(from: remote, to: base, role: .controlling, tieBreaker: 1, useCandidate: true))
            }
            for request in sent where request.key != nil { deliver(success(to: request)) }
            sent.removeAll()
            fire(after: .milliseconds(50))
        }
    }

    /// The remote signals its candidates.
    mutating func signalRemote() {
        for candidate in Self.remoteCandidates { addRemote(candidate) }
    }

    mutating func addRemote(_ candidate: Candidate) {
        if let ip = IPAddress(candidate.address) { known.insert(TransportAddress(ip, port: candidate.port)) }
        handle(.addRemoteCandidate(candidate))
    }

    /// The peer restarts (or answers ours): new credentials, and its candidates again when `signal`.
    mutating func newRemoteGeneration(signal: Bool) {
        remoteGeneration += 1
        remoteCredentials = Self.credentials(generation: remoteGeneration)
        remoteKeys.append(Self.key(for: remoteCredentials.pwd))
        handle(.setRemoteCredentials(ufrag: remoteCredentials.ufrag, pwd: remoteCredentials.pwd, isLite: false))
        if signal { signalRemote() }
    }

    mutating func fire(after duration: Duration) {
        let end = now + duration
        for _ in 0..<1_000 {
            guard problem == nil, let deadline = agent.nextDeadline, deadline <= end else { break }
            now = max(now, deadline)
            fireTimers()
        }
        now = end
    }

    // MARK: Machine

    var nextDeadline: Instant? { agent.nextDeadline }

    mutating func fireTimers() {
        agent.handleTimeout(at: now)
        drain()
        if problem == nil { problem = deadlineProblem(after: now, longest: .seconds(600)) }
    }

    mutating func handle(_ input: ICEInput) {
        agent.handle(input, at: now)
        drain()
    }

    mutating func deliver(_ datagram: Datagram) {
        observeDelivery(datagram)
        handle(.received(datagram))
    }

    mutating func close() {
        closing = true
        handle(.close)
        closing = false
    }

    /// The bases the agent offers now: where the remote sends its checks.
    var currentBases: [TransportAddress] {
        let offered = agent.localCandidates.filter { $0.kind == .host || $0.kind == .relayed }.map(\.base)
        return offered.isEmpty ? Self.hosts : offered
    }

    // MARK: Deliveries

    mutating func deliver(variant: UInt8, seed: UInt8, salt: Int) {
        let parameter = Int(variant >> 3)
        let checks = sent.filter { $0.key != nil }
        var datagram: Datagram?
        switch variant & 7 {
        case 0:
            if let request = checks.newest(parameter) { datagram = success(to: request, seed: seed, salt: salt) }
        case 2:
            newAddresses &+= 1
            let source = TransportAddress(.v4(0x6440_0000 | newAddresses & 0xFFFF), port: 7000 + UInt16(parameter))  // 100.64/10
            datagram = check(from: source, to: base(parameter), role: remoteRole, tieBreaker: 7, useCandidate: parameter & 1 == 1,
                             seed: seed, salt: salt)
        case 3:
            // §7.3.1.1: the remote claims our role; its tie-breaker's top byte decides who keeps it.
            let tieBreaker = UInt64(parameter &* 8) << 56 | 0x00A5_A5A5_A5A5_A500 | UInt64(parameter)
            conflictTieBreaker = tieBreaker
            datagram = check(from: knownAddress(parameter), to: base(parameter >> 2), role: agent.role, tieBreaker: tieBreaker,
                             useCandidate: parameter & 1 == 1, seed: seed, salt: salt)
        case 4:
            if let request = checks.newest(parameter) {
                datagram = error(to: request, code: STUNErrorCode.roleConflict, signed: true, seed: seed, salt: salt)
            }
        case 5:
            if let echoed = recent.newest(parameter) {
                let payload = ModelledSTUN.data(echoed.payload, seed: seed, salt: salt)
                // Reflected back to where it came from, or replayed as if the peer had sent it.
                datagram = parameter & 1 == 0
                    ? Datagram(from: echoed.destination, to: echoed.source, payload: payload)
                    : Datagram(from: knownAddress(parameter), to: echoed.source, payload: payload)
            }
        case 6:
            let codes = [STUNErrorCode.badRequest, STUNErrorCode.unauthorized, STUNErrorCode.serverError,
                         STUNErrorCode.unknownAttribute, STUNErrorCode.roleConflict]
            if let request = checks.newest(parameter) {
                datagram = error(to: request, code: codes[parameter % codes.count], signed: parameter & 8 == 0, seed: seed, salt: salt)
            }
        case 7:
            switch parameter % 3 {
            case 0:
                // §7.2.5.2.1: a success from somewhere else than where the check went.
                if var request = checks.newest(parameter / 3) {
                    request.datagram.destination = TransportAddress(.v4(0xCB00_71FE), port: 6000)  // 203.0.113.254
                    datagram = success(to: request, seed: seed, salt: salt)
                }
            case 1:
                if let request = sent.last(where: { $0.key == nil }) {
                    datagram = success(to: request, seed: seed, salt: salt)
                } else {
                    let request = Sent(id: STUNTransactionID(high: 1, low: UInt64(salt)), datagram: Datagram(
                        from: Self.hosts[0], to: Self.stunServer, payload: []), key: nil)
                    datagram = success(to: request, seed: seed, salt: salt)
                }
            default:
                let payload = ModelledSTUN.data([0x17, 0xFE, 0xFD] + Array(repeating: UInt8(parameter), count: parameter), seed: seed, salt: salt)
                datagram = Datagram(from: knownAddress(parameter), to: base(parameter), payload: payload)
            }
        default:
            break
        }
        // Case 1, and the fallback when there is nothing to answer: a check from a known address.
        if datagram == nil {
            datagram = check(from: knownAddress(parameter), to: base(parameter >> 2), role: remoteRole,
                             tieBreaker: 1, useCandidate: parameter & 1 == 1, seed: seed, salt: salt)
        }
        if let datagram { deliver(datagram) }
        conflictTieBreaker = nil
    }

    mutating func deliver(bytes: [UInt8]) {
        deliver(Datagram(from: knownAddress(bytes.count), to: base(bytes.count), payload: bytes))
    }

    /// The remote's role: the opposite of ours, as a peer that agrees with us.
    var remoteRole: ICERole { agent.role == .controlling ? .controlled : .controlling }

    func knownAddress(_ index: Int) -> TransportAddress {
        known.sorted { $0.description < $1.description }.newest(index) ?? TransportAddress(.v4(0xCB00_7101), port: 6000)
    }

    func base(_ index: Int) -> TransportAddress { currentBases.newest(index) ?? Self.hosts[0] }

    /// A connectivity check from the remote (RFC 8445 §7.2.2): USERNAME `ours:theirs`, PRIORITY, the
    /// role with a tie-breaker, maybe USE-CANDIDATE, MESSAGE-INTEGRITY with our password, FINGERPRINT.
    mutating func check(
        from source: TransportAddress, to base: TransportAddress, role: ICERole, tieBreaker: UInt64, useCandidate: Bool,
        seed: UInt8 = 0, salt: Int = 0
    ) -> Datagram {
        var values: [STUNAttributeValue] = [
            .username("\(agent.localCredentials.ufrag):\(remoteCredentials.ufrag)"),
            .priority(1_862_270_975),
            role == .controlling ? .iceControlling(tieBreaker) : .iceControlled(tieBreaker),
        ]
        if useCandidate { values.append(.useCandidate) }
        checksBuilt &+= 1
        let id = STUNTransactionID(high: 0x5245_4D54, low: checksBuilt)
        let message = STUNMessage(type: .bindingRequest, transactionID: id, values: values)
        let payload = ModelledSTUN.bytes(message, key: Self.key(for: agent.localCredentials.pwd), fingerprint: true, seed: seed, salt: salt)
        return Datagram(from: source, to: base, payload: payload)
    }

    /// The success response to a request (RFC 8445 §7.3.1.2), from where it went to where it came from.
    func success(to request: Sent, seed: UInt8 = 0, salt: Int = 0) -> Datagram {
        let mapped = request.key == nil ? Self.mapped : request.datagram.source
        let message = STUNMessage(type: .bindingSuccess, transactionID: request.id, values: [.xorMappedAddress(mapped)])
        let payload = ModelledSTUN.bytes(message, key: request.key, fingerprint: true, seed: seed, salt: salt)
        return Datagram(from: request.datagram.destination, to: request.datagram.source, payload: payload)
    }

    func error(to request: Sent, code: UInt16, signed: Bool, seed: UInt8, salt: Int) -> Datagram {
        let message = STUNMessage(type: .bindingError, transactionID: request.id, values: [.errorCode(STUNErrorCode(code: code))])
        let payload = ModelledSTUN.bytes(message, key: signed ? request.key : nil, fingerprint: true, seed: seed, salt: salt)
        return Datagram(from: request.datagram.destination, to: request.datagram.source, payload: payload)
    }

    /// What the remote's model learns from a datagram it delivers, whatever the mutation made of it.
    mutating func observeDelivery(_ datagram: Datagram) {
        guard let message = try? STUNMessage.parse(datagram.payload) else { return }
        switch message.type.messageClass {
        case .request:
            delivered.append((message.transactionID, datagram), keepingLast: 64)
            // An authenticated check may teach the agent a peer-reflexive candidate (§7.3.1.3).
            if message.verifyMessageIntegrity(key: Self.key(for: agent.localCredentials.pwd)) == .valid {
                known.insert(datagram.source)
            }
        case .successResponse:
            // §7.2.5.2: the check succeeded when an authenticated success comes from where it went.
            guard let request = sent.last(where: { $0.id == message.transactionID }), let key = request.key,
                message.type.method == .binding, datagram.source == request.datagram.destination,
                datagram.destination == request.datagram.source, message.verifyMessageIntegrity(key: key) == .valid
            else { return }
            succeeded.insert(PairKey(localBase: datagram.destination, remote: datagram.source))
        case .errorResponse, .indication:
            break
        }
    }

    // MARK: Calls

    mutating func call(selector: UInt8, argument: UInt8) {
        let argument = Int(argument)
        switch selector % 7 {
        case 0:
            addRemote(Self.candidate(argument))
        case 1:
            handle(.endOfRemoteCandidates)
        case 2:
            restarting = true
            handle(.restart)
            // The driver answers the socket request now, or later (selector 6).
            if argument & 1 == 0 { answerBinds() }
            restarting = false
        case 3:
            restarting = true
            switch argument % 4 {
            case 0: handle(.setRemoteCredentials(ufrag: remoteCredentials.ufrag, pwd: remoteCredentials.pwd, isLite: false))
            case 1: newRemoteGeneration(signal: true)
            case 2: newRemoteGeneration(signal: false)
            default: handle(.setRemoteCredentials(ufrag: remoteCredentials.ufrag, pwd: remoteCredentials.pwd, isLite: true))
            }
            restarting = false
        case 4:
            handle(.send([0x17] + Array(repeating: UInt8(argument), count: argument % 64)))
        case 5:
            if argument & 1 == 0 {
                let relayed = TransportAddress(.v4(0xC633_64C8), port: 40_000 + UInt16(argument))  // 198.51.100.200
                bases.insert(relayed)
                handle(.addRelayedCandidate(relayed: relayed, mapped: Self.mapped))
            } else {
                handle(.relayGatheringFinished)
            }
        default:
            if argument & 1 == 0, !pendingBinds.isEmpty {
                answerBinds()
            } else {
                // A driver's stray answer: a request the agent may not wait for, addresses it did not ask for.
                let address = TransportAddress(Self.hosts[argument % Self.hosts.count].address, port: 30_000 + UInt16(argument))
                bases.insert(address)
                handle(.basesBound(request: UInt64(argument % 4), addresses: argument & 2 == 0 ? [address] : [nil, address]))
            }
        }
    }

    /// A remote candidate from one byte: its address, type and priority; now and then one the agent must
    /// ignore (component 2) or an IPv6 one.
    static func candidate(_ argument: Int) -> Candidate {
        let types: [CandidateType] = [.host, .srflx, .prflx, .relay]
        let preferences: [UInt32] = [126, 100, 110, 0]
        let kind = argument >> 6
        let priority = preferences[kind] << 24 | UInt32(argument) << 8 | 255
        let address = argument % 29 == 0 ? "2001:db8::\(argument % 16 + 10)" : "203.0.113.\(argument & 0x1F + 10)"
        return Candidate(
            foundation: "f\(argument)", component: argument % 17 == 5 ? 2 : 1, priority: priority, address: address,
            port: 6000 + UInt16(argument >> 5), type: types[kind])
    }

    /// The driver binds the new bases the agent asked for (one port each, never reused).
    mutating func answerBinds() {
        let binds = pendingBinds
        pendingBinds.removeAll()
        for bind in binds {
            let bound = bind.addresses.map { address -> TransportAddress in
                defer { nextBoundPort &+= 1 }
                return TransportAddress(address.address, port: nextBoundPort)
            }
            bases.formUnion(bound)
            handle(.basesBound(request: bind.request, addresses: bound))
        }
    }

    // MARK: Oracles

    mutating func fail(_ detail: String) {
        if problem == nil { problem = detail }
    }

    /// Takes every output, checking each, then the tables.
    mutating func drain() {
        while let output = agent.poll() {
            switch output {
            case .transmit(let datagram):
                trace.record("transmit \(datagram.source) \(datagram.destination)")
                trace.record(bytes: datagram.payload)
                recent.append(datagram, keepingLast: 16)
                checkTransmit(datagram)
            case .connectionStateChanged(let next):
                trace.record("state \(next)")
                checkTransition(to: next)
            case .gatheringStateChanged(let next):
                trace.record("gathering \(next)")
                checkGathering(next)
            case .selectedPairChanged(let pair):
                trace.record("selected \(pair)")
                let key = PairKey(localBase: pair.local.base, remote: pair.remote.address)
                if !succeeded.contains(key) { fail("selected \(pair), whose check never succeeded") }
                // webrtc-pc §5.6: `failed` is terminal until a restart, so nothing is selected while it holds.
                if state == .failed { fail("selected \(pair) after reporting failed") }
            case .sockets(let request):
                trace.record("sockets \(request)")
                switch request {
                case .bind(let number, let addresses): pendingBinds.append((number, addresses))
                case .release(let addresses): bases.subtract(addresses)
                }
            case .roleChanged(let role):
                trace.record("role \(role)")
                if planted, let tieBreaker = conflictTieBreaker, agent.selectedPair != nil,
                    let viewed = plantedStateAfterRoleSwitch(tieBreaker: tieBreaker) {
                    checkTransition(to: viewed)
                }
            case .localCandidate(let candidate):
                trace.record("candidate \(candidate)")
            case .received(let payload, let source):
                trace.record("received \(payload.count) from \(source)")
            }
        }
        checkTables()
    }

    /// The W3C state table of `IceConnectionState`; a restart may also go back to `new` or `checking`.
    static let transitions: [IceConnectionState: Set<IceConnectionState>] = [
        .new: [.checking, .closed],
        .checking: [.connected, .failed, .closed],
        .connected: [.completed, .disconnected, .failed, .closed],
        .completed: [.connected, .disconnected, .failed, .closed],
        .disconnected: [.connected, .completed, .failed, .closed],
        .failed: [.closed],
        .closed: [],
    ]

    mutating func checkTransition(to next: IceConnectionState) {
        let restarted: Set<IceConnectionState> = restarting && state != .closed ? [.new, .checking] : []
        let allowed = Self.transitions[state, default: []].union(restarted)
        if !allowed.contains(next) { fail("connection state \(state) → \(next) is not an allowed transition") }
        if next == .closed, !closing { fail("closed without the close input") }
        state = next
    }

    mutating func checkGathering(_ next: IceGatheringState) {
        let legal = switch (gathering, next) {
        case (.new, .gathering), (.gathering, .complete): true
        case (.complete, .gathering): restarting
        default: false
        }
        if !legal { fail("gathering state \(gathering) → \(next) is not an allowed transition") }
        gathering = next
    }

    mutating func checkTransmit(_ datagram: Datagram) {
        guard bases.contains(datagram.source) else {
            return fail("a datagram left \(datagram.source), which is no base of the agent")
        }
        guard let first = datagram.payload.first, first <= 3 else {
            // Application data: only over the selected pair (RFC 8445 §12.1), and never after consent is lost.
            guard let pair = agent.selectedPair, pair.local.base == datagram.source, pair.remote.address == datagram.destination else {
                return fail("data sent to \(datagram.destination) from \(datagram.source), not over the selected pair")
            }
            return
        }
        guard let message = try? STUNMessage.parse(datagram.payload) else { return fail("the agent sent a STUN message that does not parse") }
        switch message.type.messageClass {
        case .request:
            guard message.first(.username) != nil else {
                guard datagram.destination == Self.stunServer else {
                    return fail("a request without USERNAME went to \(datagram.destination), which is no STUN server")
                }
                return sent.append(Sent(id: message.transactionID, datagram: datagram, key: nil), keepingLast: 32)
            }
            guard known.contains(datagram.destination) else {
                return fail("a check went to \(datagram.destination), an address neither signalled nor learned from a check")
            }
            let pair = PairKey(localBase: datagram.source, remote: datagram.destination)
            let selected = agent.selectedPair.map { PairKey(localBase: $0.local.base, remote: $0.remote.address) }
            guard everPaired.contains(pair) || agent.checkList.index(of: pair) != nil || selected == pair else {
                return fail("a check on \(pair), a pair that was never in the check list")
            }
            guard let key = remoteKeys.last(where: { message.verifyMessageIntegrity(key: $0) == .valid }) else {
                return fail("a check signed with no password the remote ever gave")
            }
            sent.append(Sent(id: message.transactionID, datagram: datagram, key: key), keepingLast: 32)
        case .successResponse, .errorResponse:
            guard delivered.contains(where: {
                $0.id == message.transactionID && $0.datagram.source == datagram.destination && $0.datagram.destination == datagram.source
            }) else {
                return fail("a response to \(datagram.destination) answers no request that came from there")
            }
        case .indication:
            fail("the agent sent an indication")
        }
    }

    mutating func checkTables() {
        let list = agent.checkList
        if list.entries.count > limits.maximumCheckListSize {
            fail("\(list.entries.count) pairs in a check list limited to \(limits.maximumCheckListSize)")
        }
        if list.triggeredQueue.count > list.entries.count {
            fail("\(list.triggeredQueue.count) triggered checks queued for \(list.entries.count) pairs")
        }
        if agent.remoteCandidates.count > limits.maximumRemoteCandidates {
            fail("\(agent.remoteCandidates.count) remote candidates kept, limit \(limits.maximumRemoteCandidates)")
        }
        let reflexive = agent.localCandidates.filter { $0.kind == .peerReflexive }.count
        if reflexive > limits.maximumRemoteCandidates {
            fail("\(reflexive) peer-reflexive local candidates, limit \(limits.maximumRemoteCandidates)")
        }
        // At most two per pair, two for consent and one per host and server (`ICEAgent.transactionCount`).
        let transactionLimit = 2 * limits.maximumCheckListSize + 2 + 2 * Self.hosts.count
        if agent.transactionCount > transactionLimit {
            fail("\(agent.transactionCount) transactions running, more than \(transactionLimit)")
        }
        for entry in list.entries {
            everPaired.insert(entry.key)
            if entry.isValid, !succeeded.contains(entry.key) { fail("\(entry.pair) is valid but its check never succeeded") }
            if entry.isNominated, !entry.isValid { fail("\(entry.pair) is nominated but not valid") }
            if !known.contains(entry.key.remote) { fail("\(entry.pair) pairs with \(entry.key.remote), an address never given or learned") }
        }
        if let pair = agent.selectedPair, !succeeded.contains(PairKey(localBase: pair.local.base, remote: pair.remote.address)) {
            fail("the selected pair \(pair) never had a successful check")
        }
        if state != agent.connectionState { fail("reported state \(state) but the agent is \(agent.connectionState)") }
    }

    /// The planted bug: a copy of the agent's connection-state rule (`IceConnectionState`'s table) in
    /// the harness's view of a role switch (RFC 8445 §7.3.1.1), that after a nomination, when the
    /// peer's tie-breaker ends in the byte 0x1A, recomputes the state from the check list alone, as
    /// if nothing were selected. It is reached only by a role conflict resolved by switching roles
    /// while a pair is selected, with that byte; the transition oracle catches the state it gives.
    func plantedStateAfterRoleSwitch(tieBreaker: UInt64) -> IceConnectionState? {
        guard tieBreaker & 0xFF == 0x1A else { return nil }
        if agent.checkList.state == .failed { return .failed }
        return agent.checkList.entries.isEmpty ? .new : .checking
    }
}
