public import Foundation

/// How the supervisor starts one libFuzzer process for one target.
public enum LibFuzzerWorker {
    /// A worker that fuzzes `target` with a binary from `Scripts/build-fuzzers` (a per-target link or
    /// `crucible-fuzz` itself: the target is also named in the environment).
    ///
    /// - `corpusDirectories`: the first is where libFuzzer writes new inputs (it must be writable; it is
    ///   the shared directory when machines share a corpus), the others are read only.
    /// - `seconds`: `-max_total_time`; `limits`: `-timeout` (whole seconds, at least 1) and `-rss_limit_mb`
    ///   (also the per-allocation `-malloc_limit_mb`), so a slow or bloated input becomes an artifact.
    /// - `seed`: libFuzzer's `-seed` is 32-bit and treats 0 as "pick one", so the seed is folded into
    ///   1…2³²−1 (the same `seed` always gives the same `-seed`).
    /// - `-reload=1` picks up inputs that other workers add to the shared directory;
    ///   `-print_final_stats=1` ends the log with totals.
    public static func spec(
        target: String, binary: URL, corpusDirectories: [URL], artifactDirectory: URL,
        seconds: Int, limits: ResourceLimits = ResourceLimits(), seed: UInt64, dictionary: URL? = nil
    ) -> WorkerSpec {
        var arguments = corpusDirectories.map(\.path)
        arguments += [
            "-max_total_time=\(max(1, seconds))",
            "-timeout=\(max(1, Int(limits.secondsPerInput.rounded(.up))))",
            "-rss_limit_mb=\(limits.memoryMiB)",
            "-malloc_limit_mb=\(limits.memoryMiB)",
            "-seed=\(libFuzzerSeed(seed))",
            "-artifact_prefix=\(artifactDirectory.path.hasSuffix("/") ? artifactDirectory.path : artifactDirectory.path + "/")",
            "-print_final_stats=1",
            "-reload=1",
        ]
        if let dictionary { arguments.append("-dict=\(dictionary.path)") }
        return WorkerSpec(
            target: target, engine: .libfuzzer, executable: binary, arguments: arguments,
            environment: environment(target: target),
            parseLine: { LibFuzzerOutput.event(from: $0) })
    }

    /// What every libFuzzer process of ours runs with: its target named (so the plain `crucible-fuzz`
    /// binary works too), and the Swift backtracer off, which otherwise takes crashes away from libFuzzer
    /// (the binary turns it off itself by restarting; setting it here saves the restart).
    public static func environment(target: String) -> [String: String] {
        [LibFuzzerBinaryName.targetVariable: target, "SWIFT_BACKTRACE": "enable=no"]
    }

    /// `seed` folded into libFuzzer's 1…2³²−1.
    public static func libFuzzerSeed(_ seed: UInt64) -> UInt64 {
        let folded = (seed ^ (seed >> 32)) & 0xFFFF_FFFF
        return folded == 0 ? 1 : folded
    }
}
