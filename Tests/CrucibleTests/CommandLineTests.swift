import CrucibleTestSupport
import Fuzzing
import Foundation
import Testing

/// The `crucible` executable as users run it: output, and the exit-code contract
/// (0 clean, 1 the input broke a rule, 2 the call was wrong).
@Suite("crucible decode and tour")
struct CommandLineTests {
    /// RFC 5769 §2.1 sample request (short-term credential, password "VOkJxbRl1RmTxUk/WvJxBt").
    static let rfc5769Request = """
        000100582112a442b7e7a701bc34d686fa87dfae802200105354554e207465737420636c69656e74\
        002400046e0001ff80290008932ff9b151263b36000600096576746a3a6836765920202000080014\
        9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a280280004e57a3bcf
        """

    @Test("decode stun prints the structure and exits 0 for a vector that round-trips")
    func decodeSTUN() throws {
        let result = try Crucible.run(["decode", "stun", "--hex", Self.rfc5769Request])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("round trip: byte-exact"))
    }

    @Test("decode stun --password verifies MESSAGE-INTEGRITY; a wrong password exits 1")
    func decodeSTUNWithPassword() throws {
        let good = try Crucible.run(["decode", "stun", "--hex", Self.rfc5769Request, "--password", "VOkJxbRl1RmTxUk/WvJxBt", "--json"])
        #expect(good.status == 0, "\(good.standardError)")
        #expect(good.standardOutput.contains(#""roundTrip":true"#))
        let bad = try Crucible.run(["decode", "stun", "--hex", Self.rfc5769Request, "--password", "wrong"])
        #expect(bad.status == 1)
        #expect(!bad.standardError.isEmpty)
    }

    @Test("decode of a broken message exits 1 with the offset and the rule on stderr")
    func decodeBroken() throws {
        // A Binding request header whose magic cookie is wrong (RFC 8489 §5).
        let result = try Crucible.run(["decode", "stun", "--hex", "0001 0000 2112a443 000000000000000000000000"])
        #expect(result.status == 1)
        #expect(result.standardError.contains("offset"))
        #expect(result.standardError.contains("STUN."))
    }

    @Test("decode dcep flags Pion's 4-byte ACK under DCEP.ack-length (the engine tolerates it; the checker does not)")
    func decodePionAck() throws {
        let result = try Crucible.run(["decode", "dcep", "--hex", "02000000"])
        #expect(result.status == 1)
        #expect(result.standardError.contains("DCEP.ack-length (RFC 8832 §5.2)"), "\(result.standardError)")
        #expect(try Crucible.run(["decode", "dcep", "--hex", "02"]).status == 0)
    }

    @Test("decode sdp --file reads a corpus seed and exits 0")
    func decodeSDPFile() throws {
        let corpus = Crucible.repositoryRoot.appendingPathComponent("Corpus/sdp")
        let seed = try #require(try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted().first { $0.hasSuffix(".sdp") })
        let result = try Crucible.run(["decode", "sdp", "--file", corpus.appendingPathComponent(seed).path, "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.hasPrefix(#"{"protocol":"sdp","parsed":true,"roundTrip":true"#))
    }

    @Test("Usage errors exit 2", arguments: [
        ["decode", "stun"],
        ["decode", "stun", "--hex", "00", "--file", "/dev/null"],
        ["decode", "nonsense", "--hex", "00"],
        ["decode", "stun", "--hex", "zz"],
        ["no-such-command"],
    ])
    func usageErrors(arguments: [String]) throws {
        #expect(try Crucible.run(arguments).status == 2)
    }

    @Test("tour judges every vector, seed and capture message, prints the count line, then runs the two-engine sessions (data, then audio and video)")
    func tour() throws {
        let result = try Crucible.run(["tour", "--repository", Crucible.repositoryRoot.path])
        #expect(result.status == 0, "\(result.standardOutput.suffix(2000))")
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        let count = lines.first { $0.hasPrefix("tour: ") } ?? ""
        #expect(count.hasSuffix(" passed, 0 failed"), "\(count)")
        #expect(lines.contains("session: passed"), "\(lines.suffix(5))")
        #expect(lines.last == "media: passed", "\(lines.suffix(5))")
        #expect(lines.contains { $0.hasPrefix("  video: ") && $0.contains("0 missing, 0 out of order") }, "\(lines.suffix(12))")
        #expect(lines.contains { $0.hasPrefix("  audio: ") && $0.hasSuffix("tone 440 Hz") }, "\(lines.suffix(12))")
        #expect(lines.contains { $0.contains("time to open:") })
        #expect(lines.contains { $0.hasPrefix("  transport T:") && $0.contains("dtlsState=connected") })
        for protocolName in ["stun", "sdp", "candidate"] {
            #expect(result.standardOutput.contains("\n\(protocolName) "), "no rows for \(protocolName)")
        }
    }

}

/// Runs the `crucible` executable built next to this test bundle.
enum Crucible {
    struct Result {
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `crucible ARGUMENTS`, or `WRAPPER… crucible ARGUMENTS` (a script that sets up where it runs).
    static func run(_ arguments: [String], wrappedIn wrapper: [String] = []) throws -> Result {
        // The test bundle and the executable are built into the same products folder.
        let products = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            .deletingLastPathComponent()
        let executable = products.appendingPathComponent("crucible")
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw NotBuilt(path: executable.path)
        }
        // The longest command here is a short fuzz campaign; the bound only keeps a hung one from
        // hanging the suite.
        let child =
            if let first = wrapper.first {
                try runToEnd(
                    URL(fileURLWithPath: first), Array(wrapper.dropFirst()) + [executable.path] + arguments, in: repositoryRoot,
                    timeout: .seconds(1800))
            } else {
                try runToEnd(executable, arguments, in: repositoryRoot, timeout: .seconds(1800))
            }
        return Result(
            status: child.status ?? -1,
            standardOutput: String(decoding: child.output, as: UTF8.self),
            standardError: String(decoding: child.errors, as: UTF8.self))
    }

    struct NotBuilt: Error, CustomStringConvertible {
        let path: String
        var description: String { "\(path) is missing: run `swift build` (swift test builds it) before these tests" }
    }
}
