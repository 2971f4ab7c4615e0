public import Fuzzing
import SansIO
import STUN
import TURN
import Wire

/// Fuzz target `turn-client` (issue 17): the TURN client machine (RFC 8656 over RFC 8489) against a
/// scripted server, in the shape of dcSCTP's socket fuzzer.
///
/// The input is a ``MachineScript``. Its first byte picks a start state (modulo 4), reached by a
/// prologue in which the server answers correctly:
/// 0. allocating: the first Allocate sent, unanswered;
/// 1. challenged: its 401 (REALM, NONCE) delivered, the authenticated Allocate outstanding;
/// 2. allocated, a permission installed and a channel bound;
/// 3. state 2 with a Refresh outstanding.
///
/// Actions: `deliver` builds the server's datagram from the STUN model, signed with the long-term key
/// (variant modulo 8: the success response to one of the client's outstanding requests, 401 with
/// REALM and NONCE, 438 Stale Nonce with a new nonce, 437 Allocation Mismatch, another error (508, 403,
/// 486, 400, 441, 300), a Data indication from a peer, ChannelData, and one of the client's own datagrams
/// reflected, a response with a wrong key, a datagram from a stranger or a request); its seed mutates
/// it (``ModelledSTUN``). `call` is selector modulo 5: allocate, create a permission, bind a channel,
/// send, refresh. `close` deletes the allocation.
///
/// Oracles besides not trapping: every channel number the client binds, reports or sends on is in
/// 0x4000–0x4FFF and one the server bound; nothing goes to a peer (Send indication, ChannelData) and
/// no data is taken from one without a permission the server granted less than 300 s before (RFC 8656
/// §9, §12); lifetimes reported are within the client's bounds and the next deadline is never past
/// nor more than the longest lifetime ahead; requests in flight stay within the client's bound; the
/// state moves only along idle → allocating → allocated → closing → closed (and back to allocating
/// from closed or idle after a failure).
public enum TURNClientFuzzTarget {
    public static let name = "turn-client"
    public static let plantedName = "planted-turn-client"
    public static let startStates = 4

    /// The target.
    public static var target: FuzzTarget {
        TURNClientHarness.target(name: name, corpusName: name, planted: false, dictionary: dictionary)
    }

    /// The self-test: the same harness with a bug planted in its copy of the stale-nonce retry (see
    /// `TURNClientHarness.plantedRetriedChannelNumber`). Never part of `all`.
    public static var plantedTarget: FuzzTarget {
        TURNClientHarness.target(name: plantedName, corpusName: name, planted: true, dictionary: dictionary)
    }

    /// Whole actions: a success response, a 438, a channel bind, a send, a refresh, a 5-minute advance.
    static let dictionary: [[UInt8]] = [[0x00, 0x00, 0x00], [0x00, 0x02, 0x00], [0x04, 0x02, 0x5A], [0x04, 0x03, 0x10], [0x04, 0x04, 0x00], [0x03, 0xEA, 0x60]]

    /// Runs one script; `planted` runs the self-test's harness.
    public static func run(_ input: [UInt8], planted: Bool = false) -> FuzzOutcome {
        TURNClientHarness.run(input, target: planted ? plantedName : name, planted: planted).outcome
    }

    /// What the client did under the script, to compare two runs of one input.
    public static func trace(_ input: [UInt8], planted: Bool = false) -> MachineTrace {
        TURNClientHarness.run(input, target: name, planted: planted).trace
    }

