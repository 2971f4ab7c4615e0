import Foundation
import Replay

/// The matrix as a person or a program reads it: a text grid, JSON (one object per cell), an HTML page.
public struct MatrixReport: Sendable {
    public let cells: [Cell]
    public let scenarios: [Scenario]

    public init(cells: [Cell], scenarios: [Scenario]) {
        self.cells = cells
        self.scenarios = scenarios
    }

    /// The pairs in the order they ran.
    var pairs: [(offerer: InteropStack, answerer: InteropStack)] {
        var seen: [String] = []
        var pairs: [(InteropStack, InteropStack)] = []
        for cell in cells where !seen.contains("\(cell.offerer)>\(cell.answerer)") {
            seen.append("\(cell.offerer)>\(cell.answerer)")
            pairs.append((cell.offerer, cell.answerer))
        }
        return pairs
    }

    func cell(_ scenario: String, _ offerer: InteropStack, _ answerer: InteropStack) -> Cell? {
        cells.first { $0.scenario == scenario && $0.offerer == offerer && $0.answerer == answerer }
    }

    /// Exit 0 only when every cell passed or is a documented limitation of a third-party stack.
    public var exitCode: Int32 { cells.allSatisfy { $0.verdict != .fail } ? 0 : 1 }

    public var counts: (pass: Int, fail: Int, limitation: Int) {
        (cells.count { $0.verdict == .pass }, cells.count { $0.verdict == .fail }, cells.count { $0.verdict == .limitation })
    }

    // MARK: Text

    /// One line per cell as it ran (``line(_:)``) is the progress; this is the grid at the end: scenarios
    /// down, pairs across (offerer→answerer), then every failure with its reason.
    public func text() -> String {
        let columns = pairs.map { "\(Self.short($0.offerer))→\(Self.short($0.answerer))" }
        let nameWidth = max(8, scenarios.map(\.name.count).max() ?? 8)
        var lines = ["scenario".padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  " + columns.joined(separator: "  ")]
        for scenario in scenarios {
            let marks = pairs.enumerated().map { index, pair in
                let mark = switch cell(scenario.name, pair.offerer, pair.answerer)?.verdict {
                case .pass?: "pass"
                case .fail?: "FAIL"
                case .limitation?: "lim"
                case nil: "-"
                }
                return mark.padding(toLength: columns[index].count, withPad: " ", startingAt: 0)
            }
            lines.append(scenario.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  " + marks.joined(separator: "  "))
        }
        let (pass, fail, limitation) = counts
        lines.append("")
        lines.append("interop: \(cells.count) cells: \(pass) passed, \(fail) failed, \(limitation) documented limitations")
        for cell in cells where cell.verdict == .fail {
            lines.append("FAIL \(cell.scenario) \(cell.offerer)→\(cell.answerer): \(cell.detail?.split(separator: "\n").first.map(String.init) ?? "")")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A cell in one line: verdict, pair, scenario, setup time, figure, replay.
    public static func line(_ cell: Cell) -> String {
        var parts = ["\(cell.verdict.rawValue.uppercased().padding(toLength: 11, withPad: " ", startingAt: 0))\(cell.offerer)→\(cell.answerer) \(cell.scenario)"]
        if let setup = cell.setupMilliseconds { parts.append("setup \(setup) ms") }
        if let figure = cell.figure { parts.append(figure) }
        if let replay = cell.replay { parts.append("replay: \(replay.summary)") }
        if cell.verdict != .pass, let detail = cell.detail { parts.append(detail.split(separator: "\n").first.map(String.init) ?? "") }
        return parts.joined(separator: " · ")
    }

    static func short(_ stack: InteropStack) -> String { String(stack.rawValue.prefix(3)) }

    // MARK: JSON

    /// One object per cell, in the order they ran.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(cells), as: UTF8.self)
    }

    // MARK: HTML

    /// A page read at a glance: a table of scenarios × pairs, green, red or grey cells with their figures
    /// and links to each cell's replay report and capture; every failure's reason below.
    public func html(title: String = "Crucible interop matrix") -> String {
        var page = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>\(Self.escape(title))</title>
        <style>
        body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1d1d1f; }
        table { border-collapse: collapse; }
        th, td { border: 1px solid #c8c8c8; padding: 6px 8px; vertical-align: top; }
        th { background: #f2f2f2; font-weight: 600; }
        th.scenario { text-align: left; }
        td.pass { background: #d7f5dc; } td.fail { background: #f9d0cf; } td.limitation { background: #e4e4e4; color: #555; }
        td .verdict { font-weight: 700; } td .figure { display: block; font-size: 12px; } td a { font-size: 12px; margin-right: 6px; }
        .legend span { display: inline-block; padding: 2px 8px; margin-right: 8px; border: 1px solid #c8c8c8; }
        pre { white-space: pre-wrap; background: #f7f7f7; padding: 8px; border: 1px solid #e0e0e0; }
        </style></head><body>
        <h1>\(Self.escape(title))</h1>
        """
        let (pass, fail, limitation) = counts
        page += "<p id=\"summary\">\(cells.count) cells: \(pass) passed, \(fail) failed, \(limitation) documented limitations. "
        page += "Rows are scenarios; columns are offerer → answerer.</p>\n"
        page += "<p class=\"legend\"><span class=\"pass\" style=\"background:#d7f5dc\">pass</span><span style=\"background:#f9d0cf\">fail</span><span style=\"background:#e4e4e4\">documented limitation</span></p>\n"
        page += "<table id=\"matrix\"><thead><tr><th class=\"scenario\">scenario</th>"
        for pair in pairs { page += "<th>\(pair.offerer) → \(pair.answerer)</th>" }
        page += "</tr></thead><tbody>\n"
        for scenario in scenarios {
            page += "<tr><th class=\"scenario\" title=\"\(Self.escape(scenario.summary))\">\(Self.escape(scenario.name))</th>"
            for pair in pairs {
                guard let cell = cell(scenario.name, pair.offerer, pair.answerer) else {
                    page += "<td></td>"
                    continue
                }
                page += "<td class=\"\(cell.verdict.rawValue)\" title=\"\(Self.escape(cell.detail ?? scenario.summary))\">"
                page += "<span class=\"verdict\">\(cell.verdict.rawValue)</span>"
                if let figure = cell.figure { page += "<span class=\"figure\">\(Self.escape(figure))</span>" }
                if let setup = cell.setupMilliseconds { page += "<span class=\"figure\">setup \(setup) ms</span>" }
                if let replay = cell.replay {
                    page += "<span class=\"figure\">replay: \(replay.isClean ? "clean" : "errors")\(replay.tolerated.isEmpty ? "" : ", tolerated")</span>"
                }
                if let report = cell.replayReport { page += "<a href=\"\(Self.escape(report))\">replay</a>" }
                if let capture = cell.capture { page += "<a href=\"\(Self.escape(capture))\">pcapng</a>" }
                page += "</td>"
            }
            page += "</tr>\n"
        }
        page += "</tbody></table>\n"
        let explained = cells.filter { $0.verdict != .pass && $0.detail != nil }
        if !explained.isEmpty {
            page += "<h2>Failures and limitations</h2>\n"
            for cell in explained {
                page += "<h3>\(cell.verdict.rawValue): \(Self.escape(cell.scenario)), \(cell.offerer) → \(cell.answerer)</h3><pre>\(Self.escape(cell.detail ?? ""))</pre>\n"
            }
        }
        page += "</body></html>\n"
        return page
    }

    static func escape(_ text: String) -> String { HTMLReport.escape(text) }
}
