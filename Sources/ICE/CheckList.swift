import STUN
public import Wire

/// Identifies a pair by what a datagram carries: the local base it leaves from and the remote address.
/// Two pairs with the same key are redundant (RFC 8445 §6.1.2.4).
public struct PairKey: Hashable, Sendable, CustomStringConvertible {
    public var localBase: TransportAddress
    public var remote: TransportAddress

    public init(localBase: TransportAddress, remote: TransportAddress) {
        self.localBase = localBase
        self.remote = remote
    }

    public var description: String { "\(localBase) → \(remote)" }
}

/// One pair in a check list with its state (RFC 8445 §6.1.2.6) and nomination flags.
public struct CheckListEntry: Sendable, CustomStringConvertible {
    public internal(set) var pair: ICECandidatePair
    public internal(set) var state: CandidatePairState
    /// The pair priority in the agent's current role (RFC 8445 §6.1.2.3).
    public internal(set) var priority: UInt64
    /// In the valid list (RFC 8445 §7.2.5.3.2): a check on it succeeded at least once. It stays valid
    /// while a later check (the nominating one) is in flight, so data keeps flowing over it.
    public internal(set) var isValid: Bool = false
    /// Nominated (RFC 8445 §8.1.1): a check with USE-CANDIDATE succeeded on it.
    public internal(set) var isNominated: Bool = false
    /// The peer sent an authenticated check on this pair: it knows our password and chose this path,
    /// so data it sends here is accepted before our own check succeeds (RFC 8445 §12.2: be prepared to
    /// receive on any pair the peer may use; RFC 7675 §5.3 consent is about what we send).
    public internal(set) var peerChecked: Bool = false
    /// Controlled agent: the peer sent USE-CANDIDATE before this pair's own check succeeded, so it is
    /// nominated when that check succeeds (RFC 8445 §7.3.1.5).
    var nominateOnSuccess: Bool = false
    /// Controlling agent, regular nomination: the next check on this pair carries USE-CANDIDATE.
    var nominationRequested: Bool = false
    /// The transaction of the latest check on this pair.
    var transaction: STUNTransactionID?

    public var key: PairKey { PairKey(localBase: pair.local.base, remote: pair.remote.address) }

    public var description: String { "\(pair) \(state.rawValue)\(isNominated ? " nominated" : "")" }
}

/// The check list of the single data stream (RFC 8445 §6.1.2): pairs in descending priority, their
/// states, and the triggered-check queue. Pure bookkeeping, so the rules can be tested without an agent.
public struct CheckList: Sendable {
    public private(set) var entries: [CheckListEntry] = []
    public internal(set) var state: CheckListState = .running
    /// Pairs waiting for a triggered check, oldest first (RFC 8445 §6.1.4.1); never longer than `entries`.
    public private(set) var triggeredQueue: [PairKey] = []
    public let maximumSize: Int

    public init(maximumSize: Int = 100) {
        self.maximumSize = max(1, maximumSize)
    }

    public func index(of key: PairKey) -> Int? { entries.firstIndex { $0.key == key } }

    public func entry(_ key: PairKey) -> CheckListEntry? { index(of: key).map { entries[$0] } }

    /// Adds a pair (RFC 8445 §6.1.2.2–6.1.2.5, with trickle's initial state of RFC 8838 §10): a pair whose
    /// key is already present is redundant and only raises the kept pair's local candidate when it has a
    /// higher priority; a new pair is Waiting when its foundation has a pair that succeeded or none that is
    /// Waiting or In-Progress, Frozen otherwise. Beyond `maximumSize` the lowest-priority pair that is not
    /// In-Progress or valid is dropped (§6.1.2.5). Returns the key when the pair is in the list.
    @discardableResult
    public mutating func add(_ pair: ICECandidatePair, role: ICERole) -> PairKey? {
        let priority = pair.priority(as: role)
        let key = PairKey(localBase: pair.local.base, remote: pair.remote.address)
        if let existing = index(of: key) {
            if priority > entries[existing].priority {
                entries[existing].pair = pair
                entries[existing].priority = priority
                sort()
            }
            return key
        }
        let sameFoundation = entries.filter { $0.pair.foundation == pair.foundation }
        let active = sameFoundation.contains { $0.state == .waiting || $0.state == .inProgress }
        let succeeded = sameFoundation.contains { $0.state == .succeeded }
        let state: CandidatePairState = succeeded || !active ? .waiting : .frozen
        entries.append(CheckListEntry(pair: pair, state: state, priority: priority))
        sort()
        if entries.count > maximumSize {
            guard let victim = entries.lastIndex(where: { $0.state != .inProgress && !$0.isValid }) else {
                entries.removeAll { $0.key == key }
                return nil
            }
            let victimKey = entries[victim].key
            entries.remove(at: victim)
            triggeredQueue.removeAll { $0 == victimKey }
            if victimKey == key { return nil }
        }
        if state == .waiting || state == .frozen, self.state == .failed { self.state = .running }
        return key
    }

