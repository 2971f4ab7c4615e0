public import Fuzzing
import Wire
#if CRUCIBLE_FUZZING_UNSAFE
import DataChannels
import DTLS
import JSEP
import Media
import RTP
import SansIO
import SCTP
import Simulation
import SRTP
import WebRTC
#endif

/// The cross-layer fuzz targets (issue 17), which exist only in a fuzzing build (`-DCRUCIBLE_FUZZING_UNSAFE`,
/// as `Scripts/build-fuzzers` compiles): two whole peer connections on the simulator with their integrity
/// checks bypassed (`IntegrityChecks.bypassedForFuzzing`: DTLS application data in fixed-protection
/// records, SRTP with zero tags, SCTP's CRC-32c and cookie HMAC unchecked), so that what the fuzzer
/// delivers goes the whole way a peer's datagram goes: ICE's demultiplexing, the DTLS endpoint, then the
/// SCTP association and the data channels, or SRTP, the RTP receivers, the depacketizers and the
/// decoders (libopus, libvpx).
///
/// - `sctp-through-dtls`: a data channel open (start states: idle, messages in flight, two channels
///   with traffic both ways). `deliver` takes one of the newest SCTP packets a peer sent (seen in clear
///   on the wire), replays it whole (seed 0), or mutates it with the SCTP codec's structural mutator
///   (odd seeds) or by flipping bytes, checksum left wrong (even seeds), and delivers it to the other
///   peer in a fixed-protection record. `deliverBytes` delivers the bytes as an SCTP packet to peer 1.
///   Calls send messages, open and close channels.
/// - `rtp-through-srtp`: audio and video tracks negotiated and flowing from peer 0 (start states: audio
///   only, video only, both). `deliver` takes a recent RTP or RTCP packet either peer sent and replays,
///   mutates (RTP/RTCP codec mutators) or flips it, then protects it with the fixed tag. Calls push
///   audio and video frames, which peer 0 encodes and sends.
///
/// Oracles besides not trapping (and AddressSanitizer, in the libFuzzer build): the cumulative TSN ack
/// a peer sends never goes back on one association (RFC 9260 §6.2); a channel reported closed delivers
/// nothing more (RFC 8831 §6.7); the association holds no more than its configured receive and send
/// buffers; every counter of every inbound-rtp statistic only grows and the jitter is finite and not
/// negative (W3C webrtc-stats §4: counters are monotonic); decoded pictures stay within the decoder's
/// bound.
public enum CrossLayerFuzzTargets {
    public static let sctpName = "sctp-through-dtls"
    public static let rtpName = "rtp-through-srtp"
    /// Both names, known to every build: a normal build names them when asked for one (it cannot run them).
    public static let names = [sctpName, rtpName]

    /// The targets: both in a fuzzing build, none in any other.
    public static var targets: [FuzzTarget] {
        #if CRUCIBLE_FUZZING_UNSAFE
        [
            SCTPThroughDTLSHarness.target(
                name: sctpName, corpusName: sctpName, planted: false, dictionary: dictionary(calls: 4), randomAction: randomAction),
            RTPThroughSRTPHarness.target(
                name: rtpName, corpusName: rtpName, planted: false, dictionary: dictionary(calls: 2), randomAction: randomAction),
        ]
        #else
        []
        #endif
    }

    /// What a normal build's libFuzzer campaign needs of a cross-layer target: its name and corpus. Its
    /// inputs run in the fuzzing build's binary; anything that runs one here gets a finding that says how
    /// to get a build that has it, so nothing passes here silently. Nil for other names.
    public static func libFuzzerStandIn(named name: String) -> FuzzTarget? {
        guard names.contains(name) else { return nil }
        return FuzzTarget(name: name) { input in
            .finding(FuzzFinding(target: name, oracle: .invariant, input: input, detail: buildAdvice))
        }
    }

    /// How to get a build that has them.
    public static let buildAdvice = "the cross-layer targets exist only in a fuzzing build: "
        + "`swift run --scratch-path .build-unsafe -Xswiftc -DCRUCIBLE_FUZZING_UNSAFE crucible fuzz run NAME`, "
        + "or the libFuzzer build (`crucible fuzz run NAME --engine libfuzzer`, `Scripts/build-fuzzers`)"

    /// The call actions, and a deliver of each kind, as dictionary tokens.
    static func dictionary(calls: Int) -> [[UInt8]] {
        (0..<calls).map { [4, UInt8($0), 0] } + [[0, 0, 1], [0, 1, 2], [3, 0, 200]]
    }

