import Foundation
import Interop
import Testing

/// The interop matrix (issues 14 and 15): every scenario between every pair of {Crucible, aiortc, Chromium,
/// Pion}, in both roles, over loopback, the media rows (audio-video, media-echo: about 5 s a cell) included, each cell captured and its capture judged by the replay checker. A cell
/// passes, or fails with its reason, or is a documented limitation of a third-party stack
/// (`Limitation.table`); nothing else is accepted. The peers are the project's own programs in
/// `Scripts/interop/`, installed by `Scripts/bootstrap`.
@Suite("The interop matrix")
struct MatrixTests {
    static let repository = InteropEnvironment.repository

    /// Every ordered pair the matrix runs, as "offerer>answerer".
    static let pairs: [String] = InteropMatrix(
        stacks: InteropStack.allCases, scenarios: [], repository: repository, output: URL(fileURLWithPath: "/tmp")
    ).pairs.map { "\($0.offerer)>\($0.answerer)" }

    // One pair at a time: every cell captures all of loopback's UDP, and pairs side by side on two cores
    // starve the peers (timeouts) and the capture threads (kernel buffer overflows).
    @Test(
        "Every scenario passes in this pair, or fails only as a documented limitation, and its capture replays without an error",
        .serialized, arguments: pairs)
    func pair(_ pair: String) async throws {
        let stacks = try InteropStack.list(pair.replacingOccurrences(of: ">", with: ","))
        let (offerer, answerer) = (stacks[0], stacks[stacks.count - 1])
        for stack in Set(stacks) { try stack.requireInstalled(repository: Self.repository) }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("crucible-matrix-\(UUID().uuidString)")
        var matrix = InteropMatrix(stacks: stacks, scenarios: Scenario.catalogue, repository: Self.repository, output: output)
        // 4 MiB keeps a debug build's bulk cells to seconds; `crucible interop` moves 16 MiB.
        matrix.settings.bulkBytes = 4 << 20
        var failed = false
        for scenario in Scenario.catalogue {
            let cell = await matrix.run(scenario, offerer: offerer, answerer: answerer)
            // The figures (setup time, throughput) go in the log, as `crucible interop` prints them.
            print(MatrixReport.line(cell))
            let where_ = "\(scenario.name) \(offerer)→\(answerer)"
            #expect(cell.verdict != .fail, "\(where_): \(cell.detail ?? "")")
            // CI runs as root, so every cell has its capture; the replay verdict is part of the cell's.
            #expect(cell.replay != nil, "\(where_) has no judged capture: \(cell.detail ?? "")")
            if let replay = cell.replay { #expect(replay.isClean, "\(where_): \(replay.summary)") }
            // Crucible and aiortc hand over their DTLS secrets, so with either in the cell its SCTP and DCEP are judged
            // (a documented limitation may stop before any datagram: Pion cannot make media at all).
            if let replay = cell.replay, replay.datagrams > 0 || cell.verdict != .limitation,
                [offerer, answerer].contains(where: { $0 == .crucible || $0 == .aiortc }) {
                #expect(replay.decrypted, "\(where_): a side exported its key log, yet nothing was decrypted")
                // Keep the cells for a look at why (the folder is printed below).
                failed = failed || !replay.decrypted
            }
            if cell.verdict == .limitation {
                #expect(Limitation.explaining(scenario: scenario.name, offerer: offerer, answerer: answerer) != nil)
            }
            // Judged with the cell's offer and answer, media has no false findings (issue 16): RTX and
            // padding probes go back in time legitimately (RFC 4588 §4), and with a=rtcp-rsize kept
            // (every stack but aiortc 1.16, whose own RTCP then lacks the CNAME it owes) reduced-size RTCP is allowed.
            if let replay = cell.replay, ["audio-video", "media-echo"].contains(scenario.name) {
                #expect(replay.warnings["RTP.timestamp-monotonic"] == nil, "\(where_): \(replay.summary)")
                if offerer != .aiortc && answerer != .aiortc {
                    #expect(replay.warnings["RTCP.compound-cname"] == nil, "\(where_): \(replay.summary)")
                }
            }
            failed = failed || cell.verdict == .fail || !(cell.replay?.isClean ?? false)
        }
        // Captures of a passing pair are not kept (a bulk cell's is tens of MB); a failing pair's are, for the report.
        if !failed { try? FileManager.default.removeItem(at: output) } else { print("matrix cells kept in \(output.path)") }
    }
}

/// The matrix's own rules, on made-up cells: the verdicts, the exit code, and the three renderings.
@Suite("Interop matrix reports")
struct MatrixReportTests {
    static func cell(_ scenario: String, _ offerer: InteropStack, _ answerer: InteropStack, _ verdict: Cell.Verdict, detail: String? = nil) -> Cell {
        var cell = Cell(scenario: scenario, offerer: offerer, answerer: answerer, verdict: verdict)
        cell.detail = detail
        cell.figure = verdict == .pass ? "12.5 MB/s" : nil
        return cell
    }

