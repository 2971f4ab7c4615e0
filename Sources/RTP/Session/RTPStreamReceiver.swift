public import SansIO

/// What `RTPStreamReceiver` made of one packet (RFC 3550 A.1).
public enum RTPReceptionVerdict: Hashable, Sendable {
    /// A new highest sequence number: in order, or after a gap smaller than `maximumDropout`.
    case accepted(extendedSequence: UInt64)
    /// Behind the highest by at most `maximumMisorder` and not seen before: a reordered packet.
    case late(extendedSequence: UInt64)
    /// A copy of a packet already received. Counted as received, as RFC 3550 A.3 counts duplicates
    /// (which is why the cumulative loss can go negative), but not to be delivered twice.
    case duplicate(extendedSequence: UInt64)
    /// The source has not yet sent `minimumSequential` packets in sequence (A.1 probation): not counted.
    case probation
    /// The sequence number jumped by `maximumDropout` or more, or fell back by more than
    /// `maximumMisorder`: dropped and remembered. If the next packet follows it, the sender restarted
    /// and the statistics re-synchronise on it (A.1).
    case jumped
    /// This packet followed a jump: the sender restarted its numbering, and counting starts again from
    /// here (A.1 `init_seq`). Whatever the caller holds in sequence order (a reorder buffer, a frame in
    /// reassembly) belongs to the old numbering.
    case resynchronized(extendedSequence: UInt64)
    /// Reordered from before the packet counting started at: neither counted nor delivered.
    case tooOld
    /// Another SSRC: this receiver does not count it.
    case foreignSSRC

    /// Whether the packet should go on to the depacketizer. Probation packets do: A.1's probation
    /// guards the statistics against a stray source, and a WebRTC packet has already passed SRTP
    /// authentication, so dropping the first packet of a key frame would only cost a picture.
    public var isDeliverable: Bool {
        switch self {
        case .accepted, .late, .probation, .resynchronized: true
        case .duplicate, .jumped, .tooOld, .foreignSSRC: false
        }
    }

    /// The packet's extended sequence number (A.1: cycles · 2¹⁶ + sequence) where one was assigned.
    public var extendedSequence: UInt64? {
        switch self {
        case .accepted(let value), .late(let value), .duplicate(let value), .resynchronized(let value): value
        case .probation, .jumped, .tooOld, .foreignSSRC: nil
        }
    }
}

/// What the remote sender's last SR said (RFC 3550 §6.4.1): W3C `remote-outbound-rtp`.
public struct RemoteSenderInfo: Hashable, Sendable {
    public var ntpTimestamp: UInt64
    public var rtpTimestamp: UInt32
    public var packetCount: UInt32
    public var octetCount: UInt32
    /// When the SR arrived here.
    public var arrival: Instant
    /// Sender reports received so far.
    public var reportsReceived: UInt64
}

/// What an incoming stream received: W3C `inbound-rtp` in RFC 3550's terms.
public struct RTPReceiverStatistics: Hashable, Sendable {
    /// Packets counted over the stream's life (late and duplicate ones included, probation ones not).
    public var packetsReceived: UInt64 = 0
    /// Duplicates among them.
    public var packetsDuplicated: UInt64 = 0
    /// Payload octets of the counted packets.
    public var bytesReceived: UInt64 = 0
    /// Header octets of the counted packets (fixed header, CSRCs, extension).
    public var headerBytesReceived: UInt64 = 0
    /// Packets dropped by A.1 validation: probation, jumps, and reordering from before the count began.
    public var packetsDiscarded: UInt64 = 0
    /// Times the count restarted after a confirmed jump.
    public var resynchronizations: UInt64 = 0
    /// Since the last (re)synchronisation: packets expected (A.3: highest − base + 1)…
    public var packetsExpected: UInt64 = 0
    /// …and expected minus received, negative when duplicates outnumber losses (A.3).
    public var packetsLost: Int64 = 0
    /// The extended highest sequence number, nil before the source is valid.
    public var highestSequence: UInt64?
    /// Interarrival jitter (A.8) in clock units, and in seconds for W3C `jitter`.
    public var jitter: Double = 0
    public var jitterSeconds: Double = 0
    /// When the last counted packet arrived.
    public var lastPacketReceived: Instant?
    /// The remote sender's last SR.
    public var remoteSender: RemoteSenderInfo?

