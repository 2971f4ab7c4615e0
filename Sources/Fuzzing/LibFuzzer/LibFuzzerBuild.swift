public import Foundation

/// Why the libFuzzer binaries could not be built.
public enum LibFuzzerBuildError: Error, CustomStringConvertible {
    /// `Scripts/build-fuzzers` is not in the repository.
    case scriptMissing(URL)
    /// The Swift toolchain cannot compile or link `-sanitize=fuzzer`.
    case toolchainCannotFuzz(log: String)
    /// The build failed for another reason (a compile error…); the end of its output.
    case buildFailed(status: Int32, log: String)

    public var description: String {
        switch self {
        case .scriptMissing(let url):
            "cannot build the libFuzzer targets: \(url.path) is missing (run from a Crucible checkout)"
        case .toolchainCannotFuzz(let log):
            """
            this Swift toolchain cannot build libFuzzer targets (-sanitize=fuzzer). Install a swift.org \
            toolchain for Linux (it ships libclang_rt.fuzzer; Xcode's does not: on macOS use \
            `xcrun --toolchain swift`), then check with \
            `echo '@_cdecl("LLVMFuzzerTestOneInput") func f(_ d: UnsafePointer<UInt8>, _ n: Int) -> CInt { 0 }' > /tmp/f.swift && swiftc -sanitize=fuzzer -parse-as-library /tmp/f.swift -o /tmp/f`. \
            The engine `builtin` needs no special build. Build output:
            \(log)
            """
        case .buildFailed(let status, let log):
            "Scripts/build-fuzzers failed (exit \(status)):\n\(log)"
        }
    }
}

/// Builds the libFuzzer binaries with the repository's `Scripts/build-fuzzers`.
public enum LibFuzzerBuild {
    public enum Sanitizer: String, Sendable, CaseIterable {
        /// AddressSanitizer: memory errors found where they happen; slower.
        case address
        /// Coverage only: the fast variant.
        case none
    }

    /// The build script of a repository.
    public static func script(repositoryRoot: URL) -> URL {
        repositoryRoot.appendingPathComponent("Scripts/build-fuzzers")
    }

    /// Where the script puts a sanitizer's binaries when not told otherwise.
    public static func defaultOutput(repositoryRoot: URL, sanitizer: Sanitizer) -> URL {
        repositoryRoot.appendingPathComponent(".build-fuzz-\(sanitizer.rawValue)/out")
    }

    /// A target's binary in an output folder.
    public static func binary(for target: String, in output: URL) -> URL {
        output.appendingPathComponent(LibFuzzerBinaryName.binary(for: target))
    }

    /// A target's dictionary in an output folder.
    public static func dictionary(for target: String, in output: URL) -> URL {
        output.appendingPathComponent(LibFuzzerBinaryName.binary(for: target) + ".dict")
    }

    /// Runs the script (incremental: seconds when nothing changed) and returns the output folder.
    public static func build(
        repositoryRoot: URL, sanitizer: Sanitizer, output: URL? = nil
    ) throws(LibFuzzerBuildError) -> URL {
        let script = script(repositoryRoot: repositoryRoot)
        guard FileManager.default.isExecutableFile(atPath: script.path) else { throw .scriptMissing(script) }
        let output = output ?? defaultOutput(repositoryRoot: repositoryRoot, sanitizer: sanitizer)
        let result: ProcessResult
        do {
            result = try ProcessResult.run(
                script, ["--sanitizer", sanitizer.rawValue, "--out", output.path], directory: repositoryRoot)
        } catch {
            throw .buildFailed(status: -1, log: "could not start \(script.path): \(error)")
        }
        guard result.status == 0 else {
            let tail = result.output.split(separator: "\n", omittingEmptySubsequences: false).suffix(40).joined(separator: "\n")
            if saysToolchainCannotFuzz(result.output) { throw .toolchainCannotFuzz(log: tail) }
            throw .buildFailed(status: result.status, log: tail)
        }
        return output
    }

    /// Whether a failed build's output says the toolchain lacks libFuzzer (or there is no toolchain): the
    /// compiler refuses the option, the runtime library is missing, or libFuzzer's symbols are undefined.
    public static func saysToolchainCannotFuzz(_ output: String) -> Bool {
        [
            "unsupported option '-sanitize", "not supported for target", "clang_rt.fuzzer",
            "undefined reference to `LLVMFuzzer", "undefined symbol 'LLVMFuzzer", "undefined symbol: LLVMFuzzer",
            "swift: command not found",
        ].contains { output.contains($0) }
    }
}

/// A finished child process: its exit status (or 128 + signal) and its standard output and error, merged.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var output: String

    /// Runs `executable` to the end, its output collected (both streams into one pipe, read to the end
    /// before waiting, so a chatty child cannot block on a full pipe).
    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = directory }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        let end = process.waitForTermination()
        let status = end.reason == .uncaughtSignal ? 128 + end.status : end.status
        return ProcessResult(status: status, output: String(decoding: data, as: UTF8.self))
    }
}
