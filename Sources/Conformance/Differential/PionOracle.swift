public import Foundation
import Wire

/// Pion's codecs as a differential oracle: one long-lived `.differential/pion-oracle` process (Go,
/// Scripts/differential/pion-oracle/main.go) that answers a batch of inputs per round trip.
///
/// Each batch is written whole, then answered whole: the program reads up to its `end` line before it
/// writes, so neither side blocks on a full pipe.
public final class PionOracle: DifferentialOracle {
    public let kind = DifferentialOracleKind.pion
    private let process = Process()
    private let input: FileHandle
    private let output: FileHandle
    /// Bytes read and not yet taken as lines; `start` is where the next line begins.
    private var pending: [UInt8] = []
    private var start = 0

    /// The program's path in a checkout.
    public static func binary(repositoryRoot: URL) -> URL {
        repositoryRoot.appendingPathComponent(".differential/pion-oracle")
    }

    /// Starts the oracle; fails with `oracleMissing` when Scripts/bootstrap has not built it.
    public init(repositoryRoot: URL) throws(DifferentialError) {
        let binary = Self.binary(repositoryRoot: repositoryRoot)
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw .oracleMissing(
                path: binary.path,
                remedy: "run Scripts/bootstrap (or Scripts/differential/build-pion-oracle) to build it from Debian's Go and Pion sources")
        }
        // A write to an oracle that died must be an error to report, not a SIGPIPE that ends us.
        signal(SIGPIPE, SIG_IGN)
        let stdin = Pipe()
        let stdout = Pipe()
        process.executableURL = binary
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.standardError
        do { try process.run() } catch { throw .oracleFailed("cannot start \(binary.path): \(error)") }
        input = stdin.fileHandleForWriting
        output = stdout.fileHandleForReading
    }

    deinit {
        try? input.close()
        process.waitUntilExit()
    }

    public func verdicts(_ inputs: [[UInt8]], target: DifferentialTarget) throws(DifferentialError) -> [CanonicalVerdict] {
        guard !inputs.isEmpty else { return [] }
        var request = ""
        request.reserveCapacity(inputs.reduce(0) { $0 + 2 * $1.count + 8 })
        for bytes in inputs { request += target.rawValue + " " + Hex.encode(bytes) + "\n" }
        request += "end\n"
        do { try input.write(contentsOf: Data(request.utf8)) } catch { throw .oracleFailed("writing to the Pion oracle: \(error)") }
        var verdicts: [CanonicalVerdict] = []
        verdicts.reserveCapacity(inputs.count)
        while verdicts.count < inputs.count {
            let line = try readLine()
            guard let verdict = CanonicalVerdict(line: line[...]) else { throw .oracleFailed("unreadable answer '\(line.prefix(200))'") }
            verdicts.append(verdict)
        }
        return verdicts
    }

    private func readLine() throws(DifferentialError) -> String {
        while true {
            if let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[start..<newline], as: UTF8.self)
                start = newline + 1
                return line
            }
            pending.removeFirst(start)
            start = 0
            // `availableData` returns what the pipe holds (waiting for at least a byte); `read(upToCount:)`
            // would wait for the whole count.
            let chunk = output.availableData
            guard !chunk.isEmpty else { throw .oracleFailed("the Pion oracle ended before answering every input") }
            pending += chunk
        }
    }
}
