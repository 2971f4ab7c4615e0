public import Foundation

/// Turns the failing inputs of a campaign into bug reports (issue 4): each is reproduced in a fresh
/// process, minimised while it fails the same way, deduplicated by signature (trap site and message)
/// against this run and against `crashes/` already saved, and saved with its reproduce command.
public struct Triage: Sendable {
    public let store: CrashStore
    public let reproducer: Reproducer
    /// A scratch folder for the candidate files minimisation runs.
    public let scratch: URL

    public init(store: CrashStore, reproducer: Reproducer, scratch: URL) {
        self.store = store
        self.reproducer = reproducer
        self.scratch = scratch
    }

    /// What became of one failing input.
    public enum Verdict: Sendable {
        /// A new bug, saved.
        case saved(CrashStore.Entry, originalSize: Int)
        /// A bug already saved (in this run or before) under this file.
        case duplicate(CrashSignature, of: String)
        /// It did not fail again in a fresh process (state built up over a long run, or flaky).
        case notReproduced(size: Int)
    }

    /// Triage of failing inputs in the order found.
    public func triage(_ inputs: [[UInt8]]) throws -> [Verdict] {
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        var known = store.savedSignatures()
        var verdicts: [Verdict] = []
        var seenInputs = Set<[UInt8]>()
        for input in inputs where seenInputs.insert(input).inserted {
            guard case .fails(let signature) = try reproduce(input, quickly: false) else {
                verdicts.append(.notReproduced(size: input.count))
                continue
            }
            if let file = known[signature] {
                verdicts.append(.duplicate(signature, of: file))
                continue
            }
            let minimal = try minimize(input, failing: signature)
            // The minimal input must still show the same site with a full backtrace; if minimisation
            // drifted to a sibling failure with the same message, the original is kept.
            let kept = try reproduce(minimal, quickly: false) == .fails(signature) ? minimal : input
            let entry = try store.save(kept, signature: signature, reproducer: reproducer)
            known[signature] = entry.file
            verdicts.append(.saved(entry, originalSize: input.count))
        }
        return verdicts
    }

    private func reproduce(_ input: [UInt8], quickly: Bool) throws -> Reproduction {
        let file = scratch.appendingPathComponent("candidate-\(CrashStore.name(of: input))")
        try Data(input).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return quickly ? try reproducer.reproduceQuickly(file) : try reproducer.reproduce(file)
    }

    /// Hangs are not minimised: every attempt would cost the whole time limit.
    private func minimize(_ input: [UInt8], failing signature: CrashSignature) throws -> [UInt8] {
        guard signature.kind != .hang else { return input }
        if let engineMinimizer = reproducer.minimize {
            let file = scratch.appendingPathComponent("minimize-\(CrashStore.name(of: input))")
            try Data(input).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            return try engineMinimizer(file)
        }
        return Minimizer.minimize(input, attempts: 300) { candidate in
            guard case .fails(let other) = (try? reproduce(candidate, quickly: true)) ?? .passes else { return false }
            return other.kind == signature.kind && other.message == signature.message
        }
    }
}
