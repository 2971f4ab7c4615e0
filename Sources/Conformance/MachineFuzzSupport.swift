import Fuzzing
import SansIO
import SCTP
import Wire

// Pieces the machine fuzz targets (issue 17) share: the script mutator and generator, the SCTP wire
// model that builds packets a hostile peer could send, the traced message payloads and the ledger that
// checks deliveries against what the honest peer sent.

/// Structure-aware mutation of a `MachineScript`: one change to one action (or the start state), so a
/// mutant stays a script of the same shape, as `SCTPCodec.mutate` keeps a packet a packet.
enum MachineScriptMutator {
    /// The mutant, or nil when nothing changed.
    static func mutate(
        _ input: [UInt8], using generator: inout SeededGenerator,
        randomAction: (inout SeededGenerator) -> MachineScript.Action
    ) -> [UInt8]? {
        var script = MachineScript(parsing: input)
        let count = script.actions.count
        switch generator.below(8) {
        case 0: script.start = generator.byte()
        case 1, 2:
            script.actions.insert(randomAction(&generator), at: generator.below(count + 1))
        case 3 where count > 0: script.actions.remove(at: generator.below(count))
        case 4 where count > 0:
            let index = generator.below(count)
            script.actions.insert(script.actions[index], at: generator.below(count + 1))
        case 5 where count > 1: script.actions.swapAt(generator.below(count), generator.below(count))
        default:
            guard count > 0 else {
                script.actions.append(randomAction(&generator))
                break
            }
            let index = generator.below(count)
            script.actions[index] = tweaked(script.actions[index], using: &generator) ?? randomAction(&generator)
        }
        guard script.actions.count <= MachineScript.maximumActions else { return nil }
        let bytes = script.bytes
        return bytes == input ? nil : bytes
    }

    /// The action with one of its fields changed (a variant, a seed, an argument, a duration).
    static func tweaked(_ action: MachineScript.Action, using generator: inout SeededGenerator) -> MachineScript.Action? {
        switch action {
        case .deliver(let variant, let seed):
            return generator.chance(2) ? .deliver(variant: generator.byte(), seed: seed) : .deliver(variant: variant, seed: generator.byte())
        case .call(let selector, let argument):
            return generator.chance(2) ? .call(selector: generator.byte(), argument: argument) : .call(selector: selector, argument: generator.byte())
        case .advance:
            return .advance(milliseconds: UInt16(truncatingIfNeeded: generator.next() % 4000))
        case .deliverBytes(var bytes) where !bytes.isEmpty:
            bytes[generator.below(bytes.count)] = generator.byte()
            return .deliverBytes(bytes)
        default: return nil
        }
    }
}

/// Features of a machine run for the built-in engine's feedback (it has no coverage): each action kind
/// with the state it left the machine in and the kinds of output it produced, so reaching a new state by
/// a new kind of step is progress, as a new edge is under libFuzzer.
struct MachineFeatures {
    private(set) var hashes: Set<UInt64> = []

    mutating func note(_ text: String) { hashes.insert(StableHash.of(text)) }

    var sorted: [UInt64] { hashes.sorted() }
}

/// The name of an action's kind, for features and traces.
func actionKind(_ action: MachineScript.Action) -> String {
    switch action {
    case .deliver(let variant, let seed): "deliver \(variant & 0x0F)\(seed == 0 ? "" : " mutated")"
    case .deliverBytes: "bytes"
    case .fireTimer: "timer"
    case .advance: "advance"
    case .call(let selector, _): "call \(selector)"
    case .close: "close"
    }
}

/// What the harness knows of an SCTP association's wire from the packets it carried, and the packets it
/// builds from that knowledge (RFC 9260 §3): chunks with the right verification tag and TSNs near the
/// live ones, so they reach the machine's logic past the §8.5 tag check.
struct SCTPWireModel {
    var port: UInt16 = 5000
    /// The tag the machine under test expects: the one the honest peer's packets carry (§8.5).
    var machineTag: UInt32 = 0
    /// The tag the peer expects: the one the machine's packets carry.
    var peerTag: UInt32 = 0
    /// The TSN after the highest DATA TSN each side sent.
    var peerNextTSN: UInt32 = 0
    var machineNextTSN: UInt32 = 0
    /// The last SSN the peer used on each stream (RFC 9260 §3.3.1).
    var peerSSN: [UInt16: UInt16] = [:]
    /// The peer's next RE-CONFIG request sequence number (RFC 6525 §5.1.1: starts at its initial TSN).
    var peerNextRequest: UInt32 = 0