    /// A script from `generator`: a start state, then mostly correct server answers, calls and time,
    /// with mutants, stale nonces and strangers now and then.
    public static func randomScript(using generator: inout some RandomNumberGenerator) -> [UInt8] {
        var actions: [MachineScript.Action] = []
        for _ in 0..<Int.random(in: 4...40, using: &generator) {
            let roll = Int.random(in: 0..<100, using: &generator)
            switch roll {
            case 0..<45:
                let kinds: [UInt8] = [0, 0, 0, 0, 1, 2, 2, 3, 4, 5, 5, 6, 6, 7]
                let kind = kinds[Int.random(in: 0..<kinds.count, using: &generator)]
                let variant = kind | UInt8.random(in: 0...31, using: &generator) << 3
                let seed: UInt8 = roll < 38 ? 0 : .random(in: 1...255, using: &generator)
                actions.append(.deliver(variant: variant, seed: seed))
            case 45..<58: actions.append(.fireTimer)
            case 58..<72:
                let long = Bool.random(using: &generator)
                actions.append(.advance(milliseconds: .random(in: long ? 10_000...65_000 : 1...2_000, using: &generator)))
            case 72..<97:
                actions.append(.call(selector: .random(in: 0...4, using: &generator), argument: .random(in: 0...255, using: &generator)))
            case 97, 98:
                actions.append(.deliverBytes((0..<Int.random(in: 0...40, using: &generator)).map { _ in .random(in: 0...255, using: &generator) }))
            default: actions.append(.close)
            }
        }
        return MachineScript(start: .random(in: 0...255, using: &generator), actions: actions).bytes
    }
}

/// The scripted TURN server and the oracles of `turn-client`.
struct TURNClientHarness: MachineFuzzHarness {
    static let server = TransportAddress(.v4(0xC633_6401), port: 3478)  // 198.51.100.1
    static let local = TransportAddress(.v4(0x0A00_0002), port: 40_000)  // 10.0.0.2
    static let relayed = TransportAddress(.v4(0xC633_6401), port: 50_000)
    static let username = "crucible"
    static let password = "fuzz-password"
    static let realm = "crucible.test"
    /// LIFETIME values the server grants: the default, zero, the floor, far too long, the ceiling, one second.
    static let lifetimes: [UInt32] = [600, 0, 30, 100_000, 3600, 1]
    /// How long a permission lasts at the server (RFC 8656 §9) and a channel binding (§12).
    static let permissionLifetime: Duration = .seconds(300)
    static let channelLifetime: Duration = .seconds(600)

    /// A request the client sent.
    struct Request {
        var message: STUNMessage
        var authenticated: Bool
    }

    var client: TURNClient
    var now = Instant.zero
    var trace = MachineTrace()
    var problem: String?
    let planted: Bool
    let key: STUNKey

    // The server's model.
    var nonce = "nonce-0"
    var nonces = 0
    var requests: [Request] = []
    var recent: [Datagram] = []
    /// Permissions the server granted, by peer IP, with when (RFC 8656 §9).
    var permissions: [IPAddress: Instant] = [:]
    /// Channels the server bound, with their peer and when (RFC 8656 §12).
    var channels: [UInt16: (peer: TransportAddress, at: Instant)] = [:]
    var allocationGranted = false
    /// Transactions whose first accepted response was delivered (RFC 8489 §6.3).
    var answered: Set<STUNTransactionID> = []

    /// The client's state and what the server granted (counts bucketed), for the features.
    var situation: String {
        "\(state) granted \(allocationGranted) permissions \(min(permissions.count, 4)) channels \(min(channels.count, 4))"
    }
    var state: TURNClient.State = .idle
    /// Peers of ChannelBind requests answered with 438 during the current delivery, for the planted bug.
    var staleNonceRetries: Set<TransportAddress> = []

    init(start: UInt8, planted: Bool) {
        self.planted = planted
        key = (try? STUNCredentials.longTermKey(
            username: Self.username, realm: Self.realm, password: Self.password, preparation: .saslPrep)) ?? STUNKey(bytes: [])
        client = TURNClient(
            server: Self.server, local: Self.local, username: Self.username, password: Self.password,
            generator: SeededGenerator(seed: 0x7E4 + UInt64(start)))
        let situation = Int(start) % TURNClientFuzzTarget.startStates
        handle(.allocate)
        if situation >= 1 { answer(kind: 1) }
        if situation >= 2 {
            answer(kind: 0)
            handle(.createPermission(Self.peer(1).address))
            answer(kind: 0)
            handle(.bindChannel(Self.peer(2)))
            answer(kind: 0)
        }
        if situation == 3 { handle(.refresh) }
        trace.record("start \(situation)")
    }

    /// The peer an argument byte names: one of 16 IPv4 addresses, the byte in the port's low byte.
    static func peer(_ argument: Int) -> TransportAddress {
        TransportAddress(.v4(0xCB00_7100 | UInt32(argument & 0x0F) + 1), port: 0x6000 | UInt16(argument & 0xFF))
    }

