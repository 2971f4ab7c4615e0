public import Fuzzing

/// Where a conformance input comes from.
public enum CaseSource: Hashable, Sendable, CustomStringConvertible {
    /// A file of `../shared/vectors` (RFC and public test-suite vectors).
    case vectors(String)
    /// `Corpus/<target>/` of this repository.
    case corpus
    /// A capture of `../shared/captures`.
    case capture(String)

    public var description: String {
        switch self {
        case .vectors(let file): "vectors/\(file)"
        case .corpus: "corpus"
        case .capture(let file): "captures/\(file)"
        }
    }
}

/// What a correct codec must do with an input.
public enum Expectation: Hashable, Sendable {
    /// Parse it and round-trip it exactly (after canonicalisation).
    case accept
    /// Refuse it, by this rule id, for the stated reason (a real-world negative).
    case reject(rule: String, because: String)
    /// Refuse it by whatever rule fits: corpus seeds named `negative-…`, kept so mutation starts from
    /// near-valid input on both sides of a gate.
    case refuse(because: String)
}

/// One input of a protocol's conformance run.
public struct ConformanceCase: Hashable, Sendable {
    public let name: String
    public let source: CaseSource
    public let bytes: [UInt8]
    public let expectation: Expectation

    public init(name: String, source: CaseSource, bytes: [UInt8], expectation: Expectation = .accept) {
        self.name = name
        self.source = source
        self.bytes = bytes
        self.expectation = expectation
    }
}

/// A protocol's fuzz target with every input the project knows for it.
public struct ProtocolSuite: Sendable {
    public let name: String
    public let target: FuzzTarget
    public let cases: [ConformanceCase]

    public init(name: String, target: FuzzTarget, cases: [ConformanceCase]) {
        self.name = name
        self.target = target
        self.cases = cases
    }

    /// Runs every case through the target and its oracles.
    public func run() -> [Verdict] {
        cases.map { Verdict(case: $0, outcome: target.run($0.bytes)) }
    }
}

/// What happened to one case, judged against its expectation.
public struct Verdict: Hashable, Sendable {
    public let `case`: ConformanceCase
    public let outcome: FuzzOutcome

    public init(case: ConformanceCase, outcome: FuzzOutcome) {
        self.case = `case`
        self.outcome = outcome
    }

    public var passed: Bool {
        switch (self.case.expectation, outcome) {
        case (.accept, .accepted): true
        case (.reject(let expected, _), .rejected(let rule)): expected == rule
        case (.refuse, .rejected): true
        default: false
        }
    }

    /// One line for a person: what was expected and what happened.
    public var explanation: String {
        let happened: String
        switch outcome {
        case .accepted: happened = "accepted and round-tripped"
        case .rejected(let rule): happened = "rejected by \(rule)"
        case .finding(let finding): happened = "oracle failed: \(finding.oracle.rawValue): \(finding.detail)"
        }
        switch self.case.expectation {
        case .accept: return happened
        case .reject(let rule, let reason): return "\(happened) (expected \(rule): \(reason))"
        case .refuse(let reason): return "\(happened) (expected a refusal: \(reason))"
        }
    }
}
