import Hashing
public import SansIO
public import Wire

/// One SCTP association over DTLS (RFC 9260, RFC 8261, RFC 8831): a ``SansIO/Machine`` fed whole SCTP
/// packets and application requests, emitting packets to send and events.
///
/// Scope: the four-way handshake with an HMAC cookie (and INIT collision, §5.2.4 cases B and D),
/// verification tags (§8.5), DATA/SACK with delayed acknowledgement, gap blocks and duplicates,
/// fragmentation and bounded reassembly, RTO (RFC 6298), T3-rtx, fast retransmit/recovery and
/// cwnd/ssthresh (§7.2), partial reliability (RFC 3758 FORWARD TSN), outgoing stream reset (RFC 6525),
/// heartbeats, SHUTDOWN and ABORT. Not implemented: association restart (an INIT for an established
/// association gets an INIT ACK, but a COOKIE ECHO with a new peer tag is dropped), I-DATA (RFC 8260),
/// multi-homing.
///
/// Numbers (all in ``SCTPAssociationConfiguration``): RTO.Initial 1 s, RTO.Max 60 s (RFC 9260 §16),
/// RTO.Min lowered to 200 ms for WebRTC (RFC 6298 §2.4 allows it); α = 1/8, β = 1/4 (RFC 6298 §2);
/// initial cwnd = min(4·MTU, max(2·MTU, 4380)) = 4380 with MTU 1160 (§7.2.1); initial ssthresh = the
/// peer's a_rwnd; on T3 ssthresh = max(cwnd/2, 4·MTU), cwnd = 1 MTU (§7.2.3); fast retransmit on the
/// third miss indication with ssthresh = cwnd = max(cwnd/2, 4·MTU) (§7.2.4); SACK every second DATA
/// packet or after 200 ms, at once for gaps and duplicates (§6.2); Association.Max.Retrans 10,
/// Max.Init.Retransmits 8, Valid.Cookie.Life 60 s, HB.interval 30 s (§16). Zero checksum (RFC 9653) when
/// configured and offered by both.
public struct SCTPAssociation: Machine, Sendable {
    public typealias Input = SCTPAssociationInput
    public typealias Output = SCTPAssociationOutput

    public let configuration: SCTPAssociationConfiguration
    public internal(set) var state: SCTPAssociationState = .closed
    public internal(set) var statistics = SCTPAssociationStatistics()
    /// True once the association ended (closed, aborted or failed); it then ignores every input but an
    /// out-of-the-blue SHUTDOWN ACK, which it answers with a SHUTDOWN COMPLETE (RFC 9260 §8.4 item 5).
    public internal(set) var isTerminated = false

    var generator: SeededGenerator
    let cookieKey: HMACKey
    var outputs = OutputQueue<SCTPAssociationOutput>()
    /// Our verification tag and first TSN, drawn once: INIT, INIT ACK and cookies all carry the same,
    /// as RFC 9260 §5.2.1 asks of an INIT ACK sent during our own handshake.
    let localTag: UInt32
    let localInitialTSN: UInt32
    var peer: PeerParameters?
    var negotiated: SCTPEstablishment?

    var rto: RetransmissionTimer
    var errorCount = 0
    var initRetransmissions = 0
    var t1Deadline: Instant?
    var t2Deadline: Instant?
    var cookieEcho: [UInt8]?

    var sender: SenderState
    var receiver = ReceiverState()
    var reconfig = ReconfigState()
    var heartbeat = HeartbeatState()
    /// Control chunks to bundle ahead of DATA in the next packet to the peer.
    var controlChunks: [SCTPChunk] = []
    /// A SHUTDOWN is owed in the next packet. It is built when the packet is bundled, not when it falls
    /// due: its Cumulative TSN Ack must be the one at sending (RFC 9260 §9.2), and DATA handled later in
    /// the same packet can move it past a value taken earlier, which would make the ack go back.
    var shutdownDue = false

