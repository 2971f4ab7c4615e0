import DataChannels
public import Fuzzing
import SCTP
import SansIO
import Wire

/// Fuzz target `data-channels`: the data-channel machine (RFC 8831, DCEP of RFC 8832) over its SCTP
/// association, driven by a ``Fuzzing/MachineScript``. Ours (the DTLS client, even stream ids) is under
/// test; the peer (odd ids) is driven honestly; the script decides what reaches ours and what each side
/// asks.
///
/// Start states (the first byte, modulo 5), each reached by a scripted prologue:
/// 0. no channel: the association established, no channel yet;
/// 1. channels opening: each side created an in-band channel, both DATA_CHANNEL_OPENs on the wire;
/// 2. channels open with data in flight: ours's ordered reliable channel, the peer's ordered reliable
///    and unordered partially reliable ones, one negotiated on id 10, messages queued both ways;
/// 3. closing: as 2 with the data delivered, then the peer closes one channel and ours another;
/// 4. before start: channels created and a message held on each side, DTLS not yet up (no parity).
///
/// Actions: `deliver` as in `sctp-association` (variant & 15: the peer's next packet, ours's next to
/// the peer, both ways until quiet, drop, replay, reflect, a built DATA carrying DCEP OPEN / ACK or
/// bytes, SACK, FORWARD TSN, RE-CONFIG, HEARTBEAT or control chunk; a non-zero seed mutates with
/// `SCTPCodec.mutate` and repairs the CRC-32c), `deliverBytes`, `fireTimer`, `advance`, `call`
/// (selector % 10: create an in-band channel on ours or the peer with options from the argument, a
/// negotiated pair, send on ours's or the peer's channel, close either, start, SHUTDOWN / ABORT either,
/// send on a handle that may be closed) and `close` (ours SHUTDOWN).
///
/// Oracles besides not trapping: a channel delivers nothing once it is closing or closed, and nothing is
/// delivered after the association ended (W3C "closing procedure", RFC 8831 §6.7); on channels whose
/// stream no forged or mutated packet touched, every message is one the peer sent on its channel of the
/// same stream, and an ordered channel delivers them in the order sent (RFC 8831 §6.6); DCEP stream
/// parity: a channel the peer opened in-band has an id of its parity, one ours opened in-band one of
/// ours (RFC 8832 §6); no two live channels share a stream; bufferedAmounts stay within
/// `sendBufferSize` and the receive buffer within `receiveBufferSize + maxMessageSize`.
public enum DataChannelsFuzzTarget {
    public static let name = "data-channels"
    public static let plantedName = "planted-data-channels"
    public static let startStates = 5

    public static var target: FuzzTarget { makeTarget(name: name, planted: false) }

    /// The self-test: the same harness with a bug planted in its view of closed channels (see
    /// ``plantedDetail``). Never part of `all`.
    public static var plantedTarget: FuzzTarget { makeTarget(name: plantedName, planted: true) }

    /// The planted finding's detail. The bug: the harness's view keys closed channels by stream and,
    /// for a channel the peer closed, never forgets the stream, so a new channel the peer opens on the
    /// reused id looks like the closed one delivering.
    public static let plantedDetail = "planted bug: a channel closed by the peer delivered on its reused stream"

    static func makeTarget(name: String, planted: Bool) -> FuzzTarget {
        DataChannelsHarness.target(
            name: name, corpusName: Self.name, planted: planted,
            dictionary: [[0x00, 0x02, 0x00], [0x04, 0x06, 0x00], [0x04, 0x01, 0x00], [0x04, 0x04, 0x00], [0x02]],
            randomAction: randomAction)
    }

    /// Runs one input: nil when every oracle held, else the finding.
    public static func check(_ input: [UInt8], planted: Bool = false) -> String? {
        DataChannelsHarness.run(input, planted: planted).finding
    }

    /// The trace of one input; two runs of the same input give the same trace.
    public static func trace(_ input: [UInt8], planted: Bool = false) -> MachineTrace {
        DataChannelsHarness.run(input, planted: planted).trace
    }

    /// Ours's association state and channel states after the prologue of `start`, for the tests.
    public static func startState(_ start: UInt8) -> String {
        var harness = DataChannelsHarness(planted: false)
        harness.prologue(start)
        return "\(harness.ours.association.state) [\(harness.ours.channels.map { "\($0.state)" }.joined(separator: ", "))]"
    }

