public import Hashing
public import DTLS
public import DataChannels
public import ICE
public import JSEP
public import SansIO
import RTP
import SCTP
import SRTP
public import Wire
import SDP

/// One peer connection as a sans-IO machine (DESIGN §1.1): JSEP negotiation, then ICE, DTLS, SRTP media
/// and the SCTP data channels over one bundled transport (RFC 8843 max-bundle), with RFC 7983
/// demultiplexing.
///
/// The machine composes the layers' own machines and moves bytes and events between them:
/// ```
/// datagram ─▶ ICEEndpoint ─(non-STUN, first byte 20…63)─▶ DTLSEndpoint ─(application data)─▶ DataChannelMachine
///                        └─(first byte 128…191)─▶ SRTPTransport ─▶ MediaPipeline (RTP and RTCP, RFC 5761 §4)
/// ```
/// and back the same way. It is driven like any `DatagramMachine`; what the application asks for
/// (offers, answers, candidates, channels) comes in through its methods, which answer at once and queue
/// their effects as outputs.
public struct PeerConnectionMachine: DatagramMachine {
    public enum Input: DatagramInput, Sendable {
        case received(Datagram)
        /// The driver's answer to a ``Output/sockets(_:)`` bind: the ICE agent's new host bases (an ICE
        /// restart's), nil where binding failed.
        case boundSockets(request: UInt64, addresses: [TransportAddress?])

        public static func socketsBound(request: UInt64, addresses: [TransportAddress?]) -> Input? {
            .boundSockets(request: request, addresses: addresses)
        }
    }

    public enum Output: DatagramOutput, Hashable, Sendable {
        case transmit(Datagram)
        case event(EngineEvent)
        /// Sockets for the driver to bind or release: an ICE restart's new host bases, and the old
        /// generation's once a new pair is selected (``ICE/RestartBases``).
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

    public let configuration: EngineConfiguration
    public let certificate: DTLSCertificate
    public var localFingerprint: CertificateFingerprint { certificate.fingerprint(.sha256) }

    // Negotiation.
    var signaling = SignalingStateMachine()
    let sessionID: UInt64
    var sessionVersion: UInt64 = 0
    /// Our credentials until the ICE endpoint exists (then the agent's are the truth).
    var initialCredentials: ICECredentials
    public internal(set) var currentLocalDescription: NegotiatedDescription?
    public internal(set) var pendingLocalDescription: NegotiatedDescription?
    public internal(set) var currentRemoteDescription: NegotiatedDescription?
    public internal(set) var pendingRemoteDescription: NegotiatedDescription?
    var lastOffer: String?
    var lastAnswer: String?
    var restartRequested = false
    var negotiationNeededFired = false

    // Transport.
    public internal(set) var ice: ICEEndpoint?
    var pendingRemoteCandidates: [Candidate] = []
    var pendingRemoteEndOfCandidates = false
    public internal(set) var localCandidates: [ICECandidate] = []
    var dtls: DTLSEndpoint?
    var dtlsStarted = false
    /// DTLS records that came before the DTLS endpoint could be made (bounded: a peer may be quick).
    var earlyDTLSRecords: [[UInt8]] = []
    static let earlyDTLSRecordLimit = 16

    /// Whether two DTLS datagrams carry the same records apart from the record sequence numbers: the
    /// content type, version and epoch (bytes 0–4) and everything after the 48-bit sequence number
    /// (RFC 6347 §4.1: type 1, version 2, epoch 2, sequence 6, then length and fragment).
    static func sameRecordBody(_ first: [UInt8], _ second: [UInt8]) -> Bool {
        guard first.count == second.count, first.count > 11 else { return false }
        return first[0..<5] == second[0..<5] && first[11...] == second[11...]
    }
    public internal(set) var channels: DataChannelMachine
    /// Whether the SCTP association was started (only once both sides negotiated a data section).
    var channelsStarted = false

    // Media.
    var transceivers: [Transceiver] = []
    var media: MediaPipeline
    /// Our RTCP CNAME (RFC 7022: random, per connection).
    let cname: String
    /// Keyed once DTLS connects with an SRTP profile (RFC 5764 §4.2).
    var srtp: SRTPTransport?

