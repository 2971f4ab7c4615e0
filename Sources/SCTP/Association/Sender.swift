public import SansIO

/// One DATA chunk's worth of a message on its way out.
struct OutboundFragment {
    var messageID: UInt64
    var stream: UInt16
    var payloadProtocol: PayloadProtocolIdentifier
    var flags: DataChunkFlags
    var payload: ArraySlice<UInt8>
    var reliability: SCTPReliability
    var queuedAt: Instant
    // Set when first sent.
    var tsn: UInt32 = 0
    var ssn: UInt16 = 0
    var sentAt: Instant = .zero
    var transmissions = 0
    var gapAcked = false
    var missIndications = 0
    /// Marked for retransmission by fast retransmit (§7.2.4) and not yet resent.
    var fastRetransmitted = false
    var needsRetransmit = false
    var abandoned = false

    var ordered: Bool { !flags.contains(.unordered) }
    /// Counts toward the flight size: sent, not acknowledged, not given up, not waiting to be resent.
    var inFlight: Bool { !gapAcked && !abandoned && !needsRetransmit }

    func chunk() -> SCTPChunk {
        .data(DataChunk(
            flags: flags, tsn: tsn, streamIdentifier: stream, streamSequenceNumber: ssn,
            payloadProtocol: payloadProtocol, userData: payload))
    }
}

/// The sending half: queue, retransmission queue, congestion control (RFC 9260 §6, §7).
struct SenderState {
    let mtu: Int
    /// Fragments not yet given a TSN, in send order.
    var pending: [OutboundFragment] = []
    var pendingHead = 0
    /// Fragments sent and not cumulatively acknowledged: `outstanding[i].tsn == cumulativeAck + 1 + i`.
    var outstanding: [OutboundFragment] = []
    var nextTSN: UInt32
    /// The peer's cumulative TSN ack (RFC 9260 §6.2.1 "Cumulative TSN Ack Point").
    var cumulativeAck: UInt32
    /// RFC 3758 §3.5 "Advanced.Peer.Ack.Point".
    var advancedPeerAckPoint: UInt32
    var forwardTSNNeeded = false
    var nextMessageID: UInt64 = 0
    var nextSSN: [UInt16: UInt16] = [:]
    /// The SSN of the message whose fragments are being sent.
    var currentMessage: (id: UInt64, ssn: UInt16)?
    var buffered: [UInt16: Int] = [:]
    var bufferedTotal = 0
    var changedStreams: Set<UInt16> = []

    // §7.2: congestion control.
    var cwnd: Int
    var ssthresh = Int(UInt32.max)
    var partialBytesAcked = 0
    var peerWindow = 0
    var fastRecoveryExit: UInt32?
    var rttProbe: UInt32?
    var t3Deadline: Instant?

    init(initialTSN: UInt32, mtu: Int) {
        self.mtu = mtu
        nextTSN = initialTSN
        cumulativeAck = initialTSN &- 1
        advancedPeerAckPoint = initialTSN &- 1
        // RFC 9260 §7.2.1: initial cwnd = min(4 * MTU, max(2 * MTU, 4380)).
        cwnd = min(4 * mtu, max(2 * mtu, 4380))
    }

    mutating func start(peerWindow window: UInt32) {
        peerWindow = Int(window)
        // §7.2.1: the initial ssthresh MAY be arbitrarily high; we use the peer's a_rwnd.
        ssthresh = Int(window)
    }

    var hasPending: Bool { pendingHead < pending.count }
    var isIdle: Bool { !hasPending && outstanding.isEmpty }
    var flightSize: Int { outstanding.reduce(0) { $0 + ($1.inFlight ? $1.payload.count : 0) } }

    mutating func popPending() {
        pendingHead += 1
        if pendingHead == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingHead = 0
        } else if pendingHead > 1024, pendingHead * 2 > pending.count {
            pending.removeFirst(pendingHead)
            pendingHead = 0
        }
    }

    mutating func release(_ bytes: Int, on stream: UInt16) {
        let remaining = max((buffered[stream] ?? 0) - bytes, 0)
        buffered[stream] = remaining == 0 ? nil : remaining
        bufferedTotal = max(bufferedTotal - bytes, 0)
        changedStreams.insert(stream)
    }
}

