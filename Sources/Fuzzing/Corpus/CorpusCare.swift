public import Foundation

/// Corpus care with the built-in engine's features (issue 4): `merge` folds what a campaign found into
/// the committed corpus, `minimize` drops inputs whose feature a smaller input already reaches.
///
/// Inputs run in this process, as the campaign's workers ran them; the inputs a campaign keeps never
/// failed there. For coverage-based care, libFuzzer's `-merge=1` does the same with edge coverage.
public enum CorpusCare {
    /// What a merge or minimisation did.
    public struct Summary: Sendable, Equatable {
        public var examined = 0
        /// Files written (merge) or kept (minimize).
        public var kept: [String] = []
        /// Files removed (minimize).
        public var removed: [String] = []
    }

    /// The name a merged input gets: `found-` and its hash, or `negative-found-` when the target refuses
    /// it, so the corpus keeps its rule that `negative-*` seeds must be refused (Corpus/README.md).
    public static func mergedName(_ input: [UInt8], outcome: FuzzOutcome) -> String {
        let hash = String(CrashStore.name(of: input).prefix(16))
        if case .rejected = outcome { return "negative-found-\(hash)" }
        return "found-\(hash)"
    }

    /// Adds to `corpus` each input of `sources` that reaches a feature no corpus entry reaches,
    /// smallest first. Inputs that break an oracle are left out (they belong to triage).
    public static func merge(target: FuzzTarget, into corpus: URL, from sources: [URL]) throws -> Summary {
        var summary = Summary()
        var seen = Set<UInt64>()
        for entry in try CorpusDirectory(url: corpus).entries() { seen.formUnion(target.execute(entry.bytes).features) }
        var candidates: [[UInt8]] = []
        for source in sources { candidates += try CorpusDirectory(url: source).entries().map(\.bytes) }
        for input in candidates.sorted(by: { $0.count != $1.count ? $0.count < $1.count : $0.lexicographicallyPrecedes($1) }) {
            summary.examined += 1
            let execution = target.execute(input)
            if case .finding = execution.outcome { continue }
            guard execution.features.reduce(false, { seen.insert($1).inserted || $0 }) else { continue }
            let name = mergedName(input, outcome: execution.outcome)
            try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
            try Data(input).write(to: corpus.appendingPathComponent(name))
            summary.kept.append(name)
        }
        return summary
    }

    /// Whether a file name is one a machine gave (a hash, or a merged `found-` name). Only those are
    /// removed by `minimize`: a seed a person named documents something.
    static func isMachineNamed(_ name: String) -> Bool {
        let base = name.hasPrefix("negative-found-") ? String(name.dropFirst(15))
            : name.hasPrefix("found-") ? String(name.dropFirst(6))
            : name
        return base.count >= 16 && base.allSatisfy(\.isHexDigit)
    }

    /// Keeps, per feature, the smallest input of `folder` (named seeds are always kept).
    public static func minimize(target: FuzzTarget, folder: URL) throws -> Summary {
        var summary = Summary()
        let entries = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().compactMap { name -> (String, [UInt8])? in
            guard name != "README.md", !name.hasPrefix("."),
                  let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path)
            else { return nil }
            return (name, Array(data))
        }
        var seen = Set<UInt64>()
        // Named seeds first, so their features are covered before any machine-named input is judged.
        let ordered = entries.filter { !isMachineNamed($0.0) } + entries.filter { isMachineNamed($0.0) }.sorted { $0.1.count < $1.1.count }
        for (name, bytes) in ordered {
            summary.examined += 1
            let fresh = target.execute(bytes).features.reduce(false) { seen.insert($1).inserted || $0 }
            if fresh || !isMachineNamed(name) {
                summary.kept.append(name)
            } else {
                try FileManager.default.removeItem(at: folder.appendingPathComponent(name))
                summary.removed.append(name)
            }
        }
        return summary
    }
}

extension CorpusCare {
    /// `merge` by edge coverage: libFuzzer's `-merge=1` decides which inputs of `sources` add coverage
    /// to the corpus, then each is named as `merge` names it (so refused inputs keep the `negative-`
    /// prefix the corpus requires).
    public static func mergeByCoverage(
        target: FuzzTarget, binary: URL, into corpus: URL, from sources: [URL], scratch: URL
    ) throws -> Summary {
        // libFuzzer merges into its first folder: a copy of the corpus, so what it adds is told apart.
        let base = scratch.appendingPathComponent("merge-base")
        try? FileManager.default.removeItem(at: base)
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        var before = Set<String>()
        for entry in try CorpusDirectory(url: corpus).entries() {
            let name = CrashStore.name(of: entry.bytes)
            before.insert(name)
            try Data(entry.bytes).write(to: base.appendingPathComponent(name))
        }
        let result = try ProcessResult.run(
            binary, ["-merge=1", base.path] + sources.map(\.path), environment: LibFuzzerWorker.environment(target: target.name))
        guard result.status == 0 else {
            throw CorpusCareError(reason: "libFuzzer -merge=1 exited \(result.status): \(result.output.split(separator: "\n").suffix(5).joined(separator: " | "))")
        }
        var summary = Summary()
        for name in try FileManager.default.contentsOfDirectory(atPath: base.path).sorted() where !before.contains(name) {
            summary.examined += 1
            let input = Array(try Data(contentsOf: base.appendingPathComponent(name)))
            let outcome = target.run(input)
            if case .finding = outcome { continue }
            let merged = mergedName(input, outcome: outcome)
            try Data(input).write(to: corpus.appendingPathComponent(merged))
            summary.kept.append(merged)
        }
        return summary
    }
}

/// Corpus care could not finish.
public struct CorpusCareError: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}