    /// The server answers the newest request with `kind` (see `deliver(variant:seed:salt:)`).
    mutating func answer(kind: UInt8) {
        deliver(variant: kind, seed: 0, salt: 0)
    }

    // MARK: Machine

    var nextDeadline: Instant? { client.nextDeadline }

    mutating func fireTimers() {
        client.handleTimeout(at: now)
        drain()
        if problem == nil { problem = deadlineProblem(after: now, longest: TURNTiming.maximumLifetime) }
    }

    mutating func handle(_ input: TURNClient.Input) {
        client.handle(input, at: now)
        drain()
    }

    mutating func close() { handle(.close) }

    mutating func deliver(_ datagram: Datagram) {
        observeDelivery(datagram)
        handle(.received(datagram))
    }

    // MARK: Deliveries

    mutating func deliver(variant: UInt8, seed: UInt8, salt: Int) {
        let parameter = Int(variant >> 3)
        let request = requests.newest(parameter)
        var payload: [UInt8]?
        var source = Self.server
        switch variant & 7 {
        case 0:
            if let request { payload = success(to: request, lifetime: Self.lifetimes[parameter % Self.lifetimes.count], seed: seed, salt: salt) }
        case 1:
            if let request {
                payload = error(to: request, code: STUNErrorCode.unauthorized, extra: [.realm(Self.realm), .nonce(nonce)], seed: seed, salt: salt)
            }
        case 2:
            if let request {
                // RFC 8489 §9.2.5: a new nonce; the client retries once with it.
                nonces += 1
                nonce = "nonce-\(nonces)"
                if request.message.type.method == .channelBind, case .xorPeerAddress(let peer)? = request.message.value(of: .xorPeerAddress) {
                    staleNonceRetries.insert(peer)
                }
                payload = error(to: request, code: STUNErrorCode.staleNonce, extra: [.realm(Self.realm), .nonce(nonce)], seed: seed, salt: salt)
            }
        case 3:
            if let request { payload = error(to: request, code: STUNErrorCode.allocationMismatch, seed: seed, salt: salt) }
        case 4:
            let codes = [STUNErrorCode.insufficientCapacity, STUNErrorCode.forbidden, STUNErrorCode.allocationQuotaReached,
                         STUNErrorCode.badRequest, STUNErrorCode.wrongCredentials, STUNErrorCode.tryAlternate]
            if let request { payload = error(to: request, code: codes[parameter % codes.count], seed: seed, salt: salt) }
        case 5:
            // RFC 8656 §11.3: a Data indication, from a peer with a permission or (odd) from a stranger.
            let granted = permissions.keys.sorted { $0.description < $1.description }
            let peer = parameter & 1 == 0 && !granted.isEmpty
                ? TransportAddress(granted[parameter / 2 % granted.count], port: 0x7000)
                : Self.peer(parameter &* 7 &+ 3)
            let message = STUNMessage(
                type: STUNMessageType(method: .data, messageClass: .indication),
                transactionID: STUNTransactionID(high: 2, low: UInt64(truncatingIfNeeded: salt)),
                values: [.xorPeerAddress(peer), .data(Array(repeating: UInt8(parameter), count: parameter))])
            payload = ModelledSTUN.bytes(message, key: nil, fingerprint: false, seed: seed, salt: salt)
        case 6:
            // RFC 8656 §12.4: ChannelData on a bound channel, or (odd) on one the server never bound.
            let bound = channels.keys.sorted()
            let number = parameter & 1 == 0 && !bound.isEmpty ? bound[parameter / 2 % bound.count] : 0x4000 + UInt16(parameter) &* 0x81
            let data = ChannelData(channelNumber: number, data: Array(repeating: UInt8(parameter), count: parameter)).serialize()
            payload = ModelledSTUN.data(data, seed: seed, salt: salt)
        default:
            switch parameter % 4 {
            case 0:
                if let echoed = recent.newest(parameter / 4) { payload = ModelledSTUN.data(echoed.payload, seed: seed, salt: salt) }
            case 1:
                if var request {
                    // Signed with a wrong key: RFC 8489 §9.2.5 says discard, as if never received.
                    request.authenticated = false
                    let message = response(to: request, messageClass: .successResponse, values: [.lifetime(600)])
                    payload = ModelledSTUN.bytes(message, key: STUNKey(bytes: Array("wrong".utf8)), fingerprint: false, seed: seed, salt: salt)
                }
            case 2:
                source = TransportAddress(.v4(0xC633_6402), port: 3478)  // a stranger at the next address
                if let request { payload = success(to: request, lifetime: 600, seed: seed, salt: salt) }
            default:
                let message = STUNMessage(type: .bindingRequest, transactionID: STUNTransactionID(high: 3, low: UInt64(truncatingIfNeeded: salt)), values: [])
                payload = ModelledSTUN.bytes(message, key: nil, fingerprint: true, seed: seed, salt: salt)
            }
        }
        // Nothing to answer: a Data indication from a stranger instead.
        let bytes = payload ?? ModelledSTUN.bytes(
            STUNMessage(type: STUNMessageType(method: .data, messageClass: .indication), transactionID: STUNTransactionID(high: 4, low: 0),
                        values: [.xorPeerAddress(Self.peer(parameter)), .data([1, 2, 3])]),
            key: nil, fingerprint: false, seed: seed, salt: salt)
        deliver(Datagram(from: source, to: Self.local, payload: bytes))
        staleNonceRetries.removeAll()
    }