    static func parse(_ bytes: [UInt8]) -> SCTPPacket? { try? SCTPPacket.parse(bytes, checksum: .zeroAllowed) }

    mutating func observe(fromPeer bytes: [UInt8]) {
        guard let packet = Self.parse(bytes) else { return }
        if packet.verificationTag != 0 { machineTag = packet.verificationTag }
        for chunk in packet.chunks {
            switch chunk {
            case .initiation(let chunk), .initiationAck(let chunk):
                peerNextTSN = chunk.initialTSN
                peerNextRequest = chunk.initialTSN
            case .data(let data):
                if tsnAtOrAfter(data.tsn, peerNextTSN) { peerNextTSN = data.tsn &+ 1 }
                if !data.flags.contains(.unordered) { peerSSN[data.streamIdentifier] = data.streamSequenceNumber }
            case .reconfig(let reconfig):
                for case .outgoingSSNResetRequest(let request) in reconfig.parameters.elements {
                    peerNextRequest = request.requestSequenceNumber &+ 1
                }
            default: continue
            }
        }
    }

    mutating func observe(fromMachine bytes: [UInt8]) {
        guard let packet = Self.parse(bytes) else { return }
        if packet.verificationTag != 0 { peerTag = packet.verificationTag }
        for chunk in packet.chunks {
            switch chunk {
            case .initiation(let chunk), .initiationAck(let chunk): machineNextTSN = chunk.initialTSN
            case .data(let data) where tsnAtOrAfter(data.tsn, machineNextTSN): machineNextTSN = data.tsn &+ 1
            default: continue
            }
        }
    }

    func packet(_ chunks: [SCTPChunk], tag: UInt32? = nil) -> [UInt8] {
        SCTPPacket(sourcePort: port, destinationPort: port, verificationTag: tag ?? machineTag, chunks: chunks).serialize()
    }

