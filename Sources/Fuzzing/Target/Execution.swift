public import Wire

/// One run of a target: its outcome and the feature it reached.
///
/// The built-in engine has no coverage instrumentation (it runs from a plain build), so its feedback is
/// the outcome itself: the rule that refused an input, or the shape of the model an accepted input
/// decoded to. An input that reaches a feature no corpus entry reached joins the corpus. This steers
/// mutation towards new rules and new message shapes; libFuzzer's edge coverage is the finer signal.
public struct Execution: Hashable, Sendable {
    public var outcome: FuzzOutcome
    /// A hash naming the rule, shape or finding reached; equal hashes are the same feature.
    public var feature: UInt64

    public init(outcome: FuzzOutcome, feature: UInt64) {
        self.outcome = outcome
        self.feature = feature
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
    /// The shape of a decoded model, for the built-in engine's feedback: field names, the kind of each
    /// value, list lengths up to 4, and names (type names such as `XOR-MAPPED-ADDRESS` are texts);
    /// numbers, bytes and texts that carry values (`0xf3753f70`, addresses) contribute their kind only,
    /// so two messages that differ in values alone have the same shape.
    public var shapeHash: UInt64 { shape(into: StableHash.offset) }

    /// A text that names something (`SOFTWARE`, `Binding`, `actpass`) rather than carrying a value
    /// (`STUN test client`, `0x8022`, an address): a short run of letters and hyphens.
    static func isName(_ text: String) -> Bool {
        text.utf8.count <= 24 && text.utf8.allSatisfy { byte in
            (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") || byte == UInt8(ascii: "-")
        }
    }

    private func shape(into hash: UInt64) -> UInt64 {
        switch self {
        case .text(let text):
            Self.isName(text) ? StableHash.combine(StableHash.combine(hash, 1), text.utf8) : StableHash.combine(hash, 2)
        case .number: StableHash.combine(hash, 3)
        case .unsigned: StableHash.combine(hash, 4)
        case .flag(let value): StableHash.combine(hash, value ? 5 : 6)
        case .bytes: StableHash.combine(hash, 7)
        case .list(let items):
            items.prefix(4).reduce(StableHash.combine(hash, 8 + UInt64(min(items.count, 4)))) { $1.shape(into: $0) }
        case .record(let fields):
            fields.reduce(StableHash.combine(hash, 16)) { partial, field in
                field.value.shape(into: StableHash.combine(partial, field.name.utf8))
            }
        }
    }
}
