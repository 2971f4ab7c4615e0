import CrucibleTestSupport
import Foundation
import Interop
import Testing

/// `crucible interop --html`: the matrix page of a real run (Crucible and aiortc, a scenario that passes
/// and one that is a documented aiortc limitation), opened in headless Chromium and photographed.
@Suite("The interop matrix page in headless Chromium", .serialized)
struct MatrixPageTests {
    /// What the page shows, read from its DOM.
    struct Shown: Decodable, Sendable {
        var pass: Int
        var fail: Int
        var limitation: Int
        var links: Int
        var summary: String
        var passColour: String
    }

    static let readPage = """
        JSON.stringify({
          pass: document.querySelectorAll("td.pass").length, fail: document.querySelectorAll("td.fail").length,
          limitation: document.querySelectorAll("td.limitation").length,
          links: [...document.querySelectorAll("td a")].filter(a => a.textContent === "replay").length,
          summary: document.getElementById("summary")?.textContent ?? "",
          passColour: document.querySelector("td.pass") ? getComputedStyle(document.querySelector("td.pass")).backgroundColor : ""
        })
        """

    @Test("A person reads the matrix at a glance: green passes, grey limitations, a replay link in every cell")
    func pageInChromium() async throws {
        try InteropStack.aiortc.requireInstalled(repository: InteropEnvironment.repository)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crucible-matrix-page-\(UUID().uuidString)")
        var matrix = InteropMatrix(
            stacks: [.crucible, .aiortc], scenarios: try Scenario.named("message-kinds,ice-restart"),
            repository: InteropEnvironment.repository, output: folder)
        matrix.settings.bulkBytes = 1 << 20
        let cells = await matrix.run()
        let report = MatrixReport(cells: cells, scenarios: matrix.scenarios)
        let page = folder.appendingPathComponent("index.html")
        try Data(report.html().utf8).write(to: page)
        let (width, height) = (1100, 500)

        let run: Result<(shown: Shown, png: Data, image: BrowserEchoPageTests.Picture), any Error> = await onThread {
            Result {
                let shown = try HeadlessChromium.show(page.absoluteString, width: width, height: height, readPage: Self.readPage) { text in
                    text.contains("cells:")
                }
                return (try JSONDecoder().decode(Shown.self, from: Data(shown.text.utf8)), shown.png, shown.picture)
            }
        }
        let (shown, png, image) = try run.get()
        try png.write(to: folder.appendingPathComponent("matrix.png"))
        Attachment.record(png, named: "interop-matrix.png")

        // Crucible with itself restarts ICE; aiortc cannot in either role (Limitation.table); every cell
        // of message-kinds passes.
        let (pass, fail, limitation) = report.counts
        #expect(fail == 0, "\(report.text())")
        #expect(limitation == 2, "\(report.text())")
        #expect(shown.pass == pass && shown.fail == 0 && shown.limitation == limitation, "\(shown)")
        #expect(shown.links == cells.count, "every cell links its replay report: \(shown)")
        #expect(shown.summary.contains("\(cells.count) cells: \(pass) passed, 0 failed, 2 documented limitations"), "\(shown)")
        #expect(shown.passColour == "rgb(215, 245, 220)", "passes are green: \(shown)")
        // The screenshot is the page, not a blank canvas.
        #expect(image.width == width && image.height == height, "\(image)")
        #expect(image.colours > 20, "\(image) at \(folder.path)")
        #expect(image.other > 0.05, "\(image) at \(folder.path)")
        if report.exitCode == 0, image.colours > 20 { try? FileManager.default.removeItem(at: folder) }
    }
}
