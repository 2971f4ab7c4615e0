/// A deterministic random number generator (SplitMix64, Steele, Lea and Flood 2014).
///
/// Every source of randomness in Crucible's harnesses is one of these, seeded explicitly, so a fuzz run,
/// a property test or a simulation is a function of its seed and a failing seed replays exactly
/// (DESIGN §1.5).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
