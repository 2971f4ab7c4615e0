/// The last `capacity` distinct elements seen, forgetting the oldest first: how the rules remember
/// recent sequence numbers (RTP, DTLS records, SCTP TSNs) to tell a repeat from a late arrival, in
/// bounded memory and O(1) per element whatever the capture's length.
struct RecentSet<Element: Hashable & Sendable>: Sendable {
    private var members: Set<Element> = []
    /// Members in arrival order, as a ring of `capacity` slots.
    private var ring: [Element] = []
    private var next = 0
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func contains(_ element: Element) -> Bool { members.contains(element) }

    /// Remembers `element`; false when it was remembered already.
    @discardableResult
    mutating func insert(_ element: Element) -> Bool {
        guard members.insert(element).inserted else { return false }
        if ring.count < capacity {
            ring.append(element)
        } else {
            members.remove(ring[next])
            ring[next] = element
            next = (next + 1) % capacity
        }
        return true
    }
}

/// The values of the last `capacity` distinct keys stored, forgetting the oldest key first.
struct RecentDictionary<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private var values: [Key: Value] = [:]
    private var ring: [Key] = []
    private var next = 0
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    subscript(key: Key) -> Value? { values[key] }

    mutating func store(_ value: Value, for key: Key) {
        guard values.updateValue(value, forKey: key) == nil else { return }
        if ring.count < capacity {
            ring.append(key)
        } else {
            values[ring[next]] = nil
            ring[next] = key
            next = (next + 1) % capacity
        }
    }
}
