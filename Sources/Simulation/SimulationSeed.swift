import Foundation
public import Wire

/// The one number a simulation run is a function of (DESIGN §1.5), and the way a failing test tells a
/// person how to run it again.
///
/// Tests take their seed from the environment variable `CRUCIBLE_SEED` when it is set (so a reported
/// failure replays with the same draws), else from a fixed default written in the test.
public struct SimulationSeed: Hashable, Sendable, CustomStringConvertible {
    /// The environment variable a replay command sets.
    public static let environmentVariable = "CRUCIBLE_SEED"

    public var value: UInt64

    public init(_ value: UInt64) {
        self.value = value
    }

    /// Parses `0x`-prefixed hexadecimal or plain decimal; nil for anything else.
    public init?(text: some StringProtocol) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parsed: UInt64?
        if trimmed.lowercased().hasPrefix("0x") {
            parsed = UInt64(trimmed.dropFirst(2), radix: 16)
        } else {
            parsed = UInt64(trimmed, radix: 10)
        }
        guard let parsed else { return nil }
        value = parsed
    }

    /// The seed named by the process's `CRUCIBLE_SEED`, else `fallback`.
    public static func fromEnvironment(default fallback: UInt64) -> SimulationSeed {
        fromEnvironment(ProcessInfo.processInfo.environment, default: fallback)
    }

    /// The seed named by `CRUCIBLE_SEED` in `environment`, else `fallback`.
    ///
    /// A value that is set but is not a seed stops the test run: silently running a different seed than the
    /// one a person asked to replay would waste their time.
    public static func fromEnvironment(_ environment: [String: String], default fallback: UInt64) -> SimulationSeed {
        guard let text = environment[environmentVariable] else { return SimulationSeed(fallback) }
        guard let seed = SimulationSeed(text: text) else {
            preconditionFailure("\(environmentVariable)=\(text) is not a seed: write 0x-prefixed hex or decimal")
        }
        return seed
    }

    /// `0x` and sixteen hex digits.
    public var description: String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The shell command that runs `filter`'s tests again with this seed.
    public func replayCommand(filter: String) -> String {
        "\(Self.environmentVariable)=\(self) swift test --filter '\(filter)'"
    }

    /// The sentence a failing expectation carries: `seed 0x… — replay: CRUCIBLE_SEED=0x… swift test --filter '…'`.
    public func failureMessage(test filter: String) -> String {
        "seed \(self) — replay: \(replayCommand(filter: filter))"
    }

    /// An independent generator for the part of a run called `label` (a link, a NAT, a machine).
    ///
    /// Each part draws from its own stream, derived from the seed and a stable hash of its label, so adding
    /// a host or turning on reordering on one link does not shift the draws anything else sees.
    public func generator(label: String) -> SeededGenerator {
        var mixer = SeededGenerator(seed: value ^ Self.labelHash(label))
        return SeededGenerator(seed: mixer.next())
    }

    /// FNV-1a over the label's UTF-8: stable across runs and platforms, unlike `Hasher`.
    static func labelHash(_ label: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in label.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}

extension SeededGenerator {
    /// A draw uniform in [0, 1) with 53 bits, the same on every platform.
    mutating func unitInterval() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// True with probability `probability`; draws nothing when the probability is zero or less.
    mutating func chance(_ probability: Double) -> Bool {
        guard probability > 0 else { return false }
        return unitInterval() < probability
    }

    /// A draw uniform in `0...bound`, by multiply-high (Lemire) without rejection: its bias is below 2⁻³² for
    /// the bounds a simulation uses, and it never depends on the standard library's algorithm.
    mutating func upTo(_ bound: UInt64) -> UInt64 {
        guard bound > 0 else { return 0 }
        if bound == .max { return next() }
        return next().multipliedFullWidth(by: bound + 1).high
    }
}