    /// One action for either target, for the script mutator: mostly deliveries (of the peers' packets,
    /// replayed or mutated, now and then raw bytes), among calls and time.
    @Sendable static func randomAction(using generator: inout SeededGenerator) -> MachineScript.Action {
        switch Int.random(in: 0..<10, using: &generator) {
        case 0..<4: .deliver(variant: UInt8.random(in: 0...15, using: &generator), seed: UInt8.random(in: 0...255, using: &generator))
        case 4..<6: .call(selector: UInt8.random(in: 0...3, using: &generator), argument: UInt8.random(in: 0...255, using: &generator))
        case 6, 7: .advance(milliseconds: UInt16.random(in: 0...300, using: &generator))
        case 8: .fireTimer
        default: .deliverBytes((0..<Int.random(in: 12...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }
    }
}

#if CRUCIBLE_FUZZING_UNSAFE

/// Two bypassed peer connections on the simulator (the `peer-connection` target's session), what crossed
/// the wire between them in clear, and what their applications were told.
struct CrossLayerPeers {
    var session: PeerConnectionFuzzTarget.Session
    let log: Log
    /// The first oracle that failed, if one did.
    var problem: String? { log.problem }

    /// Written by the simulator's tap and the peers' output observer, which outlive any copy of the peers.
    final class Log {
        /// Per direction (index of the sender), the newest inner packets: SCTP packets out of DTLS
        /// application data; RTP and RTCP packets out of SRTP, tag removed.
        var sctp: [[[UInt8]]] = [[], []]
        var media: [[[UInt8]]] = [[], []]
        /// Per direction and verification tag, the cumulative TSN ack of the newest SACK or SHUTDOWN.
        var cumulativeAcks: [[UInt32: UInt32]] = [[:], [:]]
        /// Per peer, the channels it reported closed.
        var closed: [Set<DataChannelHandle>] = [[], []]
        var messages = [0, 0]
        var frames = [0, 0]
        var problem: String?
        /// Datagrams the harness injected in a peer's name, not yet seen by the tap: they are the
        /// fuzzer's, not the peer's, so the oracles on what a peer sends skip them.
        var injected: [[UInt8]] = []

        func report(_ problem: String) {
            if self.problem == nil { self.problem = problem }
        }
    }

    /// Packets kept per direction for `deliver` to pick from.
    static let kept = 16
    /// The SRTP profile two of our peers agree on: our first preference (both offer the same list).
    static let profile = SRTPProfile.webRTCDefault[0]
    /// Simulated time the prologue may take to connect.
    static let connectLimit = Duration.seconds(10)

    init(seed: UInt64) throws(DTLSEndpointError) {
        session = try PeerConnectionFuzzTarget.Session(seed: seed, table: SignalingStateMachine.transition, integrity: .bypassedForFuzzing)
        let log = Log()
        self.log = log
        let hosts = session.hosts
        session.simulator.tap = { record in
            guard record.point == .sent, let sender = hosts.firstIndex(of: record.host) else { return }
            if let index = log.injected.firstIndex(of: record.datagram.payload) {
                log.injected.remove(at: index)
                return
            }
            Self.observe(record.datagram.payload, from: sender, log)
        }
        session.log.observer = { peer, output in
            guard case .event(let event) = output else { return }
            switch event {
            case .dataChannel(.message(let handle, _)):
                log.messages[peer] += 1
                if log.closed[peer].contains(handle) { log.report("peer \(peer) delivered a message on channel \(handle) after it closed") }
            case .dataChannel(.closed(let handle)):
                log.closed[peer].insert(handle)
            case .mediaFrame(_, let frame):
                log.frames[peer] += 1
                if let picture = frame.video, picture.width > 4_096 || picture.height > 4_096 {
                    log.report("peer \(peer) decoded a \(picture.width)×\(picture.height) picture, past the decoder's 4096 bound")
                }
            default:
                break
            }
        }
    }

    /// A datagram a peer sent: its inner packets kept, its SACKs held to the cumulative-ack rule.
    static func observe(_ payload: [UInt8], from sender: Int, _ log: Log) {
        switch PacketFamily(datagram: payload) {
        case .dtls:
            for packet in FixedRecordProtection.open(payload).plaintexts {
                log.sctp[sender].append(packet, keepingLast: kept)
                checkAcks(packet, from: sender, log)
            }
        case .rtp:
            let overhead = isRTCP(payload) ? profile.rtcpOverhead : profile.rtpTagLength
            guard payload.count > overhead else { return }
            log.media[sender].append(Array(payload.dropLast(overhead)), keepingLast: kept)
        default:
            break
        }
    }

    /// RTCP rather than RTP: a second byte in the RTCP packet types 192–223 (RFC 5761 §4).
    static func isRTCP(_ packet: [UInt8]) -> Bool { packet.count > 1 && (192...223).contains(packet[1]) }

    /// RFC 9260 §6.2: the cumulative TSN ack a receiver reports never goes back on one association.
    static func checkAcks(_ bytes: [UInt8], from sender: Int, _ log: Log) {
        guard let packet = try? SCTPPacket.parse(bytes, checksum: .unverified) else { return }
        for chunk in packet.chunks {
            let ack: UInt32
            switch chunk {
            case .selectiveAck(let sack): ack = sack.cumulativeTSNAck
            case .shutdown(let shutdown): ack = shutdown.cumulativeTSNAck
            default: continue
            }
            if let previous = log.cumulativeAcks[sender][packet.verificationTag], Int32(bitPattern: ack &- previous) < 0 {
                log.report("peer \(sender) sent cumulative TSN ack \(ack) after \(previous) on tag \(packet.verificationTag)")
            }
            log.cumulativeAcks[sender][packet.verificationTag] = ack
        }
    }

    /// Simulator events (datagrams delivered, timers fired) the script may still cause.
    var eventsLeft = Self.eventLimit

    /// Moving the clock runs the simulator's events up to the new instant, within `eventsLeft`: once the
    /// budget is spent, time stops, and the rest of the script runs at that instant.
    var now: Instant {
        get { session.simulator.now }
        set {
            while eventsLeft > 0, let next = session.simulator.nextEventInstant, next <= newValue, session.simulator.step() {
                eventsLeft -= 1
            }
            // Every event due by then has run: this only moves the clock.
            if eventsLeft > 0 { session.simulator.run(until: newValue) }
        }
    }

    var nextDeadline: Instant? { eventsLeft > 0 ? session.simulator.nextEventInstant : nil }

    /// Negotiates what the prologue set up and runs until both peers are connected.
    mutating func connect() {
        if let problem = session.connect(requireConnected: true) { log.report("prologue: \(problem)") }
    }

    /// An API call through the session (its W3C call table).
    mutating func call(_ call: PeerConnectionFuzzTarget.Call, argument: UInt8) {
        _ = session.perform(.call(selector: UInt8(call.rawValue), argument: argument))
    }

    /// Delivers `payload` as if `sender` had sent it to the other peer.
    mutating func inject(_ payload: [UInt8], from sender: Int) {
        let addresses = PeerConnectionFuzzTarget.Session.addresses
        log.injected.append(payload)
        session.simulator.inject(
            Datagram(from: addresses[sender], to: addresses[1 - sender], payload: payload), from: session.hosts[sender], at: session.simulator.now)
    }

    /// `packet` changed by `seed`: 0 leaves it, an odd seed runs `mutate` over its parsed form (when it
    /// parses), an even one flips bytes of it.
    static func mutated(_ packet: [UInt8], seed: UInt8, salt: Int, structurally mutate: (inout SeededGenerator) -> [UInt8]?) -> [UInt8] {
        guard seed != 0, !packet.isEmpty else { return packet }
        var generator = SeededGenerator(seed: UInt64(seed) << 32 | UInt64(truncatingIfNeeded: salt))
        if seed & 1 == 1, let mutant = mutate(&generator) { return mutant }
        var bytes = packet
        for _ in 0..<(1 + Int(seed >> 1) % 4) {
            bytes[Int.random(in: 0..<bytes.count, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
        }
        return bytes
    }

    /// The machines' state in a few words, for the built-in engine's features.
    var situation: String {
        (0..<2).map { side in
            guard let machine = session.machine(side) else { return "gone" }
            let association = machine.channels.association
            return "\(machine.connectionState) \(association.state) c\(log.closed[side].count.bucketed) m\(log.messages[side].bucketed) f\(log.frames[side].bucketed)"
        }.joined(separator: " | ")
    }

    /// Timer firings per input, and simulator events per input after the prologue: an event steps a whole
    /// peer connection (0.1–0.5 ms under AddressSanitizer), and a script of long advances ran through
    /// tens of thousands of them, past libFuzzer's 2 s timeout (CI's first campaign of `rtp-through-srtp`).
    static let timerFiringLimit = 1_024
    static let eventLimit = 2_048

    /// Simulated time between the oracles' runs on timer firings.
    static let checkInterval = Duration.seconds(10)
    /// When the oracles last ran on a timer firing.
    var lastTimerCheck: Instant?

    /// Whether the oracles should run on this timer firing. Timers fire thousands of times in a long
    /// `advance`, and reading the machines (a copy of each peer's, a statistics report) on every firing
    /// made such an input a hang under AddressSanitizer (CI's first libFuzzer run of `rtp-through-srtp`),
    /// so firings sample them at most every `checkInterval`; deliveries and calls always run them. Bounds
    /// and monotonic counters are as well checked at samples as at every step.
    mutating func timerCheckDue() -> Bool {
        guard lastTimerCheck.map({ now - $0 >= Self.checkInterval }) ?? true else { return false }
        lastTimerCheck = now
        return true
    }

    /// The oracles read from the machines after every delivery and call, and on sampled timer firings.
    func checkMachines() {
        for side in 0..<2 {
            guard let machine = session.machine(side) else { continue }
            let association = machine.channels.association
            if association.receiveBufferedBytes > association.configuration.receiveBufferSize {
                log.report("peer \(side) holds \(association.receiveBufferedBytes) received bytes, past its \(association.configuration.receiveBufferSize)-byte buffer")
            }
            if association.sendBufferedBytes > association.configuration.sendBufferSize {
                log.report("peer \(side) holds \(association.sendBufferedBytes) bytes to send, past its \(association.configuration.sendBufferSize)-byte buffer")
            }
        }
    }
}

extension Int {
    /// 0, 1, 2–3, 4–7, …: a count coarse enough for a feature.
    var bucketed: Int { self <= 0 ? 0 : Int.bitWidth - leadingZeroBitCount }
}

/// `sctp-through-dtls`: SCTP packets delivered through a connected DTLS endpoint to the association.
struct SCTPThroughDTLSHarness: MachineFuzzHarness {
    static let timerFiringLimit = CrossLayerPeers.timerFiringLimit
    var peers: CrossLayerPeers?
    var trace = MachineTrace()
    var setupProblem: String?

    enum Start: Int, CaseIterable {
        /// One reliable ordered channel, open and idle.
        case open
        /// The same, with messages from peer 0 still in flight.
        case inFlight
        /// A reliable ordered and an unordered unreliable channel, traffic both ways.
        case twoChannels
    }

    init(start: UInt8, planted: Bool) {
        do {
            var peers = try CrossLayerPeers(seed: StableHash.combine(StableHash.offset, [start, 0x5C]))
            let start = Start(rawValue: Int(start) % Start.allCases.count) ?? .open
            trace.record("start \(start)")
            peers.call(.createDataChannel, argument: 0)
            if start == .twoChannels { peers.call(.createDataChannel, argument: 2 | 4 | 8) }
            peers.connect()
            // Through the bypass: the association comes up over fixed-protection records and the channel
            // opens on both sides, or the bypass is broken and every input would test nothing.
            let hosts = peers.session.hosts
            let opened = peers.session.simulator.run(
                until: { simulator in
                    hosts.allSatisfy { host in
                        simulator.machine(host, as: PeerConnectionMachine.self)?.channels.channels.contains { $0.state == .open } == true
                    }
                },
                limit: peers.now + CrossLayerPeers.connectLimit)
            if !opened { peers.log.report("prologue: the channel did not open on both peers through the bypassed DTLS") }
            self.peers = peers
            switch start {
            case .open: break
            case .inFlight:
                // 16, 2400 (three DATA chunks), 4080 and 160 bytes, then 2 ms: not all acknowledged.
                for argument: UInt8 in [1, 150, 255, 10] { call(selector: 0, argument: argument) }
                now = now + .milliseconds(2)
            case .twoChannels:
                for argument: UInt8 in [2, 3, 100, 201, 255] { call(selector: argument & 1, argument: argument) }
                now = now + .milliseconds(30)
            }
        } catch {
            setupProblem = "setup: \(error)"
        }
    }

    var now: Instant {
        get { peers?.now ?? .zero }
        set { peers?.now = newValue }
    }
    var problem: String? { setupProblem ?? peers?.problem }
    var nextDeadline: Instant? { peers?.nextDeadline }
    var situation: String { peers?.situation ?? "none" }

    mutating func fireTimers() {
        if peers?.timerCheckDue() == true { peers?.checkMachines() }
        if let peers { trace.record(peers.session.simulator.traceHash) }
    }

    mutating func deliver(variant: UInt8, seed: UInt8, salt: Int) {
        guard var peers else { return }
        let sender = Int(variant & 1)
        guard let packet = peers.log.sctp[sender].newest(Int(variant >> 1)) else { return }
        let bytes = CrossLayerPeers.mutated(packet, seed: seed, salt: salt) { generator in
            guard var parsed = try? SCTPPacket.parse(packet, checksum: .unverified), SCTPCodec.mutate(&parsed, using: &generator) else { return nil }
            return SCTPCodec.serialize(parsed)
        }
        trace.record(bytes: bytes)
        peers.inject(FixedRecordProtection.seal(bytes, sequenceNumber: UInt64(salt)), from: sender)
        peers.now = peers.now
        peers.checkMachines()
        trace.record(peers.session.simulator.traceHash)
        self.peers = peers
    }

    mutating func deliver(bytes: [UInt8]) {
        guard var peers else { return }
        trace.record(bytes: bytes)
        peers.inject(FixedRecordProtection.seal(bytes, sequenceNumber: 0), from: 0)
        peers.now = peers.now
        peers.checkMachines()
        trace.record(peers.session.simulator.traceHash)
        self.peers = peers
    }

    /// 0: peer 0 sends `argument` × 16 bytes on one of its channels (the argument picks which); 1: peer 1
    /// does on one it was announced; 2: peer 0 opens another channel; 3: peer 0 closes one.
    mutating func call(selector: UInt8, argument: UInt8) {
        guard var peers else { return }
        switch selector % 4 {
        case 0, 1:
            let side = Int(selector % 2)
            let handles = peers.session.machine(side)?.channels.channels.map(\.handle) ?? []
            guard let handle = handles.newest(Int(argument)) else { break }
            let message = DataChannelMessage.binary([UInt8](repeating: argument, count: Int(argument) * 16))
            _ = peers.session.call(side) { machine, now throws(WebRTCError) in try machine.send(message, on: handle, at: now) }
        case 2:
            peers.call(.createDataChannel, argument: argument & 0xFE)
        default:
            guard let handle = peers.session.channels[0].newest(Int(argument)) else { break }
            _ = peers.session.call(0) { machine, now in machine.closeChannel(handle, at: now) }
        }
        peers.checkMachines()
        trace.record("call \(selector % 4) \(argument) \(peers.session.simulator.traceHash)")
        self.peers = peers
    }

    mutating func close() {
        guard var peers else { return }
        _ = peers.session.perform(.close)
        self.peers = peers
    }
}

/// `rtp-through-srtp`: RTP and RTCP delivered through SRTP to the receivers, depacketizers and decoders.
struct RTPThroughSRTPHarness: MachineFuzzHarness {
    static let timerFiringLimit = CrossLayerPeers.timerFiringLimit
    var peers: CrossLayerPeers?
    var trace = MachineTrace()
    var frameNumber: UInt32 = 0
    /// The media each start state negotiates.
    let kinds: [MediaKind]

    /// Small pictures, so that a run encodes and decodes quickly.
    static let pattern = TestPatternSource(width: 96, height: 64)
    /// Frames peer 0 pushes per input at most.
    static let frameLimit: UInt32 = 64
    static let tone = ToneSource(frequency: 440, sampleRate: 48_000, channels: 1)

    init(start: UInt8, planted: Bool) {
        kinds = [[.audio], [.video], [.audio, .video]][Int(start) % 3]
        do {
            var peers = try CrossLayerPeers(seed: StableHash.combine(StableHash.offset, [start, 0x47]))
            trace.record("start \(kinds)")
            for kind in kinds { peers.call(kind == .audio ? .addAudio : .addVideo, argument: 0) }
            peers.connect()
            self.peers = peers
            for _ in 0..<3 { call(selector: 1, argument: 0) }
            // Through the bypass: frames crossed SRTP and were decoded, or every input would test nothing.
            if self.peers?.log.frames[1] == 0 { self.peers?.log.report("prologue: no frame reached peer 1 through the bypassed SRTP") }
        } catch {
            statisticsProblem = "setup: \(error)"
        }
    }

    var now: Instant {
        get { peers?.now ?? .zero }
        set { peers?.now = newValue }
    }
    var problem: String? { peers?.problem ?? statisticsProblem }
    var nextDeadline: Instant? { peers?.nextDeadline }
    var situation: String { peers?.situation ?? "none" }
    /// The last value of each inbound-rtp counter, by statistic id and name.
    var counters: [String: Int] = [:]
    var statisticsProblem: String?

    /// W3C webrtc-stats §4: counters only grow; RFC 3550 §6.4.1: the jitter is finite and not negative.
    static let monotonicCounters = [
        "packetsReceived", "bytesReceived", "framesReceived", "framesDecoded", "keyFramesDecoded", "framesDropped",
        "nackCount", "pliCount", "firCount", "totalSamplesReceived", "concealedSamples",
    ]

    mutating func fireTimers() {
        if peers?.timerCheckDue() == true { check() }
        if let peers { trace.record(peers.session.simulator.traceHash) }
    }

    mutating func check() {
        guard let peers, statisticsProblem == nil else { return }
        peers.checkMachines()
        for side in 0..<2 {
            guard let report = peers.session.machine(side)?.statisticsReport(at: peers.now) else { continue }
            for entry in report.entries(ofType: "inbound-rtp") {
                if case .double(let jitter) = entry.values["jitter"], !jitter.isFinite || jitter < 0 {
                    statisticsProblem = "peer \(side) \(entry.id) jitter is \(jitter)"
                }
                for name in Self.monotonicCounters {
                    guard case .int(let value) = entry.values[name] else { continue }
                    let key = "\(side) \(entry.id) \(name)"
                    if let previous = counters[key], value < previous {
                        statisticsProblem = "peer \(side) \(entry.id) \(name) went from \(previous) to \(value)"
                    }
                    counters[key] = value
                }
            }
        }
    }

    mutating func deliver(variant: UInt8, seed: UInt8, salt: Int) {
        guard var peers else { return }
        let sender = Int(variant & 1)
        guard let packet = peers.log.media[sender].newest(Int(variant >> 1)) else { return }
        let isRTCP = CrossLayerPeers.isRTCP(packet)
        let bytes = CrossLayerPeers.mutated(packet, seed: seed, salt: salt) { generator in
            if isRTCP {
                guard var parsed = try? RTCPCodec.parse(packet), RTCPCodec.mutate(&parsed, using: &generator) else { return nil }
                return RTCPCodec.serialize(parsed)
            }
            guard var parsed = try? RTPCodec.parse(packet), RTPCodec.mutate(&parsed, using: &generator) else { return nil }
            return RTPCodec.serialize(parsed)
        }
        inject(bytes, rtcp: isRTCP, from: sender, &peers)
        self.peers = peers
        check()
    }

    mutating func deliver(bytes: [UInt8]) {
        guard var peers else { return }
        inject(bytes, rtcp: CrossLayerPeers.isRTCP(bytes), from: 0, &peers)
        self.peers = peers
        check()
    }

    /// `packet` with the fixed SRTP trailer (zero SRTCP index word with E set, zero tag), delivered.
    mutating func inject(_ packet: [UInt8], rtcp: Bool, from sender: Int, _ peers: inout CrossLayerPeers) {
        let profile = CrossLayerPeers.profile
        let trailer = rtcp ? [0x80, 0, 0, 0] + [UInt8](repeating: 0, count: profile.rtcpTagLength) : [UInt8](repeating: 0, count: profile.rtpTagLength)
        peers.inject(packet + trailer, from: sender)
        peers.now = peers.now
        trace.record(bytes: packet)
    }

    /// 0: peer 0 pushes a frame of each track (the encoder picks key frames); 1: the same, then 20–275 ms
    /// pass.
    mutating func call(selector: UInt8, argument: UInt8) {
        // Encoding is the costly part of a push (VP8 under AddressSanitizer): a bounded number per input.
        guard var peers, frameNumber < Self.frameLimit else { return }
        frameNumber += 1
        for kind in kinds {
            let frame: PushedFrame = kind == .audio
                ? .audio(Self.tone.frame(number: Int(frameNumber)))
                : .video(Self.pattern.frame(number: frameNumber))
            let trackID = kind == .audio ? "audio0" : "video0"
            _ = peers.session.call(0) { machine, now in machine.pushFrame(frame, trackID: trackID, at: now) }
        }
        if selector % 2 == 1 { peers.now = peers.now + .milliseconds(20 + Int64(argument)) }
        trace.record("call \(selector % 2) \(argument) \(peers.session.simulator.traceHash)")
        self.peers = peers
        check()
    }

    mutating func close() {
        guard var peers else { return }
        _ = peers.session.perform(.close)
        self.peers = peers
    }
}
#endif
