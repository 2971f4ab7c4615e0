import SansIO

/// A DATA chunk held until its message is whole and, if ordered, its turn has come.
struct HeldChunk {
    var stream: UInt16
    var ssn: UInt16
    var payloadProtocol: PayloadProtocolIdentifier
    var flags: DataChunkFlags
    var payload: [UInt8]
}

/// The receiving half (RFC 9260 §6.2): TSN bookkeeping, reassembly, ordering, SACK timing.
struct ReceiverState {
    /// The peer's last TSN received in sequence.
    var cumulativeTSN: UInt32 = 0
    /// TSNs received above the cumulative TSN (gap blocks).
    var receivedAbove = SortedTSNs()
    var held: [UInt32: HeldChunk] = [:]
    /// Complete ordered messages waiting for an earlier SSN.
    var ready: [UInt16: [UInt16: SCTPReceivedMessage]] = [:]
    var nextSSN: [UInt16: UInt16] = [:]
    /// How many messages `ready` holds.
    var readyCount = 0
    /// Every byte in `held` and `ready`.
    var heldBytes = 0
    var duplicates: [UInt32] = []
    var sackNeeded = false
    var sackDeadline: Instant?
    var packetsSinceSack = 0

    mutating func start(peerInitialTSN: UInt32) { cumulativeTSN = peerInitialTSN &- 1 }

    /// §6.2: acknowledge at least every second DATA packet, or within the delay.
    mutating func noteDataPacket(at now: Instant, delay: Duration, filledGap: Bool) {
        packetsSinceSack += 1
        if packetsSinceSack >= 2 || filledGap || !receivedAbove.isEmpty || !duplicates.isEmpty {
            sackNeeded = true
        } else if sackDeadline == nil {
            sackDeadline = now + delay
        }
    }

    mutating func advanceCumulativeTSN() {
        cumulativeTSN = receivedAbove.removeRun(after: cumulativeTSN)
    }

    /// Gap Ack Blocks for what arrived above the cumulative TSN (§3.3.4), at most `limit` of them.
    func gapBlocks(limit: Int) -> [GapAckBlock] {
        var blocks: [GapAckBlock] = []
        for tsn in receivedAbove.elements {
            let offset = tsn &- cumulativeTSN
            guard offset <= UInt32(UInt16.max) else { break }
            let value = UInt16(truncatingIfNeeded: offset)
            if let last = blocks.last, last.end &+ 1 == value {
                blocks[blocks.count - 1].end = value
            } else {
                guard blocks.count < limit else { break }
                blocks.append(GapAckBlock(start: value, end: value))
            }
        }
        return blocks
    }
}

/// TSNs above the cumulative TSN in serial order (all lie within `tsnWindow` of it, so serial order is
/// total): binary search to insert and find, the lowest at the front.
struct SortedTSNs {
    private(set) var elements: [UInt32] = []

    var isEmpty: Bool { elements.isEmpty }
    var count: Int { elements.count }
    var last: UInt32? { elements.last }

