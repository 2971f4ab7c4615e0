public import Fuzzing
import SCTP
import SansIO
import Wire

/// Fuzz target `sctp-association`: the SCTP association machine (RFC 9260) driven by a
/// ``Fuzzing/MachineScript``, in the shape of dcSCTP's socket fuzzer. Two associations run: ours, under
/// test, and a peer the harness drives honestly; the script decides which packets reach ours, in what
/// order, changed how, and what each application asks.
///
/// Start states (the script's first byte, modulo 6), each reached by a scripted prologue:
/// 0. listening: ours closed, the peer's INIT waiting for it;
/// 1. connecting: ours sent INIT (COOKIE-WAIT), the peer not yet reached;
/// 2. established and idle;
/// 3. established with data in flight both ways (ordered streams 0, 1, 7, unordered stream 3), nothing
///    delivered yet;
/// 4. mid-shutdown: data in flight and ours asked to SHUTDOWN (SHUTDOWN-PENDING);
/// 5. after stream resets: the peer reset streams 2 and 7, ours stream 1, and new data follows on 7.
///
/// Actions: `deliver` (variant & 15: 0 the peer's next packet to ours, 1 ours's next packet to the
/// peer, 2 and 12–15 both ways until quiet, 3 drop the peer's next packet, 4 replay one of the peer's
/// recent packets, 5 reflect one of ours's recent packets back to it, 6–11 a DATA, SACK, FORWARD TSN,
/// RE-CONFIG, HEARTBEAT or INIT / ABORT / SHUTDOWN / COOKIE ECHO built from the wire model with
/// variant >> 4 picking stream and flavour; a non-zero seed runs `SCTPCodec.mutate` over the packet and
/// repairs its CRC-32c), `deliverBytes`, `fireTimer`, `advance`, `call` (selector % 8: the peer or ours
/// sends on stream `argument & 7` ordered or unordered, of a size from `argument >> 4`; ours or the
/// peer resets that stream; the peer sends with partial reliability; SHUTDOWN or ABORT on either side)
/// and `close` (ours SHUTDOWN).
///
/// Oracles besides not trapping: the cumulative TSN ack ours sends (SACK, SHUTDOWN) never goes back
/// (RFC 9260 §6.2); on each ordered stream no forged or mutated packet touched, the delivered messages
/// are a subsequence, in order, of those the peer sent on it, with the U flag they were sent with
/// (§6.6); every delivered message fits `maxMessageSize`; nothing is delivered after ours closed or
/// aborted; the receive buffer stays within `receiveBufferSize + maxMessageSize` and the send buffer
/// within `sendBufferSize`; packets with DATA fit `maxPacketSize`; a fired timer is not due again at
/// once (a driver would spin).
public enum SCTPAssociationFuzzTarget {
    public static let name = "sctp-association"
    public static let plantedName = "planted-sctp-association"

    /// The number of start states.
    public static let startStates = 6

    public static var target: FuzzTarget { makeTarget(name: name, planted: false) }

    /// The self-test: the same harness with a bug planted in its view of FORWARD TSN after a stream
    /// reset (see ``plantedDetail``). Never part of `all`.
    public static var plantedTarget: FuzzTarget { makeTarget(name: plantedName, planted: true) }

    /// The planted finding's detail, which the self-test looks for.
    public static let plantedDetail = "planted bug: stream 7 delivered after a FORWARD TSN skipped it past its reset"

    static func makeTarget(name: String, planted: Bool) -> FuzzTarget {
        SCTPAssociationHarness.target(
            name: name, corpusName: Self.name, planted: planted,
            dictionary: [[0x00, 0x02, 0x00], [0x00, 0x00, 0x00], [0x00, 0x06, 0x00], [0x00, 0x08, 0x00], [0x04, 0x00, 0x10], [0x02], [0x03, 0x00, 0xC8]],
            randomAction: randomAction)
    }