    /// A meaningful script: deliveries, channel creation, sends and closes on both sides, timers, with
    /// now and then a loss, a forged or mutated packet, a shutdown.
    public static func randomScript(using generator: inout some RandomNumberGenerator) -> [UInt8] {
        DataChannelsHarness.randomScript(startStates: startStates, using: &generator, randomAction: randomAction)
    }

    @Sendable
    static func randomAction(_ generator: inout SeededGenerator) -> MachineScript.Action {
        switch generator.below(20) {
        case 0..<7: .deliver(variant: UInt8(generator.element(of: [0, 1, 2, 2, 2, 3, 4, 5]) ?? 2), seed: 0)
        case 7, 8: .deliver(variant: UInt8(6 + generator.below(6)) | generator.byte() & 0xF0, seed: generator.chance(3) ? generator.byte() : 0)
        case 9..<16: .call(selector: UInt8(generator.below(10)), argument: generator.byte())
        case 16: .fireTimer
        case 17, 18: .advance(milliseconds: UInt16(generator.below(3000)))
        default: generator.chance(3) ? .close : .deliver(variant: generator.byte(), seed: generator.byte())
        }
    }
}

/// One run of the `data-channels` target.
struct DataChannelsHarness: ScriptedMachinePair, MachineHarness {
    static let configuration: DataChannelConfiguration = {
        var association = SCTPAssociationHarness.configuration
        association.maxMessageSize = 8 * 1024
        return DataChannelConfiguration(association: association)
    }()

    let planted: Bool
    var ours = DataChannelMachine(configuration: DataChannelsHarness.configuration, generator: SeededGenerator(seed: 0xDC_0001))
    var peer = DataChannelMachine(configuration: DataChannelsHarness.configuration, generator: SeededGenerator(seed: 0xDC_0002))
    var now = Instant.zero
    var toOurs: [[UInt8]] = []
    var toPeer: [[UInt8]] = []
    var recentFromPeer: [[UInt8]] = []
    var recentFromOurs: [[UInt8]] = []
    var wire = SCTPWireModel()
    var ledger = DeliveryLedger()
    var tainted: Set<UInt16>? = []
    /// Ours's channels it opened in-band itself (their ids must be even, RFC 8832 §6).
    var oursInBand: Set<DataChannelHandle> = []
    /// Channels ours reported closing or closed: they must deliver nothing more.
    var oursEnded: Set<DataChannelHandle> = []
    /// Channels the harness asked ours to close (the others closed because the peer reset them).
    var oursAskedToClose: Set<DataChannelHandle> = []
    var oursStreams: [DataChannelHandle: UInt16] = [:]
    var peerStreams: [UInt16: UInt16] = [:]
    var associationEnded = false
    var plantedClosedStreams: Set<UInt16> = []
    var finding: String?
    var trace = MachineTrace()
    var features = MachineFeatures()

    init(planted: Bool) { self.planted = planted }

    var oursDeadline: Instant? { ours.nextDeadline }
    var peerDeadline: Instant? { peer.nextDeadline }

    mutating func run(_ script: MachineScript) -> MachineRun {
        prologue(script.start)
        features.note("start \(script.start % UInt8(DataChannelsFuzzTarget.startStates))")
        for (index, action) in script.actions.enumerated() where finding == nil {
            perform(action, index: index)
            let states = ours.channels.map { "\($0.handle.rawValue):\($0.stream.map(String.init) ?? "-"):\($0.state)" }
            trace.record("after \(actionKind(action)): \(ours.association.state) \(states)")
            features.note("\(actionKind(action)) -> \(ours.association.state) \(Set(ours.channels.map { "\($0.state)" }).sorted())")
        }
        return MachineRun(finding: finding, trace: trace, features: features.sorted)
    }

    // MARK: Start states

