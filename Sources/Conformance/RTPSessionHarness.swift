import Fuzzing
import RTP
import SansIO
import Wire

/// A packet on its way through the reorder buffer, and whether it is the sender's own bytes.
struct RTPCarried {
    var packet: RTPPacket
    var honest: Bool
}

/// A datagram on the scripted link, and whether it is the sending side's own bytes.
struct RTPFlying {
    var bytes: [UInt8]
    var honest: Bool
}

/// What the harness knows of everything the sender sent, without keeping the packets: each payload is a
/// `TracedPayload` naming the sender's epoch (one per numbering) and the packet's index over the run,
/// so a released packet's bytes and sequence number can be rebuilt and compared.
struct RTPSentLedger {
    /// Per epoch: the index of its first packet and that packet's sequence number.
    private(set) var epochs: [(firstIndex: UInt32, firstSequence: UInt16)] = []
    private(set) var count: UInt32 = 0

    static func payloadSize(_ index: UInt32) -> Int { TracedPayload.headerSize + Int(index % 97) }

    mutating func startEpoch(firstSequence: UInt16) { epochs.append((count, firstSequence)) }

    /// The payload of the next packet.
    var nextPayload: [UInt8] {
        TracedPayload.make(source: UInt16(truncatingIfNeeded: epochs.count - 1), index: count, size: Self.payloadSize(count))
    }

    mutating func commit() { count += 1 }

    /// Packets the current epoch sent.
    var sentInEpoch: UInt32 { count - (epochs.last?.firstIndex ?? 0) }

    /// Nil when `packet` is one the sender made, with its sequence number and bytes, else what differs.
    func check(_ packet: RTPPacket) -> String? {
        let payload = Array(packet.payload)
        guard let traced = TracedPayload.decode(payload), Int(traced.source) < epochs.count, traced.index < count else {
            return "a payload the sender never sent"
        }
        let epoch = epochs[Int(traced.source)]
        let sequence = epoch.firstSequence &+ UInt16(truncatingIfNeeded: traced.index &- epoch.firstIndex)
        guard traced.index >= epoch.firstIndex, packet.header.sequenceNumber == sequence,
            payload == TracedPayload.make(source: traced.source, index: traced.index, size: Self.payloadSize(traced.index))
        else { return "packet \(traced.index) with sequence \(packet.header.sequenceNumber) or bytes it was not sent with" }
        return nil
    }
}

/// One run of the `rtp-session` target (see `RTPSessionFuzzTarget`).
struct RTPSessionHarness: MachineHarness {
    static let ssrc: UInt32 = 0x5E55_1011
    static let receiverSSRC: UInt32 = 0x5E55_2022
    static let clockRate = 90_000
    /// Small bounds, so short scripts reach the capacity, the delay and the end of the history.
    static let capacity = 24
    static let maximumDelay = Duration.milliseconds(80)
    static let historyCapacity = 64
    static let reportInterval = Duration.seconds(1)
    static let queueLimit = 1024
    /// The RTT oracle's tolerance: LSR, DLSR and the arrival time are each rounded to 1/65536 s.
    static let roundTripTolerance = Duration.microseconds(100)
    static let senderClock = NTPClock(ntpAtZero: 0xE9D1_0000_8000_0000)

    /// A generator seed whose sender starts its numbering a few packets short of the wrap (start state 3).
    static let wrapSeed: UInt64 = {
        for seed in UInt64(1)... {
            var generator = SeededGenerator(seed: seed)
            let sender = RTPStreamSender(ssrc: ssrc, payloadType: 96, clockRate: clockRate, historyCapacity: 1, using: &generator)
            if (0xFFF0...0xFFF4).contains(sender.nextSequence) { return seed }
        }
        return 0
    }()