    public init() {}
}

/// One incoming RTP stream (one SSRC), sans-IO: RFC 3550 A.1 source validation and extended sequence
/// numbers, A.3 expected/lost/fraction lost, A.8 interarrival jitter, and §6.4.1's LSR/DLSR for the
/// reception report block it writes. It also remembers which of the last `window` sequence numbers
/// arrived, to tell duplicates from reordering and to list the missing ones for NACK (RFC 4585 §6.2.1).
///
/// All state is fixed-size: a peer cannot make it grow.
public struct RTPStreamReceiver: Sendable {
    public let ssrc: UInt32
    public let clockRate: Int
    /// A.1 MIN_SEQUENTIAL: packets in sequence before a source counts. 1 validates on the first packet.
    public let minimumSequential: Int
    /// A.1 MAX_DROPOUT: the largest forward jump taken as loss rather than a restart.
    public let maximumDropout: UInt16
    /// A.1 MAX_MISORDER: the furthest back a packet is taken as reordered rather than a restart.
    public let maximumMisorder: UInt16
    /// Sequence numbers behind the highest that `missing(limit:)` and duplicate detection remember.
    public static let window = 512

    private let clock: MediaClock
    private var started = false
    private var probation: Int
    private var maxSeq: UInt16 = 0
    private var cycles: UInt64 = 0
    private var baseSeq: UInt64 = 0
    /// A.1 `bad_seq`: 2¹⁶ + 1 when no jump is pending, which no sequence number equals.
    private var badSeq: UInt32 = 1 << 16 + 1
    private var received: UInt64 = 0
    private var expectedPrior: UInt64 = 0
    private var receivedPrior: UInt64 = 0
    private var lastTransit: UInt32?
    /// A.8's estimate J, in clock units (the floating-point form, so small jitters keep their fraction).
    private var jitter: Double = 0
    /// Bit `e % window` says whether extended sequence `e` (within `window` of the highest) arrived.
    private var seen = [UInt64](repeating: 0, count: window / 64)
    private var lastSenderReport: (middle: UInt32, arrival: Instant)?
    private var counters = RTPReceiverStatistics()

    /// RFC 3550 A.1's defaults: 2 packets of probation, 3 000 of dropout, 100 of misorder.
    public init(
        ssrc: UInt32, clockRate: Int, minimumSequential: Int = 2, maximumDropout: UInt16 = 3000,
        maximumMisorder: UInt16 = 100
    ) {
        self.ssrc = ssrc
        self.clockRate = max(1, clockRate)
        self.clock = MediaClock(rate: clockRate)
        self.minimumSequential = max(1, minimumSequential)
        self.probation = max(1, minimumSequential)
        // The window has to cover every late packet, and the jump test needs dropout + misorder < 2¹⁶.
        self.maximumMisorder = min(maximumMisorder, UInt16(Self.window - 1))
        self.maximumDropout = max(1, min(maximumDropout, UInt16.max - self.maximumMisorder))
    }

    /// Whether the source passed probation (A.1).
    public var isValid: Bool { started && probation == 0 }

    private var highestExtended: UInt64 { cycles + UInt64(maxSeq) }

