/// The timer values of the TURN client, each from the RFC that sets it.
public enum TURNTiming {
    /// RTO, the first retransmission interval, doubled after each send (RFC 8489 §6.2.1).
    public static let initialRTO: Duration = .milliseconds(500)
    /// Rc: how many times a request is sent in all (RFC 8489 §6.2.1).
    public static let requestCount = 7
    /// Rm: after the last send the client waits Rm × RTO before giving up (RFC 8489 §6.2.1).
    public static let finalWaitMultiplier = 16

    /// A permission lasts 300 s (RFC 8656 §9); it is refreshed a minute early.
    public static let permissionRefresh: Duration = .seconds(240)
    /// A channel binding lasts 600 s (RFC 8656 §12); it is refreshed a minute early.
    public static let channelRefresh: Duration = .seconds(540)

    /// The longest allocation lifetime the client believes: a server's LIFETIME above it is taken as this
    /// (3600 s is RFC 8656 §7.2's recommended maximum), so an absurd value cannot park the refresh.
    public static let maximumLifetime: Duration = .seconds(3600)
    /// The shortest allocation lifetime the client believes, so a LIFETIME of 0 or 1 cannot make the
    /// client refresh in a tight loop.
    public static let minimumLifetime: Duration = .seconds(30)

    /// The allocation lifetime a server's LIFETIME (seconds) stands for, clamped to the bounds above.
    public static func lifetime(seconds: UInt32) -> Duration {
        min(maximumLifetime, max(minimumLifetime, .seconds(Int64(seconds))))
    }

    /// When to refresh an allocation of `lifetime`: a minute before it ends, or after three quarters of
    /// it when it is two minutes or shorter (RFC 8656 §8 leaves the margin to the client).
    public static func allocationRefreshDelay(lifetime: Duration) -> Duration {
        lifetime > .seconds(120) ? lifetime - .seconds(60) : lifetime * 3 / 4
    }

    /// The wait after the `sendCount`-th send of a request (1-based): RTO doubling up to the Rc-th send,
    /// then Rm × RTO (RFC 8489 §6.2.1: sends at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s, failure at 39.5 s).
    public static func retransmissionWait(afterSend sendCount: Int) -> Duration {
        if sendCount >= requestCount { return initialRTO * finalWaitMultiplier }
        return initialRTO * (1 << max(0, sendCount - 1))
    }
}