    /// A packet of kind `kind` (0 DATA, 1 SACK, 2 FORWARD TSN, 3 RE-CONFIG, 4 HEARTBEAT, 5 INIT / ABORT /
    /// SHUTDOWN / COOKIE ECHO) as the peer could send it now; `detail` picks the stream and the flavour.
    func built(kind: Int, detail: UInt8, using generator: inout SeededGenerator) -> [UInt8] {
        let stream = UInt16(detail & 0x07)
        switch kind {
        case 0:
            // §3.3.1: a fragment near the peer's next TSN; the flags say where it sits in its message.
            let flagChoices: [DataChunkFlags] = [.complete, .beginning, .ending, [], [.complete, .unordered], [.beginning, .unordered], [.complete, .immediate]]
            let flags = flagChoices[generator.below(flagChoices.count)]
            let ssn = generator.chance(2) ? (peerSSN[stream] ?? 0) &+ 1 : UInt16(truncatingIfNeeded: generator.next())
            let payload: [UInt8]
            let payloadProtocol: PayloadProtocolIdentifier
            switch generator.below(4) {
            case 0:
                payloadProtocol = .dcep
                payload = DCEPMessage.open(DataChannelOpen(channelType: .reliable, label: "forged")).serialize()
            case 1:
                payloadProtocol = .dcep
                payload = DCEPMessage.ack.serialize()
            default:
                payloadProtocol = .binary
                payload = (0..<(1 + generator.below(96))).map { _ in generator.byte() }
            }
            let data = DataChunk(
                flags: flags, tsn: peerNextTSN &+ UInt32(generator.below(4)), streamIdentifier: detail & 0x08 != 0 ? stream + 40 : stream,
                streamSequenceNumber: ssn, payloadProtocol: payloadProtocol, userData: payload[...])
            return packet([.data(data)])
        case 1:
            // §3.3.4: a cumulative ack at or just behind the machine's last TSN, with a gap block now and then.
            let cumulative = machineNextTSN &- 1 &- UInt32(generator.below(3))
            let gaps = generator.chance(2) ? [GapAckBlock(start: UInt16(1 + generator.below(3)), end: UInt16(2 + generator.below(4)))] : []
            let sack = SelectiveAckChunk(
                cumulativeTSNAck: cumulative, advertisedReceiverWindowCredit: UInt32(generator.below(2)) * 65536, gapAckBlocks: gaps,
                duplicateTSNs: generator.chance(4) ? [cumulative] : [])
            return packet([.selectiveAck(sack)])
        case 2:
            // RFC 3758 §3.2: skip to (or just short of) the peer's last TSN, and past an SSN of one ordered stream.
            let ssn: UInt16 = detail & 0x08 != 0 ? 0xFFFF : (peerSSN[stream] ?? 0)
            let forward = ForwardTSNChunk(
                newCumulativeTSN: peerNextTSN &- 1 &- UInt32(generator.below(2)), streams: [ForwardTSNChunk.Stream(identifier: stream, sequenceNumber: ssn)])
            return packet([.forwardTSN(forward)])
        case 3:
            // RFC 6525 §4.1: the peer resets its outgoing side of a stream (all of them for an empty list).
            let request = OutgoingSSNResetRequest(
                requestSequenceNumber: peerNextRequest &+ UInt32(generator.below(2)), responseSequenceNumber: machineNextTSN &- 1,
                senderLastAssignedTSN: peerNextTSN &- 1, streams: detail & 0x08 != 0 ? [] : [stream])
            let parameter: SCTPParameter = generator.chance(4)
                ? .reconfigurationResponse(ReconfigurationResponse(responseSequenceNumber: machineNextTSN &- 1, result: UInt32(generator.below(7))))
                : .outgoingSSNResetRequest(request)
            return packet([.reconfig(ReconfigChunk(parameters: [parameter]))])
        case 4:
            // §3.3.5, §3.3.6: a heartbeat to echo, or an ack for a nonce that may be the one in flight.
            let info = (0..<(generator.chance(2) ? 8 : generator.below(200))).map { _ in generator.byte() }
            let chunk = HeartbeatChunk(parameters: [.heartbeatInfo(info)])
            return packet([generator.chance(2) ? .heartbeat(chunk) : .heartbeatAck(chunk)])
        default:
            switch detail & 0x03 {
            case 0:
                // §5.2.2: an INIT for an association that exists (a restart, which the machine refuses).
                let initiation = InitChunk(
                    initiateTag: UInt32(truncatingIfNeeded: generator.next()) | 1, advertisedReceiverWindowCredit: 65536, outboundStreams: 16,
                    inboundStreams: 16, initialTSN: UInt32(truncatingIfNeeded: generator.next()), parameters: [.forwardTSNSupported])
                return packet([.initiation(initiation)], tag: 0)
            case 1:
                let reflected = generator.chance(2)
                return packet([.abort(AbortChunk(reflectedTag: reflected))], tag: reflected ? peerTag : machineTag)
            case 2: return packet([.shutdown(ShutdownChunk(cumulativeTSNAck: machineNextTSN &- 1))])
            default: return packet([.cookieEcho(CookieEchoChunk(cookie: (0..<(generator.below(80))).map { _ in generator.byte() }))])
            }
        }
    }

    /// The streams whose ordered delivery a packet that did not come whole from the honest peer may
    /// touch: those of its DATA (§3.3.1), FORWARD TSN stream entries (RFC 3758 §3.2) and outgoing reset
    /// requests (RFC 6525 §4.1; every stream for an empty list). Nil means every stream.
    static func touchedStreams(_ bytes: [UInt8]) -> Set<UInt16>? {
        guard let packet = parse(bytes) else { return [] }
        var streams: Set<UInt16> = []
        for chunk in packet.chunks {
            switch chunk {
            case .data(let data): streams.insert(data.streamIdentifier)
            case .forwardTSN(let forward): streams.formUnion(forward.streams.map(\.identifier))
            case .reconfig(let reconfig):
                for case .outgoingSSNResetRequest(let request) in reconfig.parameters.elements {
                    if request.streams.isEmpty { return nil }
                    streams.formUnion(request.streams)
                }
            default: continue
            }
        }
        return streams
    }
}

