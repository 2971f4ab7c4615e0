public import SansIO

/// How one direction of a link treats datagrams: delay, jitter, loss, reordering, duplication, MTU,
/// rate limit and blackouts.
///
/// In the simulator every host has an uplink (host → network) and a downlink (network → host), each with
/// its own conditions; a datagram from A to B crosses A's uplink, then B's downlink. Downlinks default to
/// ``perfect``. The presets describe one direction of a path, so giving both peers' uplinks the same preset
/// gives the path those conditions in both directions (``rtt300ms`` on both uplinks: 300 ms round trip).
public struct LinkConditions: Hashable, Sendable {
    /// Fixed one-way delay after the datagram has been serialised onto the link.
    public var delay: Duration
    /// Extra delay drawn uniformly in `0...jitter` for each datagram. Jitter never reorders: a datagram
    /// leaves no earlier than the one sent before it on the same link, unless ``reordering`` picks it.
    public var jitter: Duration
    public var loss: LossModel
    /// Datagrams held back so that later ones overtake them; nil for none.
    public var reordering: Reordering?
    /// Probability that a datagram is delivered twice (the copy gets its own delay and jitter).
    public var duplication: Double
    /// Largest IP packet the link carries, headers included; nil for no limit.
    public var mtu: Int?
    /// A bottleneck with a bounded queue; nil for an unlimited rate.
    public var rateLimit: RateLimit?
    /// Windows during which every datagram entering the link is dropped.
    public var blackouts: [Range<Instant>]

    public init(
        delay: Duration = .zero,
        jitter: Duration = .zero,
        loss: LossModel = .none,
        reordering: Reordering? = nil,
        duplication: Double = 0,
        mtu: Int? = nil,
        rateLimit: RateLimit? = nil,
        blackouts: [Range<Instant>] = []
    ) {
        self.delay = delay
        self.jitter = jitter
        self.loss = loss
        self.reordering = reordering
        self.duplication = duplication
        self.mtu = mtu
        self.rateLimit = rateLimit
        self.blackouts = blackouts
    }

    /// Instant delivery, nothing lost: the default for downlinks and for tests of logic rather than networks.
    public static let perfect = LinkConditions()

    // MARK: The link matrix of issue 6 (one direction; apply to both peers' uplinks).

    /// 25 ms one way, 2 ms jitter, no loss: 50 ms round trip.
    public static let clean = LinkConditions(delay: .milliseconds(25), jitter: .milliseconds(2))
    /// ``clean`` with 5 % independent loss.
    public static let loss5 = LinkConditions(delay: .milliseconds(25), jitter: .milliseconds(2), loss: .independent(0.05))
    /// ``clean`` with 20 % independent loss.
    public static let loss20 = LinkConditions(delay: .milliseconds(25), jitter: .milliseconds(2), loss: .independent(0.20))
    /// ``clean`` with bursty Gilbert-Elliott loss averaging 5 %: bad periods of about 3.3 datagrams in which
    /// 80 % are lost.
    public static let bursts = LinkConditions(
        delay: .milliseconds(25), jitter: .milliseconds(2),
        loss: .gilbertElliott(goodToBad: 0.02, badToGood: 0.3, lossInGood: 0, lossInBad: 0.8)
    )
    /// ``clean`` where 10 % of datagrams are held back 30 ms, so that the ones sent after them overtake them.
    public static let reordering = LinkConditions(
        delay: .milliseconds(25), jitter: .milliseconds(2),
        reordering: Reordering(probability: 0.1, extraDelay: .milliseconds(30))
    )
    /// 150 ms one way, 5 ms jitter: 300 ms round trip when both uplinks use it.
    public static let rtt300ms = LinkConditions(delay: .milliseconds(150), jitter: .milliseconds(5))

    /// The matrix above, named, for tests that run a scenario under each.
    public static let matrix: [(name: String, conditions: LinkConditions)] = [
        ("clean", .clean), ("loss5", .loss5), ("loss20", .loss20), ("bursts", .bursts),
        ("reordering", .reordering), ("rtt300ms", .rtt300ms),
    ]
}

/// Which datagrams a link loses.
public enum LossModel: Hashable, Sendable {
    case none
    /// Each datagram is lost with this probability, independently of the others.
    case independent(Double)
    /// A two-state Markov chain (Gilbert-Elliott): before each datagram the link moves from good to bad with
    /// probability `goodToBad` (bad to good with `badToGood`), then loses the datagram with the loss
    /// probability of its state. Losses come in bursts whose mean length grows as `badToGood` shrinks.
    case gilbertElliott(goodToBad: Double, badToGood: Double, lossInGood: Double, lossInBad: Double)

    /// The long-run fraction of datagrams lost (the chain's stationary distribution for Gilbert-Elliott).
    public var averageLossRate: Double {
        switch self {
        case .none: return 0
        case .independent(let probability): return probability
        case .gilbertElliott(let goodToBad, let badToGood, let lossInGood, let lossInBad):
            let moving = goodToBad + badToGood
            guard moving > 0 else { return lossInGood }
            let bad = goodToBad / moving
            return bad * lossInBad + (1 - bad) * lossInGood
        }
    }
}

/// Reordering: each datagram is picked with `probability` and leaves `extraDelay` later than it would
/// have, outside the link's first-in first-out order.
public struct Reordering: Hashable, Sendable {
    public var probability: Double
    public var extraDelay: Duration

    public init(probability: Double, extraDelay: Duration) {
        self.probability = probability
        self.extraDelay = extraDelay
    }
}

/// A bottleneck: datagrams are serialised at `bitsPerSecond` one after another, waiting in a queue of at
/// most `queueBytes` bytes (the datagram being serialised included); one that does not fit is dropped
/// (tail drop).
public struct RateLimit: Hashable, Sendable {
    public var bitsPerSecond: UInt64
    public var queueBytes: Int

    public init(bitsPerSecond: UInt64, queueBytes: Int) {
        self.bitsPerSecond = bitsPerSecond
        self.queueBytes = queueBytes
    }
}
