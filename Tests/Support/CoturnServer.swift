import Fuzzing
import Foundation
import Testing
import Wire

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A coturn `turnserver` of our own on 127.0.0.1, for the tests that prove the client against a real
/// server: a free port, a generated configuration and log in a temporary directory, and a kill at the end.
public final class CoturnServer {
    public static let notFound = "coturn not found: run Scripts/bootstrap (apt-get install coturn)"
    public static let realm = "crucible.test"

    public let address: TransportAddress
    public let directory: URL
    private let process: ProcessWatch  // only `stop` touches it after start

    private init(address: TransportAddress, directory: URL, process: ProcessWatch) {
        self.address = address
        self.directory = directory
        self.process = process
    }

    /// Starts a server with one user. The caller must `stop()` it (see `CoturnServer.with`).
    public static func start(username: String, password: String) throws -> CoturnServer {
        // Never a silent skip: a machine without coturn fails these tests with the way to fix it.
        guard let executable = locate() else { throw CoturnError(message: notFound) }
        let port = try freeUDPPort()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crucible-coturn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Relay ports: a hundred of our own in a high range, picked from the listening port so two servers
        // started together rarely share one.
        let minPort = 40_000 + Int(port % 200) * 100
        let configuration = """
            listening-ip=127.0.0.1
            relay-ip=127.0.0.1
            listening-port=\(port)
            min-port=\(minPort)
            max-port=\(minPort + 99)
            lt-cred-mech
            user=\(username):\(password)
            realm=\(realm)
            no-tls
            no-dtls
            no-tcp
            allow-loopback-peers
            no-multicast-peers
            no-cli
            log-file=\(directory.path)/turnserver.log
            simple-log
            pidfile=\(directory.path)/turnserver.pid
            userdb=\(directory.path)/turndb

            """
        let configurationFile = directory.appendingPathComponent("turnserver.conf")
        try configuration.write(to: configurationFile, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = executable
        process.arguments = ["-c", configurationFile.path]
        process.standardInput = FileHandle.nullDevice
        let output = directory.appendingPathComponent("stdout.txt")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let outputHandle = try FileHandle(forWritingTo: output)
        process.standardOutput = outputHandle
        process.standardError = outputHandle
        try process.runWithSignalsUnblocked()
        return CoturnServer(address: TransportAddress(.loopbackV4, port: port), directory: directory, process: ProcessWatch(process))
    }

    /// Runs `body` with a server that is stopped afterwards, whether `body` succeeds or throws.
    public static func with<Result>(
        username: String = "alice", password: String = "secret", _ body: (CoturnServer) async throws -> Result
    ) async throws -> Result {
        let server = try start(username: username, password: password)
        do {
            let result = try await body(server)
            server.stop()
            return result
        } catch {
            Issue.record(Comment(rawValue: "turnserver log:\n" + server.log))
            server.stop()
            throw error
        }
    }

    /// Terminates the server (SIGTERM, then SIGKILL after 1 s: it keeps nothing worth a clean exit) and removes its directory.
    public func stop() {
        process.end(grace: .seconds(1))
        try? FileManager.default.removeItem(at: directory)
    }

    /// The server's log so far (for a failing test's report).
    public var log: String {
        (try? String(contentsOf: directory.appendingPathComponent("turnserver.log"), encoding: .utf8)) ?? "(no log)"
    }

    /// `turnserver` on PATH, or in /usr/bin or /usr/sbin where Debian puts it.
    public static func locate() -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/sbin", "/usr/local/bin"]
        for directory in directories {
            let candidate = directory + "/turnserver"
            if FileManager.default.isExecutableFile(atPath: candidate) { return URL(fileURLWithPath: candidate) }
        }
        return nil
    }

    /// A UDP port on 127.0.0.1 that was free a moment ago: bind port 0, read it, close.
    public static func freeUDPPort() throws -> UInt16 {
        do { return try LoopbackUDPSocket().port } catch { throw CoturnError(message: "\(error)") }
    }
}

public struct CoturnError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