    mutating func deliver(bytes: [UInt8]) {
        deliver(Datagram(from: Self.server, to: Self.local, payload: bytes))
    }

    /// A response of `messageClass` to `request`, its method's, with its transaction ID.
    func response(to request: Request, messageClass: STUNClass, values: [STUNAttributeValue]) -> STUNMessage {
        STUNMessage(
            type: STUNMessageType(method: request.message.type.method, messageClass: messageClass),
            transactionID: request.message.transactionID, values: values)
    }

    /// The success response a server gives (RFC 8656 §7.3, §8, §9, §12), signed when the request was.
    func success(to request: Request, lifetime: UInt32, seed: UInt8, salt: Int) -> [UInt8] {
        var values: [STUNAttributeValue] = []
        if request.message.type.method == .allocate {
            values = [.xorRelayedAddress(Self.relayed), .xorMappedAddress(Self.local), .lifetime(lifetime)]
        } else if request.message.type.method == .refresh {
            // A deletion is answered with LIFETIME 0 (RFC 8656 §8).
            let deleting = request.message.value(of: .lifetime) == .lifetime(0)
            values = [.lifetime(deleting ? 0 : lifetime)]
        }
        let message = response(to: request, messageClass: .successResponse, values: values)
        return ModelledSTUN.bytes(message, key: request.authenticated ? key : nil, fingerprint: false, seed: seed, salt: salt)
    }

    /// An error response; a 401 or 438 carries REALM and NONCE and no integrity (RFC 8489 §9.2.4).
    func error(to request: Request, code: UInt16, extra: [STUNAttributeValue] = [], seed: UInt8, salt: Int) -> [UInt8] {
        let message = response(to: request, messageClass: .errorResponse, values: [.errorCode(STUNErrorCode(code: code))] + extra)
        let signed = extra.isEmpty && request.authenticated
        return ModelledSTUN.bytes(message, key: signed ? key : nil, fingerprint: false, seed: seed, salt: salt)
    }

