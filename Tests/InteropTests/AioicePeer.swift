import Fuzzing
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One line `Scripts/interop/aioice_peer.py` wrote on stdout: its `event` and the other fields as text.
struct PeerEvent: Sendable, CustomStringConvertible {
    var name: String
    var fields: [String: String]

    subscript(_ field: String) -> String? { fields[field] }

    var description: String { "\(name) \(fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))" }
}

struct InteropError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// An aioice `Connection` in a child process (`Scripts/interop/aioice_peer.py`, run by the virtual
/// environment `Scripts/bootstrap` makes), spoken to in JSON lines. The child is killed by `stop()`;
/// `AioicePeer.with` makes sure `stop()` runs whatever the body does.
final class AioicePeer: Sendable {

    enum Role: String, Sendable, CaseIterable {
        case controlling, controlled
    }

    let role: Role
    private let process: ProcessWatch
    private let input: FileHandle
    private let events = Mutex<[PeerEvent]>([])
    private let stderrFile: URL

    static let python = InteropEnvironment.python
    static let script = InteropEnvironment.script("aioice_peer.py")

    /// Fails, never skips, when the environment or aioice is missing (the project's rule for outside peers).
    static func requireInstalled() throws { try InteropEnvironment.requireInstalled("aioice") }

    private init(role: Role, process: ProcessWatch, input: FileHandle, stderrFile: URL) {
        self.role = role
        self.process = process
        self.input = input
        self.stderrFile = stderrFile
    }

    /// Starts a peer; the caller must `stop()` it (see `with`).
    static func start(_ role: Role) throws -> AioicePeer {
        try requireInstalled()
        // A peer that died must make our next command fail with EPIPE, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = python
        // -u: unbuffered, so every event line reaches us as soon as it is written.
        process.arguments = ["-u", script.path, role.rawValue, "-v"]
        let stdin = Pipe()
        let stdout = Pipe()
        let stderrFile = FileManager.default.temporaryDirectory.appendingPathComponent("crucible-aioice-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        try process.runWithSignalsUnblocked()
        let peer = AioicePeer(role: role, process: ProcessWatch(process), input: stdin.fileHandleForWriting, stderrFile: stderrFile)
        peer.startReading(stdout.fileHandleForReading)
        return peer
    }

    /// Runs `body` with a peer that is stopped afterwards, whether `body` succeeds or throws; a failure
    /// carries the tail of aioice's log.
    static func with<Result>(_ role: Role, _ body: (AioicePeer) async throws -> Result) async throws -> Result {
        let peer = try start(role)
        do {
            let result = try await body(peer)
            peer.stop()
            return result
        } catch {
            Issue.record(Comment(rawValue: "aioice (\(role.rawValue)) events:\n\(peer.all.map(\.description).joined(separator: "\n"))\nlog tail:\n\(peer.logTail)"))
            peer.stop()
            throw error
        }
    }

    /// A blocking reader on its own thread: one line, one event.
    private func startReading(_ output: FileHandle) {
        let thread = Thread { [self] in
            var buffer: [UInt8] = []
            while true {
                let data = output.availableData
                if data.isEmpty { break }
                buffer.append(contentsOf: data)
                while let newline = buffer.firstIndex(of: 0x0A) {
                    let line = Array(buffer[..<newline])
                    buffer.removeSubrange(...newline)
                    if let event = Self.decode(line) { events.withLock { $0.append(event) } }
                }
            }
        }
        thread.start()
    }

    private static func decode(_ line: [UInt8]) -> PeerEvent? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
            let name = object["event"] as? String
        else { return nil }
        var fields: [String: String] = [:]
        for (key, value) in object where key != "event" {
            switch value {
            case let text as String: fields[key] = text
            case let number as NSNumber: fields[key] = number.stringValue
            default: break  // null: the field is absent
            }
        }
        return PeerEvent(name: name, fields: fields)
    }

    var all: [PeerEvent] { events.withLock { $0 } }

    /// Sends one command line.
    func send(_ command: String, _ fields: [String: Any] = [:]) throws {
        var object = fields
        object["command"] = command
        var data = try JSONSerialization.data(withJSONObject: object)
        data.append(0x0A)
        try input.write(contentsOf: data)
    }

    /// Waits (polling, bounded by `timeout`) for the first event after the first `after` that `matches`.
    func event(
        _ name: String, after: Int = 0, timeout: Duration = .seconds(30), where matches: (PeerEvent) -> Bool = { _ in true }
    ) async throws -> PeerEvent {
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while true {
            let found = all.dropFirst(after).first { $0.name == name && matches($0) }
            if let found { return found }
            if let failure = all.first(where: { $0.name == "failed" }) {
                throw InteropError(message: "aioice reported a failure while we waited for \(name): \(failure)")
            }
            guard clock.now < end else { throw InteropError(message: "no \(name) event from aioice within \(timeout)") }
            if let end = process.termination { throw InteropError(message: "aioice exited (\(end.status)) before \(name)") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Every event of one name so far.
    func events(_ name: String) -> [PeerEvent] { all.filter { $0.name == name } }

    /// Asks the peer to close, then terminates it (SIGTERM after 2 s, SIGKILL after 1 s more) and removes its log.
    func stop() {
        try? send("close")
        try? input.close()
        if process.wait(timeout: .seconds(2)) == nil { process.end(grace: .seconds(1)) }
        try? FileManager.default.removeItem(at: stderrFile)
    }

    /// The last lines of aioice's log (stderr), for a failing test's report.
    var logTail: String {
        let text = (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? "(no log)"
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(60).joined(separator: "\n")
    }
}
