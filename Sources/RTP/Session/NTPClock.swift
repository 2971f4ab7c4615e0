public import SansIO

/// The wall clock of RTCP: NTP time (RFC 3550 §4: seconds since 1 January 1900 in 32.32 fixed point)
/// as a linear function of a machine's `Instant`.
///
/// Machines never read a clock (DESIGN §1.1), so the driver says once what NTP time its timeline's
/// origin is, and every sender report and round-trip computation derives from that. Two engines in the
/// simulator may be handed different origins; RTT (RFC 3550 §6.4.1) only ever subtracts one side's
/// times from the same side's, so it does not care.
public struct NTPClock: Hashable, Sendable {
    /// NTP time at `Instant.zero`, 32.32 fixed point.
    public var ntpAtZero: UInt64

    public init(ntpAtZero: UInt64) {
        self.ntpAtZero = ntpAtZero
    }

    /// NTP time at `instant`. Wraps in 2036 as the 64-bit format does (RFC 3550 §4).
    public func ntp(at instant: Instant) -> UInt64 {
        ntpAtZero &+ Self.fixedPoint(nanoseconds: instant.nanoseconds)
    }

    /// The middle 32 bits of an NTP timestamp (16.16 seconds): the compact form LSR, DLSR and the
    /// arrival time in RFC 3550 §6.4.1's round-trip computation are written in.
    public static func middle32(_ ntp: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: ntp >> 16)
    }

    /// `nanoseconds` as 32.32 fixed-point seconds.
    static func fixedPoint(nanoseconds: UInt64) -> UInt64 {
        let seconds = nanoseconds / 1_000_000_000
        let remainder = nanoseconds % 1_000_000_000
        // remainder < 10⁹ < 2³⁰, so remainder · 2³² < 2⁶²: no overflow.
        return seconds << 32 &+ (remainder << 32) / 1_000_000_000
    }

    /// A duration in the 1/65536 s units of LSR and DLSR (RFC 3550 §6.4.1), saturating at 2³² − 1.
    public static func compactUnits(_ duration: Duration) -> UInt32 {
        let nanoseconds = duration.nanosecondsSaturated
        guard nanoseconds > 0 else { return 0 }
        let seconds = UInt64(nanoseconds) / 1_000_000_000
        guard seconds < 1 << 16 else { return .max }
        let fraction = ((UInt64(nanoseconds) % 1_000_000_000) << 16) / 1_000_000_000
        return UInt32(seconds << 16 | fraction)
    }

    /// 1/65536 s units as a `Duration`.
    public static func duration(compactUnits units: UInt32) -> Duration {
        .nanoseconds(Int64((UInt64(units) * 1_000_000_000) >> 16))
    }
}

/// Converts between a machine's time and an RTP media clock (RFC 3550 §5.1: the timestamp counts
/// ticks of a clock whose rate the payload format fixes, 48 000 Hz for Opus, 90 000 Hz for VP8).
struct MediaClock: Hashable, Sendable {
    /// Ticks per second, at least 1.
    let rate: UInt64

    init(rate: Int) {
        self.rate = UInt64(max(1, rate))
    }

    /// Whole ticks from the origin to `instant`, exact for any `Instant` (a 128-bit product).
    func ticks(at instant: Instant) -> UInt64 {
        let product = instant.nanoseconds.multipliedFullWidth(by: rate)
        // The quotient fits 64 bits exactly when the high half is below the divisor; past that (an
        // instant some 6 000 years out at 90 kHz) the tick count saturates.
        guard product.high < 1_000_000_000 else { return .max }
        return UInt64(1_000_000_000).dividingFullWidth((high: product.high, low: product.low)).quotient
    }

    /// `duration` in ticks (negative durations give 0).
    func ticks(in duration: Duration) -> UInt64 {
        let nanoseconds = duration.nanosecondsSaturated
        return nanoseconds > 0 ? ticks(at: Instant(nanoseconds: UInt64(nanoseconds))) : 0
    }

    /// Ticks as seconds, for statistics (W3C `jitter` is in seconds).
    func seconds(_ ticks: Double) -> Double { ticks / Double(rate) }
}
