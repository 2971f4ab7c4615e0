import DTLS
import DTLSRecord
import Fuzzing
import Hashing
import SansIO
import Wire

/// The identities of a `dtls-endpoint` run: seeded, so every run presents the same certificates
/// (DESIGN §1.5), and made once per process, since a key pair costs more than a whole run.
enum DTLSFuzzIdentities {
    struct Set: @unchecked Sendable {
        let ours: DTLSCertificate
        let peer: DTLSCertificate
        /// A certificate nobody presents: the fingerprint the impostor start state expects.
        let stranger: DTLSCertificate
    }

    /// Nil when OpenSSL would not make the certificates (the host's problem, not an input's).
    static let shared: Set? = {
        var generator = SeededGenerator(seed: 0xD715_CE27)
        do throws(DTLSEndpointError) {
            return Set(
                ours: try DTLSCertificate(seededBy: &generator, commonName: "ours"),
                peer: try DTLSCertificate(seededBy: &generator, commonName: "peer"),
                stranger: try DTLSCertificate(seededBy: &generator, commonName: "stranger"))
        } catch {
            return nil
        }
    }()
}

/// What the harness checks and remembers of one endpoint.
struct DTLSSide {
    let endpoint: DTLSEndpoint
    /// `.connected` was reported: from here on the peer's fingerprint is verified.
    var connected = false
    /// `.closed` or `.failed` was reported.
    var ended = false
    var failure: DTLSEndpointError?
    /// Messages accepted while handshaking, which the endpoint holds (at most `pendingSendLimit`).
    var pending = 0
    /// The messages the other side sent to this one, and which of them this one delivered.
    var inbound = DTLSMessageLedger()
    /// The planted bug's view of verification (see `DTLSEndpointFuzzTarget.plantedDetail`).
    var viewVerified = false
}

/// The messages one side sent, traced (`TracedPayload`), and the oracle over what the other delivered:
/// each delivered message is one that was sent, byte for byte, and none is delivered twice (AES-GCM,
/// RFC 5288 §3; the replay window, RFC 6347 §4.1.2.6).
struct DTLSMessageLedger {
    private(set) var sent: [[UInt8]] = []
    private var delivered: Set<Int> = []

    func next(source: UInt16, size: Int) -> [UInt8] {
        TracedPayload.make(source: source, index: UInt32(sent.count), size: size)
    }

    mutating func commit(_ bytes: [UInt8]) { sent.append(bytes) }

    var deliveredCount: Int { delivered.count }

    /// Nil when `bytes` may be delivered now, else what is wrong.
    mutating func deliver(_ bytes: [UInt8]) -> String? {
        guard let traced = TracedPayload.decode(bytes), Int(traced.index) < sent.count, sent[Int(traced.index)] == bytes else {
            return "delivered \(bytes.count) bytes that were never sent"
        }
        guard delivered.insert(Int(traced.index)).inserted else { return "delivered message \(traced.index) twice" }
        return nil
    }
}

/// One run of the `dtls-endpoint` target: ours under test, the peer honest, the script in between.
struct DTLSEndpointHarness: MachineHarness {
    enum Which: String {
        case ours, peer
        var other: Which { self == .ours ? .peer : .ours }
    }

    /// Handshake flights are packed into datagrams of at most this many bytes, so a flight with a
    /// certificate spans several and loss, reordering and replay act on parts of flights.
    static let mtu = 360
    /// Handshake datagrams one step may make an endpoint send: a flight, or a final flight resent.
    static let transmitLimit = 24
    /// The most datagrams waiting either way; older ones are lost.
    static let queueLimit = 256
    /// Sizes a call's argument picks (`argument >> 4`): small, one datagram, several, the record limit.
    static let messageSizes = [8, 9, 40, 300, 1000, 1200, 2000, 4000, 8000, 16384, 64, 500, 100, 16, 700, 12000]

