import Foundation

/// The picture of a campaign (issue 4): per target, corpus size and features (coverage for libFuzzer)
/// against time, as a self-contained SVG that any browser shows. One small panel per target, so
/// targets of very different scales stay readable.
public enum GrowthChart {
    static let panelWidth = 360.0
    static let panelHeight = 180.0
    static let margin = 44.0
    static let columns = 3

    public static func svg(_ report: CampaignReport) -> String {
        let rows = (report.targets.count + columns - 1) / columns
        let width = Double(columns) * (panelWidth + margin) + margin
        let height = Double(max(rows, 1)) * (panelHeight + 2 * margin) + margin
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="11">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(margin)" y="22" font-size="14">crucible fuzz — \(report.engine.rawValue) engine, seed \(report.seed), \(Int(report.secondsPerTarget)) s per target</text>

        """
        for (index, target) in report.targets.enumerated() {
            let x = margin + Double(index % columns) * (panelWidth + margin)
            let y = margin + Double(index / columns) * (panelHeight + 2 * margin)
            svg += panel(target, x: x, y: y)
        }
        return svg + "</svg>\n"
    }

    /// The two series a panel draws, each scaled to its own maximum (both start at zero).
    static func series(_ target: CampaignReport.TargetReport) -> [(name: String, color: String, points: [(Double, Double)])] {
        let coverageName = target.engine == .libfuzzer ? "coverage (ft)" : "features"
        return [
            (coverageName, "#d62728", target.samples.map { ($0.seconds, Double($0.features)) }),
            ("corpus", "#1f77b4", target.samples.map { ($0.seconds, Double($0.corpusSize)) }),
        ]
    }

    static func panel(_ target: CampaignReport.TargetReport, x: Double, y: Double) -> String {
        let maxTime = max(target.samples.last?.seconds ?? 1, 1)
        var text = """
        <g transform="translate(\(format(x)),\(format(y + 16)))">
        <text x="0" y="-6" font-size="12" font-weight="bold">\(escape(target.target))</text>
        <text x="\(panelWidth)" y="-6" text-anchor="end">\(target.executions) execs, \(Int(target.executionsPerSecond)) exec/s, \(target.failures.count) failures</text>
        <rect x="0" y="0" width="\(panelWidth)" height="\(panelHeight)" fill="none" stroke="#999"/>
        <text x="0" y="\(panelHeight + 14)">0 s</text>
        <text x="\(panelWidth)" y="\(panelHeight + 14)" text-anchor="end">\(Int(maxTime)) s</text>

        """
        for (index, line) in series(target).enumerated() {
            let maxValue = max(line.points.map(\.1).max() ?? 1, 1)
            let points = line.points.map { "\(format($0.0 / maxTime * panelWidth)),\(format(panelHeight - $0.1 / maxValue * panelHeight))" }
            if !points.isEmpty {
                text += "<polyline fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"1.5\" points=\"\(points.joined(separator: " "))\"/>\n"
            }
            text += "<text x=\"\(format(Double(index) * 150))\" y=\"\(panelHeight + 28)\" fill=\"\(line.color)\">\(line.name) (max \(Int(maxValue)))</text>\n"
        }
        return text + "</g>\n"
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
