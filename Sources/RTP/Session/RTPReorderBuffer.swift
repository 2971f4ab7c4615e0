public import SansIO

/// What `RTPReorderBuffer` hands on.
public enum RTPReorderOutput<Element> {
    /// The next element in sequence order. `extendedSequence` counts on across wraps from the first
    /// sequence number the buffer saw, and strictly increases from one `element` to the next.
    case element(Element, sequence: UInt16, extendedSequence: Int64)
    /// `count` sequence numbers from `first` on were waited for and given up: the delay or the
    /// capacity ran out. A depacketizer drops the frame they were part of (it sees the gap).
    case skipped(first: UInt16, count: Int)
    /// An element that came too late (its place was already passed) or twice; it is dropped.
    case discarded(sequence: UInt16, reason: RTPReorderDiscard)
}

extension RTPReorderOutput: Sendable where Element: Sendable {}
extension RTPReorderOutput: Equatable where Element: Equatable {}

public enum RTPReorderDiscard: Hashable, Sendable {
    /// Its sequence number was already delivered or skipped.
    case late
    /// The buffer already holds an element with this sequence number.
    case duplicate
}

/// A bounded reordering buffer in front of a depacketizer: elements come out in sequence order, each
/// once. A missing sequence number is waited for at most `maximumDelay` after the first element behind
/// it arrived, or until `capacity` elements are held behind it; then it is skipped and reported.
///
/// The first element inserted fixes where the order starts, so an element older than it is late. The
/// buffer never holds more than `capacity` elements and never waits on its own: a driver calls
/// `flush(at:)` at `nextDeadline` (DESIGN §1.1). When the stream restarts its numbering
/// (`RTPReceptionVerdict.resynchronized`), `reset()` it.
public struct RTPReorderBuffer<Element> {
    public let capacity: Int
    public let maximumDelay: Duration

    fileprivate struct Held {
        var element: Element
        var arrival: Instant
    }

    /// Held elements by extended sequence number; never more than `capacity`.
    private var held: [Int64: Held] = [:]
    /// The extended sequence number to deliver next; nil before the first element.
    private var next: Int64?
    /// The highest extended sequence number seen, the reference for unwrapping the next one.
    private var highest: Int64 = 0

    /// `capacity` is at least 1.
    public init(capacity: Int = 128, maximumDelay: Duration = .milliseconds(100)) {
        self.capacity = max(1, capacity)
        self.maximumDelay = maximumDelay
    }

    /// Elements waiting for a gap before them to fill.
    public var count: Int { held.count }

    /// When `flush(at:)` next gives up on a gap; nil when nothing waits.
    public var nextDeadline: Instant? {
        held.values.lazy.map(\.arrival).min().map { $0 + maximumDelay }
    }

    /// Takes an element that arrived at `now`; returns what can go on, in order. Expired gaps are
    /// given up first, so the output is the same whether or not the driver called `flush` on time.
    public mutating func insert(sequence: UInt16, _ element: Element, at now: Instant) -> [RTPReorderOutput<Element>] {
        var output = flush(at: now)
        let extended: Int64
        if let next {
            // Unwrap to the value nearest the highest seen (RFC 3550 A.1's idea, in both directions).
            extended = highest + Int64(Int16(bitPattern: sequence &- UInt16(truncatingIfNeeded: highest)))
            guard extended >= next else {
                output.append(.discarded(sequence: sequence, reason: .late))
                return output
            }
        } else {
            extended = Int64(sequence)
            next = extended
        }
        guard held[extended] == nil else {
            output.append(.discarded(sequence: sequence, reason: .duplicate))
            return output
        }
        highest = max(highest, extended)
        held[extended] = Held(element: element, arrival: now)
        release(into: &output)
        while held.count > capacity { skipGap(into: &output) }
        return output
    }

    /// Gives up every gap whose wait ended at or before `now`, and returns what that released.
    public mutating func flush(at now: Instant) -> [RTPReorderOutput<Element>] {
        var output: [RTPReorderOutput<Element>] = []
        while let deadline = nextDeadline, deadline <= now { skipGap(into: &output) }
        return output
    }

    /// Everything held, in order, skipping every gap: the end of the stream.
    public mutating func drain() -> [RTPReorderOutput<Element>] {
        var output: [RTPReorderOutput<Element>] = []
        while !held.isEmpty { skipGap(into: &output) }
        return output
    }

    /// Forgets everything: the next element starts a new order.
    public mutating func reset() {
        held = [:]
        next = nil
        highest = 0
    }

    /// Delivers the run of held elements that starts at `next`.
    private mutating func release(into output: inout [RTPReorderOutput<Element>]) {
        guard var cursor = next else { return }
        while let entry = held.removeValue(forKey: cursor) {
            output.append(.element(entry.element, sequence: UInt16(truncatingIfNeeded: cursor), extendedSequence: cursor))
            cursor += 1
        }
        next = cursor
    }

    /// Skips the gap before the oldest held element, then delivers what follows it.
    private mutating func skipGap(into output: inout [RTPReorderOutput<Element>]) {
        guard let next, let first = held.keys.min() else { return }
        if first > next {
            output.append(.skipped(first: UInt16(truncatingIfNeeded: next), count: Int(clamping: first - next)))
        }
        self.next = first
        release(into: &output)
    }
}

extension RTPReorderBuffer: Sendable where Element: Sendable {}
extension RTPReorderBuffer.Held: Sendable where Element: Sendable {}