    /// Takes one packet's header, its payload size and its arrival time, and says what it is.
    public mutating func received(_ header: RTPHeader, payloadBytes: Int, at now: Instant) -> RTPReceptionVerdict {
        guard header.ssrc == ssrc else { return .foreignSSRC }
        let verdict = updateSequence(header.sequenceNumber)
        switch verdict {
        case .accepted, .late, .resynchronized:
            updateJitter(timestamp: header.timestamp, at: now)
        case .duplicate, .probation, .jumped, .tooOld, .foreignSSRC:
            break
        }
        if verdict.extendedSequence != nil {
            counters.packetsReceived += 1
            counters.bytesReceived += UInt64(max(0, payloadBytes))
            counters.headerBytesReceived += UInt64(header.encodedLength)
            counters.lastPacketReceived = now
            if case .duplicate = verdict { counters.packetsDuplicated += 1 }
        } else {
            counters.packetsDiscarded += 1
        }
        return verdict
    }

    /// RFC 3550 A.1 `update_seq`, with duplicates told apart by the window.
    private mutating func updateSequence(_ seq: UInt16) -> RTPReceptionVerdict {
        if !started {
            started = true
            restart(at: seq)
            maxSeq = seq &- 1
            probation = minimumSequential
        }
        if probation > 0 {
            if seq == maxSeq &+ 1 {
                probation -= 1
                maxSeq = seq
                if probation == 0 {
                    restart(at: seq)
                    received += 1
                    return .accepted(extendedSequence: highestExtended)
                }
            } else {
                probation = minimumSequential - 1
                maxSeq = seq
            }
            return .probation
        }
        let delta = seq &- maxSeq
        if delta == 0 {
            received += 1
            return .duplicate(extendedSequence: highestExtended)
        }
        if delta < maximumDropout {
            let previous = highestExtended
            if seq < maxSeq { cycles += 1 << 16 }  // wrapped (A.1)
            maxSeq = seq
            forget(after: previous, through: highestExtended)
            mark(highestExtended)
            received += 1
            return .accepted(extendedSequence: highestExtended)
        }
        if delta <= UInt16.max - maximumMisorder + 1 {
            // A.1: a jump of 2¹⁶ − MAX_MISORDER or less; confirmed only by the packet right after it.
            guard UInt32(seq) == badSeq else {
                badSeq = (UInt32(seq) + 1) & 0xFFFF
                return .jumped
            }
            restart(at: seq)
            counters.resynchronizations += 1
            lastTransit = nil  // the timestamps restarted too; do not count the step as jitter
            received += 1
            return .resynchronized(extendedSequence: highestExtended)
        }
        let back = UInt64(maxSeq &- seq)
        guard highestExtended >= baseSeq + back else { return .tooOld }
        let extended = highestExtended - back
        received += 1
        if isMarked(extended) { return .duplicate(extendedSequence: extended) }
        mark(extended)
        return .late(extendedSequence: extended)
    }

    /// A.1 `init_seq`: counting starts again at `seq`.
    private mutating func restart(at seq: UInt16) {
        baseSeq = UInt64(seq)
        maxSeq = seq
        cycles = 0
        badSeq = 1 << 16 + 1
        received = 0
        expectedPrior = 0
        receivedPrior = 0
        for index in seen.indices { seen[index] = 0 }
        mark(UInt64(seq))
    }

    private mutating func mark(_ extended: UInt64) {
        let bit = Int(extended % UInt64(Self.window))
        seen[bit / 64] |= 1 << UInt64(bit % 64)
    }

    private func isMarked(_ extended: UInt64) -> Bool {
        let bit = Int(extended % UInt64(Self.window))
        return seen[bit / 64] & (1 << UInt64(bit % 64)) != 0
    }

    /// Clears the bits of sequence numbers newly inside the window, (`previous`, `highest`].
    private mutating func forget(after previous: UInt64, through highest: UInt64) {
        guard highest - previous < UInt64(Self.window) else {
            for index in seen.indices { seen[index] = 0 }
            return
        }
        var extended = previous + 1
        while extended <= highest {
            let bit = Int(extended % UInt64(Self.window))
            seen[bit / 64] &= ~(1 << UInt64(bit % 64))
            extended += 1
        }
    }