    mutating func prologue(_ start: UInt8) {
        let state = start % UInt8(DataChannelsFuzzTarget.startStates)
        if state == 4 {
            oursCreate(label: "early", options: DataChannelOptions())
            peerCreate(label: "early", options: .with { $0.ordered = false })
            if let handle = ours.channels.first?.handle { oursSend(on: handle, size: 40) }
            if let handle = peer.channels.first?.handle { peerSend(on: handle, size: 40, text: false) }
            return
        }
        startBoth()
        exchange()
        switch state {
        case 1:
            oursCreate(label: "opening", options: DataChannelOptions())
            peerCreate(label: "opening", options: DataChannelOptions())
        case 2, 3:
            oursCreate(label: "a", options: DataChannelOptions())
            peerCreate(label: "b", options: DataChannelOptions())
            peerCreate(label: "c", options: .with { $0.ordered = false; $0.maxRetransmits = 0 })
            negotiate(id: 10)
            exchange()
            for channel in peer.channels { peerSend(on: channel.handle, size: 300, text: false) }
            for channel in ours.channels { oursSend(on: channel.handle, size: 40) }
            guard state == 3 else { break }
            exchange()
            if let handle = peer.channels.first(where: { $0.label == "b" })?.handle { peerClose(handle) }
            if let handle = ours.channels.first(where: { $0.label == "a" })?.handle { oursClose(handle) }
        default: break
        }
    }