    let planted: Bool
    var sides: [Which: DTLSSide] = [:]
    var impostor = false
    var now = Instant.zero
    var toOurs: [[UInt8]] = []
    var toPeer: [[UInt8]] = []
    var recentFromPeer: [[UInt8]] = []
    var recentFromOurs: [[UInt8]] = []
    var wire = DTLSWireModel()
    /// False once anything but the peers' own datagrams reached either endpoint.
    var clean = true
    /// Set while ours, already connected, handles a datagram: the planted view's trigger.
    var oursReceivingConnected = false
    var finding: String?
    var trace = MachineTrace()
    var features = MachineFeatures()

    init(planted: Bool) { self.planted = planted }

    var ours: DTLSEndpoint? { sides[.ours]?.endpoint }
    var peer: DTLSEndpoint? { sides[.peer]?.endpoint }

    var summary: String {
        let describe = { (side: DTLSEndpoint?) in side.map { "\($0.role) \($0.state)" } ?? "none" }
        return "ours \(describe(ours)) peer \(describe(peer)) toOurs \(toOurs.count) toPeer \(toPeer.count)"
    }

    mutating func run(_ script: MachineScript) -> MachineRun {
        prologue(script.start)
        features.note("start \(script.start % UInt8(DTLSEndpointFuzzTarget.startStates))")
        for (index, action) in script.actions.enumerated() where finding == nil && ours != nil {
            perform(action, index: index)
            trace.record("after \(actionKind(action)): \(summary)")
            features.note("\(actionKind(action)) -> \(ours.map { "\($0.state)" } ?? "") \(peer.map { "\($0.state)" } ?? "")")
        }
        if finding == nil { continueCleanly() }
        return MachineRun(finding: finding, trace: trace, features: features.sorted)
    }

    // MARK: Start states

    mutating func prologue(_ start: UInt8) {
        let state = start % UInt8(DTLSEndpointFuzzTarget.startStates)
        let oursRole: DTLSRole = [1, 3, 5].contains(state) ? .server : .client
        impostor = state == 6
        guard let identities = DTLSFuzzIdentities.shared else {
            trace.record("no certificates")
            return
        }
        do throws(DTLSEndpointError) {
            let expected = impostor ? identities.stranger : identities.peer
            let ours = try DTLSEndpoint(
                role: oursRole, certificate: identities.ours, expectedPeerFingerprint: expected.fingerprint(), mtu: Self.mtu,
                randomness: SeededGenerator(seed: 0xD715_0001))
            let peer = try DTLSEndpoint(
                role: oursRole == .client ? .server : .client, certificate: identities.peer,
                expectedPeerFingerprint: identities.ours.fingerprint(), mtu: Self.mtu, randomness: SeededGenerator(seed: 0xD715_0002))
            sides = [.ours: DTLSSide(endpoint: ours), .peer: DTLSSide(endpoint: peer)]
        } catch {
            trace.record("setup failed: \(error)")
            return
        }
        switch state {
        case 1:
            startPeer()
        case 2, 6:
            startOurs()
            deliverAll(.peer)
        case 3:
            startPeer()
            deliverAll(.ours)
            deliverAll(.peer)
        case 4, 5:
            if state == 4 { startOurs() } else { startPeer() }
            exchange()
            for size in [40, 300, 1200] {
                send(.peer, size: size)
                send(.ours, size: size)
            }
            if state == 5 { peer?.handle(.close, at: now) }
            drain()
        default:
            break
        }
    }

    mutating func startOurs() {
        ours?.handleTimeout(at: now)
        drain()
    }

    mutating func startPeer() {
        peer?.handleTimeout(at: now)
        drain()
    }

    /// Delivers everything waiting for `side`.
    mutating func deliverAll(_ side: Which) {
        let waiting = side == .ours ? toOurs : toPeer
        if side == .ours { toOurs = [] } else { toPeer = [] }
        for datagram in waiting { deliver(datagram, to: side, honest: true) }
    }

    // MARK: Actions

    mutating func perform(_ action: MachineScript.Action, index: Int) {
        switch action {
        case .deliver(let variant, let seed): deliver(variant: variant, seed: seed, index: index)
        case .deliverBytes(let bytes): deliver(bytes, to: .ours, honest: false)
        case .fireTimer: fireNextTimer()
        case .advance(let milliseconds): advance(milliseconds: milliseconds)
        case .call(let selector, let argument): call(selector, argument)
        case .close: close(.ours)
        }
    }

