/// The verdict table `crucible tour` prints: every vector, corpus seed and capture message of every
/// protocol, through its codec's oracles, grouped by protocol and source.
public struct TourReport: Sendable {
    public let suites: [(name: String, verdicts: [Verdict])]

    public init(suites: [ProtocolSuite]) {
        self.suites = suites.map { ($0.name, $0.run()) }
    }

    public var passed: Int { suites.reduce(0) { $0 + $1.verdicts.filter(\.passed).count } }
    public var failed: Int { suites.reduce(0) { $0 + $1.verdicts.filter { !$0.passed }.count } }
    public var failures: [Verdict] { suites.flatMap { $0.verdicts.filter { !$0.passed } } }

    /// A fixed-width table, one row per protocol and source, then each failure, then the closing line
    /// `N passed, N failed`.
    public func render() -> String {
        let header = ["protocol", "source", "inputs", "accepted", "rejected as expected", "failed"]
        var rows: [[String]] = []
        for suite in suites {
            var order: [CaseSource] = []
            var bySource: [CaseSource: [Verdict]] = [:]
            for verdict in suite.verdicts {
                if bySource[verdict.case.source] == nil { order.append(verdict.case.source) }
                bySource[verdict.case.source, default: []].append(verdict)
            }
            for source in order {
                let verdicts = bySource[source]!
                let accepted = verdicts.filter { $0.passed && $0.outcome == .accepted }.count
                let rejected = verdicts.filter { $0.passed && $0.outcome != .accepted }.count
                rows.append([suite.name, source.description, String(verdicts.count), String(accepted), String(rejected),
                             String(verdicts.count - accepted - rejected)])
            }
        }
        var lines = Self.table(header: header, rows: rows)
        let negatives = suites.flatMap { $0.verdicts.filter { $0.passed && $0.outcome != .accepted } }
        if !negatives.isEmpty {
            lines.append("")
            lines.append("Negatives, refused as they must be:")
            for verdict in negatives { lines.append("  \(verdict.case.name): \(verdict.explanation)") }
        }
        if !failures.isEmpty {
            lines.append("")
            lines.append("Failures:")
            for verdict in failures { lines.append("  \(verdict.case.name): \(verdict.explanation)") }
        }
        lines.append("")
        lines.append("tour: \(passed) passed, \(failed) failed")
        return lines.joined(separator: "\n")
    }

    static func table(header: [String], rows: [[String]]) -> [String] {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                return index < 2 ? cell + pad : pad + cell  // names left, numbers right
            }.joined(separator: "  ")
        }
        return [line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + rows.map(line)
    }
}