    let planted: Bool
    var now = Instant.zero
    var sender: RTPStreamSender
    var senderSent: UInt64 = 0
    var ledger = RTPSentLedger()
    var receiver = RTPStreamReceiver(ssrc: RTPSessionHarness.ssrc, clockRate: RTPSessionHarness.clockRate)
    var reorder = RTPReorderBuffer<RTPCarried>(capacity: RTPSessionHarness.capacity, maximumDelay: RTPSessionHarness.maximumDelay)
    var scheduleGenerator = SeededGenerator(seed: 0x5E55_0003)
    var senderSchedule: RTCPSchedule
    var receiverSchedule: RTCPSchedule
    var inFlight: [RTPFlying] = []
    var delivered: [[UInt8]] = []
    var rtcpToReceiver: [RTPFlying] = []
    var rtcpToSender: [RTPFlying] = []
    var restarts: UInt64 = 0

    // The harness's model of the receiver (RFC 3550 A.1, A.3).
    /// Extended sequence numbers counted since the last (re)synchronisation, near the highest.
    var counted: Set<UInt64> = []
    var base: UInt64 = 0
    var highest: UInt64?
    var countedSinceSync: UInt64 = 0
    var packetsCounted: UInt64 = 0
    var bytesCounted: UInt64 = 0
    var duplicates: UInt64 = 0
    var discarded: UInt64 = 0
    var lastReleased: Int64?
    /// The last SR the receiver took: its middle NTP bits and arrival (§6.4.1 LSR, DLSR).
    var lastSenderReport: (middle: UInt32, arrival: Instant)?
    /// When each SR was sent, by its middle NTP bits.
    var senderReportsSent: [UInt32: Instant] = [:]

    var finding: String?
    var trace = MachineTrace()
    var features = MachineFeatures()

    init(planted: Bool) {
        self.planted = planted
        var generator = SeededGenerator(seed: 0x5E55_0001)
        sender = RTPStreamSender(
            ssrc: Self.ssrc, payloadType: 96, clockRate: Self.clockRate, historyCapacity: Self.historyCapacity, using: &generator)
        senderSchedule = RTCPSchedule(interval: Self.reportInterval, start: .zero, using: &scheduleGenerator)
        receiverSchedule = RTCPSchedule(interval: Self.reportInterval, start: .zero, using: &scheduleGenerator)
        ledger.startEpoch(firstSequence: sender.nextSequence)
    }

    var summary: String {
        "next \(sender.nextSequence) inFlight \(inFlight.count) held \(reorder.count) highest \(highest.map(String.init) ?? "-") received \(receiver.statistics.packetsReceived)"
    }

    mutating func run(_ script: MachineScript) -> MachineRun {
        prologue(script.start)
        features.note("start \(script.start % UInt8(RTPSessionFuzzTarget.startStates))")
        for (index, action) in script.actions.enumerated() where finding == nil {
            perform(action, index: index)
            trace.record("after \(actionKind(action)): \(summary)")
            features.note("\(actionKind(action)) held \(min(reorder.count, 3)) valid \(receiver.isValid) gap \(min(receiver.missing(limit: 3).count, 2))")
        }
        return MachineRun(finding: finding, trace: trace, features: features.sorted)
    }

    // MARK: Start states

    mutating func prologue(_ start: UInt8) {
        switch start % UInt8(RTPSessionFuzzTarget.startStates) {
        case 1:
            for _ in 0..<3 { sendFrame(packets: 3) }
            deliverAll()
            sendSenderReport()
            deliverAll()
            sendReceiverReport(nack: false)
            deliverAll()
        case 2:
            for _ in 0..<2 { sendFrame(packets: 3) }
            deliverAll()
            sendFrame(packets: 5)
            // The last five in flight: the second is lost, the rest arrive out of order, the last not yet.
            let frame = inFlight.suffix(5).map(\.self)
            inFlight = [frame[0], frame[2], frame[3], frame[4]]
            for _ in 0..<3 { deliverNext(at: 0) }
        case 3:
            var generator = SeededGenerator(seed: Self.wrapSeed)
            sender = RTPStreamSender(
                ssrc: Self.ssrc, payloadType: 96, clockRate: Self.clockRate, historyCapacity: Self.historyCapacity, using: &generator)
            ledger = RTPSentLedger()
            ledger.startEpoch(firstSequence: sender.nextSequence)
            sendFrame(packets: 3)
            deliverAll()
        default:
            break
        }
    }

