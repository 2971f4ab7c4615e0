import CrucibleTestSupport
import Decryption
import Foundation
import Replay
import Testing

/// `crucible replay --html`: the page of two of our recordings (`Captures/`, judged with their key logs,
/// offers and answers), opened in headless Chromium and photographed, its inventory read from the DOM
/// the browser built.
@Suite("The replay page in headless Chromium", .serialized)
struct ReplayPageTests {
    static let captures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Captures")

    /// What the page shows, read from its DOM.
    struct Shown: Decodable, Sendable {
        var verdict: String
        var tables: [String]
        var dataChannels: String
        var mediaStreams: String
        var rows: Int
        var runs: Int
    }

    static let readPage = """
        JSON.stringify({
          verdict: document.getElementById("verdict")?.textContent ?? "",
          tables: [...document.querySelectorAll("#inventory table")].map(t => t.id),
          dataChannels: document.getElementById("data-channels")?.textContent ?? "",
          mediaStreams: document.getElementById("media-streams")?.textContent ?? "",
          rows: document.querySelectorAll("#ladder g.row").length,
          runs: document.querySelectorAll("#ladder g.run").length
        })
        """

    /// A recording's page written to a temporary file.
    static func writePage(_ name: String, to folder: URL) throws -> (page: URL, report: ReplayReport, packets: Int) {
        func text(_ file: String) throws -> String { try String(contentsOf: captures.appendingPathComponent(file), encoding: .utf8) }
        let signalling = ReplaySignalling([
            SignalledText(source: "\(name).offer.sdp", text: try text("\(name).offer.sdp"), side: .offerer),
            SignalledText(source: "\(name).answer.sdp", text: try text("\(name).answer.sdp"), side: .answerer),
        ])
        let options = ReplayOptions(keyLog: KeyLog(parsing: try text("\(name).keys")), signalling: signalling)
        let (html, report, events) = try HTMLReport.render(
            capturePath: captures.appendingPathComponent("\(name).pcapng").path, name: name, options: options)
        let page = folder.appendingPathComponent("\(name).html")
        try Data(html.utf8).write(to: page)
        return (page, report, events.count)
    }

    @Test("A person sees what each recorded session carried, beside its ladder", arguments: ["engine-engine-loopback", "engine-engine-media"])
    func pageInChromium(recording: String) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crucible-replay-page-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let (page, report, packets) = try Self.writePage(recording, to: folder)
        let (width, height) = (1200, 900)

        let run: Result<(shown: Shown, png: Data, image: BrowserEchoPageTests.Picture), any Error> = await onThread {
            Result {
                let shown = try HeadlessChromium.show(page.absoluteString, width: width, height: height, readPage: Self.readPage) { text in
                    text.contains("\"verdict\":\"Verdict") && !text.contains("\"rows\":0,")
                }
                return (try JSONDecoder().decode(Shown.self, from: Data(shown.text.utf8)), shown.png, shown.picture)
            }
        }
        let (shown, png, image) = try run.get()
        try png.write(to: folder.appendingPathComponent("\(recording).png"))
        Attachment.record(png, named: "\(recording).replay.png")

        #expect(report.findings.isEmpty, "\(report.brokenRules)")
        #expect(shown.verdict == "Verdict: \(report.verdict)", "\(shown)")
        #expect(shown.tables.starts(with: ["signalling", "ice-pairs", "dtls-associations"]), "\(shown)")
        #expect(shown.rows > 0 && shown.rows <= packets, "\(shown)")
        if recording == "engine-engine-loopback" {
            #expect(shown.tables.contains("data-channels"), "\(shown)")
            #expect(shown.dataChannels.contains("tour"), "\(shown)")
        } else {
            #expect(shown.mediaStreams.contains("opus/48000") && shown.mediaStreams.contains("VP8/90000"), "\(shown)")
            #expect(shown.runs > 0 && shown.rows < packets, "the media is collapsed: \(shown), \(packets) packets")
        }
        // The screenshot is the page, not a blank canvas.
        #expect(image.width == width && image.height == height, "\(image)")
        #expect(image.colours > 20, "\(image) at \(folder.path)")
        #expect(image.other > 0.05, "\(image) at \(folder.path)")
        if image.colours > 20, image.other > 0.05 { try? FileManager.default.removeItem(at: folder) }
    }
}
