/// The contract every isolated codec meets (DESIGN §1.3), so harnesses can be written once.
///
/// The fuzz targets, the tour, `crucible decode` and the replay checker are generic over this protocol;
/// a new protocol gets all of them by conforming one small enum.
public protocol WireCodec: SendableMetatype {
    /// The decoded model: a value type that compares by content.
    associatedtype Value: Hashable & Sendable
    /// The rules this protocol's parser enforces.
    associatedtype Rule: ProtocolRule

    /// The protocol's short name, as the command line and `Corpus/<name>/` use it.
    static var name: String { get }

    /// Decodes one message, or says which rule the input broke and where.
    static func parse(_ bytes: [UInt8]) throws(CodecError<Rule>) -> Value

    /// Encodes a value. For bytes `parse` accepted, gives back `canonicalize(bytes)` exactly.
    static func serialize(_ value: Value) -> [UInt8]

    /// The canonical form of accepted input that `serialize` reproduces. The identity for binary
    /// protocols; text protocols document their rule (SDP: CRLF line ends).
    static func canonicalize(_ bytes: [UInt8]) -> [UInt8]

    /// Whether `value`, which `parse` accepted from `bytes`, serialises back to `canonicalize(bytes)`
    /// exactly: the round-trip check (DESIGN §1.3) of harnesses that hold both, such as the replay.
    /// The default serialises and compares. A codec may answer with less work when part of its
    /// encoding is a function of the rest that `parse` already verified (SCTP's checksum).
    static func roundTrips(parsed value: Value, from bytes: [UInt8]) -> Bool

    /// The value as a tree of named fields, for text and JSON output.
    static func describe(_ value: Value) -> Structure

    /// The structure-aware mutator of the fuzzers (DESIGN §4): changes one thing in `value` (a field's
    /// value, a length or count, the order of elements, a duplicated or removed element, a type swapped
    /// for another) and returns `true`; `false` when the codec has no such mutator.
    ///
    /// The result need not be valid: it only has to serialise without trapping. `serialize` recomputes
    /// lengths and padding from the model, and the fuzz target's repair hook recomputes checksums, so
    /// the mutant gets past the first gate and exercises what lies behind it.
    static func mutate(_ value: inout Value, using generator: inout SeededGenerator) -> Bool

    /// Byte strings that matter to this protocol (type codes, magic values, keywords), for the
    /// fuzzers' dictionaries: libFuzzer's `-dict` file and the built-in engine's token insertions.
    static var dictionary: [[UInt8]] { get }
}

extension WireCodec {
    public static func canonicalize(_ bytes: [UInt8]) -> [UInt8] { bytes }
    public static func roundTrips(parsed value: Value, from bytes: [UInt8]) -> Bool {
        serialize(value).sameBytes(as: canonicalize(bytes))
    }
    public static func mutate(_ value: inout Value, using generator: inout SeededGenerator) -> Bool { false }
    public static var dictionary: [[UInt8]] { [] }
}