extension SCTPAssociation {
    /// Queues a message, fragmented to the path MTU; throws when it cannot be sent.
    public mutating func send(_ message: SCTPMessage, at now: Instant) throws(SCTPAssociationError) {
        switch state {
        case .closed, .cookieWait, .cookieEchoed, .established: guard !isTerminated else { throw .notOpen }
        default: throw .notOpen
        }
        guard !message.bytes.isEmpty else { throw .emptyMessage }
        let limit = min(configuration.maxMessageSize, configuration.peerMaxMessageSize ?? .max)
        guard message.bytes.count <= limit else { throw .messageTooLarge(size: message.bytes.count, limit: limit) }
        let streams = negotiated?.outboundStreams ?? configuration.outboundStreams
        guard message.stream < streams else { throw .invalidStream(message.stream) }
        guard !reconfig.isResetting(message.stream) else { throw .streamResetting(message.stream) }
        guard sender.bufferedTotal + message.bytes.count <= configuration.sendBufferSize else {
            throw .sendBufferFull(queued: sender.bufferedTotal, limit: configuration.sendBufferSize)
        }
        let id = sender.nextMessageID
        sender.nextMessageID += 1
        let size = configuration.fragmentSize
        var start = 0
        while start < message.bytes.count {
            let end = min(start + size, message.bytes.count)
            var flags: DataChunkFlags = message.ordered ? [] : .unordered
            if start == 0 { flags.insert(.beginning) }
            if end == message.bytes.count { flags.insert(.ending) }
            sender.pending.append(OutboundFragment(
                messageID: id, stream: message.stream, payloadProtocol: message.payloadProtocol, flags: flags,
                payload: message.bytes[start..<end], reliability: message.reliability, queuedAt: now))
            start = end
        }
        sender.buffered[message.stream, default: 0] += message.bytes.count
        sender.bufferedTotal += message.bytes.count
        sender.changedStreams.insert(message.stream)
    }

    /// Whether a fragment's message has run out of retransmissions or lifetime (RFC 3758 §3.4, RFC 8831 §6.1).
    func shouldAbandon(_ fragment: OutboundFragment, at now: Instant) -> Bool {
        guard peer?.forwardTSN == true else { return false }
        switch fragment.reliability {
        case .reliable: return false
        case .maxRetransmits(let limit): return fragment.transmissions > limit
        case .lifetime(let lifetime): return now - fragment.queuedAt > lifetime
        }
    }

    /// Gives up a whole message: its outstanding fragments are skipped by FORWARD TSN, the rest never sent.
    mutating func abandonMessage(_ id: UInt64) {
        statistics.abandonedMessages += 1
        for index in sender.outstanding.indices where sender.outstanding[index].messageID == id {
            guard !sender.outstanding[index].abandoned else { continue }
            sender.outstanding[index].abandoned = true
            sender.outstanding[index].needsRetransmit = false
            // Gap-acknowledged fragments are released only by the cumulative ack, which skips abandoned
            // ones: so every fragment of the message leaves the buffered amount here, acked or not.
            sender.release(sender.outstanding[index].payload.count, on: sender.outstanding[index].stream)
        }
        var index = sender.pendingHead
        var kept: [OutboundFragment] = []
        while index < sender.pending.count {
            let fragment = sender.pending[index]
            if fragment.messageID == id { sender.release(fragment.payload.count, on: fragment.stream) } else { kept.append(fragment) }
            index += 1
        }
        sender.pending = kept
        sender.pendingHead = 0
        if sender.currentMessage?.id == id { sender.currentMessage = nil }
        advancePeerAckPoint()
    }

    /// RFC 3758 §3.5 C1: move past abandoned chunks at the front of the queue.
    mutating func advancePeerAckPoint() {
        guard peer?.forwardTSN == true else { return }
        if tsnBefore(sender.advancedPeerAckPoint, sender.cumulativeAck) { sender.advancedPeerAckPoint = sender.cumulativeAck }
        var index = Int(sender.advancedPeerAckPoint &- sender.cumulativeAck)
        while index < sender.outstanding.count, sender.outstanding[index].abandoned {
            sender.advancedPeerAckPoint = sender.outstanding[index].tsn
            index += 1
        }
        if tsnBefore(sender.cumulativeAck, sender.advancedPeerAckPoint) { sender.forwardTSNNeeded = true }
    }

