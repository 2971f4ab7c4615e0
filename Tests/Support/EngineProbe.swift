import Fuzzing
import Wire

/// How long a fuzzer takes to reach a planted bug (issue 17: each machine's planted bug is found by
/// its target within a stated time), measured two ways the tests share.
public enum EngineProbe {
    /// Random scripts from `generate`, every other one with a byte overwritten, until one gives a
    /// finding on `planted` and none on `real` (so the finding is the planted one). Returns how many
    /// inputs that took (nil: none in `limit`) and the time spent.
    public static func randomScripts(
        planted: FuzzTarget, real: FuzzTarget, limit: Int,
        generate: (inout SeededGenerator) -> [UInt8]
    ) -> (inputs: Int?, elapsed: Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        for index in 0..<limit {
            var generator = SeededGenerator(seed: UInt64(index) &+ 7_000_000)
            var input = generate(&generator)
            if index % 2 == 1, !input.isEmpty {
                input[Int.random(in: 0..<input.count, using: &generator)] = .random(in: 0...255, using: &generator)
            }
            if case .finding = planted.run(input), real.run(input) == .accepted { return (index + 1, clock.now - start) }
        }
        return (nil, clock.now - start)
    }

    /// The built-in engine from `seeds`, in campaigns of `round` executions with seeds 1, 2, …, until one
    /// reports a finding or `budget` executions are spent. Returns the executions until the first finding
    /// (nil: none) and the time spent.
    public static func builtinEngine(_ target: FuzzTarget, seeds: [[UInt8]], budget: Int, round: Int = 1_000) -> (executions: Int?, elapsed: Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        var spent = 0
        var seed: UInt64 = 1
        while spent < budget {
            let report = BuiltinCampaign(target: target, seeds: seeds, seed: seed).run(executions: round, maxFindings: 1)
            if !report.findings.isEmpty { return (spent + report.executions, clock.now - start) }
            spent += report.executions
            seed += 1
        }
        return (nil, clock.now - start)
    }

    /// Runs `count` scripts from `generate` as they are, `count` with a few bytes overwritten and `count`
    /// random byte strings; every eighth generated one also runs twice through `trace`. Returns what went
    /// wrong: findings (each machine target accepts every input unless an oracle fails) and traces that
    /// differ between two runs of one input.
    public static func cleanRuns(
        _ target: FuzzTarget, count: Int, generate: (inout SeededGenerator) -> [UInt8], trace: ([UInt8]) -> MachineTrace
    ) -> [String] {
        var problems: [String] = []
        for seed in 0..<UInt64(count) {
            var generator = SeededGenerator(seed: seed)
            let input = generate(&generator)
            var mutant = generate(&generator)
            for _ in 0..<Int.random(in: 1...6, using: &generator) where !mutant.isEmpty {
                mutant[Int.random(in: 0..<mutant.count, using: &generator)] = .random(in: 0...255, using: &generator)
            }
            let noise = (0..<Int.random(in: 0...120, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            for bytes in [input, mutant, noise] {
                let outcome = target.run(bytes)
                if outcome != .accepted { problems.append("seed \(seed): \(outcome)") }
            }
            if seed % 8 == 0, trace(input) != trace(input) { problems.append("seed \(seed): two runs, two traces") }
        }
        return problems
    }
}
