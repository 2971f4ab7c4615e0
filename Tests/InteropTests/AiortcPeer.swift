import CrucibleTestSupport
import Foundation
import Fuzzing
import Synchronization

/// `Scripts/interop/aiortc_peer.py` in child processes: `serve` (the webrtc-echoes answerer, reporting
/// JSON-line events) and `connect` (the offerer, running one scenario and reporting one JSON result).
enum AiortcPeer {
    static let script = InteropEnvironment.script("aiortc_peer.py")

    /// Decodes one JSON line into its fields as text (null fields are absent).
    static func fields(_ line: some Collection<UInt8>) -> [String: String]? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { return nil }
        var fields: [String: String] = [:]
        for (key, value) in object {
            switch value {
            case let text as String: fields[key] = text
            case let number as NSNumber: fields[key] = number.stringValue
            default: break
            }
        }
        return fields
    }

    /// `aiortc_peer.py serve`: started by `with`, which always ends it.
    final class Server: Sendable {
        private let process: ProcessWatch
        private let events = Mutex<[[String: String]]>([])

        private init(process: ProcessWatch) { self.process = process }

        var all: [[String: String]] { events.withLock { $0 } }

        /// Every event called `name`.
        func events(_ name: String) -> [[String: String]] { all.filter { $0["event"] == name } }

        /// The port from the `listening` event; 0 before it.
        var port: Int { Int(events("listening").first?["port"] ?? "") ?? 0 }

        /// The last `channel` event of the channel labelled `label`.
        func channel(_ label: String) -> [String: String]? { events("channel").last { $0["label"] == label } }

        /// Waits (polling, bounded) until `condition` holds over the events.
        func wait(for what: String, timeout: Duration = .seconds(10), until condition: ([[String: String]]) -> Bool) async throws {
            let clock = ContinuousClock()
            let end = clock.now + timeout
            while !condition(all) {
                guard clock.now < end else { throw InteropError(message: "aiortc serve: no \(what) within \(timeout)") }
                if let end = process.termination {
                    throw InteropError(message: "aiortc serve exited (\(end.status)) before \(what)")
                }
                try await Task.sleep(for: .milliseconds(20))
            }
        }

        /// Reads stdout on a thread of its own: one line, one event.
        private func startReading(_ output: FileHandle) {
            Thread { [self] in
                var buffer: [UInt8] = []
                while true {
                    let data = output.availableData
                    if data.isEmpty { break }
                    buffer.append(contentsOf: data)
                    while let newline = buffer.firstIndex(of: 0x0A) {
                        if let event = fields(buffer[..<newline]) { events.withLock { $0.append(event) } }
                        buffer.removeSubrange(...newline)
                    }
                }
            }.start()
        }

        /// Runs `body` with a listening server that is ended afterwards; a failure carries the server's
        /// events and the tail of aiortc's log.
        static func with<R>(negotiated: [Int], _ body: (Server) async throws -> R) async throws -> R {
            try InteropEnvironment.requireInstalled("aiortc")
            let process = Process()
            process.executableURL = InteropEnvironment.python
            process.arguments = ["-u", script.path, "-v", "serve", "--port", "0"] + negotiated.flatMap { ["--negotiated", String($0)] }
            let output = Pipe()
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("crucible-aiortc-\(UUID().uuidString).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            process.standardOutput = output
            process.standardError = try FileHandle(forWritingTo: log)
            process.standardInput = FileHandle.nullDevice
            try process.runWithSignalsUnblocked()
            let server = Server(process: ProcessWatch(process))
            server.startReading(output.fileHandleForReading)
            defer { try? FileManager.default.removeItem(at: log) }
            do {
                try await server.wait(for: "listening event", timeout: .seconds(30)) { $0.contains { $0["event"] == "listening" } }
                let result = try await body(server)
                server.process.end(grace: .seconds(5))
                return result
            } catch {
                server.process.end(grace: .seconds(5))
                let tail = ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").suffix(40).joined(separator: "\n")
                throw InteropError(message: "\(error)\naiortc serve events: \(server.all)\nlog tail:\n\(tail)")
            }
        }
    }

    /// Runs `aiortc_peer.py connect URL --scenario NAME …` to completion (bounded by `timeout`) and returns
    /// its result line's fields, plus `exit` (its status, when known) and `output` (all it printed, for a
    /// failure's report). The caller has checked the environment (`InteropEnvironment.requireInstalled`).
    static func connect(_ url: String, scenario: String, arguments: [String] = [], timeout: Duration = .seconds(240)) async throws -> [String: String] {
        let command = [script.path, "connect", url, "--scenario", scenario] + arguments
        // Blocking, so on a thread of its own rather than one of the cooperative pool's.
        let run = await onThread { Result { try runToEnd(InteropEnvironment.python, command, timeout: timeout) } }
        let child = try run.get()
        let (output, status) = (child.text, child.status)
        let resultLine = output.split(separator: "\n").last { $0.hasPrefix("{\"scenario\"") }.map { Array($0.utf8) } ?? []
        guard var result = fields(resultLine) else {
            throw InteropError(message: "aiortc connect --scenario \(scenario) printed no result (exit \(status.map(String.init) ?? "?")):\n\(output.suffix(3000))")
        }
        result["exit"] = status.map(String.init) ?? "unknown"
        result["output"] = String(output.suffix(3000))
        return result
    }
}