    // MARK: Actions

    mutating func perform(_ action: MachineScript.Action, index: Int) {
        switch action {
        case .deliver(let variant, let seed): deliver(variant: variant, seed: seed, index: index)
        case .deliverBytes(let bytes): receiveRTP(bytes, honest: false)
        case .fireTimer:
            if let deadline = nextDeadline { fire(at: max(deadline, now)) }
        case .advance(let milliseconds):
            let target = now + .milliseconds(Int64(milliseconds))
            for _ in 0..<64 {
                guard let deadline = nextDeadline, deadline <= target, finding == nil else { break }
                fire(at: max(deadline, now))
            }
            now = max(now, target)
        case .call(let selector, let argument): call(selector, argument)
        case .close:
            // The end of the stream: everything held goes on, every gap skipped.
            take(reorder.drain())
        }
    }

    mutating func deliver(variant: UInt8, seed: UInt8, index: Int) {
        var generator = SeededGenerator(seed: UInt64(index) << 16 | UInt64(variant) << 8 | UInt64(seed))
        let pick = Int(variant >> 4)
        switch variant & 0x0F {
        case 0, 1:
            guard !inFlight.isEmpty else { return }
            let position = variant & 0x0F == 0 ? 0 : min(pick + 1, inFlight.count - 1)
            if seed != 0 { inFlight[position] = RTPFlying(bytes: Self.mutatedRTP(inFlight[position].bytes, seed: seed, salt: index), honest: false) }
            deliverNext(at: position)
        case 3:
            if !inFlight.isEmpty { inFlight.removeFirst() }
        case 4:
            guard let bytes = delivered.newest(pick) else { return }
            receiveRTP(seed == 0 ? bytes : Self.mutatedRTP(bytes, seed: seed, salt: index), honest: seed == 0)
        case 5:
            guard !rtcpToReceiver.isEmpty else { return }
            let flying = rtcpToReceiver.removeFirst()
            receiveAtReceiver(seed == 0 ? flying : RTPFlying(bytes: Self.mutatedRTCP(flying.bytes, seed: seed, salt: index), honest: false))
        case 6:
            guard !rtcpToSender.isEmpty else { return }
            let flying = rtcpToSender.removeFirst()
            receiveAtSender(seed == 0 ? flying : RTPFlying(bytes: Self.mutatedRTCP(flying.bytes, seed: seed, salt: index), honest: false))
        case 7:
            if pick & 1 == 0, !rtcpToReceiver.isEmpty { rtcpToReceiver.removeFirst() }
            if pick & 1 == 1, !rtcpToSender.isEmpty { rtcpToSender.removeFirst() }
        case 8:
            // A packet of our SSRC near the live numbers, with a payload the sender never made.
            var packet = RTPPacket.random(using: &generator)
            packet.header.ssrc = Self.ssrc
            packet.header.sequenceNumber = UInt16(truncatingIfNeeded: highest ?? 0) &+ UInt16(pick) &- 8
            receiveRTP(seed == 0 ? RTPCodec.serialize(packet) : Self.mutatedRTP(RTPCodec.serialize(packet), seed: seed, salt: index), honest: false)
        case 9:
            guard var packet = inFlight.first.flatMap({ try? RTPCodec.parse($0.bytes) }) else { return }
            packet.header.ssrc ^= UInt32(pick) + 1
            receiveRTP(RTPCodec.serialize(packet), honest: false)
        case 10:
            // A NACK no receiver wrote: sequence numbers near the sender's, sent or not, in history or not.
            let pairs = (0..<(pick % 4 + 1)).map { _ in
                NACKPair(packetID: sender.nextSequence &- UInt16(generator.below(200)), lostBitmask: UInt16(truncatingIfNeeded: generator.next()))
            }
            receiveAtSender(RTPFlying(bytes: Self.rtcp([nack(pairs)]), honest: false))
        case 11:
            let compound = RTCPCompound(packets: (0..<(generator.below(3) + 1)).map { _ in RTCPPacket.random(using: &generator) })
            var bytes = RTCPCodec.serialize(compound)
            if seed != 0 { bytes = Self.mutatedRTCP(bytes, seed: seed, salt: index) }
            if pick & 1 == 0 { receiveAtReceiver(RTPFlying(bytes: bytes, honest: false)) } else { receiveAtSender(RTPFlying(bytes: bytes, honest: false)) }
        default:
            deliverAll()
        }
    }

