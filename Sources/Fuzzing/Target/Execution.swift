public import Wire

/// One run of a target: its outcome and the features it reached.
///
/// The built-in engine has no coverage instrumentation (it runs from a plain build), so its feedback is
/// the outcome itself: the rule that refused an input, or, for an accepted input, the local shape of
/// each part of the model it decoded to (a STUN attribute of a given type, an SCTP chunk, an SDP
/// attribute). An input that reaches a feature no corpus entry reached joins the corpus, as an input
/// that reaches a new edge does under libFuzzer. libFuzzer's edge coverage is the finer signal.
public struct Execution: Hashable, Sendable {
    public var outcome: FuzzOutcome
    /// Hashes naming the rule, the shapes or the finding reached; equal hashes are the same feature.
    public var features: [UInt64]
    /// What a machine target did, as a hash (nil for codecs): two runs of one input must give the same,
    /// which `crucible fuzz reproduce` shows (issue 17: a finding reproduces from its input alone).
    public var trace: MachineTrace?

    public init(outcome: FuzzOutcome, features: [UInt64], trace: MachineTrace? = nil) {
        self.outcome = outcome
        self.features = features
        self.trace = trace
    }

    public init(outcome: FuzzOutcome, feature: UInt64) {
        self.init(outcome: outcome, features: [feature])
    }

    /// The feature of an outcome with no model to look at.
    public static func feature(of outcome: FuzzOutcome) -> UInt64 {
        switch outcome {
        case .accepted: StableHash.of("accepted")
        case .rejected(let rule): StableHash.of("rejected " + rule)
        case .finding(let finding): StableHash.of("finding " + finding.oracle.rawValue + " " + finding.detail)
        }
    }

    /// A refusal's feature: its rule, and whether it struck in the first 16 bytes (the header) or
    /// beyond, so that getting past the header counts as progress.
    public static func feature<Rule>(of error: CodecError<Rule>) -> UInt64 {
        StableHash.of("rejected " + error.rule.id + (error.offset < 16 ? " header" : " body"))
    }
}

/// FNV-1a over bytes: stable across runs and processes (Swift's `Hasher` is seeded per process), so a
/// feature recorded by one worker means the same in another.
public enum StableHash {
    public static let offset: UInt64 = 0xCBF2_9CE4_8422_2325
    static let prime: UInt64 = 0x0100_0000_01B3

    public static func of(_ text: String) -> UInt64 { combine(offset, text.utf8) }

    public static func combine<Bytes: Sequence>(_ hash: UInt64, _ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var hash = hash
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* prime }
        return hash
    }

    public static func combine(_ hash: UInt64, _ value: UInt64) -> UInt64 {
        var hash = hash
        for shift in stride(from: 0, to: 64, by: 8) { hash = (hash ^ ((value >> UInt64(shift)) & 0xFF)) &* prime }
        return hash
    }
}

extension Structure {
    /// The shapes of a decoded model, for the built-in engine's feedback: one feature per record, made
    /// of its path of field names from the root, its own field names, the kind of each value, list
    /// lengths up to 4, and the texts that say what something is — a STUN attribute's `name`, an SCTP
    /// chunk's `type`, an RTCP packet's `kind`, a DCEP `channel type`. Other texts (usernames, labels,
    /// addresses), numbers and bytes count by kind only, so values alone never make a new feature and
    /// the feature space stays bounded by the kinds of things a protocol has.
    public var shapeFeatures: [UInt64] {
        var features: [UInt64] = []
        collect(into: &features, path: StableHash.offset)
        return features
    }

    /// Field names whose text names a type, by the convention the codecs' `describe` follows.
    static let namingFields: Set<String> = ["name", "type", "kind", "class", "method", "mode", "form"]

    /// A name out of a vocabulary (`SOFTWARE`, `Binding`, `error response`), not a number written as
    /// text (`method 0x3af`): letters, spaces and hyphens, at most 32 bytes.
    static func isName(_ text: String) -> Bool {
        text.utf8.count <= 32 && text.utf8.allSatisfy { byte in
            (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: " ")
        }
    }

    static func namesSomething(_ field: String) -> Bool {
        namingFields.contains(field) || field.hasSuffix(" type") || field.hasSuffix("_type") || field.hasSuffix("-type")
    }

    /// What a value contributes to the shape of the record that holds it.
    private func local(_ hash: UInt64, field: String) -> UInt64 {
        switch self {
        case .text(let text):
            Self.namesSomething(field) && Self.isName(text)
                ? StableHash.combine(StableHash.combine(hash, 1), text.utf8) : StableHash.combine(hash, 2)
        case .number: StableHash.combine(hash, 3)
        case .unsigned: StableHash.combine(hash, 4)
        case .flag(let value): StableHash.combine(hash, value ? 5 : 6)
        case .bytes: StableHash.combine(hash, 7)
        case .list(let items): StableHash.combine(hash, 8 + UInt64(min(items.count, 4)))
        case .record: StableHash.combine(hash, 16)
        }
    }

    private func collect(into features: inout [UInt64], path: UInt64) {
        switch self {
        case .record(let fields):
            var shape = StableHash.combine(path, 17)
            for member in fields { shape = member.value.local(StableHash.combine(shape, member.name.utf8), field: member.name) }
            features.append(shape)
            for member in fields {
                switch member.value {
                case .record, .list: member.value.collect(into: &features, path: StableHash.combine(path, member.name.utf8))
                default: break
                }
            }
        case .list(let items):
            let element = StableHash.combine(path, 18)
            for item in items { item.collect(into: &features, path: element) }
        default:
            features.append(local(path, field: ""))
        }
    }
}
