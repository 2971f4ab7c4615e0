import Foundation

/// Runs inputs of one target through our codec and an oracle in batches, compares the verdicts,
/// explains what the known-differences table explains, and keeps the rest as findings (issue 17).
public final class DifferentialCheck {
    /// What a check saw.
    public struct Tally: Sendable, Codable, Hashable {
        /// Inputs judged by both sides.
        public var compared = 0
        /// Both accepted with the same fields.
        public var bothAccepted = 0
        /// Both refused.
        public var bothRejected = 0
        /// Disagreements, by the id of the known difference that explains them.
        public var known: [String: Int] = [:]
        /// Disagreements no entry explains (all of them, before deduplication by signature).
        public var unexplained = 0

        public init() {}
    }

    public let target: DifferentialTarget
    public let oracle: any DifferentialOracle
    public let table: [KnownDifference]
    /// Inputs sent to the oracle per round trip.
    public let batchSize: Int
    /// Distinct findings kept (one per signature), at most `maxFindings`.
    public private(set) var findings: [Disagreement] = []
    public let maxFindings: Int
    public private(set) var tally = Tally()
    private var batch: [[UInt8]] = []
    private var signatures: Set<String> = []

    public init(
        target: DifferentialTarget, oracle: any DifferentialOracle, table: [KnownDifference] = KnownDifferences.table,
        batchSize: Int = 2048, maxFindings: Int = 50
    ) {
        self.target = target
        self.oracle = oracle
        self.table = table
        self.batchSize = batchSize
        self.maxFindings = maxFindings
    }

    /// Queues an input; judges the queue when it is full.
    public func add(_ input: [UInt8]) throws(DifferentialError) {
        batch.append(input)
        if batch.count >= batchSize { try flush() }
    }

    /// Judges every queued input.
    public func flush() throws(DifferentialError) {
        guard !batch.isEmpty else { return }
        let inputs = batch
        batch.removeAll(keepingCapacity: true)
        let theirs = try oracle.verdicts(inputs, target: target)
        for (input, their) in zip(inputs, theirs) { judge(input, ours: target.ourVerdict(input), theirs: their) }
    }

    /// Compares one pair of verdicts and records the outcome.
    public func judge(_ input: [UInt8], ours: CanonicalVerdict, theirs: CanonicalVerdict) {
        tally.compared += 1
        guard let disagreement = Disagreement.between(ours: ours, theirs: theirs, input: input, target: target, oracle: oracle.kind) else {
            if ours.isAccepted { tally.bothAccepted += 1 } else { tally.bothRejected += 1 }
            return
        }
        if let known = KnownDifference.explaining(disagreement, in: table) {
            tally.known[known.id, default: 0] += 1
            return
        }
        tally.unexplained += 1
        if findings.count < maxFindings, signatures.insert(disagreement.signature).inserted { findings.append(disagreement) }
    }
}
