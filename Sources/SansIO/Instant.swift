/// A point on a machine's timeline: nanoseconds since an origin the driver chooses.
///
/// Machines never read a clock (DESIGN §1.1). The simulator hands them virtual instants that start at
/// zero; the UDP driver hands them instants read from a monotonic clock. Intervals are Swift's
/// `Duration`, so RFC timer values read as written (`.milliseconds(50)` for Ta, RFC 8445 §14.2).
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the origin.
    public var nanoseconds: UInt64

    public init(nanoseconds: UInt64) {
        self.nanoseconds = nanoseconds
    }

    /// The origin.
    public static let zero = Instant(nanoseconds: 0)

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// The instant `duration` later. Saturates at the ends of the timeline instead of trapping, so a
    /// hostile or absurd timer value (a TURN LIFETIME of 2³² s, say) stays a far-away deadline.
    public static func + (instant: Instant, duration: Duration) -> Instant {
        let delta = duration.nanosecondsSaturated
        if delta >= 0 {
            let (sum, overflow) = instant.nanoseconds.addingReportingOverflow(UInt64(delta))
            return Instant(nanoseconds: overflow ? .max : sum)
        }
        let magnitude = delta == .min ? UInt64(Int64.max) + 1 : UInt64(-delta)
        return Instant(nanoseconds: instant.nanoseconds > magnitude ? instant.nanoseconds - magnitude : 0)
    }

    public static func += (instant: inout Instant, duration: Duration) {
        instant = instant + duration
    }

    public static func - (instant: Instant, duration: Duration) -> Instant {
        instant + (Duration.zero - duration)
    }

    /// The time from `earlier` to `self` (negative when `earlier` is later).
    public static func - (later: Instant, earlier: Instant) -> Duration {
        if later >= earlier {
            return .nanoseconds(Int64(clamping: later.nanoseconds - earlier.nanoseconds))
        }
        return .nanoseconds(-Int64(clamping: earlier.nanoseconds - later.nanoseconds))
    }

    /// Seconds with millisecond precision, for traces: `12.345s`.
    public var description: String {
        let milliseconds = nanoseconds / 1_000_000
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)s"
    }
}

extension Duration {
    /// The duration in whole nanoseconds, clamped to the range of `Int64`.
    public var nanosecondsSaturated: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, sumOverflow) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if sumOverflow { return scaled < 0 ? .min : .max }
        return sum
    }
}