    /// What the server's model grants with a datagram it delivers, whatever the mutation made of it:
    /// the first response to a request that the client accepts ends its transaction (RFC 8489 §6.3), and
    /// when it is a success matching the request (its method, its ID, its key when signed), it installs
    /// what the request asked for. A later answer to the same ID is one the client rightly ignores, so it
    /// grants nothing: a 438 followed by a success must not delete an allocation the client still holds.
    mutating func observeDelivery(_ datagram: Datagram) {
        guard datagram.source == Self.server, let message = try? STUNMessage.parse(datagram.payload),
            message.type.messageClass == .successResponse || message.type.messageClass == .errorResponse,
            !answered.contains(message.transactionID),
            let request = requests.last(where: { $0.message.transactionID == message.transactionID }),
            request.message.type.method == message.type.method
        else { return }
        // RFC 8489 §9.2.5: 401 and 438 are taken before integrity; any other response to a signed
        // request without a valid MESSAGE-INTEGRITY is discarded as if never received.
        var challenge = false
        if message.type.messageClass == .errorResponse {
            // RFC 8489 §14.8: an error response without an ERROR-CODE is malformed and ignored.
            guard case .errorCode(let code)? = message.value(of: .errorCode) else { return }
            challenge = code.code == STUNErrorCode.unauthorized || code.code == STUNErrorCode.staleNonce
        }
        guard challenge || !request.authenticated || message.verifyMessageIntegrity(key: key) == .valid else { return }
        answered.insert(message.transactionID)
        guard message.type.messageClass == .successResponse,
            // A signed request the server's key does not verify (a mutated 401 or 438 gave the client
            // another realm) is refused by a real server (RFC 8489 §9.2.4), so nothing is granted for it.
            !request.authenticated || request.message.verifyMessageIntegrity(key: key) == .valid
        else { return }
        switch message.type.method {
        case .allocate:
            allocationGranted = true
        case .refresh:
            if case .lifetime(0)? = request.message.value(of: .lifetime) {
                allocationGranted = false
                permissions.removeAll()
                channels.removeAll()
            }
        case .createPermission:
            for attribute in request.message.attributes where attribute.type == .xorPeerAddress {
                if case .xorPeerAddress(let peer)? = try? attribute.decode(transactionID: message.transactionID) {
                    permissions[peer.address] = now
                }
            }
        case .channelBind:
            if case .channelNumber(let number)? = request.message.value(of: .channelNumber),
                case .xorPeerAddress(let peer)? = request.message.value(of: .xorPeerAddress) {
                channels[number] = (peer, now)
                permissions[peer.address] = now
            }
        default:
            break
        }
    }

    // MARK: Calls

    mutating func call(selector: UInt8, argument: UInt8) {
        let argument = Int(argument)
        switch selector % 5 {
        case 0: handle(.allocate)
        case 1: handle(.createPermission(Self.peer(argument).address))
        case 2: handle(.bindChannel(Self.peer(argument)))
        case 3: handle(.send(Array(repeating: UInt8(argument), count: argument % 200), to: Self.peer(argument)))
        default: handle(.refresh)
        }
    }

    // MARK: Oracles

    mutating func fail(_ detail: String) {
        if problem == nil { problem = detail }
    }

    func hasPermission(_ address: IPAddress) -> Bool {
        guard let at = permissions[address] else { return false }
        return now < at + Self.permissionLifetime
    }

    func boundPeer(_ number: UInt16) -> TransportAddress? {
        guard let channel = channels[number], now < channel.at + Self.channelLifetime else { return nil }
        return channel.peer
    }

    mutating func drain() {
        while let output = client.poll() {
            switch output {
            case .transmit(let datagram):
                trace.record("transmit \(datagram.destination)")
                trace.record(bytes: datagram.payload)
                recent.append(datagram, keepingLast: 16)
                checkTransmit(datagram)
            case .allocated(let relayed, _, let lifetime):
                trace.record("allocated \(relayed) \(lifetime)")
                checkLifetime(lifetime)
                if !allocationGranted { fail("allocated without a success response to an Allocate") }
            case .refreshed(let lifetime):
                trace.record("refreshed \(lifetime)")
                checkLifetime(lifetime)
            case .permissionCreated(let address):
                trace.record("permission \(address)")
                if !hasPermission(address) { fail("reported a permission for \(address) that the server did not grant") }
            case .channelBound(let number, let peer):
                trace.record("channel \(number) \(peer)")
                checkChannelNumber(number)
                if boundPeer(number) != peer { fail("reported channel \(number) bound to \(peer), which the server did not bind") }
            case .data(let data, let peer):
                trace.record("data \(data.count) from \(peer)")
                if !hasPermission(peer.address), !channels.values.contains(where: { $0.peer == peer }) {
                    fail("took data from \(peer), which has no permission (RFC 8656 §9)")
                }
            case .failed(let error):
                trace.record("failed \(error)")
            case .closed:
                trace.record("closed")
                if client.state != .closed { fail("reported closed in state \(client.state)") }
            }
            checkState()
        }
        checkState()
        if client.pendingRequests > TURNClient.maximumPendingTransactions {
            fail("\(client.pendingRequests) requests in flight, more than \(TURNClient.maximumPendingTransactions)")
        }
        if let deadline = client.nextDeadline, deadline > now + TURNTiming.maximumLifetime {
            fail("the next deadline \(deadline) is more than the longest lifetime after \(now)")
        }
    }