/// Serial-number order of TSNs (RFC 9260 §1.6).
func tsnAtOrAfter(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: a &- b) >= 0 }

/// Message contents the harness can trace back to their send: a magic, the source (stream or channel)
/// and the index of the message among the source's, then filler; at least `TracedPayload.headerSize`
/// bytes, so every traced message is distinct.
enum TracedPayload {
    static let headerSize = 8
    static let magic: [UInt8] = [0xC7, 0x5C]

    static func make(source: UInt16, index: UInt32, size: Int) -> [UInt8] {
        var bytes = magic
        bytes += [UInt8(source >> 8), UInt8(source & 0xFF)]
        bytes += [UInt8(index >> 24), UInt8(index >> 16 & 0xFF), UInt8(index >> 8 & 0xFF), UInt8(index & 0xFF)]
        for position in bytes.count..<max(size, headerSize) {
            bytes.append(UInt8(truncatingIfNeeded: position &* 31 &+ Int(index)))
        }
        return bytes
    }

    static func decode(_ bytes: [UInt8]) -> (source: UInt16, index: UInt32)? {
        guard bytes.count >= headerSize, bytes[0] == magic[0], bytes[1] == magic[1] else { return nil }
        let source = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
        let index = bytes[4..<8].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return (source, index)
    }
}

/// What the honest peer sent, per source, and the oracle over what the machine delivered: each
/// delivered message is one the peer sent (byte for byte), and on an ordered source the messages come
/// in the order sent, possibly with gaps (a subsequence: partial reliability and forged skips may lose
/// messages, never reorder them), RFC 9260 §6.6 and RFC 8831 §6.6.
struct DeliveryLedger {
    struct Sent {
        var bytes: [UInt8]
        var ordered: Bool
    }

    private(set) var sent: [UInt16: [Sent]] = [:]
    /// The index after the last delivered message, per delivery key (a stream, a pair of channels).
    private var cursors: [Int: UInt32] = [:]

    /// The bytes of the next message of `source`; call `commit` once the send succeeded.
    func next(source: UInt16, size: Int) -> [UInt8] {
        TracedPayload.make(source: source, index: UInt32(sent[source]?.count ?? 0), size: size)
    }

    mutating func commit(source: UInt16, bytes: [UInt8], ordered: Bool) {
        sent[source, default: []].append(Sent(bytes: bytes, ordered: ordered))
    }

    /// Checks a delivered message: nil when it is fine, else what is wrong. `accepts` says whether the
    /// message's source may deliver on this key; `key` names the order being checked.
    mutating func deliver(_ bytes: [UInt8], key: Int, accepts: (UInt16) -> Bool) -> String? {
        guard let traced = TracedPayload.decode(bytes), let record = sent[traced.source], Int(traced.index) < record.count,
            record[Int(traced.index)].bytes == bytes
        else { return "delivered \(bytes.count) bytes the peer never sent" }
        let (source, index) = traced
        guard accepts(source) else { return "delivered message \(index) of source \(source) where it was not sent" }
        guard record[Int(index)].ordered else { return nil }
        if let cursor = cursors[key], index < cursor {
            return "ordered message \(index) of source \(source) delivered after message \(cursor - 1)"
        }
        cursors[key] = index + 1
        return nil
    }

    func wasSentOrdered(source: UInt16, bytes: [UInt8]) -> Bool? {
        guard let traced = TracedPayload.decode(bytes), let record = sent[source], Int(traced.index) < record.count else { return nil }
        return record[Int(traced.index)].ordered
    }
}

