public import SansIO

/// When to send the next RTCP compound packet (RFC 3550 §6.2, §6.3, A.7), sans-IO: the owner reads
/// `nextDeadline`, sends its reports when the clock reaches it, then calls `fired(at:using:)`.
///
/// Every interval is the nominal one scaled by a factor drawn uniformly from [0.5, 1.5] (§6.3.1), so
/// that sessions started together do not report in lockstep. The factor comes from the generator the
/// caller passes, so a seed gives the same schedule every run (DESIGN §1.5). The first report goes out
/// after half the nominal interval (§6.2: "the initial RTCP packet … half the minimum interval"), so a
/// new receiver learns about a sender quickly.
///
/// The nominal interval defaults to one second, what libwebrtc uses for video: with two participants
/// and WebRTC's bandwidths the §6.3.1 formula gives less than its 5 s floor, and RFC 3550 §6.2 lets a
/// profile scale that floor down (RFC 8829's media sessions do). `deterministicInterval` computes the
/// §6.3.1 value for callers that want the bandwidth rule.
public struct RTCPSchedule: Hashable, Sendable {
    /// The nominal interval before randomisation.
    public var interval: Duration
    /// When the next report is due.
    public private(set) var nextDeadline: Instant
    /// Reports sent so far (times `fired` was called).
    public private(set) var reportsSent: UInt64 = 0

    /// A schedule whose first report is due `interval / 2 × [0.5, 1.5]` after `start`.
    public init(interval: Duration = .seconds(1), start: Instant, using generator: inout some RandomNumberGenerator) {
        self.interval = max(interval, .zero)
        nextDeadline = start + Self.randomized(self.interval / 2, using: &generator)
    }

    /// Whether a report is due at `now`.
    public func isDue(at now: Instant) -> Bool { now >= nextDeadline }

    /// Records a report sent at `now` and schedules the next `interval × [0.5, 1.5]` later.
    public mutating func fired(at now: Instant, using generator: inout some RandomNumberGenerator) {
        reportsSent += 1
        nextDeadline = now + Self.randomized(interval, using: &generator)
    }

    /// `duration` scaled by a factor uniform in [0.5, 1.5] (RFC 3550 §6.3.1), drawn as 53 bits.
    static func randomized(_ duration: Duration, using generator: inout some RandomNumberGenerator) -> Duration {
        let unit = Double(generator.next() >> 11) / Double(1 << 53)
        return duration * (0.5 + unit)
    }

    /// RFC 3550 §6.3.1's deterministic interval Td (A.7 `rtcp_interval` before randomisation and the
    /// e − 3/2 compensation): the average compound size times the members sharing the RTCP bandwidth,
    /// over that bandwidth, at least `minimum` (half of it before the first report, §6.2).
    ///
    /// - Parameters:
    ///   - members: participants in the session, this one included.
    ///   - senders: those that sent RTP since the last two reports.
    ///   - rtcpBandwidth: octets per second for RTCP, 5 % of the session bandwidth by default (§6.2).
    ///   - weSent: whether this participant is one of the senders.
    ///   - averagePacketSize: the running average of compound sizes in octets, lower layers included.
    ///   - initial: before this participant's first report.
    ///   - minimum: Tmin, 5 s in RFC 3550 §6.2.
    public static func deterministicInterval(
        members: Int, senders: Int, rtcpBandwidth: Double, weSent: Bool, averagePacketSize: Double,
        initial: Bool, minimum: Duration = .seconds(5)
    ) -> Duration {
        let floor = initial ? minimum / 2 : minimum
        var participants = Double(max(1, members))
        var bandwidth = rtcpBandwidth
        // §6.2: senders get a quarter of the RTCP bandwidth when they are at most a quarter of the members.
        if Double(senders) <= Double(max(1, members)) * 0.25 {
            if weSent {
                bandwidth *= 0.25
                participants = Double(max(1, senders))
            } else {
                bandwidth *= 0.75
                participants = Double(max(1, members - senders))
            }
        }
        guard bandwidth > 0, averagePacketSize.isFinite, averagePacketSize > 0 else { return floor }
        let seconds = averagePacketSize * participants / bandwidth
        guard seconds.isFinite, seconds < 86_400 else { return .seconds(86_400) }
        return max(floor, .nanoseconds(Int64(seconds * 1e9)))
    }
}