    /// idle → allocating → allocated → closing → closed; allocating falls back to idle on failure;
    /// closed and idle allocate again; any state closes.
    static let transitions: [TURNClient.State: Set<TURNClient.State>] = [
        .idle: [.allocating, .closed],
        .allocating: [.allocated, .idle, .closed],
        .allocated: [.closing, .closed],
        .closing: [.closed],
        .closed: [.allocating],
    ]

    mutating func checkState() {
        let next = client.state
        guard next != state else { return }
        trace.record("state \(next)")
        if !Self.transitions[state, default: []].contains(next) { fail("state \(state) → \(next) is not an allowed transition") }
        state = next
    }

    mutating func checkLifetime(_ lifetime: Duration) {
        if lifetime < TURNTiming.minimumLifetime || lifetime > TURNTiming.maximumLifetime {
            fail("a lifetime of \(lifetime) outside \(TURNTiming.minimumLifetime)–\(TURNTiming.maximumLifetime)")
        }
    }

    mutating func checkChannelNumber(_ number: UInt16) {
        if !ChannelData.channelNumbers.contains(number) { fail("channel number 0x\(String(number, radix: 16)) outside 0x4000–0x4FFF (RFC 8656 §12)") }
    }

    mutating func checkTransmit(_ datagram: Datagram) {
        guard datagram.source == Self.local, datagram.destination == Self.server else {
            return fail("a datagram from \(datagram.source) to \(datagram.destination), not from the client to its server")
        }
        if let first = datagram.payload.first, (0x40...0x4F).contains(first) {
            guard let message = try? ChannelData.parse(datagram.payload) else { return fail("sent ChannelData that does not parse") }
            checkChannelNumber(message.channelNumber)
            guard let peer = boundPeer(message.channelNumber) else {
                return fail("sent ChannelData on channel \(message.channelNumber), which the server has not bound")
            }
            if !hasPermission(peer.address) { fail("sent ChannelData to \(peer) without a permission (RFC 8656 §9)") }
            return
        }
        guard let message = try? STUNMessage.parse(datagram.payload) else { return fail("sent a STUN message that does not parse") }
        switch message.type.messageClass {
        case .indication:
            guard message.type.method == .send, case .xorPeerAddress(let peer)? = message.value(of: .xorPeerAddress) else {
                return fail("sent an indication other than Send, or one without XOR-PEER-ADDRESS")
            }
            if !hasPermission(peer.address) { fail("sent a Send indication to \(peer) without a permission (RFC 8656 §9)") }
        case .request:
            requests.append(Request(message: message, authenticated: message.first(.messageIntegrity) != nil), keepingLast: 32)
            if message.type.method == .channelBind {
                guard case .channelNumber(let number)? = message.value(of: .channelNumber),
                    case .xorPeerAddress(let peer)? = message.value(of: .xorPeerAddress)
                else { return fail("sent a ChannelBind without CHANNEL-NUMBER or XOR-PEER-ADDRESS") }
                checkChannelNumber(planted ? plantedRetriedChannelNumber(number, peer: peer) : number)
            }
        case .successResponse, .errorResponse:
            fail("the client sent a response")
        }
    }

    /// The planted bug: a copy of the client's ChannelBind retry after a 438 Stale Nonce (RFC 8489
    /// §9.2.5) in the harness's view of the retried request, which for a peer whose port ends in the
    /// byte 0x5A takes the channel number from one search too far (off by 0x1000, past 0x4FFF). It is
    /// reached only by binding a channel to such a peer while allocated and answering that bind with
    /// 438; the channel-number oracle catches it.
    func plantedRetriedChannelNumber(_ number: UInt16, peer: TransportAddress) -> UInt16 {
        guard staleNonceRetries.contains(peer), peer.port & 0xFF == 0x5A else { return number }
        return number &+ 0x1000
    }
}
