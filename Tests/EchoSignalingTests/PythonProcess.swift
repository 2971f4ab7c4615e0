import CrucibleTestSupport
import Foundation
import Fuzzing

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
    /// The status is -1 when the script closed its output but had not ended 2 s later.
    static func run(_ script: String, _ arguments: [String] = [], timeout: Duration = .seconds(30)) async throws -> (status: Int32, output: String, errors: String) {
        let command = prefix + ["-c", closeInherited + script] + arguments
        // Blocking, so on a thread of its own rather than one of the cooperative pool's.
        let child = try await onThread { Result { try runToEnd(executable, command, timeout: timeout) } }.get()
        return (child.status ?? -1, String(decoding: child.output, as: UTF8.self), String(decoding: child.errors, as: UTF8.self))
    }
}

/// A Python `http.server` stub in a child process: prints its port, serves until stopped.
final class PythonStubServer: Sendable {
    let port: Int
    private let process: ProcessWatch
    private let input: FileHandle

    private init(port: Int, process: ProcessWatch, input: FileHandle) {
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
        try process.runWithSignalsUnblocked()
        let line = await onThread { () -> String in
            var bytes: [UInt8] = []
            while true {
                let data = output.fileHandleForReading.availableData
                if data.isEmpty { return String(decoding: bytes, as: UTF8.self) }  // exited early
                bytes.append(contentsOf: data)
                if let newline = bytes.firstIndex(of: 0x0A) { return String(decoding: bytes[..<newline], as: UTF8.self) }
            }
        }
        let stub = PythonStubServer(
            port: Int(line.trimmingCharacters(in: .whitespaces)) ?? 0, process: ProcessWatch(process), input: input.fileHandleForWriting)
        guard stub.port > 0 else {
            stub.stop()
            throw PythonError(description: "the stub printed \"\(line)\", not a port")
        }
        return stub
    }

    /// Closes the stub's stdin (it exits at EOF), then kills it if it has not exited within 2 s.
    func stop() {
        try? input.close()
        if process.wait(timeout: .seconds(2)) == nil { process.end(signal: SIGKILL, grace: .seconds(5)) }
    }
}