    mutating func deliver(variant: UInt8, seed: UInt8, index: Int) {
        var generator = SeededGenerator(seed: UInt64(index) << 16 | UInt64(variant) << 8 | UInt64(seed))
        let pick = Int(variant >> 4)
        var datagram: [UInt8]
        var honest = true
        switch variant & 0x0F {
        case 0:
            guard !toOurs.isEmpty else { return }
            datagram = toOurs.removeFirst()
        case 1:
            guard !toPeer.isEmpty else { return }
            let bytes = toPeer.removeFirst()
            deliver(seed == 0 ? bytes : DTLSWireModel.mutated(bytes, seed: seed, salt: index), to: .peer, honest: seed == 0)
            return
        case 3:
            if !toOurs.isEmpty { toOurs.removeFirst() }
            return
        case 4:
            if !toPeer.isEmpty { toPeer.removeFirst() }
            return
        case 5:
            guard let bytes = recentFromPeer.newest(pick) else { return }
            datagram = bytes
        case 6:
            guard let bytes = recentFromOurs.newest(pick) else { return }
            deliver(bytes, to: .peer, honest: true)
            return
        case 7:
            guard let bytes = recentFromOurs.newest(pick) else { return }
            datagram = bytes
            honest = false
        case 8...11:
            datagram = wire.forged(kind: Int(variant & 0x0F) - 8, detail: variant >> 4, using: &generator)
            honest = false
        default:
            exchange()
            return
        }
        if seed != 0 {
            datagram = DTLSWireModel.mutated(datagram, seed: seed, salt: index)
            honest = false
        }
        deliver(datagram, to: .ours, honest: honest)
    }

    mutating func call(_ selector: UInt8, _ argument: UInt8) {
        let size = Self.messageSizes[Int(argument >> 4)]
        switch selector % 7 {
        case 0: send(.ours, size: size)
        case 1: send(.peer, size: size)
        case 2:
            // Enough to pass `pendingSendLimit` while handshaking.
            for _ in 0..<(Int(argument & 0x3F) + 1) * 5 where finding == nil { send(.ours, size: 8) }
        case 3: close(.peer)
        case 4:
            for _ in 0..<(Int(argument & 0x07) + 1) where finding == nil { send(.peer, size: size) }
        case 5: send(.ours, bytes: [])
        default: send(.ours, size: DTLSEndpoint.maximumMessageLength + 1 + Int(argument))
        }
    }

    /// `side` sends a traced message of `size` bytes to the other.
    mutating func send(_ side: Which, size: Int) {
        let source: UInt16 = side == .ours ? 1 : 2
        guard let bytes = sides[side.other]?.inbound.next(source: source, size: size) else { return }
        send(side, bytes: bytes)
    }

    /// The send oracle: the endpoint refuses exactly what its stated limits refuse.
    mutating func send(_ side: Which, bytes: [UInt8]) {
        guard var record = sides[side] else { return }
        let endpoint = record.endpoint
        let refusedBefore = endpoint.refusedSendCount
        let mustRefuse = bytes.count > DTLSEndpoint.maximumMessageLength || endpoint.state == .closed || endpoint.state == .failed
            || (endpoint.state == .handshaking && record.pending >= DTLSEndpoint.pendingSendLimit)
        let handshaking = endpoint.state == .handshaking
        endpoint.handle(.send(bytes), at: now)
        let refused = endpoint.refusedSendCount - refusedBefore
        trace.record("\(side) send \(bytes.count): refused \(refused)")
        if refused != (mustRefuse ? 1 : 0) {
            report("\(side) \(refused == 0 ? "accepted" : "refused") a \(bytes.count)-byte send \(mustRefuse ? "it must refuse" : "within its limits") (\(record.pending) pending, \(endpoint.state))")
        }
        if refused == 0 {
            if handshaking { record.pending += 1 }
            if !bytes.isEmpty { sides[side.other]?.inbound.commit(bytes) }
        }
        sides[side]?.pending = record.pending
        drain()
    }

