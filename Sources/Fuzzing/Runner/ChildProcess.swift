public import Foundation
import Synchronization

/// A process the runner started, with its output gathered line by line and its resources watched.
///
/// Shared by the supervisor (long-lived workers) and triage (one reproduction each): both need to see
/// lines as they come, to stop a process that runs too long or grows too large, and to keep the end
/// of its standard error, where traps and sanitizers write their reports.
public final class ChildProcess {
    /// How a process ended.
    public enum Termination: Equatable, Sendable {
        case exited(Int32)
        /// Killed by a signal it raised or received (4 = SIGILL, Swift's trap on x86_64; 6 = SIGABRT).
        case signaled(Int32)
        /// Stopped by the runner because it ran past its time.
        case timedOut
        /// Stopped by the runner because its resident memory passed the limit.
        case outOfMemory
    }

    private let process = Process()
    /// Asks the kernel whether the child still runs and keeps how it ended (see `ProcessWatch`).
    private let watch: ProcessWatch
    private let output = LineBuffer()
    private var stopReason: Termination?

    /// Starts `executable` with `arguments`; `environment` adds to this process's environment.
    public init(executable: URL, arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let standardOutput = Pipe()
        let standardError = Pipe()
        process.standardOutput = standardOutput
        process.standardError = standardError
        process.standardInput = FileHandle.nullDevice
        let output = self.output
        standardOutput.fileHandleForReading.readabilityHandler = { handle in output.append(handle.availableData, stream: .output) }
        standardError.fileHandleForReading.readabilityHandler = { handle in output.append(handle.availableData, stream: .error) }
        try process.runWithSignalsUnblocked()
        watch = ProcessWatch(process)
    }

    public var processIdentifier: Int32 { process.processIdentifier }
    /// Whether the child still runs, asked of the kernel rather than only of Foundation (see
    /// `Process.pollTermination()`, which says why).
    public var isRunning: Bool { watch.isRunning }

    /// Complete lines written since the last call, from both streams in arrival order.
    public func takeLines() -> [String] { output.takeLines() }

    /// The last 64 KiB of standard error.
    public var errorTail: String { output.errorTail }

    /// Resident memory in MiB, from /proc (Linux); nil when it cannot be read.
    public var residentMiB: Int? {
        guard let statm = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/statm", encoding: .utf8),
              let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / (1 << 20)
    }

    /// Kills the process, and whatever it started, and remembers why. Foundation starts each child as
    /// the leader of its own process group, so the group is what gets the signal.
    public func stop(because reason: Termination) {
        guard isRunning else { return }
        stopReason = reason
        kill(-process.processIdentifier, SIGKILL)
        kill(process.processIdentifier, SIGKILL)
    }

    /// Stops a process that hangs so that it says where: SIGABRT first, which the Swift runtime's
    /// backtracer answers with the stack of the spinning thread (the hang's site), then, after a grace
    /// period for the report, SIGKILL to the group.
    public func interruptThenStop(because reason: Termination, grace: Double = 5) {
        guard isRunning else { return }
        stopReason = reason
        kill(process.processIdentifier, SIGABRT)
        _ = watch.wait(timeout: .seconds(grace))
        stop(because: reason)
    }

    /// Waits for the end and says how it came.
    public func wait() -> Termination {
        let end = watch.wait()
        // Let the last output arrive before the pipes are abandoned.
        output.drain(process)
        if let stopReason { return stopReason }
        switch end.reason {
        case .exit: return .exited(end.status)
        case .uncaughtSignal: return .signaled(end.status)
        @unknown default: return .exited(end.status)
        }
    }

    /// Runs a process to its end within `seconds` and `memoryMiB`, and returns how it ended with its
    /// whole standard output and the tail of its standard error.
    public static func run(
        executable: URL, arguments: [String], environment: [String: String] = [:],
        seconds: Double, memoryMiB: Int? = nil
    ) throws -> (termination: Termination, output: [String], errorTail: String) {
        let child = try ChildProcess(executable: executable, arguments: arguments, environment: environment)
        let deadline = Date().addingTimeInterval(seconds)
        var lines: [String] = []
        while child.isRunning {
            lines += child.takeLines()
            if Date() > deadline { child.interruptThenStop(because: .timedOut) }
            if let memoryMiB, let resident = child.residentMiB, resident > memoryMiB { child.stop(because: .outOfMemory) }
            usleep(5_000)
        }
        let termination = child.wait()
        return (termination, lines + child.takeLines(), child.errorTail)
    }
}

/// Bytes from a child's pipes, split into lines; filled from the pipes' handler threads.
final class LineBuffer: Sendable {
    enum Stream { case output, error }

    private struct State {
        var pending: [UInt8] = []
        var pendingError: [UInt8] = []
        var lines: [String] = []
        var errorTail: [UInt8] = []
    }

    private let state = Mutex(State())
    private static let errorTailLimit = 64 * 1024

    func append(_ data: Data, stream: Stream) {
        guard !data.isEmpty else { return }
        state.withLock { state in
            if stream == .error {
                state.errorTail.append(contentsOf: data)
                if state.errorTail.count > Self.errorTailLimit {
                    state.errorTail.removeFirst(state.errorTail.count - Self.errorTailLimit)
                }
            }
            var buffer = stream == .output ? state.pending : state.pendingError
            buffer.append(contentsOf: data)
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                state.lines.append(String(decoding: buffer[..<newline], as: UTF8.self))
                buffer.removeSubrange(...newline)
            }
            if stream == .output { state.pending = buffer } else { state.pendingError = buffer }
        }
    }

    func takeLines() -> [String] {
        state.withLock { state in
            defer { state.lines.removeAll() }
            return state.lines
        }
    }

    var errorTail: String { state.withLock { String(decoding: $0.errorTail, as: UTF8.self) } }

    /// Reads what is left in the pipes after the process ended, and flushes unterminated last lines.
    func drain(_ process: Process) {
        for (pipe, stream) in [(process.standardOutput, Stream.output), (process.standardError, Stream.error)] {
            guard let handle = (pipe as? Pipe)?.fileHandleForReading else { continue }
            handle.readabilityHandler = nil
            // Without blocking: a grandchild may still hold the pipe open.
            let descriptor = handle.fileDescriptor
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                guard count > 0 else { break }
                append(Data(chunk[..<count]), stream: stream)
            }
        }
        state.withLock { state in
            for buffer in [state.pending, state.pendingError] where !buffer.isEmpty {
                state.lines.append(String(decoding: buffer, as: UTF8.self))
            }
            state.pending.removeAll()
            state.pendingError.removeAll()
        }
    }
}
