public import SansIO
import Wire

/// One direction of a simulated link: given a datagram entering it at an instant, decides whether it is
/// dropped (and why) or when each copy of it leaves.
///
/// It is a pure function of its conditions, its seed and the datagrams offered to it; the simulator keeps
/// one per host per direction. Each random decision (loss, delay, reordering, duplication) draws from its
/// own stream, so turning on reordering does not change which datagrams are lost.
///
/// The stages, in order: blackout, MTU, loss, the rate limiter's queue, delay and jitter, reordering,
/// duplication.
public struct Link: Sendable {
    /// One copy of a datagram leaving the link.
    public struct Exit: Hashable, Sendable {
        public var instant: Instant
        /// The second copy of a duplicated datagram.
        public var isDuplicate: Bool
        /// Held back by the reordering rule.
        public var isReordered: Bool
    }

    /// What the link does with one datagram.
    public enum Decision: Hashable, Sendable {
        case dropped(DropReason)
        /// One exit, or two for a duplicated datagram, in the order they were decided.
        case delivered([Exit])
    }

    /// IPv4 + UDP header bytes (RFC 791, RFC 768).
    public static let ipv4Overhead = 28
    /// IPv6 + UDP header bytes (RFC 8200, RFC 768).
    public static let ipv6Overhead = 48

    public let name: String
    public var conditions: LinkConditions
    public private(set) var statistics = LinkStatistics()

    private var lossRandom: SeededGenerator
    private var delayRandom: SeededGenerator
    private var reorderRandom: SeededGenerator
    private var duplicateRandom: SeededGenerator
    /// Gilbert-Elliott state.
    private var inBadState = false
    /// The latest exit of an in-order datagram: jitter never lets a later one leave before it.
    private var lastInOrderExit = Instant.zero
    /// Datagrams in the rate limiter (waiting or being serialised): when each finishes, and its size.
    private var queue: [(finish: Instant, bytes: Int)] = []
    private var queueHead = 0
    private var queuedBytes = 0

    public init(name: String, conditions: LinkConditions, seed: SimulationSeed) {
        self.name = name
        self.conditions = conditions
        lossRandom = seed.generator(label: "\(name)/loss")
        delayRandom = seed.generator(label: "\(name)/delay")
        reorderRandom = seed.generator(label: "\(name)/reorder")
        duplicateRandom = seed.generator(label: "\(name)/duplicate")
    }

    /// The size on the wire of a datagram with `payloadCount` bytes of UDP payload.
    public static func packetSize(payloadCount: Int, isIPv6: Bool) -> Int {
        payloadCount + (isIPv6 ? ipv6Overhead : ipv4Overhead)
    }

    /// Offers a datagram of `packetSize` IP bytes to the link at `now`; `now` never goes backwards.
    public mutating func offer(packetSize: Int, at now: Instant) -> Decision {
        statistics.sent += 1
        statistics.bytesSent += packetSize
        if let reason = dropReason(packetSize: packetSize, at: now) {
            statistics.dropped[reason, default: 0] += 1
            return .dropped(reason)
        }
        guard let serialised = enqueue(packetSize: packetSize, at: now) else {
            statistics.dropped[.queueFull, default: 0] += 1
            return .dropped(.queueFull)
        }
        var exits = [propagate(from: serialised, mayReorder: true)]
        if duplicateRandom.chance(conditions.duplication) {
            statistics.duplicated += 1
            var copy = propagate(from: serialised, mayReorder: false)
            copy.isDuplicate = true
            exits.append(copy)
        }
        statistics.delivered += exits.count
        statistics.bytesDelivered += exits.count * packetSize
        return .delivered(exits)
    }

    private mutating func dropReason(packetSize: Int, at now: Instant) -> DropReason? {
        if conditions.blackouts.contains(where: { $0.contains(now) }) { return .blackout }
        if let mtu = conditions.mtu, packetSize > mtu { return .mtu }
        if isLost() { return .loss }
        return nil
    }

    private mutating func isLost() -> Bool {
        switch conditions.loss {
        case .none:
            return false
        case .independent(let probability):
            return lossRandom.chance(probability)
        case .gilbertElliott(let goodToBad, let badToGood, let lossInGood, let lossInBad):
            if inBadState {
                if lossRandom.chance(badToGood) { inBadState = false }
            } else {
                if lossRandom.chance(goodToBad) { inBadState = true }
            }
            return lossRandom.chance(inBadState ? lossInBad : lossInGood)
        }
    }

    /// When the datagram has been serialised onto the link, or nil when the queue has no room for it.
    private mutating func enqueue(packetSize: Int, at now: Instant) -> Instant? {
        guard let limit = conditions.rateLimit, limit.bitsPerSecond > 0 else { return now }
        while queueHead < queue.count, queue[queueHead].finish <= now {
            queuedBytes -= queue[queueHead].bytes
            queueHead += 1
        }
        if queueHead > 64, queueHead * 2 > queue.count {
            queue.removeFirst(queueHead)
            queueHead = 0
        }
        guard queuedBytes + packetSize <= limit.queueBytes else { return nil }
        let start = queueHead < queue.count ? max(now, queue[queue.count - 1].finish) : now
        // Bits × 10⁹ / rate: a 64 KiB datagram at 1 bit/s is 5 × 10¹⁴ ns, far from overflowing.
        let nanoseconds = UInt64(packetSize) * 8 * 1_000_000_000 / limit.bitsPerSecond
        let finish = start + .nanoseconds(Int64(clamping: nanoseconds))
        queue.append((finish, packetSize))
        queuedBytes += packetSize
        return finish
    }

    private mutating func propagate(from start: Instant, mayReorder: Bool) -> Exit {
        let jitter = UInt64(clamping: max(conditions.jitter.nanosecondsSaturated, 0))
        let base = start + conditions.delay + .nanoseconds(Int64(clamping: delayRandom.upTo(jitter)))
        if mayReorder, let reordering = conditions.reordering, reorderRandom.chance(reordering.probability) {
            statistics.reordered += 1
            return Exit(instant: base + reordering.extraDelay, isDuplicate: false, isReordered: true)
        }
        let exit = max(base, lastInOrderExit)
        lastInOrderExit = exit
        return Exit(instant: exit, isDuplicate: false, isReordered: false)
    }
}
