public import Foundation
import Decryption
import Pcap
import Replay
import WebRTC
import Wire

/// The interop matrix (DESIGN §4): scenarios × pairs of stacks × roles, each cell run over loopback with
/// its verdict, figure, capture and replay verdict.
public struct InteropMatrix: Sendable {
    public var stacks: [InteropStack]
    public var scenarios: [Scenario]
    public var settings = MatrixSettings()
    /// The repository root (Scripts/interop, .venv-interop, .interop).
    public var repository: URL
    /// Where captures, key logs, peer logs and replay reports go (`cells/` inside it).
    public var output: URL
    /// Capture each cell on loopback with dumpcap and judge it with the replay checker.
    public var captures = true
    /// Replay rule ids that are documented tolerances of other stacks' off-spec bytes (`Tolerance.all`,
    /// DESIGN §1.7): their findings show in a cell's replay verdict but do not fail it.
    public var toleratedRules = Set(Tolerance.all.map(\.rule))

    public init(stacks: [InteropStack], scenarios: [Scenario], repository: URL, output: URL) {
        self.stacks = stacks
        self.scenarios = scenarios
        self.repository = repository
        self.output = output
    }

    /// Every ordered pair of different stacks (so each meets each in both roles), and Crucible with itself.
    public var pairs: [(offerer: InteropStack, answerer: InteropStack)] {
        stacks.flatMap { offerer in
            stacks.compactMap { answerer in
                offerer != answerer || offerer == .crucible ? (offerer, answerer) : nil
            }
        }
    }

    /// Runs every cell, one at a time (cells share the loopback capture), calling `progress` after each.
    public func run(progress: @Sendable (Cell) -> Void = { _ in }) async -> [Cell] {
        try? FileManager.default.createDirectory(at: output.appendingPathComponent("cells"), withIntermediateDirectories: true)
        var cells: [Cell] = []
        for pair in pairs {
            for scenario in scenarios {
                let cell = await run(scenario, offerer: pair.offerer, answerer: pair.answerer)
                progress(cell)
                cells.append(cell)
            }
        }
        return cells
    }

    /// Runs one cell.
    public func run(_ scenario: Scenario, offerer: InteropStack, answerer: InteropStack) async -> Cell {
        let name = "\(scenario.name)-\(offerer)-\(answerer)"
        let folder = output.appendingPathComponent("cells")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var cell = Cell(scenario: scenario.name, offerer: offerer, answerer: answerer, verdict: .fail)
        var notes: [String] = []

        var capture: LoopbackCapture?
        if captures {
            do { capture = try LoopbackCapture.start() } catch {
                notes.append("no capture: \(error)")
            }
        }

        var peers: [any InteropPeer] = []
        var descriptions: [String] = []
        do throws(InteropError) {
            let first = try await start(offerer, role: "offerer", log: folder.appendingPathComponent("\(name).offerer.log"))
            peers.append(first)
            let second = try await start(answerer, role: "answerer", log: folder.appendingPathComponent("\(name).answerer.log"))
            peers.append(second)
            cell.offererVersion = first.version
            cell.answererVersion = second.version
            let session = ScenarioSession(offerer: first, answerer: second, settings: settings)
            defer {
                descriptions = session.descriptions
                cell.setupMilliseconds = session.setupTime.map { Int($0 / .milliseconds(1)) }
            }
            do { cell.figure = try await scenario.script(session) } catch {
                throw error as? InteropError ?? InteropError("\(error)")
            }
            cell.verdict = .pass
        } catch {
            if let limitation = Limitation.explaining(scenario: scenario.name, offerer: offerer, answerer: answerer) {
                cell.verdict = .limitation
                notes.append("\(limitation.stack): \(limitation.reason) (seen: \(error))")
            } else {
                cell.verdict = .fail
                notes.append(error.description)
                for peer in peers {
                    if let engine = peer as? EnginePeer { notes.append("\(peer.events.owner): \(await engine.diagnostics())") }
                    let tail = peer.logTail
                    if !tail.isEmpty { notes.append("\(peer.events.owner) log tail:\n\(tail)") }
                }
            }
        }
        // The signalling, offer and answer by turn: what the replay checker cannot see on the wire.
        let signalling = descriptions.enumerated().map { index, sdp in "--- \(index % 2 == 0 ? "offer" : "answer") \(index / 2 + 1)\n\(sdp)" }
        try? Data(signalling.joined(separator: "\n").utf8).write(to: folder.appendingPathComponent("\(name).sdp.txt"))
        let keyLog = peers.flatMap(\.keyLog)
        for peer in peers { await peer.close() }

        if let capture {
            do throws(InteropError) {
                let facts = descriptions.map(DescriptionFacts.init(sdp:))
                let datagrams = try capture.stop(keeping: facts.reduce(into: Set()) { $0.formUnion($1.candidatePorts) })
                let judged = try judge(
                    datagrams, name: name, folder: folder, keyLog: keyLog, icePasswords: facts.compactMap(\.icePassword),
                    descriptions: descriptions)
                cell.capture = "cells/\(name).pcapng"
                cell.keyLog = keyLog.isEmpty ? nil : "cells/\(name).keys"
                cell.replayReport = "cells/\(name).replay.html"
                cell.replay = judged
                if !judged.isClean, cell.verdict == .pass {
                    cell.verdict = .fail
                    notes.append("the capture breaks error-severity rules: \(Cell.ReplayVerdict.list(judged.errors))")
                }
            } catch {
                notes.append("capture: \(error)")
            }
        }
        cell.detail = notes.isEmpty ? nil : notes.joined(separator: "\n")
        return cell
    }