/// Message sizes an argument byte picks: small, one fragment, a few fragments, over the limits.
func scriptMessageSize(_ argument: UInt8) -> Int {
    let sizes = [8, 9, 40, 300, 1100, 1133, 2500, 7000, 8192, 9000, 12000, 16384, 20, 64, 500, 3000]
    return sizes[Int(argument >> 4)]
}

/// Two machines joined by a scripted network: the harness of each machine target. The extension
/// holds what the targets share: the delivery variants, the exchange until quiet, timers and time.
protocol ScriptedMachinePair {
    var now: Instant { get set }
    /// Packets the honest peer sent, not yet delivered to ours, and the reverse.
    var toOurs: [[UInt8]] { get set }
    var toPeer: [[UInt8]] { get set }
    /// The last packets each side sent, for replays and reflections.
    var recentFromPeer: [[UInt8]] { get }
    var recentFromOurs: [[UInt8]] { get }
    var wire: SCTPWireModel { get }
    var finding: String? { get set }
    /// Streams whose ordered delivery forged or mutated traffic may have touched; nil: all of them.
    var tainted: Set<UInt16>? { get set }
    var oursDeadline: Instant? { get }
    var peerDeadline: Instant? { get }
    mutating func deliverToOurs(_ bytes: [UInt8], honest: Bool)
    mutating func deliverToPeer(_ bytes: [UInt8])
    /// Lets both machines' timers fire at `now`, and drains their outputs.
    mutating func fireBoth()
}

extension ScriptedMachinePair {
    /// A `deliver` action: `variant & 15` picks the packet (see `SCTPAssociationFuzzTarget`), a non-zero
    /// `seed` mutates it structurally.
    mutating func deliver(variant: UInt8, seed: UInt8, index: Int) {
        var generator = SeededGenerator(seed: UInt64(index) << 16 | UInt64(variant) << 8 | UInt64(seed))
        var packet: [UInt8]
        var honest = true
        switch variant & 0x0F {
        case 0:
            guard !toOurs.isEmpty else { return }
            packet = toOurs.removeFirst()
        case 1:
            guard !toPeer.isEmpty else { return }
            let bytes = toPeer.removeFirst()
            // A mutated packet can make the peer itself misbehave (a forged reset response restarts its
            // SSNs), so the ledger no longer speaks for any stream.
            if seed != 0 { tainted = nil }
            deliverToPeer(seed == 0 ? bytes : mutatedSCTPPacket(bytes, seed: seed))
            return
        case 3:
            if !toOurs.isEmpty { toOurs.removeFirst() }
            return
        case 4:
            guard !recentFromPeer.isEmpty else { return }
            packet = recentFromPeer[Int(variant >> 4) % recentFromPeer.count]
        case 5:
            guard !recentFromOurs.isEmpty else { return }
            packet = recentFromOurs[Int(variant >> 4) % recentFromOurs.count]
            honest = false
        case 6...11:
            packet = wire.built(kind: Int(variant & 0x0F) - 6, detail: variant >> 4, using: &generator)
            honest = false
        default:
            exchange()
            return
        }
        if seed != 0 {
            packet = mutatedSCTPPacket(packet, seed: seed)
            honest = false
        }
        deliverToOurs(packet, honest: honest)
    }

    /// Both ways until nothing is left to deliver (bounded: a pair that keeps talking stops after 16 rounds).
    mutating func exchange() {
        for _ in 0..<16 where !(toOurs.isEmpty && toPeer.isEmpty) && finding == nil {
            let forOurs = toOurs
            toOurs = []
            for packet in forOurs { deliverToOurs(packet, honest: true) }
            let forPeer = toPeer
            toPeer = []
            for packet in forPeer { deliverToPeer(packet) }
        }
    }

    var nextDeadline: Instant? { [oursDeadline, peerDeadline].compactMap { $0 }.min() }

    mutating func fireNextTimer() {
        if let deadline = nextDeadline { fire(at: max(deadline, now)) }
    }

