import Foundation
public import Pcap

/// The replay report as one self-contained HTML page: the verdict with the layers not judged, the
/// findings by rule, the flows with their classification, what the session carried (signalling, ICE
/// pairs, DTLS associations, data channels, media streams) beside a ladder diagram of the session (SVG:
/// one lane per endpoint, one arrow per packet or per collapsed run of bulk packets, the phases of the
/// session marked where they begin, packets that break a rule in red with the rules in their tooltip).
public enum HTMLReport {
    static let laneWidth = 260.0
    static let rowHeight = 18.0
    static let top = 60.0

    /// The page.
    ///
    /// - Parameters:
    ///   - events: the ladder's packets (``ReplayChecker/checkWithLadder(_:capture:skippedFrames:options:)``).
    ///   - maxRows: the most ladder rows drawn, after collapsing; the page says when there were more.
    ///   - collapseThreshold: the shortest run of bulk packets drawn as one row (``LadderRows``);
    ///     `Int.max` draws every packet.
    public static func render(
        _ report: ReplayReport, events: [LadderEvent], maxRows: Int = 2_000, collapseThreshold: Int = LadderRows.defaultThreshold
    ) -> String {
        var html = """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>crucible replay: \(escape(report.capture))</title>
            <style>
            body { font-family: sans-serif; margin: 2em; } table { border-collapse: collapse; margin-bottom: 1.2em; }
            td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: left; font-size: 13px; vertical-align: top; }
            th { background: #f2f2f2; } td.number { text-align: right; }
            .error { color: #b00; } .warning { color: #a60; } .info { color: #555; }
            .head { display: flex; flex-wrap: wrap; gap: 2em; align-items: flex-start; }
            .verdict { font-size: 1.2em; padding: 0.4em 0.8em; border-radius: 4px; }
            .verdict.pass { background: #d7f5dc; } .verdict.fail { background: #f8d4d4; } .verdict.partial { background: #f8ecc8; }
            .unjudged { border-left: 4px solid #c90; padding: 0 1em; font-size: 14px; }
            tr.not-judged td { color: #999; background: #fafafa; }
            .mismatch { color: #c00; font-weight: bold; } tr.mismatch td { background: #fdeaea; }
            .session { display: flex; flex-wrap: wrap; gap: 2em; align-items: flex-start; }
            .inventory h3 { margin: 0.8em 0 0.3em; }
            .fingerprint { font-family: monospace; font-size: 11px; word-break: break-all; }
            </style></head><body>
            <h1>\(escape(report.capture))</h1>

            """
        html += head(report)
        html += findings(report)
        html += flows(report)
        let rows = LadderRows(events, brokenRules: brokenRules(report), threshold: collapseThreshold)
        html += "<div class=\"session\">\n<section class=\"inventory\" id=\"inventory\">\n<h2>What the session carried</h2>\n"
        html += inventory(report)
        html += "</section>\n<section class=\"ladder\" id=\"ladder\">\n<h2>Ladder</h2>\n"
        html += ladderNote(rows, maxRows: maxRows)
        html += ladder(Array(rows.rows.prefix(maxRows)))
        return html + "</section>\n</div>\n</body></html>\n"
    }

    /// The verdict (the same words as every other format) and, beside it, the layers not judged.
    static func head(_ report: ReplayReport) -> String {
        let tone = report.hasErrors ? "fail" : report.isPartial ? "partial" : "pass"
        var html = "<div class=\"head\">\n<div><p class=\"verdict \(tone)\" id=\"verdict\"><b>Verdict: \(escape(report.verdict))</b></p>\n"
        html += "<p>\(report.udpDatagrams) UDP datagrams, \(report.skippedFrames) other frames skipped"
        if let dtls = report.dtls { html += "; \(dtls.decrypted) DTLS records decrypted, \(report.sctpPackets) SCTP packets judged" }
        if let srtp = report.decryption, srtp.authenticated + srtp.failed > 0 { html += "; \(srtp.authenticated) SRTP packets authenticated and decrypted" }
        html += ".</p></div>\n"
        if !report.unjudged.isEmpty {
            html += "<div class=\"unjudged\" id=\"unjudged\"><p><b>Not judged</b></p><ul>\n"
            for layer in report.unjudged { html += "<li>\(escape(layer))</li>\n" }
            html += "</ul></div>\n"
        }
        return html + "</div>\n"
    }

