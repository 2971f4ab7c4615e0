public import Wire

/// What one input did to a target.
public enum FuzzOutcome: Hashable, Sendable {
    /// The codec accepted the input and every oracle held.
    case accepted
    /// The codec refused the input with a typed error naming this rule id. Refusal is a fine outcome:
    /// hostile input is normal input.
    case rejected(rule: String)
    /// An oracle failed: a bug.
    case finding(FuzzFinding)
}

/// An oracle that failed on an input (DESIGN §4). Traps are found by the process dying, not here.
public struct FuzzFinding: Error, Hashable, Sendable, CustomStringConvertible {
    /// Which property broke.
    public enum Oracle: String, Hashable, Sendable {
        /// `serialize(parse(b)) != canonicalize(b)`.
        case roundTrip = "round-trip"
        /// The re-serialised bytes did not parse back to the same value.
        case reparse
        /// A protocol invariant the target declares (an integrity value computed on serialisation verifies…).
        case invariant
    }

    public let target: String
    public let oracle: Oracle
    public let input: [UInt8]
    public let detail: String

    public init(target: String, oracle: Oracle, input: [UInt8], detail: String) {
        self.target = target
        self.oracle = oracle
        self.input = input
        self.detail = detail
    }

    public var description: String {
        "\(target): \(oracle.rawValue) oracle failed: \(detail) (input \(Hex.encode(input.prefix(64)))\(input.count > 64 ? "…" : ""))"
    }
}

/// A named function from bytes to an outcome, with the oracles of DESIGN §4 built in.
///
/// The built-in engine, the libFuzzer entry points and the corpus tests all drive targets through
/// `run(_:)`, so a bug found one way replays every other way.
public struct FuzzTarget: Sendable {
    public let name: String
    private let body: @Sendable ([UInt8]) -> Execution
    /// Recomputes what a mutation breaks by accident (checksums, fingerprints) so a mutant reaches the
    /// code behind that gate: the byte-level half of the structure-aware fix-ups of DESIGN §4. The
    /// campaign repairs only some mutants, so the gate itself stays fuzzed too.
    public let repair: (@Sendable ([UInt8]) -> [UInt8])?
    /// The structure-aware mutator: parses an input into its model, changes one field, re-serialises and
    /// repairs. `nil` from the closure when the input does not parse (the engine falls back to havoc);
    /// `nil` as the property when the target has no model to mutate.
    public let mutate: (@Sendable ([UInt8], inout SeededGenerator) -> [UInt8]?)?
    /// Tokens for the dictionary: type codes, magic values, keywords.
    public let dictionary: [[UInt8]]
    /// The `Corpus/<name>/` folder the target's seeds come from: its own name, except for targets
    /// that fuzz a copy of another protocol's code (the runner's self-test).
    public let corpusName: String

    public init(
        name: String,
        repair: (@Sendable ([UInt8]) -> [UInt8])? = nil,
        mutate: (@Sendable ([UInt8], inout SeededGenerator) -> [UInt8]?)? = nil,
        dictionary: [[UInt8]] = [],
        corpusName: String? = nil,
        body: @escaping @Sendable ([UInt8]) -> FuzzOutcome
    ) {
        self.name = name
        self.corpusName = corpusName ?? name
        self.repair = repair
        self.mutate = mutate
        self.dictionary = dictionary
        self.body = { input in
            let outcome = body(input)
            return Execution(outcome: outcome, feature: Execution.feature(of: outcome))
        }
    }

    /// A target whose body also names the features an input reached (see `Execution`): a codec's shapes,
    /// or a machine target's states and outputs (issue 17), which the built-in engine has no other way to see.
    public init(
        name: String, repair: (@Sendable ([UInt8]) -> [UInt8])? = nil,
        mutate: (@Sendable ([UInt8], inout SeededGenerator) -> [UInt8]?)? = nil, dictionary: [[UInt8]] = [],
        corpusName: String? = nil, execute: @escaping @Sendable ([UInt8]) -> Execution
    ) {
        self.name = name
        self.corpusName = corpusName ?? name
        self.repair = repair
        self.mutate = mutate
        self.dictionary = dictionary
        self.body = execute
    }