    private func start(_ stack: InteropStack, role: String, log: URL) async throws(InteropError) -> any InteropPeer {
        switch stack {
        case .crucible: try await EnginePeer.start(client: WebRTCClient(engine: .native), role: role, localAddresses: settings.localAddresses)
        default: try await ControlledPeer.start(stack, role: role, repository: repository, logPath: log)
        }
    }

    /// Writes the cell's capture and key log, judges them with the replay checker, and writes its report.
    private func judge(
        _ datagrams: [UDPDatagram], name: String, folder: URL, keyLog: [String], icePasswords: [String], descriptions: [String]
    ) throws(InteropError) -> Cell.ReplayVerdict {
        // The offers and answers, by turn, written as a recording's are so `crucible replay` reads them too.
        let recording = Recording(directory: folder.path, name: name)
        var texts: [SignalledText] = []
        for (index, sdp) in descriptions.enumerated() {
            let type: SessionDescriptionType = index % 2 == 0 ? .offer : .answer
            let path = recording.descriptionPath(type, generation: index / 2 + 1)
            try? Data(sdp.utf8).write(to: URL(fileURLWithPath: path))
            texts.append(SignalledText(source: (path as NSString).lastPathComponent, text: sdp, side: type == .offer ? .offerer : .answerer))
        }
        var writer = PcapngWriter()
        for datagram in datagrams { writer.append(datagram) }
        let capturePath = folder.appendingPathComponent("\(name).pcapng")
        let keyText = keyLog.map { $0 + "\n" }.joined()
        do {
            try Data(writer.bytes).write(to: capturePath)
            if !keyLog.isEmpty { try Data(keyText.utf8).write(to: folder.appendingPathComponent("\(name).keys")) }
        } catch { throw InteropError("cannot write the capture of \(name): \(error)") }
        let options = ReplayOptions(
            icePasswords: icePasswords, keyLog: keyLog.isEmpty ? nil : KeyLog(parsing: keyText), signalling: ReplaySignalling(texts))
        let report: ReplayReport
        let events: [LadderEvent]
        let written: [UDPDatagram]
        do {
            written = try CaptureReader(path: capturePath.path).udpDatagrams().datagrams
            (report, events) = ReplayChecker.checkWithLadder(written, capture: "\(name).pcapng", skippedFrames: 0, options: options)
        } catch { throw InteropError("cannot read back the capture of \(name): \(error)") }
        let page = HTMLReport.render(report, events: events)
        try? Data(page.utf8).write(to: folder.appendingPathComponent("\(name).replay.html"))

        var verdict = Cell.ReplayVerdict(errors: [:], tolerated: [:], warnings: [:], datagrams: written.count, decrypted: (report.dtls?.decrypted ?? 0) > 0)
        for finding in report.findings {
            if toleratedRules.contains(finding.rule.id) {
                verdict.tolerated[finding.rule.id, default: 0] += finding.count
            } else if finding.rule.severity == .error {
                verdict.errors[finding.rule.id, default: 0] += finding.count
            } else {
                verdict.warnings[finding.rule.id, default: 0] += finding.count
            }
        }
        return verdict
    }
}