    /// Runs one input: nil when every oracle held, else the finding.
    public static func check(_ input: [UInt8], planted: Bool = false) -> String? {
        SCTPAssociationHarness.run(input, planted: planted).finding
    }

    /// The trace of one input: what both machines emitted and ours's state after each action. Two runs
    /// of the same input give the same trace (the machines draw randomness only from seeded generators).
    public static func trace(_ input: [UInt8], planted: Bool = false) -> MachineTrace {
        SCTPAssociationHarness.run(input, planted: planted).trace
    }

    /// Ours's state after the prologue of `start`, for the tests that show each start state is reached:
    /// the RFC 9260 §4 state, the packets waiting each way, ours's send buffer and the streams the peer
    /// reset.
    public static func startState(_ start: UInt8) -> String {
        var harness = SCTPAssociationHarness(planted: false)
        harness.prologue(start)
        return "\(harness.ours.state) toOurs \(harness.toOurs.count) toPeer \(harness.toPeer.count) tx \(harness.ours.sendBufferedBytes) reset \(harness.incomingResets.sorted())"
    }

    /// A meaningful script: mostly deliveries that let the conversation progress, sends on both sides,
    /// timers and time, with now and then a loss, a replay, a reflection, a built chunk, a mutation, a
    /// reset or a close. Seeds and the unit tests use it.
    public static func randomScript(using generator: inout some RandomNumberGenerator) -> [UInt8] {
        SCTPAssociationHarness.randomScript(startStates: startStates, using: &generator, randomAction: randomAction)
    }

    @Sendable
    static func randomAction(_ generator: inout SeededGenerator) -> MachineScript.Action {
        switch generator.below(20) {
        case 0..<7: .deliver(variant: UInt8(generator.element(of: [0, 1, 2, 2, 2, 3, 4, 5]) ?? 2), seed: 0)
        case 7..<9: .deliver(variant: UInt8(6 + generator.below(6)) | generator.byte() & 0xF0, seed: generator.chance(3) ? generator.byte() : 0)
        case 9: .deliver(variant: generator.byte(), seed: generator.byte())
        case 10..<15: .call(selector: UInt8(generator.below(8)), argument: generator.byte())
        case 15, 16: .fireTimer
        case 17, 18: .advance(milliseconds: UInt16(generator.below(3000)))
        default: generator.chance(4) ? .close : .deliverBytes((0..<generator.below(40)).map { _ in generator.byte() })
        }
    }
}

/// One run of the `sctp-association` target.
struct SCTPAssociationHarness: ScriptedMachinePair, MachineHarness {
    /// Small limits, so short scripts reach the bounds (RFC 9260 §6.2 buffer, max-message-size).
    static let configuration: SCTPAssociationConfiguration = {
        var configuration = SCTPAssociationConfiguration()
        configuration.outboundStreams = 16
        configuration.inboundStreams = 16
        configuration.maxMessageSize = 8 * 1024
        configuration.receiveBufferSize = 32 * 1024
        configuration.maxHeldChunks = 64
        configuration.sendBufferSize = 64 * 1024
        return configuration
    }()

    /// The peer may send larger messages than ours accepts, so the reassembly bound is reached.
    static let peerConfiguration: SCTPAssociationConfiguration = {
        var configuration = SCTPAssociationHarness.configuration
        configuration.maxMessageSize = 16 * 1024
        return configuration
    }()