    /// RFC 3550 A.8: the transit time's change D between consecutive packets, smoothed by 1/16.
    /// Arrival times are converted to the media clock and differences taken modulo 2³², so a
    /// timestamp wrap is not a jump.
    private mutating func updateJitter(timestamp: UInt32, at now: Instant) {
        let arrival = UInt32(truncatingIfNeeded: clock.ticks(at: now))
        let transit = arrival &- timestamp
        if let lastTransit {
            let difference = Int32(bitPattern: transit &- lastTransit).magnitude
            jitter += (Double(difference) - jitter) / 16
        }
        lastTransit = transit
    }

    /// Takes the remote sender's SR (RFC 3550 §6.4.1) for the LSR and DLSR of later report blocks.
    /// An SR about another SSRC is ignored.
    public mutating func senderReportReceived(_ report: SenderReport, at now: Instant) {
        guard report.ssrc == ssrc else { return }
        lastSenderReport = (NTPClock.middle32(report.ntpTimestamp), now)
        counters.remoteSender = RemoteSenderInfo(
            ntpTimestamp: report.ntpTimestamp, rtpTimestamp: report.rtpTimestamp, packetCount: report.packetCount,
            octetCount: report.octetCount, arrival: now,
            reportsReceived: (counters.remoteSender?.reportsReceived ?? 0) + 1)
    }

    /// The reception report block for this source at `now` (RFC 3550 §6.4.1), and the start of the
    /// next reporting interval: the fraction lost covers the packets since the previous block (A.3),
    /// the cumulative loss is clamped to 24 signed bits, DLSR is in 1/65536 s.
    public mutating func reportBlock(at now: Instant) -> ReportBlock {
        var block = ReportBlock(ssrc: ssrc)
        if let lastSenderReport {
            block.lastSenderReport = lastSenderReport.middle
            block.delaySinceLastSenderReport = NTPClock.compactUnits(now - lastSenderReport.arrival)
        }
        guard isValid else { return block }
        let expected = highestExtended - baseSeq + 1
        let lost = Int64(clamping: expected) - Int64(clamping: received)
        block.cumulativeLost = UInt32(bitPattern: Int32(min(max(lost, -0x80_0000), 0x7F_FFFF))) & 0xFF_FFFF
        let expectedInterval = expected - min(expected, expectedPrior)
        let receivedInterval = received - min(received, receivedPrior)
        expectedPrior = expected
        receivedPrior = received
        if expectedInterval > 0, expectedInterval > receivedInterval {
            // A.3 computes (lost << 8) / expected, which is 256 when nothing arrived; the field has 8 bits.
            block.fractionLost = UInt8(min(255, ((expectedInterval - receivedInterval) << 8) / expectedInterval))
        }
        block.highestSequence = UInt32(truncatingIfNeeded: highestExtended)
        block.jitter = UInt32(jitter.rounded(.down))
        return block
    }

    /// What has been received so far.
    public var statistics: RTPReceiverStatistics {
        var statistics = counters
        if isValid {
            let expected = highestExtended - baseSeq + 1
            statistics.packetsExpected = expected
            statistics.packetsLost = Int64(clamping: expected) - Int64(clamping: received)
            statistics.highestSequence = highestExtended
        }
        statistics.jitter = jitter
        statistics.jitterSeconds = clock.seconds(jitter)
        return statistics
    }

    /// Up to `limit` sequence numbers missing among the last `window` behind the highest, oldest first,
    /// the most recent kept when there are more: what a NACK (RFC 4585 §6.2.1) asks for.
    public func missing(limit: Int) -> [UInt16] {
        guard isValid, limit > 0 else { return [] }
        let highest = highestExtended
        let lowest = max(baseSeq, highest >= UInt64(Self.window - 1) ? highest - UInt64(Self.window - 1) : 0)
        var missing: [UInt16] = []
        var extended = highest
        while extended > lowest, missing.count < limit {
            extended -= 1
            if !isMarked(extended) { missing.append(UInt16(truncatingIfNeeded: extended)) }
        }
        return missing.reversed()
    }
}