    mutating func close(_ side: Which) {
        sides[side]?.endpoint.handle(.close, at: now)
        drain()
    }

    // MARK: Network and time

    mutating func deliver(_ datagram: [UInt8], to side: Which, honest: Bool) {
        if !honest { clean = false }
        trace.record("to \(side): \(datagram.count) bytes")
        trace.record(bytes: datagram)
        if side == .ours, let parsed = DTLSWireModel.parse(datagram), case .classic(let first)? = parsed.records.first {
            features.note("ours got \(first.contentType.rawValue) epoch \(min(first.epoch, 2)) in \(ours.map { "\($0.state)" } ?? "")")
        }
        oursReceivingConnected = side == .ours && sides[.ours]?.connected == true
        sides[side]?.endpoint.handle(.received(datagram), at: now)
        drain()
        oursReceivingConnected = false
    }

    /// Both ways until nothing is left (bounded: 16 rounds).
    mutating func exchange() {
        for _ in 0..<16 where !(toOurs.isEmpty && toPeer.isEmpty) && finding == nil {
            deliverAll(.ours)
            deliverAll(.peer)
        }
    }

    var nextDeadline: Instant? { [ours?.nextDeadline, peer?.nextDeadline].compactMap { $0 }.min() }

    mutating func fireNextTimer() {
        if let deadline = nextDeadline { fire(at: max(deadline, now)) }
    }

    /// Lets time pass, firing the timers that fall due on the way in order (at most 64 of them).
    mutating func advance(milliseconds: UInt16) {
        let target = now + .milliseconds(Int64(milliseconds))
        for _ in 0..<64 {
            guard let deadline = nextDeadline, deadline <= target, finding == nil else { break }
            fire(at: max(deadline, now))
        }
        now = max(now, target)
    }

    /// Fires both endpoints' timers at `instant` and checks the deadlines they leave (RFC 6347
    /// §4.2.4.1: the timer runs while a flight waits for its answer, doubling to at most 60 s).
    mutating func fire(at instant: Instant) {
        now = max(now, instant)
        for side in [Which.ours, .peer] {
            guard let endpoint = sides[side]?.endpoint else { continue }
            endpoint.handleTimeout(at: now)
            drain()
            if let deadline = endpoint.nextDeadline {
                if deadline <= now { report("\(side)'s timer is still due at \(deadline) after firing at \(now)") }
                if deadline - now > DTLSEndpoint.maximumRetransmissionTimeout {
                    report("\(side)'s next deadline \(deadline) is more than the maximum timeout after \(now)")
                }
            }
        }
    }

    mutating func report(_ detail: String) {
        if finding == nil { finding = detail }
    }

    // MARK: Outputs and oracles

    mutating func drain() {
        for side in [Which.ours, .peer] {
            guard let endpoint = sides[side]?.endpoint else { continue }
            var flights = 0
            while let output = endpoint.poll() {
                // RFC 6347 §4.1: a record's first byte is its content type; 20 and 22 are what flights carry.
                if case .transmit(let bytes) = output, bytes.first == 20 || bytes.first == 22 { flights += 1 }
                take(output, from: side)
            }
            if flights > Self.transmitLimit { report("\(side) sent \(flights) handshake datagrams in one step") }
            if side == .ours, oursReceivingConnected, flights > 0, endpoint.state == .connected {
                // The final flight resent for a repeat of the peer's last flight (RFC 6347 §4.2.4).
                features.note("ours answered a repeated flight")
                if planted { sides[.ours]?.viewVerified = false }
            }
            checkTables(side)
        }
    }

