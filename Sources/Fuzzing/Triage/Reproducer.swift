public import Foundation

/// What running one input again showed.
public enum Reproduction: Equatable, Sendable {
    /// The input no longer fails: fixed, or it failed only with the state of a long run.
    case passes
    case fails(CrashSignature)
}

/// Runs one input of one target in a fresh process and reads the failure, for either engine.
public struct Reproducer: Sendable {
    /// Full reproduction: with backtraces, for the signature that is saved.
    public let reproduce: @Sendable (_ file: URL) throws -> Reproduction
    /// Quick reproduction for minimisation: the kind and message are enough to tell the same failure.
    public let reproduceQuickly: @Sendable (_ file: URL) throws -> Reproduction
    /// The one-line command that reproduces a saved input, for people.
    public let command: @Sendable (_ file: String) -> String
    /// The engine's own minimiser, when it has one (libFuzzer's `-minimize_crash`); otherwise triage
    /// runs delta debugging over `reproduceQuickly`.
    public let minimize: (@Sendable (_ file: URL) throws -> [UInt8])?

    public init(
        reproduce: @escaping @Sendable (URL) throws -> Reproduction,
        reproduceQuickly: (@Sendable (URL) throws -> Reproduction)? = nil,
        minimize: (@Sendable (URL) throws -> [UInt8])? = nil,
        command: @escaping @Sendable (String) -> String
    ) {
        self.reproduce = reproduce
        self.reproduceQuickly = reproduceQuickly ?? reproduce
        self.minimize = minimize
        self.command = command
    }

    /// The built-in engine's reproducer: `crucible fuzz reproduce TARGET FILE` in a child process.
    /// Exit 0: the input passes. Exit 1 with an `oracle failure:` line: an oracle broke. Killed by a
    /// signal: a trap, read from the runtime's report. Past the limits: a hang or a memory failure.
    public static func builtin(crucible: URL, target: String, limits: ResourceLimits) -> Reproducer {
        @Sendable func run(_ file: URL, backtrace: Bool) throws -> Reproduction {
            let result = try ChildProcess.run(
                executable: crucible, arguments: ["fuzz", "reproduce", target, file.path],
                environment: ["SWIFT_BACKTRACE": backtrace ? "enable=yes,interactive=no" : "enable=no"],
                // A process's start and the backtracer's symbolication come on top of the input's own time.
                seconds: limits.secondsPerInput + 10, memoryMiB: limits.memoryMiB)
            return interpret(result.termination, output: result.output, errorTail: result.errorTail, limits: limits)
        }
        return Reproducer(
            reproduce: { try run($0, backtrace: true) },
            reproduceQuickly: { try run($0, backtrace: false) },
            command: { "swift run crucible fuzz reproduce \(target) \($0)" })
    }

    /// Reads a reproduction's end (shared with libFuzzer binaries, which end the same ways).
    public static func interpret(
        _ termination: ChildProcess.Termination, output: [String], errorTail: String, limits: ResourceLimits
    ) -> Reproduction {
        switch termination {
        case .exited(0): return .passes
        case .timedOut:
            // Interrupted with SIGABRT, the runtime printed where it was spinning (when backtraces are on).
            let site = TrapReport.site(in: errorTail.split(separator: "\n").map(String.init)) ?? "unknown site"
            return .fails(CrashSignature(kind: .hang, site: site, message: "ran past \(limits.secondsPerInput) s"))
        case .outOfMemory:
            return .fails(CrashSignature(kind: .memory, site: "unknown site", message: "grew past \(limits.memoryMiB) MiB"))
        case .exited, .signaled:
            if let line = output.first(where: { $0.hasPrefix(OracleReport.prefix) }) {
                return .fails(OracleReport.signature(of: line))
            }
            if let signature = TrapReport.signature(of: errorTail) { return .fails(signature) }
            let last = errorTail.split(separator: "\n").last.map(String.init) ?? "no report"
            return .fails(CrashSignature(kind: .crash, site: "unknown site", message: "\(termination): \(last)"))
        }
    }
}

/// How `crucible fuzz reproduce` prints an oracle failure, and how triage reads it back.
public enum OracleReport {
    public static let prefix = "oracle failure: "

    public static func line(for finding: FuzzFinding) -> String {
        "\(prefix)\(finding.target) \(finding.oracle.rawValue): \(finding.detail)"
    }

    /// Numbers in an oracle's detail (offsets, lengths) vary between inputs that show one bug, so the
    /// signature writes them as `#`.
    public static func signature(of line: String) -> CrashSignature {
        let text = line.hasPrefix(prefix) ? String(line.dropFirst(prefix.count)) : line
        let parts = text.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        let message = (parts.count > 1 ? parts[1] : text).replacingOccurrences(of: #"\d+"#, with: "#", options: .regularExpression)
        return CrashSignature(kind: .oracle, site: parts[0], message: message)
    }
}