    let planted: Bool
    var ours = SCTPAssociation(configuration: SCTPAssociationHarness.configuration, generator: SeededGenerator(seed: 0x5C7B_0001))
    var peer = SCTPAssociation(configuration: SCTPAssociationHarness.peerConfiguration, generator: SeededGenerator(seed: 0x5C7B_0002))
    var now = Instant.zero
    var toOurs: [[UInt8]] = []
    var toPeer: [[UInt8]] = []
    var recentFromPeer: [[UInt8]] = []
    var recentFromOurs: [[UInt8]] = []
    var wire = SCTPWireModel()
    var ledger = DeliveryLedger()
    /// Streams a packet that was not the honest peer's touched; nil: all of them.
    var tainted: Set<UInt16>? = []
    var highestAck: UInt32?
    /// Streams ours reported the peer reset (RFC 6525 §5.2.2).
    var incomingResets: Set<UInt16> = []
    var ended = false
    var finding: String?
    var trace = MachineTrace()
    var features = MachineFeatures()
    /// The planted bug's progress: 1 once ours reported the incoming reset of stream 7, 2 once a
    /// FORWARD TSN naming stream 7 reached it after that.
    var plantedStage = 0

    init(planted: Bool) { self.planted = planted }

    var oursDeadline: Instant? { ours.nextDeadline }
    var peerDeadline: Instant? { peer.nextDeadline }

    mutating func run(_ script: MachineScript) -> MachineRun {
        prologue(script.start)
        features.note("start \(script.start % UInt8(SCTPAssociationFuzzTarget.startStates)) \(ours.state)")
        for (index, action) in script.actions.enumerated() where finding == nil {
            perform(action, index: index)
            trace.record("after \(actionKind(action)): \(ours.state) rx \(ours.receiveBufferedBytes) tx \(ours.sendBufferedBytes)")
            features.note("\(actionKind(action)) -> \(ours.state) \(plantedStage)")
        }
        return MachineRun(finding: finding, trace: trace, features: features.sorted)
    }

    // MARK: Start states

    mutating func prologue(_ start: UInt8) {
        switch start % UInt8(SCTPAssociationFuzzTarget.startStates) {
        case 0:
            peer.handle(.connect, at: now)
            drain()
        case 1:
            ours.handle(.connect, at: now)
            drain()
        default:
            ours.handle(.connect, at: now)
            drain()
            exchange()
            switch start % UInt8(SCTPAssociationFuzzTarget.startStates) {
            case 3:
                sendInFlight()
            case 4:
                sendInFlight()
                ours.handle(.shutdown, at: now)
                drain()
            case 5:
                for stream: UInt16 in [2, 7] { peerSend(stream: stream, size: 40, ordered: true) }
                exchange()
                peer.handle(.resetStreams([2, 7]), at: now)
                ours.handle(.resetStreams([1]), at: now)
                drain()
                exchange()
                peerSend(stream: 7, size: 300, ordered: true)
                peerSend(stream: 7, size: 9, ordered: false)
            default: break
            }
        }
    }

    /// Messages queued on both sides and put on the wire, none delivered.
    mutating func sendInFlight() {
        for (stream, size) in [(UInt16(0), 40), (1, 2500), (7, 9), (0, 300)] { peerSend(stream: stream, size: size, ordered: true) }
        peerSend(stream: 3, size: 1133, ordered: false)
        for (stream, size) in [(UInt16(0), 300), (5, 40)] { oursSend(stream: stream, size: size, ordered: true) }
        oursSend(stream: 3, size: 9, ordered: false)
    }

    // MARK: Actions

    mutating func perform(_ action: MachineScript.Action, index: Int) {
        switch action {
        case .deliver(let variant, let seed): deliver(variant: variant, seed: seed, index: index)
        case .deliverBytes(let bytes): deliverToOurs(bytes, honest: false)
        case .fireTimer: fireNextTimer()
        case .advance(let milliseconds): advance(milliseconds: milliseconds)
        case .call(let selector, let argument): call(selector, argument)
        case .close:
            ours.handle(.shutdown, at: now)
            drain()
        }
    }