    /// FORWARD TSN up to the advanced ack point, with the last skipped SSN of each ordered stream (§3.5 C4).
    func forwardTSNChunk() -> SCTPChunk {
        var lastSSN: [UInt16: UInt16] = [:]
        let count = Int(sender.advancedPeerAckPoint &- sender.cumulativeAck)
        for fragment in sender.outstanding.prefix(count) where fragment.ordered {
            if let known = lastSSN[fragment.stream], !ssnBefore(known, fragment.ssn) { continue }
            lastSSN[fragment.stream] = fragment.ssn
        }
        let streams = lastSSN.keys.sorted().map { ForwardTSNChunk.Stream(identifier: $0, sequenceNumber: lastSSN[$0] ?? 0) }
        return .forwardTSN(ForwardTSNChunk(newCumulativeTSN: sender.advancedPeerAckPoint, streams: streams))
    }

    // MARK: SACK (RFC 9260 §6.2.1, §7.2)

    mutating func handleSelectiveAck(_ sack: SelectiveAckChunk, at now: Instant) {
        handleCumulativeAck(sack.cumulativeTSNAck, window: sack.advertisedReceiverWindowCredit, gaps: sack.gapAckBlocks, at: now)
    }

    /// A cumulative ack with its window and gap blocks (a SACK's, or a SHUTDOWN's alone), through the steps
    /// of RFC 9260 §6.2.1 and §7.2 in order (see `SelectiveAck.swift`, one function per step).
    mutating func handleCumulativeAck(_ cumulative: UInt32, window: UInt32?, gaps: [GapAckBlock], at now: Instant) {
        guard sender.accepts(cumulativeAck: cumulative) else { return }
        let flightBefore = sender.flightSize
        let advanced = sender.advanceCumulativeAck(to: cumulative)
        if let probe = advanced.probe { sampleRoundTrip(probe, at: now) }
        if advanced.newlyAcked > 0 { errorCount = 0 }
        let gapAcked = sender.applyGapAckBlocks(gaps)
        if let probe = gapAcked.probe { sampleRoundTrip(probe, at: now) }
        statistics.fastRetransmits += sender.countMissIndications(gapAcked)
        sender.leaveFastRecovery(at: cumulative)
        sender.growCongestionWindow(
            newlyAcked: advanced.newlyAcked, bytesAcked: advanced.bytesAcked + gapAcked.bytesAcked, flightBefore: flightBefore)
        if let window { sender.updatePeerWindow(advertised: window) }
        advancePeerAckPoint()
        sender.updateRetransmissionTimer(newlyAcked: advanced.newlyAcked, at: now, rto: rto.value)
        if advanced.newlyAcked > 0 { pathWasUsed(at: now) }
        progressShutdown(at: now)
    }

    /// The RTT probe was acknowledged for the first time: a sample (RFC 9260 §6.3.1 C4), unless Karn's rule
    /// (C5, RFC 6298 §3) forbids it because the chunk was sent more than once or skipped.
    ///
    /// The sample is taken at the chunk's *first* acknowledgement, which may be a Gap Ack Block: a receiver
    /// with gaps acknowledges at once (§6.7), so that instant is one round trip after sending. Waiting for
    /// the cumulative ack instead would add the whole recovery of an earlier loss to the sample; under
    /// steady loss that inflated the RTO towards RTO.Max and kept it there.
    mutating func sampleRoundTrip(_ fragment: OutboundFragment, at now: Instant) {
        sender.rttProbe = nil
        guard fragment.transmissions == 1, !fragment.abandoned else { return }
        rto.measure(now - fragment.sentAt)
    }