    /// Lets time pass, firing the timers that fall due on the way in order (at most 64 of them).
    mutating func advance(milliseconds: UInt16) {
        let target = now + .milliseconds(Int64(milliseconds))
        for _ in 0..<64 {
            guard let deadline = nextDeadline, deadline <= target, finding == nil else { break }
            fire(at: deadline)
        }
        fire(at: target)
    }

    /// Fires at `instant`. A timer still due right after firing would make a driver spin (the Machine
    /// contract's step 3 reads the deadline again): that is a finding.
    mutating func fire(at instant: Instant) {
        now = max(now, instant)
        fireBoth()
        if let deadline = oursDeadline, deadline <= now {
            report("ours's timer is still due at \(deadline) after firing at \(now)")
        }
    }

    mutating func report(_ detail: String) {
        if finding == nil { finding = detail }
    }

    /// Marks the streams a packet that was not the honest peer's may touch.
    mutating func taint(with bytes: [UInt8]) {
        guard tainted != nil else { return }
        if let streams = SCTPWireModel.touchedStreams(bytes) { tainted?.formUnion(streams) } else { tainted = nil }
    }
}

/// Keeps the last 16 packets.
func remember(_ bytes: [UInt8], in recent: inout [[UInt8]]) {
    recent.append(bytes)
    if recent.count > 16 { recent.removeFirst() }
}

/// `SCTPCodec.mutate` over the packet, with its CRC-32c repaired (RFC 9260 §6.8) so the mutant reaches
/// the machine past the checksum gate; bytes that do not parse come back as they are.
func mutatedSCTPPacket(_ bytes: [UInt8], seed: UInt8) -> [UInt8] {
    guard var packet = SCTPWireModel.parse(bytes) else { return bytes }
    var generator = SeededGenerator(seed: UInt64(seed) &* 0x9E37_79B9_7F4A_7C15)
    _ = SCTPCodec.mutate(&packet, using: &generator)
    packet.checksum = .crc32c
    return SCTPPacket.withComputedChecksum(packet.serialize())
}

/// What one run of a machine harness found, did and reached.
struct MachineRun {
    var finding: String?
    var trace: MachineTrace
    var features: [UInt64]
}

/// A machine target's harness: made afresh for each input (clean or with its planted bug), run once.
protocol MachineHarness: SendableMetatype {
    init(planted: Bool)
    mutating func run(_ script: MachineScript) -> MachineRun
}

extension MachineHarness {
    static func run(_ input: [UInt8], planted: Bool) -> MachineRun {
        var harness = Self(planted: planted)
        return harness.run(MachineScript(parsing: input))
    }

    /// The fuzz target over this harness: the script mutator, the run's features as the built-in
    /// engine's feedback, and a finding for the first oracle that failed. The planted variant fuzzes
    /// from the clean target's corpus.
    static func target(
        name: String, corpusName: String, planted: Bool, dictionary: [[UInt8]],
        randomAction: @escaping @Sendable (inout SeededGenerator) -> MachineScript.Action
    ) -> FuzzTarget {
        FuzzTarget(
            name: name,
            mutate: { input, generator in MachineScriptMutator.mutate(input, using: &generator, randomAction: randomAction) },
            dictionary: dictionary, corpusName: corpusName,
            execute: { input in
                let result = run(input, planted: planted)
                let outcome: FuzzOutcome = result.finding.map {
                    .finding(FuzzFinding(target: name, oracle: .invariant, input: input, detail: $0))
                } ?? .accepted
                return Execution(outcome: outcome, features: result.features + [Execution.feature(of: outcome)], trace: result.trace)
            })
    }

    /// A random script of 4 to 48 actions from `randomAction`, from one of `startStates` start states.
    static func randomScript(
        startStates: Int, using generator: inout some RandomNumberGenerator, randomAction: (inout SeededGenerator) -> MachineScript.Action
    ) -> [UInt8] {
        var seeded = SeededGenerator(seed: generator.next())
        let actions = (0..<Int.random(in: 4...48, using: &generator)).map { _ in randomAction(&seeded) }
        return MachineScript(start: UInt8(Int.random(in: 0..<startStates, using: &generator)), actions: actions).bytes
    }
}
