/// The outputs a machine has produced and its driver has not drained yet, oldest first: what every
/// machine's ``Machine/poll()`` hands out.
///
/// Draining is O(1) per element without shifting the array: a read index moves forward, and the storage
/// is emptied (keeping its capacity) once everything has been read, so a machine that produces a few
/// outputs per input allocates nothing in steady state.
public struct OutputQueue<Element> {
    private var elements: [Element] = []
    private var head = 0

    public init() {}

    /// Queues an output behind the others.
    public mutating func append(_ element: Element) {
        elements.append(element)
    }

    /// The oldest output not yet drained, or nil when there is none (`poll()` of a machine).
    public mutating func next() -> Element? {
        guard head < elements.count else {
            elements.removeAll(keepingCapacity: true)
            head = 0
            return nil
        }
        defer { head += 1 }
        return elements[head]
    }

    /// How many outputs wait to be drained.
    public var count: Int { elements.count - head }

    public var isEmpty: Bool { head >= elements.count }
}

extension OutputQueue: Sendable where Element: Sendable {}
