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

    /// Runs `script` with `arguments` to completion (bounded by `timeout`) and returns what it printed.
    static func run(_ script: String, _ arguments: [String] = [], timeout: Duration = .seconds(30)) async throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = prefix + ["-c", script] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes on their own threads so a chatty child never blocks on a full pipe.
        async let out = Task.detached { output.fileHandleForReading.readDataToEndOfFile() }.value
        async let err = Task.detached { errors.fileHandleForReading.readDataToEndOfFile() }.value
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while process.isRunning {
            if clock.now > end {
                process.terminate()
                process.waitUntilExit()
                throw PythonError(description: "python did not finish within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return (process.terminationStatus, String(decoding: await out, as: UTF8.self), String(decoding: await err, as: UTF8.self))
    }
}

/// A Python `http.server` stub in a child process: prints its port, serves until stopped.
final class PythonStubServer: Sendable {
    let port: Int
    private let process: Process

    private init(port: Int, process: Process) {
        self.port = port
        self.process = process
    }

    static func start(_ script: String) async throws -> PythonStubServer {
        let process = Process()
        process.executableURL = Python.executable
        process.arguments = Python.prefix + ["-u", "-c", script]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let input = Pipe()
        process.standardInput = input  // the stub exits when its stdin closes, so a dead test takes it along
        try process.run()
        let line = try await Task.detached { () throws -> String in
            var bytes: [UInt8] = []
            while true {
                let data = try output.fileHandleForReading.read(upToCount: 1) ?? Data()
                guard let byte = data.first else { throw PythonError(description: "the stub exited before printing its port") }
                if byte == 0x0A { return String(decoding: bytes, as: UTF8.self) }
                bytes.append(byte)
            }
        }.value
        guard let port = Int(line.trimmingCharacters(in: .whitespaces)) else {
            process.terminate()
            throw PythonError(description: "the stub printed \(line), not a port")
        }
        return PythonStubServer(port: port, process: process)
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}