    mutating func take(_ output: DTLSEndpoint.Output, from side: Which) {
        guard var record = sides[side] else { return }
        defer { sides[side] = record }
        switch output {
        case .transmit(let bytes):
            trace.record(bytes: bytes)
            if side == .ours {
                toPeer.append(bytes, keepingLast: Self.queueLimit)
                recentFromOurs.append(bytes, keepingLast: 16)
            } else {
                wire.observe(fromPeer: bytes)
                toOurs.append(bytes, keepingLast: Self.queueLimit)
                recentFromPeer.append(bytes, keepingLast: 16)
            }
            return
        case .connected(let info):
            trace.record("\(side) connected \(info.cipherSuiteName) \(info.srtpProfile.map { "\($0)" } ?? "-")")
            if record.connected { report("\(side) reported connected twice") }
            if record.ended { report("\(side) connected after it ended") }
            let presented = side == .ours ? DTLSFuzzIdentities.shared?.peer : DTLSFuzzIdentities.shared?.ours
            if (side == .ours && impostor) || info.peerCertificate != presented?.der {
                report("\(side) connected to a certificate without the expected fingerprint (RFC 8122 §5)")
            }
            record.connected = true
            record.viewVerified = true
            record.pending = 0
        case .applicationData(let bytes):
            trace.record("\(side) data \(bytes.count)")
            if !record.connected {
                report("\(side) delivered application data before the peer's fingerprint was verified (RFC 8827 §6.5)")
            } else if record.ended {
                report("\(side) delivered application data after it closed or failed")
            } else if planted, side == .ours, !record.viewVerified {
                report(DTLSEndpointFuzzTarget.plantedDetail)
            } else if let problem = record.inbound.deliver(bytes) {
                report("\(side) \(problem)")
            }
        case .closed:
            trace.record("\(side) closed")
            if record.ended { report("\(side) reported its end twice") }
            record.ended = true
        case .failed(let error):
            trace.record("\(side) failed: \(error)")
            if record.ended { report("\(side) reported its end twice") }
            record.ended = true
            record.failure = error
        case .keyLog:
            trace.record("\(side) key log")
        }
        features.note("\(side) output \(String(describing: output).prefix(while: { $0 != "(" }))")
    }

    /// Timers only while handshaking, held messages only then, and no wall-clock waits when seeded.
    mutating func checkTables(_ side: Which) {
        guard let endpoint = sides[side]?.endpoint else { return }
        if endpoint.state != .handshaking, let deadline = endpoint.nextDeadline {
            report("\(side) has a deadline \(deadline) while \(endpoint.state)")
        }
        if endpoint.state != .handshaking { sides[side]?.pending = 0 }
        if endpoint.wallClockWaits != 0 { report("\(side), seeded, waited on the wall clock") }
    }

    // MARK: The clean continuation

    /// When the script delivered only the peers' own datagrams and left both open: deliver everything,
    /// fire timers as they fall due, and require both connected and a message to cross, unless a side
    /// ran out of retransmissions (RFC 6347 §4.2.4) or an impostor was expected.
    mutating func continueCleanly() {
        guard clean, !impostor, let ours, let peer else { return }
        let open: (DTLSEndpoint) -> Bool = { $0.state == .handshaking || $0.state == .connected }
        guard open(ours), open(peer) else { return }
        for _ in 0..<24 where finding == nil {
            exchange()
            if ours.state == .connected && peer.state == .connected { break }
            guard open(ours), open(peer) else { break }
            fireNextTimer()
        }
        guard finding == nil else { return }
        let timedOut = [ours.state, peer.state].contains(.failed)
            && [sides[.ours]?.failure, sides[.peer]?.failure].contains { if case .timeout = $0 { true } else { false } }
        guard !timedOut else { return }
        guard ours.state == .connected, peer.state == .connected else {
            report("a clean continuation left ours \(ours.state) and the peer \(peer.state)"
                + (sides[.ours]?.failure.map { " (ours: \($0))" } ?? "") + (sides[.peer]?.failure.map { " (peer: \($0))" } ?? ""))
            return
        }
        let before = sides[.ours]?.inbound.deliveredCount ?? 0
        send(.peer, size: 40)
        exchange()
        if (sides[.ours]?.inbound.deliveredCount ?? 0) <= before { report("connected after a clean continuation, ours delivered no message") }
    }
}