    mutating func call(_ selector: UInt8, _ argument: UInt8) {
        let stream = UInt16(argument & 0x07)
        let size = scriptMessageSize(argument)
        switch selector % 8 {
        case 0: peerSend(stream: stream, size: size, ordered: true)
        case 1: peerSend(stream: stream, size: size, ordered: false)
        case 2: oursSend(stream: stream, size: size, ordered: true)
        case 3: oursSend(stream: stream, size: size, ordered: false)
        case 4:
            ours.handle(.resetStreams([stream]), at: now)
            drain()
        case 5:
            peer.handle(.resetStreams([stream]), at: now)
            drain()
        case 6:
            // RFC 3758: a message given up after no retransmission (or a short lifetime), so a loss
            // makes the honest peer send FORWARD TSN.
            let reliability: SCTPReliability = argument & 0x08 == 0 ? .maxRetransmits(0) : .lifetime(.milliseconds(100))
            peerSend(stream: stream, size: size, ordered: true, reliability: reliability)
        default:
            let inputs: [(side: Int, input: SCTPAssociationInput)] = [(0, .abort), (1, .shutdown), (1, .abort), (0, .shutdown)]
            let chosen = inputs[Int(argument & 0x03)]
            if chosen.side == 0 { ours.handle(chosen.input, at: now) } else { peer.handle(chosen.input, at: now) }
            drain()
        }
    }

    mutating func peerSend(stream: UInt16, size: Int, ordered: Bool, reliability: SCTPReliability = .reliable) {
        let bytes = ledger.next(source: stream, size: size)
        do throws(SCTPAssociationError) {
            try peer.send(SCTPMessage(stream: stream, payloadProtocol: .binary, bytes: bytes, ordered: ordered, reliability: reliability), at: now)
            ledger.commit(source: stream, bytes: bytes, ordered: ordered)
            trace.record("peer sent \(bytes.count) on \(stream)")
        } catch {
            trace.record("peer send failed: \(error)")
        }
        // Calling it early is harmless (the Machine contract): it bundles what `send` queued.
        peer.handleTimeout(at: now)
        drain()
    }

    mutating func oursSend(stream: UInt16, size: Int, ordered: Bool) {
        let bytes = TracedPayload.make(source: 0xFFFF, index: 0, size: size)
        ours.handle(.send(SCTPMessage(stream: stream, payloadProtocol: .binary, bytes: bytes, ordered: ordered)), at: now)
        drain()
    }

    // MARK: Network and time

    mutating func deliverToOurs(_ bytes: [UInt8], honest: Bool) {
        if !honest { taint(with: bytes) }
        if planted, plantedStage == 1, let packet = SCTPWireModel.parse(bytes),
            packet.chunks.contains(where: { if case .forwardTSN(let chunk) = $0 { chunk.streams.contains { $0.identifier == 7 } } else { false } })
        {
            plantedStage = 2
        }
        trace.record(bytes: bytes)
        ours.handle(.received(bytes), at: now)
        drain()
    }

    mutating func deliverToPeer(_ bytes: [UInt8]) {
        peer.handle(.received(bytes), at: now)
        drain()
    }

    mutating func fireBoth() {
        ours.handleTimeout(at: now)
        peer.handleTimeout(at: now)
        drain()
    }

    // MARK: Outputs and oracles

    mutating func drain() {
        while let output = ours.poll() { take(output) }
        while let output = peer.poll() {
            if case .transmit(let bytes) = output {
                wire.observe(fromPeer: bytes)
                toOurs.append(bytes)
                remember(bytes, in: &recentFromPeer)
                trace.record(bytes: bytes)
            } else {
                trace.record("peer \(output)")
            }
        }
        checkBounds()
    }