    mutating func call(_ selector: UInt8, _ argument: UInt8) {
        switch selector % 6 {
        case 0: sendFrame(packets: Int(argument & 0x07) + 1)
        case 1: sendNACK(limit: Int(argument & 0x3F) + 1)
        case 2: restartSender(argument)
        case 3: sendSenderReport()
        case 4: sendReceiverReport(nack: argument & 1 == 1)
        default:
            // A burst lost on the link: the sender numbers packets nobody receives.
            let lost = (Int(argument & 0x3F) + 1) * (argument & 0x40 == 0 ? 1 : 16)
            for _ in 0..<lost { _ = sendPacket() }
        }
    }

    // MARK: The sender

    /// One frame of `packets` packets, all in flight.
    mutating func sendFrame(packets count: Int) {
        let payloads = (0..<count).map { _ in nextPayload() }
        for packet in sender.packets(payloads: payloads, captureTime: now, marker: true) {
            inFlight.append(RTPFlying(bytes: RTPCodec.serialize(packet), honest: true), keepingLast: Self.queueLimit)
        }
        senderSent += UInt64(count)
        checkSenderCount()
    }

    mutating func nextPayload() -> [UInt8] {
        defer { ledger.commit() }
        return ledger.nextPayload
    }

    /// One packet the link loses.
    mutating func sendPacket() -> RTPPacket? {
        senderSent += 1
        defer { checkSenderCount() }
        return sender.packets(payloads: [nextPayload()], captureTime: now, marker: false).first
    }

    mutating func checkSenderCount() {
        if sender.statistics.packetsSent != senderSent { report("the sender counts \(sender.statistics.packetsSent) packets sent, not \(senderSent)") }
    }

    /// The sender restarts its numbering (a new SSRC state after, say, a codec change): the receiver
    /// sees a jump and re-synchronises on the packet after it (RFC 3550 A.1).
    mutating func restartSender(_ argument: UInt8) {
        restarts += 1
        var generator = SeededGenerator(seed: 0x5E55_1000 &+ restarts << 8 &+ UInt64(argument))
        sender = RTPStreamSender(
            ssrc: Self.ssrc, payloadType: 96, clockRate: Self.clockRate, historyCapacity: Self.historyCapacity, using: &generator)
        senderSent = 0
        ledger.startEpoch(firstSequence: sender.nextSequence)
        trace.record("restart at \(sender.nextSequence)")
    }

    mutating func sendSenderReport() {
        let report = sender.senderReport(at: now, clock: Self.senderClock)
        senderReportsSent[NTPClock.middle32(report.ntpTimestamp)] = now
        rtcpToReceiver.append(RTPFlying(bytes: Self.rtcp([RTCPPacket(.senderReport(report))]), honest: true), keepingLast: Self.queueLimit)
    }

