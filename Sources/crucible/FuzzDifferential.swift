import ArgumentParser
import Conformance
import Foundation

/// `crucible fuzz run --differential pion|tshark TARGET…` and `crucible fuzz reproduce --differential`:
/// our codecs against independent decoders (issue 17; README, "Differential fuzzing").
enum FuzzDifferential {
    /// The targets a differential run means: those named, `all` being every target the oracle decodes.
    static func targets(_ names: [String], oracle: DifferentialOracleKind) throws -> [DifferentialTarget] {
        if names.contains("all") { return oracle.targets }
        return try names.map { name in
            guard let target = DifferentialTarget(rawValue: name) else {
                throw ValidationError("--differential decodes \(DifferentialTarget.allCases.map(\.rawValue).joined(separator: ", ")), not '\(name)'")
            }
            guard oracle.targets.contains(target) else {
                throw ValidationError(DifferentialError.unsupportedTarget(oracle, target).description)
            }
            return target
        }
    }

    static func oracle(_ name: String) throws -> DifferentialOracleKind {
        guard let kind = DifferentialOracleKind(rawValue: name) else {
            throw ValidationError("--differential is \(DifferentialOracleKind.allCases.map(\.rawValue).joined(separator: " or ")), not '\(name)'")
        }
        return kind
    }

    /// Runs one campaign per target; exits 1 when a disagreement no known difference explains was found.
    static func run(oracle name: String, targets names: [String], seconds: Double, runs: Int?, seed: UInt64, root: URL, work: URL) throws {
        let kind = try oracle(name)
        let targets = try targets(names, oracle: kind)
        let oracle = try kind.start(repositoryRoot: root)
        var reports: [DifferentialCampaign.Report] = []
        for target in targets {
            FileHandle.standardError.write(Data("differential \(name) \(target.rawValue): \(runs.map { "\($0) inputs" } ?? "\(Int(seconds)) s")…\n".utf8))
            let report = try DifferentialCampaign.run(
                target: target, oracle: oracle, repositoryRoot: root, workDirectory: work, seed: seed, seconds: seconds, runs: runs
            ) { tally in
                FileHandle.standardError.write(Data("  \(tally.compared) compared, \(tally.known.values.reduce(0, +)) known differences, \(tally.unexplained) unexplained\n".utf8))
            }
            reports.append(report)
            print(describe(report))
        }
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let file = work.appendingPathComponent("differential-\(name).json")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(reports).write(to: file)
        print("report: \(file.path)")
        if reports.contains(where: { !$0.findings.isEmpty }) { throw ExitCode(1) }
    }

    static func describe(_ report: DifferentialCampaign.Report) -> String {
        let tally = report.tally
        var lines = [
            "\(report.target.rawValue) vs \(report.oracle.rawValue): \(tally.compared) inputs compared in \(String(format: "%.0f", report.seconds)) s "
                + "(\(tally.bothAccepted) both accept, \(tally.bothRejected) both reject, "
                + "\(tally.known.values.reduce(0, +)) known differences, \(tally.unexplained) unexplained)",
        ]
        for (id, count) in tally.known.sorted(by: { $0.key < $1.key }) { lines.append("  known \(id): \(count)") }
        for note in report.findings {
            lines.append("  NEW \(note.signature)\n    ours:   \(note.ours.prefix(200))\n    theirs: \(note.theirs.prefix(200))\n    saved:  \(note.file)")
        }
        return lines.joined(separator: "\n")
    }

    /// Shows both verdicts on saved inputs; exits 1 when one is an unexplained disagreement.
    static func reproduce(oracle name: String, target: String, files: [String], root: URL) throws {
        guard let target = DifferentialTarget(rawValue: target) else { throw ValidationError("no differential target '\(target)'") }
        let oracle = try oracle(name).start(repositoryRoot: root)
        let inputs = try files.map { Array(try Data(contentsOf: URL(fileURLWithPath: $0))) }
        let theirs = try oracle.verdicts(inputs, target: target)
        var unexplained = false
        for (file, (input, their)) in zip(files, zip(inputs, theirs)) {
            let ours = target.ourVerdict(input)
            print("\(file)\n  ours:   \(ours)\n  theirs: \(their)")
            guard let disagreement = Disagreement.between(ours: ours, theirs: their, input: input, target: target, oracle: oracle.kind) else {
                print("  agree")
                continue
            }
            if let known = KnownDifference.explaining(disagreement) {
                print("  known difference \(known.id) (\(known.judgement.rawValue), \(known.rule))")
            } else {
                print("  UNEXPLAINED: \(disagreement.signature)")
                unexplained = true
            }
        }
        if unexplained { throw ExitCode(1) }
    }
}