    @Test("A documented limitation explains a failure only for its stack and scenario, in the role it names")
    func limitations() {
        #expect(Limitation.explaining(scenario: "ice-restart", offerer: .aiortc, answerer: .crucible) != nil)
        #expect(Limitation.explaining(scenario: "ice-restart", offerer: .crucible, answerer: .aiortc) != nil)
        #expect(Limitation.explaining(scenario: "ice-restart", offerer: .crucible, answerer: .crucible) == nil)
        #expect(Limitation.explaining(scenario: "bulk", offerer: .aiortc, answerer: .crucible) == nil)
        #expect(Limitation.table.allSatisfy { $0.stack.isThirdParty }, "Crucible's own shortcomings are failures, never limitations")
    }

    @Test("The exit code is 0 only when every cell passed or is a documented limitation")
    func exitCode() {
        let passing = [Self.cell("bulk", .crucible, .aiortc, .pass), Self.cell("ice-restart", .crucible, .aiortc, .limitation)]
        #expect(MatrixReport(cells: passing, scenarios: Scenario.catalogue).exitCode == 0)
        let failing = passing + [Self.cell("negotiated", .aiortc, .crucible, .fail, detail: "no open of negotiated-5")]
        #expect(MatrixReport(cells: failing, scenarios: Scenario.catalogue).exitCode == 1)
    }

    @Test("The text grid has a row per scenario, a column per pair, and names every failure with its reason")
    func text() throws {
        let cells = [Self.cell("bulk", .crucible, .aiortc, .pass), Self.cell("bulk", .aiortc, .crucible, .fail, detail: "sha-256 differs\nmore")]
        let text = MatrixReport(cells: cells, scenarios: try Scenario.named("bulk")).text()
        #expect(text.contains("cru→aio"))
        #expect(text.contains("aio→cru"))
        #expect(text.split(separator: "\n").contains { $0.split(separator: " ") == ["bulk", "pass", "FAIL"] })
        #expect(text.contains("FAIL bulk aiortc→crucible: sha-256 differs"))
        #expect(text.contains("2 cells: 1 passed, 1 failed, 0 documented limitations"))
    }

    @Test("JSON has one object per cell with scenario, offerer, answerer, verdict and figure")
    func json() throws {
        let cells = [Self.cell("bulk", .crucible, .pion, .pass), Self.cell("ice-restart", .aiortc, .crucible, .limitation, detail: "no restart")]
        let decoded = try JSONSerialization.jsonObject(with: Data(MatrixReport(cells: cells, scenarios: Scenario.catalogue).json().utf8)) as? [[String: Any]]
        #expect(decoded?.count == 2)
        #expect(decoded?.first?["scenario"] as? String == "bulk")
        #expect(decoded?.first?["offerer"] as? String == "crucible")
        #expect(decoded?.first?["answerer"] as? String == "pion")
        #expect(decoded?.first?["verdict"] as? String == "pass")
        #expect(decoded?.first?["figure"] as? String == "12.5 MB/s")
        #expect(decoded?.last?["verdict"] as? String == "limitation")
    }

    @Test("The HTML page colours each cell by verdict and escapes what the peers said")
    func html() throws {
        let cells = [Self.cell("bulk", .crucible, .aiortc, .pass), Self.cell("bulk", .aiortc, .crucible, .fail, detail: "<script>alert(1)</script>")]
        let page = MatrixReport(cells: cells, scenarios: try Scenario.named("bulk")).html()
        #expect(page.contains("<td class=\"pass\""))
        #expect(page.contains("<td class=\"fail\""))
        #expect(!page.contains("<script>"))
        #expect(page.contains("&lt;script&gt;"))
    }
}