    public func run(_ input: [UInt8]) -> FuzzOutcome { body(input).outcome }

    /// Runs an input and says which outcome features it reached: the built-in engine's feedback.
    public func execute(_ input: [UInt8]) -> Execution { body(input) }

    /// A target for a codec: parse; if accepted, the round trip is byte-exact after canonicalisation, the
    /// output re-parses to the same value, and each invariant holds (an invariant returns a complaint or nil).
    public static func codec<Codec: WireCodec>(
        _ codec: Codec.Type,
        invariants: [@Sendable (Codec.Value) -> String?] = [],
        repair: (@Sendable ([UInt8]) -> [UInt8])? = nil
    ) -> FuzzTarget {
        FuzzTarget(
            name: Codec.name, repair: repair, mutate: structureMutator(codec, repair: repair),
            dictionary: Codec.dictionary
        ) { input in
            let value: Codec.Value
            do throws(CodecError<Codec.Rule>) {
                value = try Codec.parse(input)
            } catch {
                return Execution(outcome: .rejected(rule: error.rule.id), feature: Execution.feature(of: error))
            }
            let outcome = checkOracles(codec, value: value, input: input, invariants: invariants)
            guard outcome == .accepted else { return Execution(outcome: outcome, feature: Execution.feature(of: outcome)) }
            // Describing a model costs more than parsing it, so shapes are taken for one accepted input
            // in 16, picked by a hash of its bytes: the choice stays deterministic and stateless.
            guard StableHash.combine(StableHash.offset, input) & 15 == 0 else {
                return Execution(outcome: .accepted, feature: Execution.feature(of: .accepted))
            }
            return Execution(outcome: .accepted, features: Codec.describe(value).shapeFeatures)
        }
    }

    /// DESIGN §4's oracles for a value the codec accepted.
    static func checkOracles<Codec: WireCodec>(
        _ codec: Codec.Type, value: Codec.Value, input: [UInt8], invariants: [@Sendable (Codec.Value) -> String?]
    ) -> FuzzOutcome {
        let output = Codec.serialize(value)
        let expected = Codec.canonicalize(input)
        guard output == expected else {
            let at = zip(output, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(output.count, expected.count)
            return .finding(FuzzFinding(
                target: Codec.name, oracle: .roundTrip, input: input,
                detail: "re-serialised \(output.count) bytes differ from \(expected.count) canonical bytes at offset \(at)"))
        }
        do {
            let reparsed = try Codec.parse(output)
            guard reparsed == value else {
                return .finding(FuzzFinding(
                    target: Codec.name, oracle: .reparse, input: input,
                    detail: "the re-serialised bytes parse to a different value"))
            }
        } catch {
            return .finding(FuzzFinding(
                target: Codec.name, oracle: .reparse, input: input,
                detail: "the re-serialised bytes are refused: \(error)"))
        }
        for invariant in invariants {
            if let complaint = invariant(value) {
                return .finding(FuzzFinding(target: Codec.name, oracle: .invariant, input: input, detail: complaint))
            }
        }
        return .accepted
    }
}

extension FuzzTarget {
    /// The codec's structure-aware mutator as a byte-to-byte function. It gives nil for input the codec
    /// refuses and for codecs without a mutator (`WireCodec.mutate` returns false).
    public static func structureMutator<Codec: WireCodec>(
        _ codec: Codec.Type, repair: (@Sendable ([UInt8]) -> [UInt8])?
    ) -> @Sendable ([UInt8], inout SeededGenerator) -> [UInt8]? {
        { input, generator in
            guard var value = try? Codec.parse(input), Codec.mutate(&value, using: &generator) else { return nil }
            let output = Codec.serialize(value)
            return repair?(output) ?? output
        }
    }
}