    private func index(of tsn: UInt32) -> Int {
        var low = 0
        var high = elements.count
        while low < high {
            let middle = (low + high) / 2
            if tsnBefore(elements[middle], tsn) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    func contains(_ tsn: UInt32) -> Bool {
        let position = index(of: tsn)
        return position < elements.count && elements[position] == tsn
    }

    mutating func insert(_ tsn: UInt32) {
        let position = index(of: tsn)
        guard position == elements.count || elements[position] != tsn else { return }
        elements.insert(tsn, at: position)
    }

    mutating func remove(_ tsn: UInt32) {
        let position = index(of: tsn)
        if position < elements.count, elements[position] == tsn { elements.remove(at: position) }
    }

    /// Removes the run of consecutive TSNs that starts right after `tsn`; returns the run's last TSN.
    mutating func removeRun(after tsn: UInt32) -> UInt32 {
        var count = 0
        var last = tsn
        while count < elements.count, elements[count] == last &+ 1 {
            last &+= 1
            count += 1
        }
        elements.removeFirst(count)
        return last
    }

    /// Drops every TSN at or before `tsn`.
    mutating func removeThrough(_ tsn: UInt32) {
        elements.removeFirst(index(of: tsn &+ 1))
    }
}

extension SCTPAssociation {
    /// The TSN distance above the cumulative TSN we accept at all: gap blocks count in 16 bits.
    static let tsnWindow: UInt32 = 16384

    var advertisedWindow: UInt32 { UInt32(clamping: max(configuration.receiveBufferSize - receiver.heldBytes, 0)) }

    func selectiveAck() -> SCTPChunk {
        .selectiveAck(SelectiveAckChunk(
            cumulativeTSNAck: receiver.cumulativeTSN, advertisedReceiverWindowCredit: advertisedWindow,
            gapAckBlocks: receiver.gapBlocks(limit: 64), duplicateTSNs: Array(receiver.duplicates.prefix(16))))
    }

    mutating func receiveData(_ chunk: DataChunk, at now: Instant) {
        let tsn = chunk.tsn
        if tsnAtOrBefore(tsn, receiver.cumulativeTSN) || receiver.receivedAbove.contains(tsn) {
            statistics.duplicateDataChunks += 1
            if receiver.duplicates.count < 16 { receiver.duplicates.append(tsn) }
            return
        }
        guard tsn &- receiver.cumulativeTSN <= Self.tsnWindow else {
            statistics.droppedDataChunks += 1
            return
        }
        guard !chunk.userData.isEmpty else {
            // §6.2: DATA without user data is answered with ABORT (No User Data).
            abort(.protocolViolation("DATA chunk without user data"), causes: [.noUserData(tsn: tsn)])
            return
        }
        let inbound = negotiated?.inboundStreams ?? configuration.inboundStreams
        guard chunk.streamIdentifier < inbound else {
            // §6.5: acknowledge the TSN, drop the data, report the stream.
            receiver.receivedAbove.insert(tsn)
            receiver.advanceCumulativeTSN()
            controlChunks.append(.error(ErrorChunk(causes: [.invalidStreamIdentifier(stream: chunk.streamIdentifier, reserved: 0)])))
            return
        }
        let size = chunk.userData.count
        if !makeRoom(for: size, below: tsn) {
            statistics.droppedDataChunks += 1
            return
        }
        receiver.held[tsn] = HeldChunk(
            stream: chunk.streamIdentifier, ssn: chunk.streamSequenceNumber, payloadProtocol: chunk.payloadProtocol,
            flags: chunk.flags, payload: Array(chunk.userData))
        receiver.heldBytes += size
        // RFC 7053 §4: the I bit asks for a SACK without delay.
        if chunk.flags.contains(.immediate) { receiver.sackNeeded = true }
        receiver.receivedAbove.insert(tsn)
        receiver.advanceCumulativeTSN()
        pathWasUsed(at: now)
        reassemble(around: tsn)
    }

    /// Bounded memory (§6.2): when the buffer or chunk bound is full, a chunk beyond every held one is
    /// dropped; an earlier one displaces the highest held chunks (renege), which the sender will resend.
    ///
    /// The chunk right after the cumulative TSN may use one max-message-size (and as many chunks again)
    /// beyond the bounds: it is the one that unblocks ordered delivery, and refusing it when the buffer is
    /// full of later messages would stall the association. So at most
    /// `receiveBufferSize + maxMessageSize` bytes and `2 * maxHeldChunks` chunks and messages are held.
    mutating func makeRoom(for size: Int, below tsn: UInt32) -> Bool {
        let unblocking = tsn == receiver.cumulativeTSN &+ 1
        let byteLimit = configuration.receiveBufferSize + (unblocking ? configuration.maxMessageSize : 0)
        let countLimit = configuration.maxHeldChunks * (unblocking ? 2 : 1)
        func fits() -> Bool {
            receiver.heldBytes + size <= byteLimit && receiver.held.count + receiver.readyCount < countLimit
        }
        // The TSN beyond everything received so far is dropped without a search (§6.2).
        if !fits(), let highest = receiver.receivedAbove.last, !tsnBefore(tsn, highest) { return false }
        while !fits() {
            let candidates = receiver.held.keys.filter { tsnBefore(receiver.cumulativeTSN, $0) }
            guard let highest = candidates.max(by: tsnBefore), tsnBefore(tsn, highest) else { return false }
            if let evicted = receiver.held.removeValue(forKey: highest) { receiver.heldBytes -= evicted.payload.count }
            receiver.receivedAbove.remove(highest)
        }
        return true
    }

    /// Delivers the message that `tsn` belongs to when all its fragments are here (fragments of one
    /// message carry consecutive TSNs, §6.9).
    mutating func reassemble(around tsn: UInt32) {
        guard let chunk = receiver.held[tsn] else { return }
        var first = tsn
        var current = chunk
        while !current.flags.contains(.beginning) {
            guard let previous = receiver.held[first &- 1], previous.stream == chunk.stream,
                previous.flags.contains(.unordered) == chunk.flags.contains(.unordered),
                !previous.flags.contains(.ending)
            else { return }
            first &-= 1
            current = previous
        }
        var last = first
        var size = 0
        while true {
            guard let fragment = receiver.held[last], fragment.stream == chunk.stream,
                fragment.flags.contains(.unordered) == chunk.flags.contains(.unordered),
                last == first || !fragment.flags.contains(.beginning)
            else { return }
            size += fragment.payload.count
            if size > configuration.maxMessageSize {
                abort(.protocolViolation("message larger than max-message-size"), causes: [.protocolViolation(Array("message too large".utf8))])
                return
            }
            if fragment.flags.contains(.ending) { break }
            last &+= 1
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        var tsn = first
        while true {
            if let fragment = receiver.held.removeValue(forKey: tsn) {
                bytes.append(contentsOf: fragment.payload)
                receiver.heldBytes -= fragment.payload.count
            }
            if tsn == last { break }
            tsn &+= 1
        }
        let head = current
        let message = SCTPReceivedMessage(
            stream: head.stream, payloadProtocol: head.payloadProtocol, bytes: bytes, ordered: !head.flags.contains(.unordered))
        guard message.ordered else {
            outputs.append(.message(message))
            return
        }
        let expected = receiver.nextSSN[head.stream] ?? 0
        if head.ssn == expected {
            outputs.append(.message(message))
            receiver.nextSSN[head.stream] = expected &+ 1
            deliverReady(on: head.stream)
        } else if ssnBefore(expected, head.ssn) {
            if let replaced = receiver.ready[head.stream]?[head.ssn] {
                receiver.heldBytes -= replaced.bytes.count
            } else {
                receiver.readyCount += 1
            }
            receiver.ready[head.stream, default: [:]][head.ssn] = message
            receiver.heldBytes += bytes.count
        }
    }

    mutating func deliverReady(on stream: UInt16) {
        while let expected = Optional(receiver.nextSSN[stream] ?? 0),
            let message = receiver.ready[stream]?.removeValue(forKey: expected)
        {
            receiver.heldBytes -= message.bytes.count
            receiver.readyCount -= 1
            outputs.append(.message(message))
            receiver.nextSSN[stream] = expected &+ 1
        }
        if receiver.ready[stream]?.isEmpty == true { receiver.ready[stream] = nil }
    }

    /// RFC 3758 §3.6: skip to the new cumulative TSN and past the listed stream sequence numbers.
    mutating func receiveForwardTSN(_ chunk: ForwardTSNChunk, at now: Instant) {
        receiver.sackNeeded = true
        let newCumulative = chunk.newCumulativeTSN
        guard tsnBefore(receiver.cumulativeTSN, newCumulative),
            newCumulative &- receiver.cumulativeTSN <= Self.tsnWindow
        else { return }
        receiver.cumulativeTSN = newCumulative
        receiver.receivedAbove.removeThrough(newCumulative)
        for tsn in receiver.held.keys where tsnAtOrBefore(tsn, newCumulative) {
            if let dropped = receiver.held.removeValue(forKey: tsn) { receiver.heldBytes -= dropped.payload.count }
        }
        receiver.advanceCumulativeTSN()
        for skipped in chunk.streams {
            let expected = receiver.nextSSN[skipped.identifier] ?? 0
            guard !ssnBefore(skipped.sequenceNumber, expected) else { continue }
            if var waiting = receiver.ready[skipped.identifier] {
                for ssn in waiting.keys where !ssnBefore(skipped.sequenceNumber, ssn) {
                    if let dropped = waiting.removeValue(forKey: ssn) {
                        receiver.heldBytes -= dropped.bytes.count
                        receiver.readyCount -= 1
                    }
                }
                receiver.ready[skipped.identifier] = waiting
            }
            receiver.nextSSN[skipped.identifier] = skipped.sequenceNumber &+ 1
            deliverReady(on: skipped.identifier)
        }
        completeDeferredReset(at: now)
    }
}