    public init(configuration: SCTPAssociationConfiguration = SCTPAssociationConfiguration(), generator: SeededGenerator) {
        self.configuration = configuration
        var generator = generator
        let secret = configuration.cookieSecret ?? (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        cookieKey = HMACKey(.sha256, key: secret)
        localTag = UInt32.random(in: 1...UInt32.max, using: &generator)
        localInitialTSN = UInt32.random(in: 0...UInt32.max, using: &generator)
        self.generator = generator
        rto = RetransmissionTimer(configuration: configuration)
        sender = SenderState(initialTSN: localInitialTSN, mtu: configuration.maxPacketSize)
        reconfig.nextRequestSequence = localInitialTSN
    }

    // MARK: Machine

    public mutating func handle(_ input: SCTPAssociationInput, at now: Instant) {
        guard !isTerminated else {
            if case .received(let bytes) = input { receiveAfterTermination(bytes) }
            return
        }
        switch input {
        case .received(let bytes): receive(bytes, at: now)
        case .connect: connect(at: now)
        case .send(let message):
            do throws(SCTPAssociationError) { try send(message, at: now) } catch { outputs.append(.failed(error)) }
        case .resetStreams(let streams): requestReset(streams)
        case .shutdown: beginShutdown()
        case .abort: abort(.requested, causes: [.userInitiatedAbort([])])
        }
        flush(at: now)
    }

    public mutating func handleTimeout(at now: Instant) {
        guard !isTerminated else { return }
        if let deadline = t1Deadline, deadline <= now { t1Expired(at: now) }
        if let deadline = sender.t3Deadline, deadline <= now, !isTerminated { t3Expired(at: now) }
        if let deadline = t2Deadline, deadline <= now, !isTerminated { t2Expired(at: now) }
        if let deadline = receiver.sackDeadline, deadline <= now { receiver.sackNeeded = true }
        if let deadline = reconfig.deadline, deadline <= now, !isTerminated { reconfigExpired(at: now) }
        if let deadline = heartbeat.deadline, deadline <= now, !isTerminated { heartbeatExpired(at: now) }
        guard !isTerminated else { return }
        flush(at: now)
    }

    public mutating func poll() -> SCTPAssociationOutput? { outputs.next() }

    public var nextDeadline: Instant? {
        guard !isTerminated else { return nil }
        return [t1Deadline, t2Deadline, sender.t3Deadline, receiver.sackDeadline, reconfig.deadline, heartbeat.deadline]
            .compactMap { $0 }.min()
    }

    /// Bytes held for reassembly and ordering: at most `receiveBufferSize + maxMessageSize` (see `makeRoom`).
    public var receiveBufferedBytes: Int { receiver.heldBytes }
    /// Bytes queued or in flight and not yet acknowledged.
    public var sendBufferedBytes: Int { sender.bufferedTotal }
    /// The congestion window and slow-start threshold (RFC 9260 §7.2), for tests and traces.
    public var congestionWindow: Int { sender.cwnd }
    public var slowStartThreshold: Int { sender.ssthresh }
    public var retransmissionTimeout: Duration { rto.value }

    // MARK: Handshake (RFC 9260 §5)

    mutating func connect(at now: Instant) {
        guard state == .closed else { return }
        state = .cookieWait
        sendInit()
        t1Deadline = now + rto.value
    }

    func localInit(cookie: [UInt8]?) -> InitChunk {
        var parameters: [SCTPParameter] = []
        if let cookie { parameters.append(.stateCookie(cookie)) }
        parameters.append(.forwardTSNSupported)
        parameters.append(.supportedExtensions([SCTPChunkType.forwardTSN, SCTPChunkType.reconfig]))
        if configuration.zeroChecksum { parameters.append(.zeroChecksumAcceptable(edmid: SCTPParameter.edmidDTLS)) }
        return InitChunk(
            initiateTag: localTag, advertisedReceiverWindowCredit: UInt32(clamping: configuration.receiveBufferSize),
            outboundStreams: configuration.outboundStreams, inboundStreams: configuration.inboundStreams,
            initialTSN: localInitialTSN, parameters: TLVList(parameters))
    }

    mutating func sendInit() {
        transmit([.initiation(localInit(cookie: nil))], tag: 0)
    }

    mutating func handleInit(_ chunk: InitChunk, at now: Instant) {
        // RFC 9260 §3.3.2: a zero Initiate Tag or stream count is invalid; we answer nothing.
        guard chunk.initiateTag != 0, chunk.outboundStreams != 0, chunk.inboundStreams != 0 else { return }
        let cookie = StateCookie(
            peer: PeerParameters(chunk), localTag: localTag, localInitialTSN: localInitialTSN,
            createdAt: now.nanoseconds)
        transmit([.initiationAck(localInit(cookie: cookie.sealed(with: cookieKey)))], tag: chunk.initiateTag)
    }

    mutating func handleInitAck(_ chunk: InitChunk, at now: Instant) {
        guard state == .cookieWait, chunk.initiateTag != 0, chunk.outboundStreams != 0, chunk.inboundStreams != 0 else { return }
        var cookie: [UInt8]?
        for case .stateCookie(let bytes) in chunk.parameters.elements { cookie = bytes }
        guard let cookie else { return }
        peer = PeerParameters(chunk)
        cookieEcho = cookie
        state = .cookieEchoed
        transmit([.cookieEcho(CookieEchoChunk(cookie: cookie))], tag: chunk.initiateTag)
        t1Deadline = now + rto.value
    }

    mutating func handleCookieEcho(_ chunk: CookieEchoChunk, at now: Instant) {
        guard let cookie = StateCookie.open(chunk.cookie, with: cookieKey, verifyingMAC: !configuration.integrity.bypassed), cookie.localTag == localTag,
            cookie.localInitialTSN == localInitialTSN
        else {
            statistics.forgedCookies += 1
            return
        }
        let age = now - Instant(nanoseconds: cookie.createdAt)
        if age > configuration.cookieLifetime {
            // RFC 9260 §5.1.5 step 3: stale; report the staleness in microseconds.
            statistics.staleCookies += 1
            let micros = UInt32(clamping: (age - configuration.cookieLifetime).nanosecondsSaturated / 1000)
            transmit([.error(ErrorChunk(causes: [.staleCookie(stalenessMicroseconds: micros)]))], tag: cookie.peer.tag)
            return
        }
        switch state {
        case .closed, .cookieWait, .cookieEchoed:
            // §5.2.4 case B (INIT collision: our tag matches, adopt the peer's) or the plain passive open.
            peer = cookie.peer
            controlChunks.append(.cookieAck(EmptyChunk()))
            becomeEstablished(at: now)
        default:
            // §5.2.4 case D: both tags match, the COOKIE ACK was lost; anything else is a restart we refuse.
            guard cookie.peer.tag == peer?.tag else { return }
            controlChunks.append(.cookieAck(EmptyChunk()))
        }
    }

    mutating func becomeEstablished(at now: Instant) {
        guard let peer, state == .closed || state == .cookieWait || state == .cookieEchoed else { return }
        state = .established
        t1Deadline = nil
        cookieEcho = nil
        errorCount = 0
        let established = SCTPEstablishment(
            outboundStreams: min(configuration.outboundStreams, peer.inboundStreams),
            inboundStreams: min(configuration.inboundStreams, peer.outboundStreams),
            peerMaxMessageSize: configuration.peerMaxMessageSize)
        negotiated = established
        receiver.start(peerInitialTSN: peer.initialTSN)
        reconfig.peerNextRequestSequence = peer.initialTSN
        sender.start(peerWindow: peer.window)
        heartbeat.deadline = now + configuration.heartbeatInterval + rto.value
        outputs.append(.established(established))
    }

    mutating func t1Expired(at now: Instant) {
        initRetransmissions += 1
        statistics.timeouts += 1
        guard initRetransmissions <= configuration.maxInitRetransmissions else {
            terminate(.aborted(.handshakeTimedOut))
            return
        }
        rto.backOff()
        switch state {
        case .cookieWait: sendInit()
        case .cookieEchoed:
            if let cookieEcho, let peer { transmit([.cookieEcho(CookieEchoChunk(cookie: cookieEcho))], tag: peer.tag) }
        default:
            t1Deadline = nil
            return
        }
        t1Deadline = now + rto.value
    }

    // MARK: Termination (RFC 9260 §9)

    /// Sends ABORT (when the peer is known) and ends the association.
    mutating func abort(_ reason: SCTPAbortReason, causes: [SCTPErrorCause]) {
        if let peer { transmit([.abort(AbortChunk(causes: TLVList(causes)))], tag: peer.tag) }
        terminate(.aborted(reason))
    }

    mutating func terminate(_ event: SCTPAssociationOutput) {
        isTerminated = true
        state = .closed
        t1Deadline = nil
        t2Deadline = nil
        sender.t3Deadline = nil
        receiver.sackDeadline = nil
        reconfig.deadline = nil
        heartbeat.deadline = nil
        outputs.append(event)
    }

    mutating func beginShutdown() {
        switch state {
        case .established: state = .shutdownPending
        case .closed, .cookieWait, .cookieEchoed:
            // Nothing to shut down gracefully yet (RFC 9260 §9.1 lets the user abort instead).
            abort(.requested, causes: [.userInitiatedAbort([])])
        default: break
        }
    }

    /// A retransmission timer expired: counts it against Association.Max.Retrans (RFC 9260 §8.1) and
    /// backs the RTO off (§6.3.3 E2). False when the association was aborted for it.
    mutating func countTimeout() -> Bool {
        statistics.timeouts += 1
        errorCount += 1
        guard errorCount <= configuration.maxRetransmissions else {
            abort(.retransmissionLimitReached, causes: [])
            return false
        }
        rto.backOff()
        return true
    }

    mutating func t2Expired(at now: Instant) {
        guard countTimeout() else { return }
        switch state {
        case .shutdownSent: shutdownDue = true
        case .shutdownAckSent: controlChunks.append(.shutdownAck(EmptyChunk()))
        default:
            t2Deadline = nil
            return
        }
        t2Deadline = now + rto.value
    }

    /// Moves SHUTDOWN PENDING / SHUTDOWN RECEIVED on once everything we sent is acknowledged (§9.2).
    mutating func progressShutdown(at now: Instant) {
        guard sender.isIdle else { return }
        switch state {
        case .shutdownPending:
            state = .shutdownSent
            shutdownDue = true
            t2Deadline = now + rto.value
        case .shutdownReceived:
            state = .shutdownAckSent
            controlChunks.append(.shutdownAck(EmptyChunk()))
            t2Deadline = now + rto.value
        default: break
        }
    }

    // MARK: Packets

    /// Sends one packet now, outside the bundling of `flush` (INIT, INIT ACK, COOKIE ECHO, ABORT…).
    /// Handshake packets always carry a CRC-32c; later ones carry zero when both sides offered it (RFC 9653 §5).
    mutating func transmit(_ chunks: [SCTPChunk], tag: UInt32, zeroChecksum: Bool = false) {
        let packet = SCTPPacket(
            sourcePort: configuration.sourcePort, destinationPort: configuration.destinationPort,
            verificationTag: tag, checksum: zeroChecksum ? .zero : .crc32c, chunks: chunks)
        outputs.append(.transmit(packet.serialize()))
    }

    /// Sends chunks in as few packets of at most `maxPacketSize` as they fit (bundling, §6.10).
    mutating func transmitBundled(_ chunks: [SCTPChunk]) {
        guard let peer, !chunks.isEmpty else { return }
        let zero = configuration.zeroChecksum && peer.zeroChecksum && negotiated != nil
        var packet: [SCTPChunk] = []
        var size = 12
        for chunk in chunks {
            let chunkSize = chunk.bundledSize
            if !packet.isEmpty, size + chunkSize > configuration.maxPacketSize {
                transmit(packet, tag: peer.tag, zeroChecksum: zero)
                packet = []
                size = 12
            }
            packet.append(chunk)
            size += chunkSize
        }
        if !packet.isEmpty { transmit(packet, tag: peer.tag, zeroChecksum: zero) }
    }
}

extension SCTPChunk {
    /// The chunk's size on the wire with padding.
    var bundledSize: Int {
        if case .data(let data) = self { return 16 + (data.userData.count + 3) & ~3 }
        return serialize().count
    }
}

// The association's wire unit is a whole SCTP packet (one DTLS record), so any driver of payload
// machines, and through `PointToPoint` the simulator, runs it.
extension SCTPAssociationInput: PayloadInput {}

extension SCTPAssociationOutput: PayloadOutput {
    public var payloadToSend: [UInt8]? {
        if case .transmit(let bytes) = self { return bytes }
        return nil
    }
}

extension SCTPAssociation: PayloadMachine {}
