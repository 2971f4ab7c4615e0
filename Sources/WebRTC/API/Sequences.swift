import Synchronization

/// A value that changes over time, as an async sequence that also says what it is now (Ktor's
/// `StateFlow`). Iterating yields the current value first, then every later change in order; none is
/// skipped, so a test can assert a whole transition sequence.
public struct StateSequence<Value: Hashable & Sendable>: AsyncSequence, Sendable {
    public typealias Element = Value
    let log: EventLog<Value>
    let initial: Value

    /// The value now.
    public var current: Value { log.snapshot().last ?? initial }
    /// Every value so far, the first included.
    public var history: [Value] { [initial] + log.snapshot() }

    public func makeAsyncIterator() -> Iterator { Iterator(sequence: self, position: nil) }

    /// Waits until the value satisfies `predicate` (now or later) and returns it; throws on timeout or
    /// when the connection ends first.
    @discardableResult
    public func wait(
        until predicate: @escaping @Sendable (Value) -> Bool, timeout: Duration = .seconds(30)
    ) async throws(WebRTCError) -> Value {
        let initial = self.initial
        let log = self.log
        let holds: @Sendable () -> Bool = { predicate(log.snapshot().last ?? initial) }
        guard await log.waiting.wait(until: holds, timeout: timeout) else {
            throw .timeout("the state stayed \(current)")
        }
        return current
    }

    public struct Iterator: AsyncIteratorProtocol {
        let sequence: StateSequence
        var position: Int?

        public mutating func next() async -> Value? {
            guard let position else {
                let values = sequence.log.snapshot()
                self.position = values.count
                return values.last ?? sequence.initial
            }
            guard let value = await sequence.log.element(at: position) else { return nil }
            self.position = position + 1
            return value
        }
    }
}

/// Events of a connection as an async sequence. Each iteration starts at the first event the
/// connection ever emitted (so no event is lost to a late listener) and ends once the connection is
/// closed and every event has been seen.
public struct EventSequence<Event: Sendable>: AsyncSequence, Sendable {
    public typealias Element = Event
    let log: EventLog<Event>

    /// Every event so far.
    public var all: [Event] { log.snapshot() }

    public func makeAsyncIterator() -> Iterator { Iterator(log: log, position: 0) }

    public struct Iterator: AsyncIteratorProtocol {
        let log: EventLog<Event>
        var position: Int

        public mutating func next() async -> Event? {
            guard let event = await log.element(at: position) else { return nil }
            position += 1
            return event
        }
    }
}

/// An append-only list of events that readers wait on through the connection's host (wall clock or
/// simulation, see ``EngineHost``).
final class EventLog<Event: Sendable>: Sendable {
    private let state = Mutex<(events: [Event], finished: Bool)>(([], false))
    let waiting: HostSlot

    init(waiting: HostSlot) { self.waiting = waiting }

    func append(_ event: Event) { state.withLock { $0.events.append(event) } }
    func finish() { state.withLock { $0.finished = true } }
    func snapshot() -> [Event] { state.withLock { $0.events } }

    /// The event at `position`, waiting for it; nil when the log finished first or the wait ran out.
    func element(at position: Int) async -> Event? {
        let ready: @Sendable () -> Bool = { self.state.withLock { $0.events.count > position || $0.finished } }
        if !ready() {
            _ = await waiting.wait(until: ready, timeout: waiting.sequenceTimeout)
        }
        return state.withLock { $0.events.count > position ? $0.events[position] : nil }
    }
}

/// The host a connection's readers wait through, set once the host exists (it is made after the logs
/// that its events fill).
final class HostSlot: Sendable {
    private let slot = Mutex<(any EngineHost)?>(nil)
    /// How long a sequence waits for its next element before it ends: long on the wall clock; in a
    /// simulation it is virtual time, which a waiting reader makes pass.
    let sequenceTimeout: Duration

    init(sequenceTimeout: Duration) { self.sequenceTimeout = sequenceTimeout }

    var host: (any EngineHost)? { slot.withLock { $0 } }
    func set(_ host: any EngineHost) { slot.withLock { $0 = host } }

    func wait(until condition: @escaping @Sendable () -> Bool, timeout: Duration) async -> Bool {
        guard let host else { return condition() }
        return await host.wait(until: condition, timeout: timeout)
    }
}