    static func findings(_ report: ReplayReport) -> String {
        var html = "<h2>Findings</h2>\n"
        if report.findings.isEmpty { return html + "<p>No rule is broken.</p>\n" }
        html += "<table id=\"findings\"><tr><th>severity</th><th>rule</th><th>reference</th><th>count</th><th>frames</th></tr>\n"
        for group in report.findings {
            let severity = group.rule.severity.rawValue
            let frames = group.frames.prefix(20).map(String.init).joined(separator: ", ") + (group.frames.count > 20 ? ", …" : "")
            html += "<tr class=\"\(severity)\"><td>\(severity)</td><td>\(escape(group.rule.id))</td><td>\(escape(group.rule.reference))</td><td>\(group.count)</td><td>\(frames)</td></tr>\n"
        }
        return html + "</table>\n"
    }

    /// Every flow with what it is; flows not judged (skipped, unrecognised) greyed.
    static func flows(_ report: ReplayReport) -> String {
        var html = "<h2>Flows</h2>\n<table id=\"flows\"><tr><th>#</th><th>endpoints</th><th>packets</th><th>frames</th><th>what it is</th></tr>\n"
        for flow in report.flows {
            let packets = flow.packets.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            let relay = flow.relayedThrough.map { " (relayed through flow \($0))" } ?? ""
            let row = flow.classification.isJudged ? "" : " class=\"not-judged\""
            html += "<tr\(row)><td>\(flow.id)</td><td>\(escape(flow.a)) ⇄ \(escape(flow.b))\(relay)</td><td>\(escape(packets))</td>"
                + "<td>\(flow.firstFrame)–\(flow.lastFrame)</td><td>\(escape(flow.classification.summary))</td></tr>\n"
        }
        return html + "</table>\n"
    }

    /// Frame → the rules it breaks, each once.
    static func brokenRules(_ report: ReplayReport) -> [Int: [String]] {
        var rules: [Int: [String]] = [:]
        for group in report.findings {
            for occurrence in group.occurrences where rules[occurrence.frame]?.contains(group.rule.id) != true {
                rules[occurrence.frame, default: []].append(group.rule.id)
            }
        }
        return rules
    }

    static func ladderNote(_ rows: LadderRows, maxRows: Int) -> String {
        if rows.packets == 0 { return "<p>No judged packet to draw.</p>\n" }
        var html = ""
        if rows.rows.count < rows.packets {
            html += "<p>\(LadderRows.grouped(rows.packets)) packets in \(LadderRows.grouped(rows.rows.count)) rows: runs of "
                + "\(rows.threshold) or more media, SCTP DATA/SACK or unopened DTLS packets of one flow are collapsed into one row; "
                + "handshakes and packets that break a rule are drawn on their own.</p>\n"
        }
        if rows.rows.count > maxRows {
            html += "<p class=\"warning\" id=\"ladder-cut\">The first \(LadderRows.grouped(maxRows)) of \(LadderRows.grouped(rows.rows.count)) rows are drawn; "
                + "the rest of the capture is not.</p>\n"
        }
        return html
    }

    /// The phase a packet opens, if it is the first of its kind: how a WebRTC session proceeds.
    static func phase(of event: LadderEvent) -> String? {
        switch event.kind {
        case .stun: return "ICE (STUN)"
        case .dtls:
            // Decrypted records carry SCTP (RFC 8261): the association and its data channels.
            if event.label.hasPrefix("SCTP") { return "SCTP / data channels" }
            let records = event.label.components(separatedBy: ", ")
            if records.contains(where: { $0.hasPrefix("application_data") || $0 == "encrypted" }) { return "DTLS protected" }
            if records.allSatisfy({ $0.hasPrefix("alert") }) { return nil }
            return "DTLS handshake"
        case .rtp, .rtcp: return "media (RTP/RTCP)"
        case .turnChannel: return "TURN channel"
        default: return nil
        }
    }

    /// The text drawn over a row's arrow.
    static func text(of row: LadderRows.Row) -> String {
        switch row {
        case .packet(let event, _): "\(event.frame): \(event.label)"
        case .run(let run): run.summary
        }
    }