    /// §6.3.3: the retransmission timer expired.
    mutating func t3Expired(at now: Instant) {
        sender.t3Deadline = nil
        guard !sender.outstanding.isEmpty, countTimeout() else { return }
        // §7.2.3: ssthresh = max(cwnd/2, 4*MTU), cwnd = 1 MTU.
        sender.ssthresh = max(sender.cwnd / 2, 4 * sender.mtu)
        sender.cwnd = sender.mtu
        sender.partialBytesAcked = 0
        sender.fastRecoveryExit = nil
        sender.rttProbe = nil
        for index in sender.outstanding.indices where !sender.outstanding[index].gapAcked && !sender.outstanding[index].abandoned {
            sender.outstanding[index].needsRetransmit = true
            // Resent by the timer now, within cwnd: no longer the window-exempt fast retransmission.
            sender.outstanding[index].fastRetransmitted = false
        }
        if tsnBefore(sender.cumulativeAck, sender.advancedPeerAckPoint) { sender.forwardTSNNeeded = true }
        probeRoundTrip(at: now)
    }

    /// Retransmissions first (§6.3.3 E3, §7.2.4), then new DATA within cwnd and the peer's window.
    mutating func collectData(at now: Instant, into chunks: inout [SCTPChunk]) {
        var flight = sender.flightSize
        var sentAny = false
        for index in sender.outstanding.indices where sender.outstanding[index].needsRetransmit {
            let fragment = sender.outstanding[index]
            if shouldAbandon(fragment, at: now) {
                abandonMessage(fragment.messageID)
                continue
            }
            // A fast retransmission goes out whatever the window (§7.2.4 rule 3); others wait for room.
            guard flight < sender.cwnd || (fragment.fastRetransmitted && !sentAny) else { break }
            sender.outstanding[index].needsRetransmit = false
            sender.outstanding[index].transmissions += 1
            sender.outstanding[index].sentAt = now
            sender.outstanding[index].missIndications = 0
            // §7.2.4 step 4: resending the earliest outstanding chunk restarts T3, so the timer set for
            // its first transmission does not expire right behind the fast retransmission.
            if index == 0, fragment.fastRetransmitted { sender.t3Deadline = now + rto.value }
            sender.outstanding[index].fastRetransmitted = false
            if sender.rttProbe == fragment.tsn { sender.rttProbe = nil }
            statistics.retransmittedChunks += 1
            flight += fragment.payload.count
            chunks.append(sender.outstanding[index].chunk())
            sentAny = true
        }
        if sender.forwardTSNNeeded, tsnBefore(sender.cumulativeAck, sender.advancedPeerAckPoint) {
            sender.forwardTSNNeeded = false
            chunks.insert(forwardTSNChunk(), at: 0)
            sentAny = true
        }
        while sender.hasPending {
            var fragment = sender.pending[sender.pendingHead]
            if fragment.flags.contains(.beginning), shouldAbandon(fragment, at: now) {
                // Never sent: drop it without a TSN, so no FORWARD TSN is needed.
                sender.popPending()
                statistics.abandonedMessages += 1
                sender.release(fragment.payload.count, on: fragment.stream)
                var next = sender.pendingHead
                while next < sender.pending.count, sender.pending[next].messageID == fragment.messageID {
                    sender.release(sender.pending[next].payload.count, on: sender.pending[next].stream)
                    sender.popPending()
                    next = sender.pendingHead
                }
                continue
            }
            guard flight < sender.cwnd else { break }
            // §6.1 A/B: respect the peer's window, but one chunk may probe a zero window when nothing is in flight.
            guard fragment.payload.count <= sender.peerWindow || flight == 0 else { break }
            fragment.tsn = sender.nextTSN
            sender.nextTSN &+= 1
            if fragment.ordered {
                if fragment.flags.contains(.beginning) || sender.currentMessage?.id != fragment.messageID {
                    let ssn = sender.nextSSN[fragment.stream] ?? 0
                    sender.nextSSN[fragment.stream] = ssn &+ 1
                    sender.currentMessage = (fragment.messageID, ssn)
                }
                fragment.ssn = sender.currentMessage?.ssn ?? 0
            }
            fragment.transmissions = 1
            fragment.sentAt = now
            if sender.rttProbe == nil { sender.rttProbe = fragment.tsn }
            sender.peerWindow = max(sender.peerWindow - fragment.payload.count, 0)
            flight += fragment.payload.count
            sender.outstanding.append(fragment)
            sender.popPending()
            chunks.append(fragment.chunk())
            sentAny = true
        }
        if sentAny {
            if sender.t3Deadline == nil { sender.t3Deadline = now + rto.value }
            pathWasUsed(at: now)
        }
    }
}