    // States.
    public internal(set) var iceConnectionState: IceConnectionState = .new
    public internal(set) var iceGatheringState: IceGatheringState = .new
    public internal(set) var dtlsState: DTLSTransportState = .new
    public internal(set) var connectionState: PeerConnectionState = .new
    public internal(set) var isClosed = false
    public internal(set) var selectedPair: ICECandidatePair?
    public internal(set) var dtlsRole: DTLSRole?
    public internal(set) var counters = EngineCounters()

    var generator: SeededGenerator
    var outputs = OutputQueue<Output>()

    /// A fresh self-signed P-256 certificate (RFC 8827 §6.5: ECDSA P-256 is what every browser offers).
    public static func makeCertificate() throws(WebRTCError) -> DTLSCertificate {
        do {
            return try DTLSCertificate()
        } catch {
            throw .dtls(error)
        }
    }

    /// A peer connection with its certificate (see ``makeCertificate()``).
    public init(configuration: EngineConfiguration, certificate: DTLSCertificate) {
        self.configuration = configuration
        self.certificate = certificate
        var generator = SeededGenerator(seed: configuration.seed)
        // JSEP §5.2.1: the session id is a random number below 2^63.
        sessionID = generator.next() & 0x7FFF_FFFF_FFFF_FFFF
        initialCredentials = ICECredentials.random(using: &generator)
        // RFC 7022 §4.2: a random CNAME of at least 96 bits.
        cname = Hex.encode((0..<12).map { _ in UInt8.random(in: 0...255, using: &generator) })
        media = MediaPipeline(
            ntpClock: NTPClock(ntpAtZero: configuration.ntpAtZero), cname: cname, receiverSSRC: UInt32.random(in: 1...UInt32.max, using: &generator),
            generator: SeededGenerator(seed: generator.next()))
        channels = DataChannelMachine(
            configuration: DataChannelConfiguration(association: Self.associationConfiguration(configuration, remote: nil)),
            generator: SeededGenerator(seed: generator.next()))
        self.generator = generator
    }

    /// The SCTP association settings from our configuration and, once known, the peer's data section.
    static func associationConfiguration(_ configuration: EngineConfiguration, remote: MediaSection?) -> SCTPAssociationConfiguration {
        var association = SCTPAssociationConfiguration()
        association.sourcePort = configuration.sctpPort
        association.destinationPort = remote?.sctpPort ?? 5000
        association.maxMessageSize = configuration.maxMessageSize
        association.peerMaxMessageSize = remote.map { $0.maxMessageSize ?? 65_536 }.map { $0 == 0 ? Int.max : $0 }
        association.zeroChecksum = configuration.sctpZeroChecksum
        association.maxPacketSize = configuration.sctpPacketLimit
        association.integrity = configuration.integrity
        return association
    }

    /// The local credentials the descriptions carry.
    public var localCredentials: ICECredentials { ice?.agent.localCredentials ?? initialCredentials }

    // MARK: Machine

    public mutating func handle(_ input: Input, at now: Instant) {
        guard !isClosed else { return }
        switch input {
        case .received(let datagram):
            ice?.handle(.received(datagram), at: now)
        case .boundSockets(let request, let addresses):
            ice?.handle(.basesBound(request: request, addresses: addresses), at: now)
        }
        pump(at: now)
    }

    public mutating func handleTimeout(at now: Instant) {
        guard !isClosed else { return }
        if let deadline = ice?.nextDeadline, deadline <= now { ice?.handleTimeout(at: now) }
        if dtlsStarted, let dtls, let deadline = dtls.nextDeadline, deadline <= now { dtls.handleTimeout(at: now) }
        if let deadline = channels.nextDeadline, deadline <= now { channels.handleTimeout(at: now) }
        if let deadline = media.nextDeadline, deadline <= now { media.handleTimeout(at: now) }
        pump(at: now)
    }

    public mutating func poll() -> Output? { outputs.next() }

    public var nextDeadline: Instant? {
        guard !isClosed else { return nil }
        let candidates = [ice?.nextDeadline, dtlsStarted ? dtls?.nextDeadline : nil, channels.nextDeadline, media.nextDeadline]
        return candidates.compactMap { $0 }.min()
    }

    // MARK: Moving outputs between the layers

    /// Drains every layer until none has anything more: one layer's output is often another's input.
    mutating func pump(at now: Instant) {
        var progressed = true
        while progressed {
            progressed = false
            while let output = ice?.poll() {
                progressed = true
                route(output, at: now)
            }
            while let dtls, let output = dtls.poll() {
                progressed = true
                route(output, at: now)
            }
            while let output = channels.poll() {
                progressed = true
                route(output, at: now)
            }
            while let output = media.poll() {
                progressed = true
                route(output, at: now)
            }
        }
        updateConnectionState()
    }

