import Foundation

/// The live progress line per target (issue 4): executions per second, corpus size, coverage features
/// (libFuzzer) or outcome features (built-in), failures. On a terminal the lines are redrawn in place;
/// otherwise (CI logs) a line per target is printed every `logInterval` seconds.
public final class ProgressDisplay {
    private let interactive: Bool
    private let logInterval: Double
    private let write: (String) -> Void
    private var lines: [String: String] = [:]
    private var order: [String] = []
    private var drawnLines = 0
    private var lastLog: [String: Date] = [:]

    public init(interactive: Bool, logInterval: Double = 10, write: @escaping (String) -> Void) {
        self.interactive = interactive
        self.logInterval = logInterval
        self.write = write
    }

    /// A display on standard error, redrawn in place when that is a terminal.
    public static func standardError() -> ProgressDisplay {
        ProgressDisplay(interactive: isatty(STDERR_FILENO) != 0) { FileHandle.standardError.write(Data($0.utf8)) }
    }

    /// A display that shows nothing (tests, `--quiet`).
    public static func silent() -> ProgressDisplay { ProgressDisplay(interactive: false, logInterval: .infinity) { _ in } }

    public static func line(target: String, engine: FuzzEngine, sample: ProgressSample, failures: Int) -> String {
        let coverage = sample.coverage.map { " cov \($0)" } ?? ""
        return "\(target.padding(toLength: 14, withPad: " ", startingAt: 0)) \(engine.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0))"
            + " \(Self.clock(sample.seconds))  \(sample.executions) execs  \(Int(sample.executionsPerSecond)) exec/s"
            + "  corpus \(sample.corpusSize)  features \(sample.features)\(coverage)  failures \(failures)"
    }

    static func clock(_ seconds: Double) -> String {
        let whole = Int(seconds)
        return String(format: "%d:%02d", whole / 60, whole % 60)
    }

    public func update(target: String, engine: FuzzEngine, sample: ProgressSample, failures: Int) {
        let text = Self.line(target: target, engine: engine, sample: sample, failures: failures)
        if lines[target] == nil { order.append(target) }
        lines[target] = text
        if interactive {
            redraw()
        } else if Date().timeIntervalSince(lastLog[target] ?? .distantPast) >= logInterval {
            lastLog[target] = Date()
            write(text + "\n")
        }
    }

    private func redraw() {
        var text = drawnLines > 0 ? "\u{1B}[\(drawnLines)A" : ""
        for target in order { text += "\u{1B}[2K" + (lines[target] ?? "") + "\n" }
        drawnLines = order.count
        write(text)
    }

    /// Leaves the last lines on screen (interactive) or prints them once more (logs).
    public func finish() {
        if !interactive { for target in order { write((lines[target] ?? "") + "\n") } }
    }
}
