/// A disagreement between our codec and a differential oracle that has been triaged and is not our
/// bug (issue 17): the oracle is wrong by an RFC rule, or the RFC leaves the case open. Our bugs are
/// not listed here: they are fixed, with a seed in `Corpus/<target>/regressions/`.
///
/// The entries themselves are `KnownDifferences.table`.
public struct KnownDifference: Sendable {
    /// Whose reading of the RFC the difference comes from.
    public enum Judgement: String, Sendable, Codable {
        /// The oracle breaks (or does not check) the rule cited; our codec follows it.
        case theirs
        /// The RFC does not settle the case; both readings are defensible. The entry says which we took.
        case ambiguity
    }

    /// A stable name for reports (`pion.stun.no-leading-bits-check`).
    public let id: String
    public let oracle: DifferentialOracleKind
    public let target: DifferentialTarget
    public let judgement: Judgement
    /// The RFC rule, with its section.
    public let rule: String
    /// What differs and why our side is the one kept.
    public let explanation: String
    /// Whether a disagreement is this one.
    public let matches: @Sendable (Disagreement) -> Bool

    public init(
        id: String, oracle: DifferentialOracleKind, target: DifferentialTarget, judgement: Judgement, rule: String,
        explanation: String, matches: @escaping @Sendable (Disagreement) -> Bool
    ) {
        self.id = id
        self.oracle = oracle
        self.target = target
        self.judgement = judgement
        self.rule = rule
        self.explanation = explanation
        self.matches = matches
    }

    /// The first entry of `table` that explains `disagreement`, if any.
    public static func explaining(_ disagreement: Disagreement, in table: [KnownDifference] = KnownDifferences.table) -> KnownDifference? {
        table.first { $0.oracle == disagreement.oracle && $0.target == disagreement.target && $0.matches(disagreement) }
    }
}
