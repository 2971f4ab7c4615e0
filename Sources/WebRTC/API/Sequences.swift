import Synchronization

/// A value that changes over time, as an async sequence that also says what it is now (Ktor's
/// `StateFlow`). Iterating yields the current value first, then every later change in order; none is
/// skipped, so a test can assert a whole transition sequence.
public struct StateSequence<Value: Hashable & Sendable>: AsyncSequence, Sendable {
    public typealias Element = Value
    let log: EventLog<Value>
    let initial: Value

    /// The value now.
    public var current: Value { log.last ?? initial }
    /// Every value so far, the first included.
    public var history: [Value] { [initial] + log.snapshot() }

    public func makeAsyncIterator() -> Iterator { Iterator(sequence: self, position: nil) }

    /// Waits until the value satisfies `predicate` (now or later) and returns it; throws `.timeout` when
    /// `timeout` (the connection's ``ConnectionConfiguration/operationTimeout`` when nil) passes first.
    @discardableResult
    public func wait(
        until predicate: @escaping @Sendable (Value) -> Bool, timeout: Duration? = nil
    ) async throws(WebRTCError) -> Value {
        let initial = self.initial
        let log = self.log
        let holds: @Sendable () -> Bool = { predicate(log.last ?? initial) }
        guard await log.waiting.wait(until: holds, timeout: timeout ?? log.waiting.operationTimeout) else {
            throw .timeout("the state stayed \(current)")
        }
        return current
    }

    public struct Iterator: AsyncIteratorProtocol {
        let sequence: StateSequence
        var position: Int?

        public mutating func next() async -> Value? {
            guard let position else {
                let (count, last) = sequence.log.countAndLast
                self.position = count
                return last ?? sequence.initial
            }
            guard case .event(let value) = await sequence.log.element(at: position) else { return nil }
            self.position = position + 1
            return value
        }
    }
}

/// Events of a connection as an async sequence. Each iteration starts at the first event the
/// connection ever emitted (so no event is lost to a late listener) and ends once the connection is
/// closed and every event has been seen.
///
/// `for await` ends the same way whether the connection closed or no event came within the engine's
/// wait (``WebRTCEngine/sequenceTimeout(operationTimeout:)``); `Iterator.nextEvent()` tells the two
/// apart: nil means closed, `.timeout` means nothing came in time.
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
            try? await nextEvent()
        }

        /// The next event; nil once the connection has closed and every event was seen; throws
        /// `.timeout` when no event came within the engine's wait while the connection was still open.
        public mutating func nextEvent() async throws(WebRTCError) -> Event? {
            switch await log.element(at: position) {
            case .event(let event):
                position += 1
                return event
            case .finished:
                return nil
            case .timedOut:
                throw .timeout("no event \(position + 1) within \(log.waiting.sequenceTimeout)")
            }
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
    /// Every event so far: a copy, for readers that want the whole history.
    func snapshot() -> [Event] { state.withLock { $0.events } }
    /// The latest event, without copying the history: what waiting conditions check, after every output.
    var last: Event? { state.withLock { $0.events.last } }
    /// How many events there are, without copying the history.
    var count: Int { state.withLock { $0.events.count } }
    var countAndLast: (Int, Event?) { state.withLock { ($0.events.count, $0.events.last) } }
    /// The first event that satisfies `predicate`, searched under the lock without copying the history.
    func first(where predicate: (Event) -> Bool) -> Event? { state.withLock { $0.events.first(where: predicate) } }

    /// What waiting for one position of the log gave.
    enum Element {
        case event(Event)
        /// The log finished (the connection closed) before an event reached the position.
        case finished
        /// Nothing reached the position within the sequence timeout, and the log is still open.
        case timedOut
    }

    /// The event at `position`, waiting for it up to the sequence timeout.
    func element(at position: Int) async -> Element {
        let ready: @Sendable () -> Bool = { self.state.withLock { $0.events.count > position || $0.finished } }
        if !ready() {
            _ = await waiting.wait(until: ready, timeout: waiting.sequenceTimeout)
        }
        return state.withLock { state in
            if state.events.count > position { return .event(state.events[position]) }
            return state.finished ? .finished : .timedOut
        }
    }
}

/// The host a connection's readers wait through, set once the host exists (it is made after the logs
/// that its events fill).
final class HostSlot: Sendable {
    private let slot = Mutex<(any EngineHost)?>(nil)
    /// How long a sequence waits for its next element before it ends: long on the wall clock; in a
    /// simulation it is virtual time, which a waiting reader makes pass.
    let sequenceTimeout: Duration
    /// How long a state wait without a timeout of its own waits: the connection's operation timeout.
    let operationTimeout: Duration

    init(sequenceTimeout: Duration, operationTimeout: Duration) {
        self.sequenceTimeout = sequenceTimeout
        self.operationTimeout = operationTimeout
    }

    var host: (any EngineHost)? { slot.withLock { $0 } }
    func set(_ host: any EngineHost) { slot.withLock { $0 = host } }
    /// Forgets the host once the connection is closed; waits then only check their condition.
    func release() { slot.withLock { $0 = nil } }

    func wait(until condition: @escaping @Sendable () -> Bool, timeout: Duration) async -> Bool {
        guard let host else { return condition() }
        return await host.wait(until: condition, timeout: timeout)
    }
}
