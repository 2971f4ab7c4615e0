/// One slot's growth across its workers: a restarted worker counts from zero, so the executions of the
/// slot's earlier workers are carried, and the slot's total never goes back.
struct WorkerProgress: Equatable {
    /// The current worker's last progress line.
    var latest = ProgressSample.zero
    /// Executions of the slot's earlier workers.
    private(set) var executionsBefore = 0

    /// The slot's growth: the current worker's, plus the executions before it.
    var total: ProgressSample {
        var sample = latest
        sample.executions += executionsBefore
        return sample
    }

    /// Before the slot's next worker: its executions are carried; its corpus and features stay, since
    /// the next worker starts from the same corpus.
    mutating func carryOverForRestart() {
        executionsBefore += latest.executions
        latest = ProgressSample(seconds: 0, executions: 0, corpusSize: latest.corpusSize, features: latest.features)
    }
}

extension ProgressSample {
    static let zero = ProgressSample(seconds: 0, executions: 0, corpusSize: 0, features: 0)

    /// A target's growth from its workers' totals: executions add up; corpus, features and coverage are the
    /// largest any worker reports. `seconds` is left at 0 for the caller.
    static func combined(_ samples: [ProgressSample]) -> ProgressSample {
        samples.reduce(into: .zero) {
            $0.executions += $1.executions
            $0.corpusSize = max($0.corpusSize, $1.corpusSize)
            $0.features = max($0.features, $1.features)
            if let coverage = $1.coverage { $0.coverage = max($0.coverage ?? 0, coverage) }
        }
    }
}