    /// The ladder of `rows`: lanes in the order endpoints first appear, a band for each phase's marker
    /// where the phase begins, and margins wide enough for the longest text.
    static func ladder(_ rows: [LadderRows.Row]) -> String {
        var lanes: [String] = []
        for row in rows {
            for endpoint in [row.first.from, row.first.to] where !lanes.contains(endpoint) { lanes.append(endpoint) }
        }
        // Texts are centred between their lanes; about 6 px a character at 11 px sans-serif.
        func lane(_ endpoint: String) -> Double { (Double(lanes.firstIndex(of: endpoint) ?? 0) + 0.5) * laneWidth }
        var (left, right) = (0.0, Double(lanes.count) * laneWidth)
        for row in rows {
            let middle = (lane(row.first.from) + lane(row.first.to)) / 2
            let half = Double(text(of: row).count) * 3.1
            (left, right) = (min(left, middle - half), max(right, middle + half))
        }
        let margin = 20 - left
        func x(_ endpoint: String) -> Double { margin + lane(endpoint) }
        var phases: [Int: String] = [:]
        var seen = Set<String>()
        for (index, row) in rows.enumerated() {
            if let phase = phase(of: row.first), seen.insert(phase).inserted { phases[index] = phase }
        }
        let width = margin + right + 20
        let height = top + Double(rows.count + phases.count + 1) * rowHeight
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">\n"
        svg += "<defs><marker id=\"arrow\" markerUnits=\"userSpaceOnUse\" markerWidth=\"8\" markerHeight=\"8\" refX=\"8\" refY=\"4\" orient=\"auto-start-reverse\">"
            + "<path d=\"M0,0 L8,4 L0,8 z\" fill=\"context-stroke\"/></marker></defs>\n"
        for endpoint in lanes {
            svg += "<text x=\"\(format(x(endpoint)))\" y=\"20\" text-anchor=\"middle\" font-weight=\"bold\">\(escape(endpoint))</text>\n"
            svg += "<line x1=\"\(format(x(endpoint)))\" y1=\"30\" x2=\"\(format(x(endpoint)))\" y2=\"\(format(height))\" stroke=\"#bbb\"/>\n"
        }
        var y = top - rowHeight
        for (index, row) in rows.enumerated() {
            if let phase = phases[index] {
                y += rowHeight
                svg += "<line x1=\"0\" y1=\"\(format(y - 4))\" x2=\"\(format(width))\" y2=\"\(format(y - 4))\" stroke=\"#6a6\" stroke-dasharray=\"4 3\"/>\n"
                svg += "<text x=\"2\" y=\"\(format(y - 6))\" fill=\"#383\">\(escape(phase))</text>\n"
            }
            y += rowHeight
            let first = row.first
            let (x1, x2) = (x(first.from), x(first.to))
            let end = x2 == x1 ? x1 + 30 : x2
            let label = "<text x=\"\(format((x1 + x2) / 2))\" y=\"\(format(y - 4))\" text-anchor=\"middle\""
            switch row {
            case .packet(let event, let broken):
                let color = broken.isEmpty ? (event.relayed ? "#777" : "#246") : "#c00"
                let title = "frame \(event.frame), \(String(format: "%.3f", event.seconds)) s: \(event.label)"
                    + (broken.isEmpty ? "" : " — breaks " + broken.joined(separator: ", "))
                svg += "<g class=\"row packet\(broken.isEmpty ? "" : " broken")\"><title>\(escape(title))</title>"
                svg += "<line x1=\"\(format(x1))\" y1=\"\(format(y))\" x2=\"\(format(end))\" y2=\"\(format(y))\" stroke=\"\(color)\" marker-end=\"url(#arrow)\"/>"
                svg += "\(label) fill=\"\(color)\"\(broken.isEmpty ? "" : " font-weight=\"bold\"")>\(escape(text(of: row)))</text></g>\n"
            case .run(let run):
                let color = "#579"
                let title = String(format: "%.3f–%.3f s: ", run.first.seconds, run.last.seconds) + run.summary + " — " + run.directions
                let start = run.bothWays ? " marker-start=\"url(#arrow)\"" : ""
                svg += "<g class=\"row run\"><title>\(escape(title))</title>"
                svg += "<line x1=\"\(format(x1))\" y1=\"\(format(y))\" x2=\"\(format(end))\" y2=\"\(format(y))\" stroke=\"\(color)\" stroke-width=\"3\" stroke-dasharray=\"6 3\"\(start) marker-end=\"url(#arrow)\"/>"
                svg += "\(label) fill=\"\(color)\" font-style=\"italic\">\(escape(text(of: row)))</text></g>\n"
            }
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

extension HTMLReport {
    /// Reads a capture, judges it with its ladder and renders the page: what `crucible replay --html`
    /// writes, for callers that hold a path rather than datagrams.
    public static func render(
        capturePath: String, name: String? = nil, options: ReplayOptions = .init(), maxRows: Int = 2_000
    ) throws(CaptureError) -> (page: String, report: ReplayReport, events: [LadderEvent]) {
        let (datagrams, skipped) = try CaptureReader(path: capturePath).udpDatagrams()
        let (report, events) = ReplayChecker.checkWithLadder(datagrams, capture: name ?? capturePath, skippedFrames: skipped, options: options)
        return (render(report, events: events, maxRows: maxRows), report, events)
    }
}
