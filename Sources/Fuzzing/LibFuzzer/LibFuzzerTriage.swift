public import Foundation

/// Triage with a libFuzzer binary: run one input again, and shrink a crashing input.
public enum LibFuzzerTriage {
    /// What running one input did.
    public struct Reproduction: Sendable {
        /// 0 when the input no longer fails.
        public var status: Int32
        public var report: String
        /// Nil when the input ran cleanly.
        public var signature: CrashSignature?

        public var reproduced: Bool { status != 0 && signature != nil }
    }

    /// Runs `input` once (`binary input`), within the same limits as the campaign.
    public static func reproduce(
        target: String, binary: URL, input: URL, limits: ResourceLimits = ResourceLimits()
    ) throws -> Reproduction {
        let result = try ProcessResult.run(
            binary, [input.path] + limitArguments(limits), environment: LibFuzzerWorker.environment(target: target))
        let signature = result.status == 0
            ? nil : LibFuzzerOutput.signature(of: result.output, kind: LibFuzzerOutput.failureKind(of: result.output))
        return Reproduction(status: result.status, report: result.output, signature: signature)
    }

    /// Shrinks a crashing `input` with libFuzzer's `-minimize_crash=1` for `runs` executions and writes the
    /// smallest input that still crashes to `output` (the input itself when nothing smaller crashes).
    /// Returns `output`.
    public static func minimize(
        target: String, binary: URL, input: URL, output: URL, runs: Int = 10_000,
        limits: ResourceLimits = ResourceLimits()
    ) throws -> URL {
        _ = try ProcessResult.run(
            binary,
            ["-minimize_crash=1", "-runs=\(runs)", "-exact_artifact_path=\(output.path)", input.path] + limitArguments(limits),
            environment: LibFuzzerWorker.environment(target: target))
        if !FileManager.default.fileExists(atPath: output.path) {
            // libFuzzer writes the artifact only when it found a smaller crashing input.
            try FileManager.default.copyItem(at: input, to: output)
        }
        return output
    }

    static func limitArguments(_ limits: ResourceLimits) -> [String] {
        ["-timeout=\(max(1, Int(limits.secondsPerInput.rounded(.up))))", "-rss_limit_mb=\(limits.memoryMiB)"]
    }
}

extension LibFuzzerOutput {
    /// What kind of failure a report describes: libFuzzer's timeout is a hang, its out-of-memory and
    /// LeakSanitizer's leaks are memory failures, anything else is a crash (`signature(of:kind:)` turns a
    /// crash whose message is an oracle's into `.oracle`).
    public static func failureKind(of report: String) -> FailureKind {
        if report.contains("ERROR: libFuzzer: timeout") { return .hang }
        if report.contains("ERROR: libFuzzer: out-of-memory") || report.contains("ERROR: LeakSanitizer") { return .memory }
        return .crash
    }
}
