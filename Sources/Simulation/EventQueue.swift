public import SansIO

/// A priority queue of events ordered by instant, then by the order they were scheduled, so that events
/// due at the same instant run in a fixed order and a run is a function of its seed alone.
///
/// A binary heap: scheduling and taking the next event are O(log n).
public struct EventQueue<Event> {
    /// What the queue orders by: the instant, then a sequence number the owner increases on every insertion.
    public struct Key: Hashable, Comparable, Sendable {
        public var instant: Instant
        public var sequence: UInt64

        public init(instant: Instant, sequence: UInt64) {
            self.instant = instant
            self.sequence = sequence
        }

        public static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.instant, lhs.sequence) < (rhs.instant, rhs.sequence)
        }
    }

    private var heap: [(key: Key, event: Event)] = []
    private var nextSequence: UInt64 = 0

    public init() {}

    public var count: Int { heap.count }
    public var isEmpty: Bool { heap.isEmpty }

    /// The key of the earliest event, without removing it.
    public var firstKey: Key? { heap.first?.key }

    /// Adds `event` at `instant`, after every event already queued for the same instant. Returns its key.
    @discardableResult
    public mutating func schedule(_ event: Event, at instant: Instant) -> Key {
        let key = Key(instant: instant, sequence: takeSequence())
        heap.append((key, event))
        siftUp(from: heap.count - 1)
        return key
    }

    /// A fresh sequence number from the same counter that orders queued events, for owners that keep
    /// some events (per-host timers) outside the heap but must order them against it.
    public mutating func takeSequence() -> UInt64 {
        defer { nextSequence &+= 1 }
        return nextSequence
    }

    /// Removes and returns the earliest event.
    public mutating func popFirst() -> (key: Key, event: Event)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let first = heap.removeLast()
        if !heap.isEmpty { siftDown(from: 0) }
        return first
    }

    private mutating func siftUp(from start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].key < heap[parent].key else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < heap.count, heap[left].key < heap[smallest].key { smallest = left }
            if right < heap.count, heap[right].key < heap[smallest].key { smallest = right }
            if smallest == parent { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