    mutating func take(_ output: SCTPAssociationOutput) {
        switch output {
        case .transmit(let bytes):
            trace.record(bytes: bytes)
            wire.observe(fromMachine: bytes)
            toPeer.append(bytes)
            remember(bytes, in: &recentFromOurs)
            checkSent(bytes)
            return
        case .message(let message):
            trace.record("message \(message.stream) \(message.ordered) \(message.bytes.count) \(StableHash.of(String(decoding: message.bytes, as: UTF8.self)))")
            checkDelivered(message)
        case .closed, .aborted:
            trace.record("ours \(output)")
            ended = true
        case .streamsReset(.incoming, let streams):
            trace.record("ours \(output)")
            incomingResets.formUnion(streams)
            if planted, plantedStage == 0, streams.isEmpty || streams.contains(7) { plantedStage = 1 }
        case .bufferedAmount(let stream, let bytes):
            trace.record("ours \(output)")
            if bytes < 0 || bytes > SCTPAssociationHarness.configuration.sendBufferSize {
                report("bufferedAmount \(bytes) on stream \(stream) outside 0...sendBufferSize")
            }
        default:
            trace.record("ours \(output)")
        }
        features.note("output \(outputKind(output))")
    }

    func outputKind(_ output: SCTPAssociationOutput) -> String {
        switch output {
        case .transmit: "transmit"
        case .established: "established"
        case .message(let message): "message \(message.ordered)"
        case .streamsReset(let direction, _): "reset \(direction)"
        case .bufferedAmount: "buffered"
        case .closed: "closed"
        case .aborted(let reason): "aborted \(String(describing: reason).prefix(24))"
        case .failed(let error): "failed \(String(describing: error).prefix(20))"
        }
    }

    /// RFC 9260 §6.2: the Cumulative TSN Ack ours reports never goes back; §6.10: bundles fit the MTU.
    mutating func checkSent(_ bytes: [UInt8]) {
        guard let packet = SCTPWireModel.parse(bytes) else {
            report("ours sent \(bytes.count) bytes that do not parse as SCTP")
            return
        }
        var hasData = false
        for chunk in packet.chunks {
            let ack: UInt32
            switch chunk {
            case .selectiveAck(let sack): ack = sack.cumulativeTSNAck
            case .shutdown(let shutdown): ack = shutdown.cumulativeTSNAck
            case .data:
                hasData = true
                continue
            default: continue
            }
            if let highest = highestAck, !tsnAtOrAfter(ack, highest) {
                report("cumulative TSN ack went back from \(highest) to \(ack)")
            }
            highestAck = ack
        }
        if hasData, bytes.count > SCTPAssociationHarness.configuration.maxPacketSize {
            report("a packet with DATA of \(bytes.count) bytes exceeds maxPacketSize")
        }
    }

    mutating func checkDelivered(_ message: SCTPReceivedMessage) {
        if ended { report("a message delivered after ours closed or aborted") }
        if message.bytes.count > SCTPAssociationHarness.configuration.maxMessageSize {
            report("a message of \(message.bytes.count) bytes exceeds maxMessageSize")
        }
        if planted, plantedStage == 2, message.stream == 7 { report(SCTPAssociationFuzzTarget.plantedDetail) }
        guard let tainted, !tainted.contains(message.stream) else { return }
        if let problem = ledger.deliver(message.bytes, key: Int(message.stream), accepts: { $0 == message.stream }) {
            report("stream \(message.stream): \(problem)")
        } else if ledger.wasSentOrdered(source: message.stream, bytes: message.bytes) != message.ordered {
            report("stream \(message.stream): a message sent \(message.ordered ? "unordered" : "ordered") delivered otherwise")
        }
    }

    mutating func checkBounds() {
        let configuration = SCTPAssociationHarness.configuration
        if ours.receiveBufferedBytes > configuration.receiveBufferSize + configuration.maxMessageSize || ours.receiveBufferedBytes < 0 {
            report("receive buffer holds \(ours.receiveBufferedBytes) bytes, beyond receiveBufferSize + maxMessageSize")
        }
        if ours.sendBufferedBytes > configuration.sendBufferSize || ours.sendBufferedBytes < 0 {
            report("send buffer holds \(ours.sendBufferedBytes) bytes, beyond sendBufferSize")
        }
    }
}
