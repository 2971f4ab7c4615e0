import Foundation

/// Our codec and a differential oracle judged one input differently (issue 17).
public struct Disagreement: Hashable, Sendable {
    /// How the verdicts differ.
    public enum Kind: Hashable, Sendable, Codable {
        /// We accepted what the oracle refused.
        case weAcceptTheyReject
        /// We refused what the oracle accepted.
        case weRejectTheyAccept
        /// Both accepted, and these canonical fields differ.
        case fieldsDiffer([String])
    }

    public let oracle: DifferentialOracleKind
    public let target: DifferentialTarget
    public let input: [UInt8]
    public let ours: CanonicalVerdict
    public let theirs: CanonicalVerdict
    public let kind: Kind

    /// Compares two verdicts on `input`; nil when they agree: both refuse (for whatever reasons: the
    /// reasons are each decoder's own words), or both accept with the same canonical fields.
    public static func between(
        ours: CanonicalVerdict, theirs: CanonicalVerdict, input: [UInt8], target: DifferentialTarget, oracle: DifferentialOracleKind
    ) -> Disagreement? {
        let kind: Kind
        switch (ours, theirs) {
        case (.reject, .reject): return nil
        case (.accept, .reject): kind = .weAcceptTheyReject
        case (.reject, .accept): kind = .weRejectTheyAccept
        case (.accept(let mine), .accept(let other)):
            // Keys one side does not print are not compared (an oracle may see less than we do).
            let theirs = Dictionary(other.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
            let differing = mine.filter { field in theirs[field.key].map { $0 != field.value } ?? false }.map(\.key)
            guard !differing.isEmpty else { return nil }
            kind = .fieldsDiffer(differing)
        }
        return Disagreement(oracle: oracle, target: target, input: input, ours: ours, theirs: theirs, kind: kind)
    }

    /// Our codec's rule id when we refused (`STUN.magic-cookie`), else nil.
    public var ourRule: String? { ours.rejection.map { String($0.prefix { $0 != " " }) } }

    /// A short key that groups disagreements of one cause: the kind with our rule, the oracle's
    /// error text without its numbers, or the differing fields. One finding is kept per signature.
    public var signature: String {
        switch kind {
        case .weRejectTheyAccept: "we reject (\(ourRule ?? "?")), \(oracle.rawValue) accepts"
        case .weAcceptTheyReject:
            "we accept, \(oracle.rawValue) rejects: " + String((theirs.rejection ?? "").filter { !$0.isNumber }.prefix(60))
        case .fieldsDiffer(let keys): "both accept, fields differ: \(keys.joined(separator: ","))"
        }
    }

    /// One line for people: the signature, both verdicts, the input's start.
    public var summary: String {
        "\(target.rawValue): \(signature)\n  ours:   \(ours.description.prefix(300))\n  theirs: \(theirs.description.prefix(300))"
    }
}
