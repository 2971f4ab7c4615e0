import Conformance
import Foundation
import Pcap
import Replay
import Testing

/// The HTML page: verdict, flows, findings, and a ladder with one arrow per packet.
@Suite("HTML report with the ladder diagram")
struct HTMLReportTests {
    static func page(_ capture: String, maxEvents: Int = 800) throws -> (html: String, events: [LadderEvent], report: ReplayReport) {
        let shared = try SharedFolder.locate(from: #filePath)
        let (datagrams, skipped) = try CaptureReader(path: shared.capture(capture).path).udpDatagrams()
        let replay = datagrams.map(ReplayDatagram.init)
        let report = ReplayChecker.check(replay, capture: capture, skippedFrames: skipped)
        let events = Ladder.events(replay)
        return (HTMLReport.render(report, events: events, maxEvents: maxEvents), events, report)
    }

    @Test("Every packet is an arrow between its endpoints' lanes, labelled from its codec, phases marked")
    func ladder() throws {
        let (html, events, _) = try Self.page("ndpi_stun_dtls_rtp.pcapng")
        #expect(html.components(separatedBy: "marker-end=").count - 1 == events.count)
        #expect(events.first?.label == "Binding request")
        #expect(events.contains { $0.label.hasPrefix("client_hello") })
        #expect(events.contains { $0.label.hasPrefix("RTP PT 111 seq ") })
        for phase in ["ICE (STUN)", "DTLS handshake", "DTLS protected", "media (RTP)"] { #expect(html.contains(phase), "\(phase)") }
        #expect(html.contains("Verdict: conformant"))
    }

    @Test("A packet that breaks an error rule is drawn in red and names the rule; the verdict says so")
    func findingsMarked() throws {
        let (html, _, report) = try Self.page("ndpi_stun.pcap")
        #expect(report.hasErrors)
        #expect(html.contains("Verdict: not conformant"))
        #expect(html.contains("frame 195") && html.contains("breaks STUN.fingerprint-value"))
        #expect(html.contains(#"<tr class="error"><td>error</td><td>STUN.fingerprint-value</td>"#))
    }

    @Test("Long captures draw the first packets and say how many there were")
    func capped() throws {
        let (html, events, _) = try Self.page("gteissier_marseillaise-srtp.pcap", maxEvents: 100)
        #expect(events.count == 11_888)
        #expect(html.contains("The first 100 of 11888 packets."))
        #expect(html.components(separatedBy: "marker-end=").count - 1 == 100)
    }
}
