import CrucibleTestSupport
import Foundation
import Fuzzing
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `crucible echo serve` and `crucible echo connect` with `--bind`: the addresses they bind and gather on
/// (DESIGN §6: loopback only in tests, here other addresses of 127.0.0.0/8 so that the flag is seen to act).
@Suite("crucible echo --bind", .serialized)
struct EchoCommandTests {
    @Test("serve and connect bind and gather on the --bind addresses: the pair connect prints is exactly them")
    func bindOnBothSides() async throws {
        let serve = try Background(["echo", "serve", "--port", "0", "--bind", "127.0.0.2", "--seconds", "60"])
        defer { serve.stop() }
        let line = try await serve.firstLine(timeout: .seconds(60))
        let listening = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        #expect(listening["addresses"] as? [String] == ["127.0.0.2"])
        let port = try #require(listening["port"] as? Int)
        #expect(listening["pages"] as? [String] == ["http://127.0.0.2:\(port)/"])
        let connect: Result<Crucible.Result, any Error> = await onThread {
            Result { try Crucible.run(["echo", "connect", "http://127.0.0.2:\(port)/offer", "--bind", "127.0.0.3", "--messages", "3"]) }
        }
        let result = try connect.get()
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("3/3 messages echoed"), "\(result.standardOutput)")
        // Our candidate is on 127.0.0.3 and the server's on 127.0.0.2: nothing else was gathered or chosen.
        let pair = try #require(result.standardOutput.split(separator: "\n").first { $0.contains("candidate pair") }, "\(result.standardOutput)")
        #expect(pair.contains("candidate pair 127.0.0.3:") && pair.contains("-> 127.0.0.2:"), "\(pair)")
    }

    @Test("an address that is not one of this machine's is refused before anything listens, with the addresses it has", arguments: [
        ["echo", "serve", "--port", "0", "--bind", "198.51.100.201", "--seconds", "1"],
        ["echo", "connect", "http://127.0.0.1:9/offer", "--bind", "198.51.100.201"],
        ["echo", "serve", "--port", "0", "--bind", "0.0.0.0", "--seconds", "1"],
        ["interop", "--peers", "crucible", "--no-capture", "--bind", "198.51.100.201"],
    ])
    func notLocalIsRefused(_ arguments: [String]) throws {
        let result = try Crucible.run(arguments)
        #expect(result.status == 2)
        let address = arguments[arguments.firstIndex(of: "--bind")! + 1]
        #expect(result.standardError.contains("\(address) is not an address of this machine (its addresses: "), "\(result.standardError)")
        #expect(result.standardError.contains("127.0.0.1"))
        #expect(!result.standardOutput.contains("listening"))
    }

    @Test("interop --bind: Crucible's side of a cell gathers on the address given, and nowhere else")
    func interopBind() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("crucible-interop-bind-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try Crucible.run([
            "interop", "--peers", "crucible", "--scenarios", "message-kinds", "--bind", "127.0.0.2", "--no-capture", "--out", out.path,
        ])
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        let signalling = try String(contentsOf: out.appendingPathComponent("cells/message-kinds-crucible-crucible.sdp.txt"), encoding: .utf8)
        let candidates = signalling.split(separator: "\n").filter { $0.contains("a=candidate:") }
        #expect(!candidates.isEmpty)
        #expect(candidates.allSatisfy { $0.contains(" 127.0.0.2 ") }, "\(candidates)")
    }

    @Test("--bind takes IP addresses only")
    func notAnAddress() throws {
        let result = try Crucible.run(["echo", "serve", "--port", "0", "--bind", "example.com", "--seconds", "1"])
        #expect(result.status == 2)
        #expect(result.standardError.contains("--bind example.com: not an IPv4 or IPv6 address"))
    }
}

/// A `crucible` child that keeps running while the test talks to it: its first line of output is read as it
/// comes; `stop()` ends it.
final class Background: Sendable {
    private let watch: ProcessWatch
    private let lines = Mutex<(text: String, ended: Bool)>(("", false))

    init(_ arguments: [String]) throws {
        let products = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            .deletingLastPathComponent()
        let process = Process()
        process.executableURL = products.appendingPathComponent("crucible")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        watch = ProcessWatch(process)
        let reader = output.fileHandleForReading
        Thread { [self] in
            while true {
                let data = reader.availableData
                guard !data.isEmpty else { break }
                lines.withLock { $0.text += String(decoding: data, as: UTF8.self) }
            }
            lines.withLock { $0.ended = true }
        }.start()
    }

    /// The first line the child prints; throws when it ends or stays silent until `timeout`.
    func firstLine(timeout: Duration) async throws -> String {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            let (text, ended) = lines.withLock { ($0.text, $0.ended) }
            if let line = text.split(separator: "\n", omittingEmptySubsequences: false).first, text.contains("\n") { return String(line) }
            if ended { throw Silent(description: "crucible ended without a line: \(text)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Silent(description: "crucible printed no line within \(timeout)")
    }

    func stop() { _ = watch.end(signal: SIGTERM, grace: .seconds(5)) }

    struct Silent: Error, CustomStringConvertible {
        let description: String
    }
}
