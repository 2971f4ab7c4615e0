import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the Python interop peers live: the virtual environment `Scripts/bootstrap` makes
/// (`.venv-interop/`) and the scripts in `Scripts/interop/`. Shared by the aioice and aiortc tests.
enum InteropEnvironment {
    /// The repository root: this file is `Tests/InteropTests/InteropEnvironment.swift`.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let python = repository.appendingPathComponent(".venv-interop/bin/python")

    static func script(_ name: String) -> URL { repository.appendingPathComponent("Scripts/interop/\(name)") }

    /// Fails, never skips, when the environment or `module` is missing (the project's rule for outside
    /// peers), with the command that installs it.
    static func requireInstalled(_ module: String) throws {
        let hint = "\(module) not found: run Scripts/bootstrap (it installs aioice and aiortc into .venv-interop/)"
        guard FileManager.default.isExecutableFile(atPath: python.path) else { throw InteropError(message: hint) }
        let (output, _) = try runToEnd(["-c", "import \(module); print('imported')"], timeout: .seconds(60))
        guard output.contains("imported") else { throw InteropError(message: hint) }
    }

    /// Runs the environment's Python with `arguments` until it closes its stdout (bounded by `timeout`),
    /// and returns what it printed (stdout, then stderr) and its exit status when known.
    ///
    /// The end is the end of its output, not `waitUntilExit` or `isRunning`: on Linux, Foundation was seen
    /// to miss a child's exit while another child runs, and then both wait forever.
    static func runToEnd(_ arguments: [String], timeout: Duration) throws -> (output: String, status: Int32?) {
        let process = Process()
        process.executableURL = python
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let collected = Mutex<(out: Data?, err: Data?)>((nil, nil))
        Thread { let data = output.fileHandleForReading.readDataToEndOfFile(); collected.withLock { $0.out = data } }.start()
        Thread { let data = errors.fileHandleForReading.readDataToEndOfFile(); collected.withLock { $0.err = data } }.start()
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while collected.withLock({ $0.out == nil || $0.err == nil }) {
            guard clock.now < end else {
                kill(process.processIdentifier, SIGKILL)
                throw InteropError(message: "\(arguments.prefix(4).joined(separator: " ")) did not finish within \(timeout)")
            }
            usleep(10_000)
        }
        // Its output is closed, so it is exiting; give Foundation a moment to notice, without relying on it.
        let grace = clock.now + .seconds(2)
        while process.isRunning && clock.now < grace { usleep(10_000) }
        let (out, err) = collected.withLock { ($0.out ?? Data(), $0.err ?? Data()) }
        let text = String(decoding: out, as: UTF8.self) + String(decoding: err, as: UTF8.self)
        return (text, process.isRunning ? nil : process.terminationStatus)
    }
}
