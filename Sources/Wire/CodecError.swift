/// A rule of a wire protocol that input can break, named so a person can look it up.
///
/// Every codec declares its rules as an enum conforming to this protocol (for example `STUNRule`), one
/// case per rule, each citing the RFC section it comes from. Errors, replay findings and fuzz reports all
/// speak in these rules, so the same rule has the same name everywhere.
public protocol ProtocolRule: Hashable, Sendable, CustomStringConvertible {
    /// A stable dotted identifier, such as `STUN.magic-cookie`.
    var id: String { get }
    /// Where the rule is written down, such as `RFC 8489 §5`.
    var reference: String { get }
    /// The rule for input that ends before a field it must contain.
    static var truncated: Self { get }
}

extension ProtocolRule {
    public var description: String { "\(id) (\(reference))" }
}

/// The error shape every codec throws: which rule the input broke, and where.
///
/// `offset` is the byte offset from the start of the outermost message for binary protocols, and the
/// 1-based line number for line-oriented ones (SDP); `location` says which.
public struct CodecError<Rule: ProtocolRule>: Error, Hashable, Sendable, CustomStringConvertible {
    /// How `offset` is to be read.
    public enum Location: Hashable, Sendable {
        case byte
        case line
    }

    public let rule: Rule
    public let offset: Int
    public let location: Location
    /// What exactly was wrong, for a person: the value seen, the value expected.
    public let detail: String

    public init(_ rule: Rule, at offset: Int, _ detail: String, location: Location = .byte) {
        self.rule = rule
        self.offset = offset
        self.location = location
        self.detail = detail
    }

    /// The error for a read that ran past the end of the input.
    public init(_ truncation: TruncatedInput) {
        self.init(
            .truncated, at: truncation.offset,
            "needed \(truncation.needed) byte(s), \(truncation.available) left")
    }

    public var description: String {
        let place = location == .byte ? "offset \(offset)" : "line \(offset)"
        return "\(place): \(rule.id) (\(rule.reference)): \(detail)"
    }
}

/// A read past the end of the input: the only error `ByteReader` raises.
///
/// Codecs convert it into their own `CodecError` with `CodecError.init(_:)`, or map it to a more precise
/// rule when they know which field was cut.
public struct TruncatedInput: Error, Hashable, Sendable {
    /// Offset of the read that failed, from the start of the outermost input.
    public let offset: Int
    public let needed: Int
    public let available: Int

    public init(offset: Int, needed: Int, available: Int) {
        self.offset = offset
        self.needed = needed
        self.available = available
    }
}