    mutating func route(_ output: ICEOutput, at now: Instant) {
        switch output {
        case .transmit(let datagram):
            counters.datagramsSent += 1
            counters.bytesSent += datagram.payload.count
            outputs.append(.transmit(datagram))
        case .localCandidate(let candidate):
            localCandidates.append(candidate)
            emit(.localCandidate(localCandidateEvent(candidate.sdpCandidate)))
        case .gatheringStateChanged(let state):
            iceGatheringState = state
            emit(.iceGatheringStateChanged(state))
            if state == .complete { emit(.localCandidate(localCandidateEvent(nil))) }
        case .connectionStateChanged(let state):
            iceConnectionState = state
            emit(.iceConnectionStateChanged(state))
        case .selectedPairChanged(let pair):
            selectedPair = pair
            emit(.selectedPairChanged(pair))
            startDTLSIfReady(at: now)
        case .received(let bytes, _):
            counters.datagramsReceived += 1
            counters.bytesReceived += bytes.count
            demultiplex(bytes, at: now)
        case .sockets(let request):
            outputs.append(.sockets(request))
        case .roleChanged:
            break
        }
    }

    /// RFC 7983 §7: the first byte tells DTLS (20–63) from RTP/RTCP (128–191), TURN channels (64–79) and
    /// STUN (0–3, which the ICE agent has already taken). Media before SRTP is keyed is counted and dropped.
    mutating func demultiplex(_ bytes: [UInt8], at now: Instant) {
        switch PacketFamily(datagram: bytes) {
        case .dtls:
            guard let dtls else {
                // A peer that is the DTLS client starts as soon as its ICE is up, often before our answer
                // (or its) is applied, and retransmits its ClientHello meanwhile (RFC 6347 §4.2.4). The copies
                // differ only in the record sequence number; handing all of them to OpenSSL at once makes it
                // answer each, and the peer then meets server flights it did not ask for (seen with Chromium:
                // 8 s of stalled handshake). One copy of each record body is kept.
                if earlyDTLSRecords.contains(where: { Self.sameRecordBody($0, bytes) }) {
                    counters.droppedEarlyDTLS += 1
                } else if earlyDTLSRecords.count < Self.earlyDTLSRecordLimit {
                    earlyDTLSRecords.append(bytes)
                } else {
                    counters.droppedEarlyDTLS += 1
                }
                return
            }
            if !dtlsStarted { startDTLS(at: now) }
            dtls.handle(.received(bytes), at: now)
        case .rtp:
            receiveMedia(bytes, at: now)
        case .stun, .zrtp, .turnChannel, .unknown:
            counters.droppedUnknown += 1
        }
    }

    mutating func route(_ output: DTLSEndpoint.Output, at now: Instant) {
        switch output {
        case .transmit(let bytes):
            ice?.handle(.send(bytes), at: now)
        case .connected(let info):
            dtlsRole = info.role
            setDTLSState(.connected)
            startChannelsIfNegotiated(at: now)
            startMedia(info, at: now)
        case .applicationData(let bytes):
            channels.handle(.received(bytes), at: now)
        case .keyLog(let line):
            emit(.keyLog(line))
        case .closed:
            setDTLSState(.closed)
        case .failed(let error):
            emit(.dtlsFailed(error))
            setDTLSState(.failed)
        }
    }

    mutating func route(_ output: DataChannelOutput, at now: Instant) {
        if case .transmit(let bytes) = output {
            dtls?.handle(.send(bytes), at: now)
            return
        }
        if let handle = output.channelHandle, let info = channels.channel(handle) { emit(.dataChannelInfo(info)) }
        emit(.dataChannel(output))
    }

    // MARK: DTLS

