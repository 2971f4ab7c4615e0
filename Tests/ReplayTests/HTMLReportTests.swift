import Conformance
import Decryption
import Foundation
import Pcap
import Replay
import Testing

/// The HTML page: the verdict with what was not judged, findings, flows with their class, what the
/// session carried, and a ladder of its packets with long runs collapsed.
@Suite("HTML report with the inventory and the ladder diagram")
struct HTMLReportTests {
    /// A shared capture's page, its packets labelled from their outer bytes.
    static func page(
        _ capture: String, maxRows: Int = 2_000, collapseThreshold: Int = LadderRows.defaultThreshold
    ) throws -> (html: String, events: [LadderEvent], report: ReplayReport) {
        let shared = try SharedFolder.locate(from: #filePath)
        let (datagrams, skipped) = try CaptureReader(path: shared.capture(capture).path).udpDatagrams()
        let replay = datagrams.map(ReplayDatagram.init)
        let report = ReplayChecker.check(replay, capture: capture, skippedFrames: skipped)
        let events = Ladder.events(replay)
        return (HTMLReport.render(report, events: events, maxRows: maxRows, collapseThreshold: collapseThreshold), events, report)
    }

    /// One of our recordings (`Captures/`) judged with its key log and its offer and answer.
    static func recorded(_ name: String) throws -> (html: String, events: [LadderEvent], report: ReplayReport) {
        let options = ReplayOptions(keyLog: KeyLog(parsing: SignallingFixtures.text("\(name).keys")), signalling: SignallingFixtures.signalling(name))
        let path = SignallingFixtures.folder.appendingPathComponent("\(name).pcapng").path
        let (html, report, events) = try HTMLReport.render(capturePath: path, name: name, options: options)
        return (html, events, report)
    }

    static func count(_ needle: String, in html: String) -> Int { html.components(separatedBy: needle).count - 1 }

    @Test("With collapsing off, every packet is an arrow between its endpoints' lanes, labelled from its codec, phases marked")
    func ladder() throws {
        let (html, events, report) = try Self.page("ndpi_stun_dtls_rtp.pcapng", collapseThreshold: .max)
        #expect(Self.count("marker-end=", in: html) == events.count)
        #expect(events.first?.label == "Binding request")
        #expect(events.contains { $0.label.hasPrefix("client_hello") })
        #expect(events.contains { $0.label.hasPrefix("RTP PT 111 seq ") })
        for phase in ["ICE (STUN)", "DTLS handshake", "DTLS protected", "media (RTP/RTCP)"] { #expect(html.contains(phase), "\(phase)") }
        #expect(html.contains("Verdict: \(HTMLReport.escape(report.verdict))"))
    }

    @Test("A packet that breaks an error rule is drawn in red on its own and names the rule; the verdict says so")
    func findingsMarked() throws {
        let (html, _, report) = try Self.page("ndpi_stun.pcap")
        #expect(report.hasErrors)
        #expect(html.contains("Verdict: \(HTMLReport.escape(report.verdict))") && report.verdict.contains("not conformant"))
        #expect(html.contains(#"<p class="verdict fail""#))
        #expect(html.contains("frame 195") && html.contains("breaks STUN.fingerprint-value"))
        #expect(html.contains(#"<g class="row packet broken"><title>frame 195"#))
        #expect(html.contains(#"<tr class="error"><td>error</td><td>STUN.fingerprint-value</td>"#))
    }

    @Test("The Marseillaise's 11,888 SRTP packets are a handful of rows")
    func marseillaiseCollapsed() throws {
        let (html, events, _) = try Self.page("gteissier_marseillaise-srtp.pcap")
        #expect(events.count == 11_888)
        let rows = Self.count(#"<g class="row "#, in: html)
        #expect(rows >= 1 && rows <= 20, "\(rows) rows")
        #expect(Self.count(#"<g class="row run">"#, in: html) >= 1)
        #expect(html.contains("11,888 packets in \(rows) rows"))
        #expect(html.contains("… ") && html.contains("RTP ×"))
        #expect(!html.contains("ladder-cut"))
    }

    @Test("The row cap cuts a long ladder and the page says so")
    func capped() throws {
        let (html, events, _) = try Self.page("gteissier_marseillaise-srtp.pcap", maxRows: 100, collapseThreshold: .max)
        #expect(events.count == 11_888)
        #expect(html.contains("The first 100 of 11,888 rows are drawn"))
        #expect(Self.count("marker-end=", in: html) == 100)
    }

    @Test("The data channel recording: signalling, ICE pairs, the DTLS association and the channel \"tour\"; DCEP and SCTP set-up drawn")
    func dataSessionInventory() throws {
        let (html, events, report) = try Self.recorded("engine-engine-loopback")
        #expect(report.findings.isEmpty, "\(report.brokenRules)")
        for table in ["signalling", "ice-pairs", "dtls-associations", "data-channels"] {
            #expect(html.contains("<table id=\"\(table)\">"), "\(table)")
        }
        #expect(!html.contains("<table id=\"media-streams\">"), "no media: no table")
        #expect(html.contains("<td>tour</td>"))
        #expect(html.contains("engine-engine-loopback.offer.sdp") && html.contains("DTLS client (a=setup): answerer"))
        #expect(html.contains("DTLS 1.2") && html.contains("0xc02b") && html.contains("matches a=fingerprint"))
        #expect(!html.contains("matches no a=fingerprint"))
        // The inventory comes before the ladder.
        let inventory = try #require(html.range(of: "What the session carried"))
        let ladder = try #require(html.range(of: "<h2>Ladder</h2>"))
        #expect(inventory.lowerBound < ladder.lowerBound)
        // The channel's opening is a row of its own, in the SCTP phase.
        #expect(events.contains { $0.label.contains("DCEP OPEN \"tour\"") })
        #expect(html.contains("DCEP OPEN &quot;tour&quot;"))
        #expect(html.contains("SCTP / data channels") && html.contains("SCTP INIT"))
    }

    @Test("The media recording: each stream with its codec and what its payloads held; the media collapsed")
    func mediaSessionInventory() throws {
        let (html, events, report) = try Self.recorded("engine-engine-media")
        #expect(report.findings.isEmpty, "\(report.brokenRules)")
        #expect(html.contains("<table id=\"media-streams\">"))
        #expect(html.contains("111 opus/48000") && html.contains("96 VP8/90000"))
        #expect(html.contains("150 Opus packets") && html.contains("90 VP8 frames"))
        #expect(events.contains { $0.label.hasPrefix("RTP PT 111 opus seq ") })
        let rows = Self.count(#"<g class="row "#, in: html)
        #expect(rows < events.count / 2, "\(rows) rows for \(events.count) packets")
        #expect(html.contains("media (RTP/RTCP)") && html.contains("opus ×"))
    }

    /// A real report with its JSON rewritten: the inventory of a hostile or broken session.
    static func tampered(_ name: String, _ edits: [(String, String)]) throws -> ReplayReport {
        var json = try recorded(name).report.json()
        for (old, new) in edits {
            #expect(json.contains(old), "\(old)")
            json = json.replacingOccurrences(of: old, with: new)
        }
        return try JSONDecoder().decode(ReplayReport.self, from: Data(json.utf8))
    }

    @Test("A label that is markup is shown as text, in the inventory and on the ladder")
    func escaping() throws {
        let hostile = #"<script>alert(1)</script>"#
        let report = try Self.tampered("engine-engine-loopback", [(#""label":"tour""#, #""label":"\#(hostile.replacingOccurrences(of: "/", with: "\\/"))""#)])
        #expect(report.inventory.dataChannels.first?.label == hostile)
        let event = LadderEvent(
            frame: 7, flow: 0, seconds: 0.5, from: "10.0.0.1:5000", to: "10.0.0.2:5000", kind: .dtls,
            label: "SCTP DCEP OPEN \"\(hostile)\" stream 1", relayed: false)
        let html = HTMLReport.render(report, events: [event])
        #expect(!html.contains("<script"))
        #expect(html.contains("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"))
        #expect(html.contains("7: SCTP DCEP OPEN &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot; stream 1"))
    }

    @Test("A certificate that matches no a=fingerprint stands out in red")
    func fingerprintMismatch() throws {
        let report = try Self.tampered("engine-engine-loopback", [(#""client":true"#, #""client":false"#)])
        let html = HTMLReport.render(report, events: [])
        #expect(html.contains(#"<tr class="mismatch">"#))
        #expect(html.contains(#"<span class="mismatch">matches no a=fingerprint</span>"#))
        #expect(html.contains("No judged packet to draw."))
    }

    @Test("Flows not judged are greyed with their reason; the layers not judged stand beside the verdict")
    func unjudgedShown() throws {
        let report = try Self.tampered(
            "engine-engine-loopback",
            [(#""webRTC":{"evidence":"#, #""unrecognised":{"reason":"#), (#""unjudged":[]"#, #""unjudged":["3 protected records without a key log"]"#)])
        let html = HTMLReport.render(report, events: [])
        #expect(Self.count(#"<tr class="not-judged">"#, in: html) == report.flows.count)
        #expect(html.contains("unrecognised, not judged: "))
        #expect(html.contains(#"<div class="unjudged" id="unjudged">"#) && html.contains("<li>3 protected records without a key log</li>"))
        #expect(html.contains("Verdict: conformant as far as judged"))
    }

    @Test("Phases: epoch-1 records that carry SCTP open the data channel phase; RTP and RTCP the media phase", arguments: [
        (PacketKind.stun, "Binding request", String?.some("ICE (STUN)")),
        (.dtls, "client_hello", "DTLS handshake"),
        (.dtls, "handshake (epoch 1)", "DTLS handshake"),
        (.dtls, "change_cipher_spec, handshake (epoch 1)", "DTLS handshake"),
        (.dtls, "application_data (epoch 1)", "DTLS protected"),
        (.dtls, "SCTP INIT", "SCTP / data channels"),
        (.dtls, "SCTP DCEP OPEN \"chat\" stream 1", "SCTP / data channels"),
        (.dtls, "alert (epoch 1)", nil),
        (.rtp, "RTP PT 111 opus seq 7 (120 B)", "media (RTP/RTCP)"),
        (.rtcp, "RTCP PT 200", "media (RTP/RTCP)"),
    ])
    func phases(kind: PacketKind, label: String, phase: String?) {
        let event = LadderEvent(frame: 1, flow: 0, seconds: 0, from: "A", to: "B", kind: kind, label: label, relayed: false)
        let report = ReplayReport(capture: "phases", udpDatagrams: 1, skippedFrames: 0, flows: [], findings: [])
        let html = HTMLReport.render(report, events: [event])
        if let phase { #expect(html.contains("fill=\"#383\">\(HTMLReport.escape(phase))</text>")) } else { #expect(!html.contains("fill=\"#383\"")) }
    }
}
