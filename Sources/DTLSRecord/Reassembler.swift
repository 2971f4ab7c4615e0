public import Wire

/// Puts fragmented handshake messages back together (RFC 6347 §4.2.3), within fixed memory bounds.
///
/// A value type: feed it fragments with `receive(_:)`, read what happened from the returned outcome.
/// Overlapping fragments are accepted when the overlapping bytes agree and rejected with
/// `DTLS.reassembly-conflict` when they do not. A message's buffer is allocated only after its declared
/// length has passed `limits.maxMessageLength` and fits under `limits.maxBufferedBytes`, so a hostile
/// length costs nothing. Every completed message is emitted exactly once.
public struct HandshakeReassembler: Sendable {
    /// The bounds a peer cannot push the reassembler past.
    public struct Limits: Hashable, Sendable {
        /// Largest handshake message body accepted (certificate chains are the big ones).
        public var maxMessageLength: Int
        /// Total body bytes held at once across all partial messages.
        public var maxBufferedBytes: Int

        public init(maxMessageLength: Int = 64 * 1024, maxBufferedBytes: Int = 256 * 1024) {
            self.maxMessageLength = maxMessageLength
            self.maxBufferedBytes = maxBufferedBytes
        }
    }

    /// Why a fragment was dropped without being stored.
    public enum DropReason: Hashable, Sendable {
        /// The message's declared length is above `maxMessageLength`.
        case messageTooLong(length: Int, limit: Int)
        /// Storing the message would take the buffered total above `maxBufferedBytes`.
        case bufferFull(needed: Int, buffered: Int, limit: Int)
        /// The message was already completed and emitted.
        case alreadyCompleted
    }

    /// What one fragment did.
    public enum Outcome: Hashable, Sendable {
        /// The fragment finished its message: header (unfragmented) and the whole body.
        case completed(HandshakeFragment)
        /// Stored; `missing` body bytes of the message are still to come.
        case buffered(missing: Int)
        case dropped(DropReason)
    }

    private struct Partial: Sendable {
        var type: HandshakeType
        var body: [UInt8]
        /// Received byte ranges, sorted and merged.
        var received: [Range<Int>]

        var receivedCount: Int { received.reduce(0) { $0 + $1.count } }
    }

    public let limits: Limits
    private var partials: [UInt16: Partial] = [:]
    private var completed: Set<UInt16> = []
    /// Body bytes currently held by partial messages.
    public private(set) var bufferedBytes = 0
    /// How many fragments were dropped so far (each drop is also reported by its `Outcome`).
    public private(set) var dropCount = 0

    public init(limits: Limits = Limits()) { self.limits = limits }

    /// Message sequence numbers of messages started but not complete.
    public var pendingSequences: [UInt16] { partials.keys.sorted() }

    /// Adds one fragment. Throws `DTLS.reassembly-conflict` when it contradicts what is already held
    /// (a different type or length for the same message_seq, or different bytes where ranges overlap);
    /// the error's offset is 0, since a reassembler sees fragments, not datagrams (the detail names the
    /// message_seq and body byte). A conflicting fragment changes nothing that was held.
    ///
    /// A retransmitted message that was already emitted is dropped as `.alreadyCompleted`; the set of
    /// emitted message_seq values is bounded by the 16-bit sequence space.
    public mutating func receive(_ fragment: HandshakeFragment) throws(DTLSError) -> Outcome {
        let header = fragment.header
        let sequence = header.messageSequence
        let length = Int(header.length)
        let start = Int(header.fragmentOffset)
        // A parsed fragment satisfies both; a hand-built one is checked so indexing below cannot trap.
        guard start + fragment.body.count <= length, fragment.body.count == Int(header.fragmentLength) else {
            throw DTLSError(.handshakeFragmentRange, at: 0, "fragment \(start)+\(fragment.body.count) does not fit message length \(length)")
        }
        if completed.contains(sequence) {
            dropCount += 1
            return .dropped(.alreadyCompleted)
        }
        guard length <= limits.maxMessageLength else {
            dropCount += 1
            return .dropped(.messageTooLong(length: length, limit: limits.maxMessageLength))
        }

        var partial: Partial
        if let existing = partials[sequence] {
            guard existing.type == header.type, existing.body.count == length else {
                throw DTLSError(
                    .reassemblyConflict, at: 0,
                    "message_seq \(sequence): fragment says \(header.type) length \(length), earlier fragments said \(existing.type) length \(existing.body.count)")
            }
            partial = existing
        } else {
            if header.isComplete {
                completed.insert(sequence)
                return .completed(HandshakeFragment(header: header, body: fragment.body))
            }
            guard bufferedBytes + length <= limits.maxBufferedBytes else {
                dropCount += 1
                return .dropped(.bufferFull(needed: length, buffered: bufferedBytes, limit: limits.maxBufferedBytes))
            }
            partial = Partial(type: header.type, body: [UInt8](repeating: 0, count: length), received: [])
            bufferedBytes += length
        }

        let range = start..<(start + fragment.body.count)
        // Bytes already held must agree with the new fragment (RFC 6347 §4.2.3 allows overlap, not change).
        for held in partial.received {
            let overlap = held.clamped(to: range)
            guard !overlap.isEmpty else { continue }
            for index in overlap where partial.body[index] != fragment.body[fragment.body.startIndex + index - start] {
                throw DTLSError(
                    .reassemblyConflict, at: 0,
                    "message_seq \(sequence): byte \(index) was 0x\(String(partial.body[index], radix: 16)), fragment says 0x\(String(fragment.body[fragment.body.startIndex + index - start], radix: 16))")
            }
        }
        partial.body.replaceSubrange(range, with: fragment.body)
        partial.received = Self.merge(partial.received, range)

        if partial.received == [0..<length] || length == 0 {
            partials[sequence] = nil
            bufferedBytes -= length
            completed.insert(sequence)
            let whole = HandshakeHeader(
                type: header.type, length: header.length, messageSequence: sequence, fragmentOffset: 0,
                fragmentLength: header.length)
            return .completed(HandshakeFragment(header: whole, body: partial.body[...]))
        }
        let missing = length - partial.receivedCount
        partials[sequence] = partial
        return .buffered(missing: missing)
    }

    /// `ranges` with `new` added, sorted and with touching ranges merged.
    static func merge(_ ranges: [Range<Int>], _ new: Range<Int>) -> [Range<Int>] {
        guard !new.isEmpty else { return ranges }
        var result: [Range<Int>] = []
        var current = new
        for range in ranges {
            if range.upperBound < current.lowerBound || range.lowerBound > current.upperBound {
                result.append(range)
            } else {
                current = min(range.lowerBound, current.lowerBound)..<max(range.upperBound, current.upperBound)
            }
        }
        result.append(current)
        return result.sorted { $0.lowerBound < $1.lowerBound }
    }
}