    /// Makes the DTLS endpoint once both descriptions of an exchange are known (RFC 8842 §5: the roles
    /// come from `a=setup`, the peer's certificate must match its `a=fingerprint`).
    mutating func prepareDTLS(local: NegotiatedDescription, remote: NegotiatedDescription, at now: Instant) throws(WebRTCError) {
        guard dtls == nil else { return }
        guard local.transportSection != nil, remote.transportSection != nil else { return }
        guard let role = DTLSRole(local: local.setup, remote: remote.setup) else {
            throw .invalidDescription(.invalidAttribute("setup", value: "\(local.setup.rawValue)/\(remote.setup.rawValue)",
                                                        reason: "the two a=setup values name no single DTLS role (RFC 8842 §5.3)"))
        }
        guard let fingerprint = remote.fingerprints.first else {
            throw .invalidDescription(.missingAttribute("fingerprint", mid: remote.dataSection?.mid))
        }
        do {
            dtls = try DTLSEndpoint(
                // use_srtp is offered even for a data-only session: browsers always do, and aiortc fails a
                // handshake that negotiates no SRTP profile.
                role: role, certificate: certificate, expectedPeerFingerprint: fingerprint,
                srtpProfiles: SRTPProfile.webRTCDefault,
                mtu: configuration.datagramPayloadLimit, keyLog: configuration.keyLog,
                randomness: configuration.seededDTLS ? SeededGenerator(seed: generator.next()) : nil,
                integrity: configuration.integrity)
        } catch {
            throw .dtls(error)
        }
        channels.reconfigure(
            association: Self.associationConfiguration(configuration, remote: remote.dataSection),
            generator: SeededGenerator(seed: generator.next()))
        dtlsRole = role
        setDTLSState(.new)
        startDTLSIfReady(at: now)
    }

    /// The client sends its first flight once ICE has a pair to carry it (RFC 8842 §5.3: after ICE).
    mutating func startDTLSIfReady(at now: Instant) {
        guard dtls != nil, !dtlsStarted, selectedPair != nil || !earlyDTLSRecords.isEmpty else { return }
        startDTLS(at: now)
    }

    mutating func startDTLS(at now: Instant) {
        guard let dtls, !dtlsStarted else { return }
        dtlsStarted = true
        setDTLSState(.connecting)
        dtls.handleTimeout(at: now)
        let early = earlyDTLSRecords
        earlyDTLSRecords.removeAll()
        for record in early { dtls.handle(.received(record), at: now) }
    }

    // MARK: States

    mutating func emit(_ event: EngineEvent) { outputs.append(.event(event)) }

    mutating func setDTLSState(_ state: DTLSTransportState) {
        guard dtlsState != state else { return }
        dtlsState = state
        emit(.dtlsStateChanged(state))
    }

    mutating func updateConnectionState() {
        let state = PeerConnectionState.aggregate(ice: iceConnectionState, dtls: dtlsState, isClosed: isClosed)
        guard state != connectionState else { return }
        connectionState = state
        emit(.connectionStateChanged(state))
    }

    /// The media section candidates belong to: the first bundled section (max-bundle, RFC 8843).
    func localCandidateEvent(_ candidate: Candidate?) -> LocalCandidateEvent {
        let section = (currentLocalDescription ?? pendingLocalDescription)?.transportSection
        return LocalCandidateEvent(
            candidate: candidate.map { CandidateLine(form: .bare, candidate: $0).text },
            sdpMid: section?.mid ?? "0", sdpMLineIndex: section?.index ?? 0, usernameFragment: localCredentials.ufrag)
    }
}

/// What the machine counted, for statistics and for the security negatives.
public struct EngineCounters: Hashable, Sendable {
    public var datagramsSent = 0
    public var bytesSent = 0
    public var datagramsReceived = 0
    public var bytesReceived = 0
    /// RTP/RTCP that came before SRTP was keyed.
    public var droppedMedia = 0
    /// First bytes RFC 7983 assigns to nothing we run.
    public var droppedUnknown = 0
    /// DTLS datagrams that came before the endpoint existed and were not kept: beyond the early-record
    /// bound, or a retransmission of one already kept.
    public var droppedEarlyDTLS = 0
    /// Deviations accepted in the peer's descriptions, by rule (`Tolerance.all`).
    public var tolerated: [String: Int] = [:]
}

extension DataChannelOutput {
    /// The channel whose description (stream id, state) an output may change; nil for the frequent
    /// outputs that change neither (messages, buffered amounts).
    var channelHandle: DataChannelHandle? {
        switch self {
        case .announced(let info): info.handle
        case .open(let handle), .closing(let handle), .closed(let handle), .error(let handle, _): handle
        case .transmit, .message, .bufferedAmount, .bufferedAmountLow, .associationEstablished, .associationClosed,
            .associationFailed:
            nil
        }
    }
}
