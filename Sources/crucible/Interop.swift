import ArgumentParser
import Foundation
import Interop

/// `crucible interop [--peers crucible,aiortc,chromium,pion] [--scenarios LIST] [--json] [--html OUT]`:
/// the interop matrix (DESIGN §4). Exit 0 only when every cell passes or is a documented limitation of a
/// third-party stack; 1 otherwise; 2 for a usage error.
struct InteropCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interop",
        abstract: "Run interop scenarios between every pair of stacks, in both roles, over loopback, and print the matrix.",
        discussion: """
            Stacks: \(InteropStack.allCases.map(\.rawValue).joined(separator: ", ")). Each cell records a loopback \
            capture (dumpcap, needs root or CAP_NET_RAW) that the replay checker judges, with Crucible's key log when \
            Crucible is in the cell. Scenarios:
            \(Scenario.catalogue.map { "  \($0.name): \($0.summary)" }.joined(separator: "\n"))
            Documented limitations of other stacks:
            \(Limitation.table.map { "  \($0.stack) \($0.scenario): \($0.reason)" }.joined(separator: "\n"))
            """)

    @Option(help: "Comma-separated stacks to pair with each other.")
    var peers = InteropStack.allCases.map(\.rawValue).joined(separator: ",")

    @Option(help: "Comma-separated scenario names, or all.")
    var scenarios = "all"

    @Flag(help: "Print one JSON object per cell (a JSON array) instead of the text grid.")
    var json = false

    @Option(help: "Also write the matrix as an HTML page to this file (cell links are relative to --out).")
    var html: String?

    @Option(help: "The folder for captures, key logs, peer logs and replay reports (default .interop/matrix).")
    var out = ".interop/matrix"

    @Option(help: "Bytes of the bulk and ICE restart transfers.")
    var bulkBytes = 16 << 20

    @Option(help: ArgumentHelp(
        "A local IP address Crucible's side binds and gathers on (repeatable; default 127.0.0.1). The other stacks' peers gather on 127.0.0.1 only.",
        valueName: "address"))
    var bind: [String] = []

    @Flag(help: "Do not capture cells on loopback (no replay verdicts).")
    var noCapture = false

    @Option(help: "The repository root holding Scripts/interop (default: the current directory).")
    var repository = FileManager.default.currentDirectoryPath

    func run() async throws {
        let stacks: [InteropStack]
        let chosen: [Scenario]
        do {
            stacks = try InteropStack.list(peers)
            chosen = try Scenario.named(scenarios)
            for stack in stacks { try stack.requireInstalled(repository: URL(fileURLWithPath: repository)) }
        } catch { throw ValidationError(error.description) }
        var matrix = InteropMatrix(
            stacks: stacks, scenarios: chosen, repository: URL(fileURLWithPath: repository),
            output: URL(fileURLWithPath: out, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL)
        matrix.settings.bulkBytes = bulkBytes
        matrix.settings.localAddresses = try Echo.localAddresses(bind)
        matrix.captures = !noCapture
        let quiet = json
        let cells = await matrix.run { cell in
            if !quiet { print(MatrixReport.line(cell)) }
        }
        let report = MatrixReport(cells: cells, scenarios: chosen)
        if let html {
            // The page sits in the output folder's parent or anywhere: links are made relative to --out.
            try Data(report.html().utf8).write(to: URL(fileURLWithPath: html))
        }
        try Data(report.html().utf8).write(to: matrix.output.appendingPathComponent("index.html"))
        print(json ? try report.json() : "\n" + report.text(), terminator: json ? "\n" : "")
        throw ExitCode(report.exitCode)
    }
}
