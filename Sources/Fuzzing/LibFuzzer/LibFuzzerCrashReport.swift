import Foundation

/// Reads a whole libFuzzer crash report (a process's standard error) into a `CrashSignature`: the message
/// the trap or sanitizer printed and the first stack frame in Crucible's own code.
extension LibFuzzerOutput {
    /// One `#N 0x… in <symbol> <location>` line of a sanitizer stack trace.
    public struct Frame: Hashable, Sendable {
        public var symbol: String
        /// The source file's path as printed, or nil when the frame has none (`(module+0x…)`).
        public var file: String?
        public var line: Int?
    }

    /// The signature of a failure, or nil when the report names none of the failures below. The message is,
    /// in order of preference: the Swift runtime's `Fatal error: …` line (an oracle failure's message makes
    /// the kind `.oracle`), `AddressSanitizer: <bug>` / `LeakSanitizer: …`, or libFuzzer's own
    /// `deadly signal`, `timeout`, `out-of-memory`. Numbers that change from run to run (addresses,
    /// sizes, seconds) are left out so that two inputs that show one bug get one signature.
    /// `demangle` turns a Swift symbol into a readable name (`SwiftDemangler.demangle` by default).
    public static func signature(
        of report: String, kind: FailureKind,
        demangle: (String) -> String = SwiftDemangler.demangle
    ) -> CrashSignature? {
        let lines = report.split(whereSeparator: \.isNewline).map(String.init)
        var kind = kind
        var message: String?
        var runtimeSite: String?
        if let fatal = lines.first(where: { $0.contains("Fatal error: ") }),
           let range = fatal.range(of: "Fatal error: ") {
            message = "Fatal error: " + fatal[range.upperBound...]
            // `Module/File.swift:35: Fatal error: …`: the runtime's own site, used when no frame is ours.
            let prefix = fatal[..<range.lowerBound].trimmingCharacters(in: CharacterSet(charactersIn: ": "))
            if !prefix.isEmpty { runtimeSite = String(prefix.split(separator: "/").last ?? Substring(prefix)) }
            if message?.contains(" oracle failed: ") == true, kind == .crash { kind = .oracle }
        } else if let sanitizer = lines.lazy.compactMap(sanitizerMessage).first {
            message = sanitizer
        } else if let fuzzer = lines.lazy.compactMap(libFuzzerMessage).first {
            message = fuzzer
        }
        guard let message else { return nil }
        // A frame of ours with a line number; frames without one are standard-library code the
        // optimiser specialised into our file, which names the wrong function.
        let ours = frames(in: report).filter(isCrucibleFrame)
        let site = (ours.first { $0.line != nil } ?? ours.first).map { frame in
            let file = frame.file.map { $0.split(separator: "/").last.map(String.init) ?? $0 } ?? "?"
            return "\(demangle(frame.symbol)) (\(file):\(frame.line.map(String.init) ?? "?"))"
        }
        return CrashSignature(kind: kind, site: site ?? runtimeSite ?? "unknown", message: message)
    }

    /// The frames of every stack trace in a report, in order.
    public static func frames(in report: String) -> [Frame] {
        report.split(whereSeparator: \.isNewline).compactMap { frame(from: String($0)) }
    }

    static func frame(from line: String) -> Frame? {
        let words = line.split(separator: " ", omittingEmptySubsequences: true)
        guard words.count >= 4, words[0].hasPrefix("#"), Int(words[0].dropFirst()) != nil,
              words[1].hasPrefix("0x"), words[2] == "in" else { return nil }
        // The location is the last word; the symbol (which may hold spaces once demangled) is in between.
        var location = String(words[words.count - 1])
        var symbolWords = words[3..<(words.count - 1)]
        if location.hasPrefix("(BuildId:") || location.hasSuffix(")") {
            // `in sym (/lib/x.so+0x12) (BuildId: …)`: no source location.
            return Frame(symbol: String(words[3]), file: nil, line: nil)
        }
        if symbolWords.isEmpty { symbolWords = words[3...3]; location = "" }
        let parts = location.split(separator: ":")
        let file = parts.first.map(String.init)
        let lineNumber = parts.count > 1 ? Int(parts[1]) : nil
        return Frame(symbol: symbolWords.joined(separator: " "), file: file, line: lineNumber)
    }

    /// Crucible's own code: a source file under a `Sources/` folder, but not the libFuzzer entry points
    /// (`FuzzTargets/`) nor a dependency's checkout; the runtime, libFuzzer and sanitizers have no such path.
    static func isCrucibleFrame(_ frame: Frame) -> Bool {
        guard let file = frame.file else { return false }
        return file.contains("/Sources/") && !file.contains("/FuzzTargets/") && !file.contains("/checkouts/")
    }

    /// `==1==ERROR: AddressSanitizer: heap-buffer-overflow on address …` → `AddressSanitizer: heap-buffer-overflow`.
    static func sanitizerMessage(_ line: String) -> String? {
        for sanitizer in ["AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer"] {
            guard let range = line.range(of: "ERROR: \(sanitizer): ") else { continue }
            let rest = line[range.upperBound...]
            if sanitizer == "LeakSanitizer" { return "LeakSanitizer: " + rest }
            return "\(sanitizer): " + (rest.split(separator: " ").first ?? rest)
        }
        return nil
    }

    /// `==1== ERROR: libFuzzer: timeout after 2 seconds` → `libFuzzer: timeout`.
    static func libFuzzerMessage(_ line: String) -> String? {
        guard let range = line.range(of: "ERROR: libFuzzer: ") else { return nil }
        let rest = line[range.upperBound...]
        for known in ["deadly signal", "timeout", "out-of-memory", "fuzz target exited"] where rest.hasPrefix(known) {
            return "libFuzzer: \(known)"
        }
        return "libFuzzer: " + rest
    }
}

/// Swift symbol names made readable by the toolchain's `swift demangle`, when it is on the PATH.
public enum SwiftDemangler {
    /// `$s11Conformance10PlantedBugO26softwareDescriptionIsValid…` → `static PlantedBug.softwareDescriptionIsValid(_:)`;
    /// the name as given when it is not a Swift symbol or the demangler cannot run.
    public static func demangle(_ symbol: String) -> String {
        guard symbol.hasPrefix("$s") || symbol.hasPrefix("_$s") else { return symbol }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swift-demangle", "--simplified", "--compact", symbol]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return symbol }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        let end = process.waitForTermination()
        let text = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return end.reason == .exit && end.status == 0 && !text.isEmpty ? text : symbol
    }
}
