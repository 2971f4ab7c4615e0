import Foundation

/// The replay report as one self-contained HTML page: the verdict, flows, findings by rule, and a
/// ladder diagram of the session (SVG: one lane per endpoint, one arrow per packet, the phases of the
/// session marked where they begin, packets that break a rule in red with the rules in their tooltip).
public enum HTMLReport {
    static let laneWidth = 260.0
    static let rowHeight = 18.0
    static let top = 60.0

    /// The page. At most `maxEvents` packets are drawn; the page says when there were more.
    public static func render(_ report: ReplayReport, events: [LadderEvent], maxEvents: Int = 800) -> String {
        let verdict = report.hasErrors ? "not conformant" : "conformant"
        var html = """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>crucible replay: \(escape(report.capture))</title>
        <style>
        body { font-family: sans-serif; margin: 2em; } table { border-collapse: collapse; margin-bottom: 1.5em; }
        td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: left; font-size: 13px; }
        .error { color: #b00; } .warning { color: #a60; } .info { color: #555; }
        </style></head><body>
        <h1>\(escape(report.capture))</h1>
        <p><b>Verdict: \(verdict)</b> — \(report.udpDatagrams) UDP datagrams, \(report.skippedFrames) other frames skipped.</p>
        <h2>Flows</h2>
        <table><tr><th>#</th><th>endpoints</th><th>packets</th><th>frames</th></tr>

        """
        for flow in report.flows {
            let packets = flow.packets.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            let relay = flow.relayedThrough.map { " (relayed through flow \($0))" } ?? ""
            html += "<tr><td>\(flow.id)</td><td>\(escape(flow.a)) ⇄ \(escape(flow.b))\(relay)</td><td>\(packets)</td><td>\(flow.firstFrame)–\(flow.lastFrame)</td></tr>\n"
        }
        html += "</table>\n<h2>Findings</h2>\n"
        if report.findings.isEmpty { html += "<p>No rule is broken.</p>\n" }
        html += "<table><tr><th>severity</th><th>rule</th><th>reference</th><th>count</th><th>frames</th></tr>\n"
        for group in report.findings {
            let severity = group.rule.severity.rawValue
            let frames = group.frames.prefix(20).map(String.init).joined(separator: ", ") + (group.frames.count > 20 ? ", …" : "")
            html += "<tr class=\"\(severity)\"><td>\(severity)</td><td>\(escape(group.rule.id))</td><td>\(escape(group.rule.reference))</td><td>\(group.count)</td><td>\(frames)</td></tr>\n"
        }
        html += "</table>\n<h2>Ladder</h2>\n"
        if events.count > maxEvents { html += "<p>The first \(maxEvents) of \(events.count) packets.</p>\n" }
        html += ladder(Array(events.prefix(maxEvents)), findings: report)
        return html + "</body></html>\n"
    }

    /// The phase a packet opens, if it is the first of its kind: how a WebRTC session proceeds.
    static func phase(of event: LadderEvent) -> String? {
        switch event.kind {
        case .stun: "ICE (STUN)"
        case .dtls: event.label.contains("epoch") || event.label.contains("encrypted") || event.label.contains("application") ? "DTLS protected" : "DTLS handshake"
        case .rtp: "media (RTP)"
        case .rtcp: "media control (RTCP)"
        case .turnChannel: "TURN channel"
        default: nil
        }
    }

    static func ladder(_ events: [LadderEvent], findings report: ReplayReport) -> String {
        var lanes: [String] = []
        for event in events {
            for endpoint in [event.from, event.to] where !lanes.contains(endpoint) { lanes.append(endpoint) }
        }
        var rules: [Int: [String]] = [:]
        for group in report.findings {
            for occurrence in group.occurrences { rules[occurrence.frame, default: []].append(group.rule.id) }
        }
        func x(_ endpoint: String) -> Double { 40 + (Double(lanes.firstIndex(of: endpoint) ?? 0) + 0.5) * laneWidth }
        let height = top + Double(events.count + 2) * rowHeight
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(80 + Double(lanes.count) * laneWidth))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        svg += "<defs><marker id=\"arrow\" markerWidth=\"8\" markerHeight=\"8\" refX=\"8\" refY=\"4\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" fill=\"context-stroke\"/></marker></defs>\n"
        for lane in lanes {
            svg += "<text x=\"\(format(x(lane)))\" y=\"20\" text-anchor=\"middle\" font-weight=\"bold\">\(escape(lane))</text>\n"
            svg += "<line x1=\"\(format(x(lane)))\" y1=\"30\" x2=\"\(format(x(lane)))\" y2=\"\(format(height))\" stroke=\"#bbb\"/>\n"
        }
        var phasesSeen = Set<String>()
        for (index, event) in events.enumerated() {
            let y = top + Double(index) * rowHeight
            if let phase = phase(of: event), phasesSeen.insert(phase).inserted {
                svg += "<line x1=\"0\" y1=\"\(format(y - 11))\" x2=\"\(format(80 + Double(lanes.count) * laneWidth))\" y2=\"\(format(y - 11))\" stroke=\"#6a6\" stroke-dasharray=\"4 3\"/>\n"
                svg += "<text x=\"2\" y=\"\(format(y - 13))\" fill=\"#383\">\(escape(phase))</text>\n"
            }
            let broken = rules[event.frame] ?? []
            let color = broken.isEmpty ? (event.relayed ? "#777" : "#246") : "#c00"
            let (x1, x2) = (x(event.from), x(event.to))
            let title = "frame \(event.frame), \(String(format: "%.3f", event.seconds)) s: \(event.label)" + (broken.isEmpty ? "" : " — breaks " + broken.joined(separator: ", "))
            svg += "<g><title>\(escape(title))</title>"
            svg += "<line x1=\"\(format(x1))\" y1=\"\(format(y))\" x2=\"\(format(x2 == x1 ? x1 + 30 : x2))\" y2=\"\(format(y))\" stroke=\"\(color)\" marker-end=\"url(#arrow)\"/>"
            svg += "<text x=\"\(format((x1 + x2) / 2))\" y=\"\(format(y - 3))\" text-anchor=\"middle\" fill=\"\(color)\">\(event.frame): \(escape(event.label))</text></g>\n"
        }
        return svg + "</svg>\n"
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    /// Text made safe inside HTML elements and double-quoted attributes.
    public static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
