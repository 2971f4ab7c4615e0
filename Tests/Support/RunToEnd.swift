import Foundation
import Fuzzing
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a child printed on each stream, and how it ended when that is known.
public struct ChildOutput: Sendable {
    /// Its exit code, or the signal that ended it; nil when it had not ended 2 s after closing its output.
    public var status: Int32?
    public var output: Data
    public var errors: Data

    /// Standard output, then standard error, as text.
    public var text: String { String(decoding: output, as: UTF8.self) + String(decoding: errors, as: UTF8.self) }
}

/// A child that was still running at its deadline (and was killed).
public struct ChildTimeout: Error, CustomStringConvertible {
    public let description: String
}

/// Runs `executable` with `arguments` (in `directory`, when given) until it closes its output (bounded by
/// `timeout`, after which it is killed and this throws), and returns what it printed and its status.
///
/// Blocking: from Swift concurrency, call it through ``onThread(_:)``. Both pipes are read on threads of
/// their own, so a chatty child never blocks on a full pipe. The end is the end of its output; its exit
/// is then asked of the kernel (`ProcessWatch`), never of `waitUntilExit`, which can starve on two cores.
public func runToEnd(_ executable: URL, _ arguments: [String], in directory: URL? = nil, timeout: Duration) throws -> ChildOutput {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = FileHandle.nullDevice
    try process.runWithSignalsUnblocked()
    let watch = ProcessWatch(process)
    let collected = Mutex<(out: Data?, err: Data?)>((nil, nil))
    Thread { let data = output.fileHandleForReading.readDataToEndOfFile(); collected.withLock { $0.out = data } }.start()
    Thread { let data = errors.fileHandleForReading.readDataToEndOfFile(); collected.withLock { $0.err = data } }.start()
    let clock = ContinuousClock()
    let end = clock.now + timeout
    while collected.withLock({ $0.out == nil || $0.err == nil }) {
        guard clock.now < end else {
            watch.send(SIGKILL)
            throw ChildTimeout(description: "\(([executable.lastPathComponent] + arguments).prefix(4).joined(separator: " ")) did not finish within \(timeout)")
        }
        usleep(10_000)
    }
    // Its output is closed, so it is exiting.
    let status = watch.wait(timeout: .seconds(2))?.status
    let (out, err) = collected.withLock { ($0.out ?? Data(), $0.err ?? Data()) }
    return ChildOutput(status: status, output: out, errors: err)
}

/// Runs a blocking `body` on a thread of its own and returns its result, so that no blocking read or
/// wait holds one of the few threads of Swift's cooperative pool (two on a two-core machine).
public func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in Thread { continuation.resume(returning: body()) }.start() }
}