    mutating func startBoth() {
        ours.handle(.start(.even), at: now)
        peer.handle(.start(.odd), at: now)
        drain()
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

    /// Options an argument byte picks: ordered or not, reliable, no retransmission, or a 50 ms lifetime.
    static func options(_ argument: UInt8) -> DataChannelOptions {
        .with { options in
            options.ordered = argument & 0x01 == 0
            switch argument >> 1 & 0x03 {
            case 1: options.maxRetransmits = 0
            case 2: options.maxPacketLifeTime = .milliseconds(50)
            default: break
            }
        }
    }

    /// The channel an argument picks: `argument & 3` counts back from the newest, so the channel just
    /// opened is the likeliest to be used.
    static func pick(_ channels: [DataChannelInfo], _ argument: UInt8) -> DataChannelHandle? {
        channels.isEmpty ? nil : channels[channels.count - 1 - Int(argument & 0x03) % channels.count].handle
    }

    mutating func call(_ selector: UInt8, _ argument: UInt8) {
        switch selector % 10 {
        case 0: oursCreate(label: "o\(argument)", options: Self.options(argument))
        case 1: peerCreate(label: "p\(argument)", options: Self.options(argument))
        case 2: negotiate(id: UInt16(argument & 0x0F))
        case 3:
            if let handle = Self.pick(ours.channels, argument) { oursSend(on: handle, size: scriptMessageSize(argument)) }
        case 4:
            if let handle = Self.pick(peer.channels, argument) { peerSend(on: handle, size: scriptMessageSize(argument), text: argument & 0x08 != 0) }
        case 5:
            if let handle = Self.pick(ours.channels, argument) { oursClose(handle) }
        case 6:
            if let handle = Self.pick(peer.channels, argument) { peerClose(handle) }
        case 7: startBoth()
        case 8:
            let inputs: [(side: Int, input: DataChannelInput)] = [(0, .shutdown), (0, .abort), (1, .shutdown), (1, .abort)]
            let chosen = inputs[Int(argument & 0x03)]
            if chosen.side == 0 { ours.handle(chosen.input, at: now) } else { peer.handle(chosen.input, at: now) }
            drain()
        default:
            // A handle that may be closed or was never given out: a typed error, never a trap.
            ours.handle(.send(DataChannelHandle(rawValue: Int(argument & 0x0F)), .binary([argument])), at: now)
            drain()
        }
    }

    mutating func oursCreate(label: String, options: DataChannelOptions) {
        do throws(DataChannelError) {
            let handle = try ours.createChannel(label: label, options: options, at: now)
            if !options.negotiated { oursInBand.insert(handle) }
            trace.record("ours created \(handle)")
        } catch {
            trace.record("ours create failed: \(error)")
        }
        drain()
    }

    mutating func peerCreate(label: String, options: DataChannelOptions) {
        do throws(DataChannelError) {
            let handle = try peer.createChannel(label: label, options: options, at: now)
            trace.record("peer created \(handle)")
        } catch {
            trace.record("peer create failed: \(error)")
        }
        drain()
    }

    /// RFC 8831 §6.5: both sides create the channel with the same id, no DCEP.
    mutating func negotiate(id: UInt16) {
        let options = DataChannelOptions.with {
            $0.negotiated = true
            $0.id = id
        }
        oursCreate(label: "n\(id)", options: options)
        peerCreate(label: "n\(id)", options: options)
    }

    mutating func oursSend(on handle: DataChannelHandle, size: Int) {
        ours.handle(.send(handle, .binary(TracedPayload.make(source: 0xFFFF, index: 0, size: size))), at: now)
        drain()
    }

    mutating func peerSend(on handle: DataChannelHandle, size: Int, text: Bool) {
        let source = UInt16(truncatingIfNeeded: handle.rawValue)
        let bytes = ledger.next(source: source, size: size)
        let message: DataChannelMessage = text ? .text(String(repeating: "t", count: size)) : .binary(bytes)
        do throws(DataChannelError) {
            try peer.send(message, on: handle, at: now)
            if !text { ledger.commit(source: source, bytes: bytes, ordered: peer.channel(handle)?.options.ordered ?? true) }
            trace.record("peer sent \(size) on \(handle)")
        } catch {
            trace.record("peer send failed: \(error)")
        }
        drain()
    }

    mutating func oursClose(_ handle: DataChannelHandle) {
        oursAskedToClose.insert(handle)
        ours.handle(.close(handle), at: now)
        drain()
    }

    mutating func peerClose(_ handle: DataChannelHandle) {
        peer.handle(.close(handle), at: now)
        drain()
    }

    // MARK: Network and time

    mutating func deliverToOurs(_ bytes: [UInt8], honest: Bool) {
        if !honest { taint(with: bytes) }
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
        for channel in ours.channels { if let stream = channel.stream { oursStreams[channel.handle] = stream } }
        for channel in peer.channels { if let stream = channel.stream { peerStreams[UInt16(truncatingIfNeeded: channel.handle.rawValue)] = stream } }
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
        checkTables()
    }

    mutating func take(_ output: DataChannelOutput) {
        switch output {
        case .transmit(let bytes):
            trace.record(bytes: bytes)
            wire.observe(fromMachine: bytes)
            toPeer.append(bytes)
            remember(bytes, in: &recentFromOurs)
            features.note("output transmit")
            return
        case .message(let handle, let message):
            trace.record("message \(handle) \(message.byteCount)")
            checkDelivered(message, on: handle)
        case .announced(let info):
            trace.record("ours \(output)")
            if let stream = info.stream {
                oursStreams[info.handle] = stream
                // RFC 8832 §6: the peer (DTLS server) opens on odd ids only.
                if DataChannelStreamParity.even.owns(stream) { report("the peer's in-band channel was announced on our stream \(stream)") }
            }
        case .closing(let handle), .closed(let handle):
            trace.record("ours \(output)")
            if planted, !oursAskedToClose.contains(handle), !oursEnded.contains(handle), let stream = oursStreams[handle] {
                plantedClosedStreams.insert(stream)
            }
            oursEnded.insert(handle)
        case .associationClosed, .associationFailed:
            trace.record("ours \(output)")
            associationEnded = true
        default:
            trace.record("ours \(output)")
        }
        features.note("output \(String(describing: output).prefix(while: { $0 != "(" }))")
    }

    mutating func checkDelivered(_ message: DataChannelMessage, on handle: DataChannelHandle) {
        if oursEnded.contains(handle) { report("\(handle) delivered a message after it was closing or closed") }
        if associationEnded { report("\(handle) delivered a message after the association ended") }
        guard let stream = oursStreams[handle] else { return }
        if planted, plantedClosedStreams.contains(stream) { report(DataChannelsFuzzTarget.plantedDetail) }
        guard case .binary(let bytes) = message, !bytes.isEmpty, let tainted, !tainted.contains(stream) else { return }
        let peerStreams = self.peerStreams
        if let problem = ledger.deliver(bytes, key: handle.rawValue, accepts: { peerStreams[$0] == stream }) {
            report("\(handle) on stream \(stream): \(problem)")
        }
    }

    /// RFC 8832 §6 parity, one channel per stream, and the buffers within their configured bounds.
    mutating func checkTables() {
        var streams: Set<UInt16> = []
        var buffered = 0
        for channel in ours.channels {
            buffered += ours.bufferedAmount(channel.handle)
            guard let stream = channel.stream else { continue }
            if !streams.insert(stream).inserted { report("two live channels on stream \(stream)") }
            if oursInBand.contains(channel.handle), !DataChannelStreamParity.even.owns(stream) {
                report("ours's in-band \(channel.handle) got odd stream \(stream)")
            }
        }
        let association = DataChannelsHarness.configuration.association
        if buffered > association.sendBufferSize { report("bufferedAmounts total \(buffered), beyond sendBufferSize") }
        let received = ours.association.receiveBufferedBytes
        if received > association.receiveBufferSize + association.maxMessageSize {
            report("receive buffer holds \(received) bytes, beyond receiveBufferSize + maxMessageSize")
        }
    }
}