    /// RTCP the sender received: reports about its stream (the RTT oracle) and NACKs (the history oracle).
    mutating func receiveAtSender(_ flying: RTPFlying) {
        trace.record(bytes: flying.bytes)
        guard let compound = try? RTCPCodec.parse(flying.bytes) else { return }
        for packet in compound.packets {
            switch packet.body {
            case .receiverReport(let report):
                for block in report.reports { receiveReportBlock(block, honest: flying.honest) }
            case .senderReport(let report):
                for block in report.reports { receiveReportBlock(block, honest: flying.honest) }
            case .transportFeedback(let feedback):
                if case .nack(let media, let pairs) = feedback.message, media == Self.ssrc {
                    for sequence in pairs.flatMap(\.lostSequenceNumbers) { retransmit(sequence) }
                }
            default:
                continue
            }
        }
    }

    /// RFC 3550 §6.4.1: RTT = A − LSR − DLSR, which for an honest report is the link's time.
    mutating func receiveReportBlock(_ block: ReportBlock, honest: Bool) {
        let roundTrip = sender.receiverReportReceived(block, at: now, clock: Self.senderClock)
        trace.record("rtt \(roundTrip.map { "\($0)" } ?? "-")")
        guard honest, block.ssrc == Self.ssrc, block.lastSenderReport != 0, let sent = senderReportsSent[block.lastSenderReport] else { return }
        guard let roundTrip else {
            report("no round-trip time from an honest report of the SR sent at \(sent)")
            return
        }
        let expected = (now - sent) - NTPClock.duration(compactUnits: block.delaySinceLastSenderReport)
        let error = roundTrip > expected ? roundTrip - expected : expected - roundTrip
        if error > Self.roundTripTolerance { report("round-trip time \(roundTrip) where the link took \(expected)") }
        if sender.statistics.remoteHighestSequence != block.highestSequence { report("the sender kept another highest sequence than the report's") }
    }

    /// RFC 4585 §6.2.1: the sender answers a NACK with the packet, as sent, while its history holds it.
    mutating func retransmit(_ sequence: UInt16) {
        let back = UInt32(sender.nextSequence &- sequence)
        let held = back >= 1 && back <= UInt32(Self.historyCapacity) && back <= ledger.sentInEpoch
        guard let packet = sender.retransmission(of: sequence) else {
            if held { report("the sender lost packet \(sequence), sent \(back) packets ago, from a \(Self.historyCapacity)-packet history") }
            return
        }
        if packet.header.sequenceNumber != sequence { report("asked for \(sequence), the sender resent \(packet.header.sequenceNumber)") }
        if let problem = ledger.check(packet) { report("the sender resent \(problem)") }
        inFlight.append(RTPFlying(bytes: RTPCodec.serialize(packet), honest: true), keepingLast: Self.queueLimit)
    }

    // MARK: The receiver

    mutating func deliverNext(at position: Int) {
        let flying = inFlight.remove(at: position)
        receiveRTP(flying.bytes, honest: flying.honest)
    }

    mutating func deliverAll() {
        for _ in 0..<8 where finding == nil && !(inFlight.isEmpty && rtcpToReceiver.isEmpty && rtcpToSender.isEmpty) {
            while !inFlight.isEmpty, finding == nil { deliverNext(at: 0) }
            let forReceiver = rtcpToReceiver
            rtcpToReceiver = []
            for flying in forReceiver { receiveAtReceiver(flying) }
            let forSender = rtcpToSender
            rtcpToSender = []
            for flying in forSender { receiveAtSender(flying) }
        }
    }

