import Foundation

/// Reads the report the Swift runtime writes to standard error when a process traps: the message line
/// (`File.swift:12: Fatal error: …`, or `*** Swift runtime failure: … ***` in optimised builds) and the
/// backtrace, whose frames look like
/// `  1 [ra] 0x000055ce1bff5355 softwareDescriptionIsValid(_:) + 180 in crucible at /…/Sources/Conformance/PlantedBug.swift:40:24`.
public enum TrapReport {
    /// The signature of a trap: the message, and the first frame in Crucible's code that is not the
    /// fuzzing harness itself; nil when the text holds no trap report.
    public static func signature(of report: String) -> CrashSignature? {
        let lines = report.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard let message = message(in: lines) else { return nil }
        return CrashSignature(kind: .crash, site: site(in: lines) ?? "unknown site", message: message)
    }

    /// The trap's message, without the runtime's `file:line:` prefix when it names the standard library.
    public static func message(in lines: [String]) -> String? {
        for line in lines {
            if let range = line.range(of: "Fatal error: ") {
                let text = line[range.upperBound...].trimmingCharacters(in: .whitespaces)
                return "Fatal error: " + (text.isEmpty ? "(no message)" : text)
            }
            if let range = line.range(of: "*** Swift runtime failure: ") {
                return "Swift runtime failure: " + line[range.upperBound...].replacingOccurrences(of: " ***", with: "")
            }
        }
        return lines.first { $0.hasPrefix("*** Program crashed: ") }
            .map { String($0.dropFirst(4)).replacingOccurrences(of: " ***", with: "") }
            .map { $0.replacingOccurrences(of: #" at 0x[0-9a-f]+"#, with: "", options: .regularExpression) }
    }

    /// Folders whose frames are the harness, not the code under test.
    static let harnessFolders = ["/Sources/Fuzzing/", "/Sources/crucible/", "/FuzzTargets/"]

    /// `symbol (File.swift:line)` of the first frame in `Sources/` outside the harness.
    static func site(in lines: [String]) -> String? {
        for line in lines {
            guard let at = line.range(of: " at /", options: .backwards),
                  let address = line.range(of: #"0x[0-9a-f]+ "#, options: .regularExpression),
                  address.upperBound <= at.lowerBound
            else { continue }
            let path = String(line[line.index(before: at.upperBound)...].prefix { $0 != " " })
            guard path.contains("/Sources/"), !harnessFolders.contains(where: path.contains) else { continue }
            var symbol = String(line[address.upperBound..<at.lowerBound])
            // "name + 180 in image": keep the name.
            if let image = symbol.range(of: " in ", options: .backwards) { symbol = String(symbol[..<image.lowerBound]) }
            if let offset = symbol.range(of: #" \+ \d+$"#, options: .regularExpression) { symbol = String(symbol[..<offset.lowerBound]) }
            let file = path.split(separator: "/").last.map(String.init) ?? path
            let fileAndLine = file.split(separator: ":").prefix(2).joined(separator: ":")
            return "\(symbol) (\(fileAndLine))"
        }
        return nil
    }
}
