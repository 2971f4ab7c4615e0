import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

struct PythonError: Error, CustomStringConvertible {
    let description: String
}

/// Python's standard library as the other side of the HTTP: `urllib` as a client that is not ours, and
/// `http.server` as a server that is not ours. Only the system `python3` is needed (no virtual environment).
enum Python {
    static let executable: URL = {
        for path in ["/usr/bin/python3", "/usr/local/bin/python3"] where FileManager.default.isExecutableFile(atPath: path) {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: "/usr/bin/env")
    }()
    static var prefix: [String] { executable.path.hasSuffix("env") ? ["python3"] : [] }

    /// The first line of every script: Foundation's `Process` lets a child inherit the test process's
    /// descriptors, sockets and other children's pipes included, and a child holding a copy of a socket
    /// keeps that connection open after we close it (and a pipe's reader waiting for EOF). The child drops
    /// them before anything else.
    static let closeInherited = "import os; os.closerange(3, 65536)\n"

    /// Runs `script` with `arguments` to completion (bounded by `timeout`) and returns what it printed.
    static func run(_ script: String, _ arguments: [String] = [], timeout: Duration = .seconds(30)) async throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = prefix + ["-c", closeInherited + script] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes on threads of their own so a chatty child never blocks on a full pipe, and no
        // blocking read holds one of the few threads of Swift's cooperative pool (two on this machine).
        async let out = onThread { output.fileHandleForReading.readDataToEndOfFile() }
        async let err = onThread { errors.fileHandleForReading.readDataToEndOfFile() }
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while process.isRunning {
            if clock.now > end {
                kill(process.processIdentifier, SIGKILL)
                throw PythonError(description: "python did not finish within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return (process.terminationStatus, String(decoding: await out, as: UTF8.self), String(decoding: await err, as: UTF8.self))
    }
}

/// Runs a blocking `body` on a thread of its own and returns its result.
func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: body()) }.start()
    }
}

/// A Python `http.server` stub in a child process: prints its port, serves until stopped.
final class PythonStubServer: Sendable {
    let port: Int
    private let process: Process
    private let input: FileHandle

    private init(port: Int, process: Process, input: FileHandle) {
        self.port = port
        self.process = process
        self.input = input
    }

    static func start(_ script: String) async throws -> PythonStubServer {
        let process = Process()
        process.executableURL = Python.executable
        process.arguments = Python.prefix + ["-u", "-c", Python.closeInherited + script]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let input = Pipe()
        process.standardInput = input  // the stub exits when its stdin closes, so a dead test takes it along
        signal(SIGPIPE, SIG_IGN)
        try process.run()
        let line = await onThread { () -> String in
            var bytes: [UInt8] = []
            while true {
                let data = output.fileHandleForReading.availableData
                if data.isEmpty { return String(decoding: bytes, as: UTF8.self) }  // exited early
                bytes.append(contentsOf: data)
                if let newline = bytes.firstIndex(of: 0x0A) { return String(decoding: bytes[..<newline], as: UTF8.self) }
            }
        }
        let stub = PythonStubServer(port: Int(line.trimmingCharacters(in: .whitespaces)) ?? 0, process: process, input: input.fileHandleForWriting)
        guard stub.port > 0 else {
            stub.stop()
            throw PythonError(description: "the stub printed \"\(line)\", not a port")
        }
        return stub
    }

    /// Closes the stub's stdin (it exits at EOF), then kills it if it has not exited within 2 s. It polls
    /// rather than calling `waitUntilExit`, which can hang on Linux when many children run at once.
    func stop() {
        try? input.close()
        let clock = ContinuousClock()
        let end = clock.now + .seconds(2)
        while process.isRunning && clock.now < end { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