    /// Recomputes every pair priority after a role change (RFC 8445 §7.2.5.1) and re-sorts.
    public mutating func reprioritize(role: ICERole) {
        for index in entries.indices { entries[index].priority = entries[index].pair.priority(as: role) }
        sort()
    }

    /// Moves the Frozen pairs of `foundation` to Waiting, after a pair of it succeeded (RFC 8445 §7.2.5.3.3).
    public mutating func unfreeze(foundation: String) {
        for index in entries.indices where entries[index].state == .frozen && entries[index].pair.foundation == foundation {
            entries[index].state = .waiting
        }
    }

    /// Queues a triggered check (RFC 8445 §7.3.1.4): the pair becomes Waiting and joins the queue once.
    public mutating func trigger(_ key: PairKey) {
        guard let index = index(of: key) else { return }
        entries[index].state = .waiting
        if !triggeredQueue.contains(key) { triggeredQueue.append(key) }
        if state == .failed { state = .running }
    }

    /// The pair the pacer checks next (RFC 8445 §6.1.4.2): the oldest triggered check; else the
    /// highest-priority Waiting pair; else the highest-priority Frozen pair, unfrozen. Nil when there is
    /// nothing to check.
    public mutating func nextCheck() -> PairKey? {
        while !triggeredQueue.isEmpty {
            let key = triggeredQueue.removeFirst()
            if let index = index(of: key), entries[index].state == .waiting { return key }
        }
        if let index = entries.firstIndex(where: { $0.state == .waiting }) { return entries[index].key }
        if let index = entries.firstIndex(where: { $0.state == .frozen }) {
            entries[index].state = .waiting
            return entries[index].key
        }
        return nil
    }

    /// Whether the pacer has anything to do.
    public var hasPendingChecks: Bool {
        !triggeredQueue.isEmpty || entries.contains { $0.state == .waiting || $0.state == .frozen }
    }

    /// Whether every pair has failed (false for an empty list).
    public var allFailed: Bool { !entries.isEmpty && entries.allSatisfy { $0.state == .failed } }

    /// Count of pairs Waiting or In-Progress, for the RTO of RFC 8445 §14.3.
    var activeCount: Int { entries.reduce(0) { $0 + ($1.state == .waiting || $1.state == .inProgress ? 1 : 0) } }

    mutating func update(_ key: PairKey, _ change: (inout CheckListEntry) -> Void) {
        guard let index = index(of: key) else { return }
        change(&entries[index])
    }

    /// After a nomination (RFC 8445 §8.1.2): Waiting and Frozen pairs and queued triggered checks are
    /// removed, and the list is completed. Returns the removed keys.
    @discardableResult
    mutating func complete() -> [PairKey] {
        let removed = entries.filter { $0.state == .waiting || $0.state == .frozen }.map(\.key)
        entries.removeAll { $0.state == .waiting || $0.state == .frozen }
        triggeredQueue.removeAll()
        state = .completed
        return removed
    }

    private mutating func sort() {
        // Stable: equal priorities keep insertion order.
        let ordered = entries.enumerated().sorted { lhs, rhs in
            lhs.element.priority != rhs.element.priority ? lhs.element.priority > rhs.element.priority : lhs.offset < rhs.offset
        }
        entries = ordered.map(\.element)
    }
}