    /// One datagram at the receiver: A.1's verdict checked against the model, then the reorder buffer.
    mutating func receiveRTP(_ bytes: [UInt8], honest: Bool) {
        trace.record(bytes: bytes)
        delivered.append(bytes, keepingLast: 16)
        guard let packet = try? RTPCodec.parse(bytes) else { return }
        let wasValid = receiver.isValid
        let previous = receiver.statistics.highestSequence
        let verdict = receiver.received(packet.header, payloadBytes: packet.payload.count, at: now)
        trace.record("verdict \(verdict)")
        features.note("verdict \(String(describing: verdict).prefix(while: { $0 != "(" }))")
        guard packet.header.ssrc == Self.ssrc else {
            if verdict != .foreignSSRC { report("a packet of SSRC \(packet.header.ssrc) was counted: \(verdict)") }
            return
        }
        model(verdict, payloadBytes: packet.payload.count, wasValid: wasValid, previous: previous)
        guard finding == nil else { return }
        if case .resynchronized = verdict {
            reorder.reset()
            lastReleased = nil
        }
        if verdict.isDeliverable {
            take(reorder.insert(sequence: packet.header.sequenceNumber, RTPCarried(packet: packet, honest: honest), at: now))
        }
    }

    /// Follows the verdict in the harness's model and compares the receiver's counters with it.
    mutating func model(_ verdict: RTPReceptionVerdict, payloadBytes: Int, wasValid: Bool, previous: UInt64?) {
        guard let extended = verdict.extendedSequence else {
            discarded += 1
            return checkStatistics()
        }
        packetsCounted += 1
        bytesCounted += UInt64(payloadBytes)
        switch verdict {
        case .resynchronized:
            synchronize(at: extended)
        case .accepted where !wasValid:
            synchronize(at: extended)
        case .accepted:
            if let previous, extended <= previous { report("accepted \(extended) is not above the highest \(previous)") }
            highest = extended
            counted.insert(extended)
            countedSinceSync += 1
        case .late:
            if counted.contains(extended) { report("late \(extended) had already been received: a duplicate") }
            if let highest, extended >= highest { report("late \(extended) is not behind the highest \(highest)") }
            counted.insert(extended)
            countedSinceSync += 1
        default:
            duplicates += 1
            countedSinceSync += 1
            if !counted.contains(extended) { report("duplicate \(extended) was never received") }
        }
        if let highest, counted.count > 2 * RTPStreamReceiver.window { counted = counted.filter { $0 + UInt64(RTPStreamReceiver.window) > highest } }
        checkStatistics()
    }

    mutating func synchronize(at extended: UInt64) {
        counted = [extended]
        base = extended
        highest = extended
        countedSinceSync = 1
    }

    /// A.3 and the counters against the model.
    mutating func checkStatistics() {
        let statistics = receiver.statistics
        if statistics.packetsReceived != packetsCounted || statistics.bytesReceived != bytesCounted {
            report("the receiver counts \(statistics.packetsReceived) packets and \(statistics.bytesReceived) bytes, the model \(packetsCounted) and \(bytesCounted)")
        }
        if statistics.packetsDuplicated != duplicates || statistics.packetsDiscarded != discarded {
            report("the receiver counts \(statistics.packetsDuplicated) duplicates and \(statistics.packetsDiscarded) discards, the model \(duplicates) and \(discarded)")
        }
        guard receiver.isValid, let highest else { return }
        let expected = highest - base + 1
        if statistics.highestSequence != highest || statistics.packetsExpected != expected {
            report("the receiver's highest \(statistics.highestSequence.map(String.init) ?? "-") and expected \(statistics.packetsExpected), the model's \(highest) and \(expected)")
        }
        if statistics.packetsLost != Int64(expected) - Int64(countedSinceSync) || statistics.packetsLost > Int64(clamping: expected) {
            report("packets lost \(statistics.packetsLost) where \(expected) were expected and \(countedSinceSync) received")
        }
        if !statistics.jitter.isFinite || statistics.jitter < 0 { report("jitter \(statistics.jitter)") }
    }

    /// The reorder buffer's releases: in strictly increasing order, each the packet it names, the
    /// sender's bytes when it came from the sender, the buffer within its capacity.
    mutating func take(_ outputs: [RTPReorderOutput<RTPCarried>]) {
        for output in outputs {
            switch output {
            case .element(let carried, let sequence, let extended):
                trace.record("released \(extended)")
                if let lastReleased, extended <= lastReleased { report("released \(extended) after \(lastReleased)") }
                if UInt16(truncatingIfNeeded: extended) != sequence || carried.packet.header.sequenceNumber != sequence {
                    report("released sequence \(sequence) does not match its packet or extended value \(extended)")
                }
                lastReleased = extended
                if carried.honest, let problem = ledger.check(carried.packet) { report("released \(problem)") }
            case .skipped(let first, let count):
                trace.record("skipped \(first) \(count)")
                if count <= 0 { report("a skip of \(count) sequence numbers") }
            case .discarded(let sequence, let reason):
                trace.record("discarded \(sequence) \(reason)")
            }
        }
        if reorder.count > reorder.capacity { report("the reorder buffer holds \(reorder.count), beyond its capacity \(reorder.capacity)") }
    }

    /// RTCP the receiver received: an SR about the stream sets LSR and DLSR's start.
    mutating func receiveAtReceiver(_ flying: RTPFlying) {
        trace.record(bytes: flying.bytes)
        guard let compound = try? RTCPCodec.parse(flying.bytes) else { return }
        for case .senderReport(let report) in compound.packets.map(\.body) {
            receiver.senderReportReceived(report, at: now)
            if report.ssrc == Self.ssrc { lastSenderReport = (NTPClock.middle32(report.ntpTimestamp), now) }
        }
    }

    /// The NACK list (RFC 4585 §6.2.1) against the model: exactly the sequence numbers of the window
    /// that were not received, oldest first, the most recent `limit` of them.
    mutating func missing(limit: Int) -> [UInt16] {
        let missing = receiver.missing(limit: limit)
        guard receiver.isValid, let highest else {
            if !missing.isEmpty { report("a NACK list before the source is valid") }
            return missing
        }
        let lowest = max(base, highest >= UInt64(RTPStreamReceiver.window - 1) ? highest - UInt64(RTPStreamReceiver.window - 1) : 0)
        let expected = (lowest..<highest).filter { !counted.contains($0) }.suffix(limit).map { UInt16(truncatingIfNeeded: $0) }
        if missing != expected {
            let received = missing.filter { sequence in counted.contains { UInt16(truncatingIfNeeded: $0) == sequence } }
            report(received.isEmpty
                ? "the NACK list \(missing.prefix(8)) is not the \(expected.count) missing \(expected.prefix(8))"
                : "a NACK for \(received.prefix(8)), which arrived")
        }
        if planted, missing.contains(where: { highest & ~0xFFFF | UInt64($0) > highest }) { report(RTPSessionFuzzTarget.plantedDetail) }
        return missing
    }

    mutating func sendNACK(limit: Int) {
        let missing = missing(limit: limit)
        guard !missing.isEmpty else { return }
        rtcpToSender.append(RTPFlying(bytes: Self.rtcp([nack(Self.nackPairs(missing))]), honest: true), keepingLast: Self.queueLimit)
    }

    /// An RR about the stream (RFC 3550 §6.4.2), with a NACK for what is missing when asked.
    mutating func sendReceiverReport(nack withNACK: Bool) {
        let block = receiver.reportBlock(at: now)
        if receiver.isValid, let highest, block.highestSequence != UInt32(truncatingIfNeeded: highest) {
            report("the report's highest sequence \(block.highestSequence) is not \(highest)")
        }
        if block.lastSenderReport != (lastSenderReport?.middle ?? 0) { report("the report's LSR is not the last SR's middle NTP bits") }
        if let lastSenderReport, block.delaySinceLastSenderReport != NTPClock.compactUnits(now - lastSenderReport.arrival) {
            report("the report's DLSR is not the time since the last SR")
        }
        var packets = [RTCPPacket(.receiverReport(ReceiverReport(ssrc: Self.receiverSSRC, reports: [block])))]
        if withNACK {
            let missing = missing(limit: 64)
            if !missing.isEmpty { packets.append(nack(Self.nackPairs(missing))) }
        }
        rtcpToSender.append(RTPFlying(bytes: Self.rtcp(packets), honest: true), keepingLast: Self.queueLimit)
    }

    // MARK: Time

    var nextDeadline: Instant? {
        [reorder.nextDeadline, senderSchedule.nextDeadline, receiverSchedule.nextDeadline].compactMap { $0 }.min()
    }

    /// Fires what is due at `instant`: the reorder buffer's gaps, then each side's report (§6.3.1).
    mutating func fire(at instant: Instant) {
        now = max(now, instant)
        take(reorder.flush(at: now))
        if let deadline = reorder.nextDeadline, deadline <= now { report("the reorder buffer is still due at \(deadline) after a flush at \(now)") }
        if senderSchedule.isDue(at: now) {
            sendSenderReport()
            senderSchedule.fired(at: now, using: &scheduleGenerator)
            checkSchedule(senderSchedule)
        }
        if receiverSchedule.isDue(at: now) {
            sendReceiverReport(nack: true)
            receiverSchedule.fired(at: now, using: &scheduleGenerator)
            checkSchedule(receiverSchedule)
        }
    }

    mutating func checkSchedule(_ schedule: RTCPSchedule) {
        let wait = schedule.nextDeadline - now
        if wait < Self.reportInterval / 2 || wait > Self.reportInterval * 3 / 2 {
            report("the next report is due \(wait) after this one, outside 0.5 to 1.5 intervals")
        }
    }

    mutating func report(_ detail: String) {
        if finding == nil { finding = detail }
    }

    // MARK: Wire

    func nack(_ pairs: [NACKPair]) -> RTCPPacket {
        RTCPPacket(.transportFeedback(TransportFeedback(senderSSRC: Self.receiverSSRC, message: .nack(mediaSSRC: Self.ssrc, pairs))))
    }

    static func rtcp(_ packets: [RTCPPacket]) -> [UInt8] { RTCPCodec.serialize(RTCPCompound(packets: packets)) }

    /// Missing sequence numbers (oldest first) as NACK entries: a packet ID and a bitmask of the 16
    /// after it (RFC 4585 §6.2.1).
    static func nackPairs(_ missing: [UInt16]) -> [NACKPair] {
        var pairs: [NACKPair] = []
        for sequence in missing {
            if let last = pairs.last, case let offset = sequence &- last.packetID, offset >= 1, offset <= 16 {
                pairs[pairs.count - 1].lostBitmask |= 1 << (offset - 1)
            } else {
                pairs.append(NACKPair(packetID: sequence, lostBitmask: 0))
            }
        }
        return pairs
    }

    /// `RTPCodec.mutate` over the packet; bytes that do not parse get one byte flipped.
    static func mutatedRTP(_ bytes: [UInt8], seed: UInt8, salt: Int) -> [UInt8] {
        var generator = SeededGenerator(seed: UInt64(seed) << 32 | UInt64(truncatingIfNeeded: salt))
        guard var packet = try? RTPCodec.parse(bytes) else { return flipped(bytes, seed: seed, using: &generator) }
        _ = RTPCodec.mutate(&packet, using: &generator)
        return RTPCodec.serialize(packet)
    }

    /// `RTCPCodec.mutate` over the compound; bytes that do not parse get one byte flipped.
    static func mutatedRTCP(_ bytes: [UInt8], seed: UInt8, salt: Int) -> [UInt8] {
        var generator = SeededGenerator(seed: UInt64(seed) << 32 | UInt64(truncatingIfNeeded: salt))
        guard var compound = try? RTCPCodec.parse(bytes) else { return flipped(bytes, seed: seed, using: &generator) }
        _ = RTCPCodec.mutate(&compound, using: &generator)
        return RTCPCodec.serialize(compound)
    }

    static func flipped(_ bytes: [UInt8], seed: UInt8, using generator: inout SeededGenerator) -> [UInt8] {
        guard !bytes.isEmpty else { return [seed] }
        var copy = bytes
        copy[generator.below(bytes.count)] ^= seed
        return copy
    }
}
