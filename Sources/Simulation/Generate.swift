import SansIO

extension LinkConditions {
    /// Random conditions for property tests and fuzzing of machines over bad networks: every feature of the
    /// link model appears with some probability, with values in realistic ranges.
    public static func random<R: RandomNumberGenerator>(using generator: inout R) -> LinkConditions {
        var conditions = LinkConditions(
            delay: .microseconds(Int.random(in: 0...200_000, using: &generator)),
            jitter: .microseconds(Int.random(in: 0...50_000, using: &generator))
        )
        switch Int.random(in: 0..<3, using: &generator) {
        case 0: conditions.loss = .none
        case 1: conditions.loss = .independent(Double.random(in: 0...0.5, using: &generator))
        default:
            conditions.loss = .gilbertElliott(
                goodToBad: Double.random(in: 0...0.2, using: &generator),
                badToGood: Double.random(in: 0.05...1, using: &generator),
                lossInGood: Double.random(in: 0...0.05, using: &generator),
                lossInBad: Double.random(in: 0.2...1, using: &generator)
            )
        }
        if Bool.random(using: &generator) {
            conditions.reordering = Reordering(
                probability: Double.random(in: 0...0.3, using: &generator),
                extraDelay: .microseconds(Int.random(in: 1...100_000, using: &generator))
            )
        }
        if Bool.random(using: &generator) { conditions.duplication = Double.random(in: 0...0.2, using: &generator) }
        if Bool.random(using: &generator) { conditions.mtu = Int.random(in: 576...9_000, using: &generator) }
        if Bool.random(using: &generator) {
            conditions.rateLimit = RateLimit(
                bitsPerSecond: UInt64.random(in: 64_000...100_000_000, using: &generator),
                queueBytes: Int.random(in: 1_500...1_000_000, using: &generator)
            )
        }
        if Bool.random(using: &generator) {
            let start = Instant(nanoseconds: UInt64.random(in: 0...5_000_000_000, using: &generator))
            conditions.blackouts = [start..<(start + .microseconds(Int.random(in: 1...2_000_000, using: &generator)))]
        }
        return conditions
    }
}
