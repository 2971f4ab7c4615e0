public import Fuzzing
public import Wire

/// Options that change how a message is inspected (not how it is parsed).
public struct InspectionOptions: Sendable {
    /// A STUN short-term password (ICE pwd) or long-term password, to verify integrity with.
    public var password: String?

    public init(password: String? = nil) { self.password = password }
}

/// What `crucible decode` learned about one message.
public struct Inspection: Sendable {
    public let structure: Structure
    /// Whether serialising the parsed value gives back the (canonical) input exactly.
    public let roundTrip: Bool
    /// Checks beyond parsing (integrity, fingerprint …), each a named verdict.
    public let checks: [Check]

    public struct Check: Sendable {
        public let name: String
        public let passed: Bool
        public let detail: String
        public init(name: String, passed: Bool, detail: String) {
            self.name = name
            self.passed = passed
            self.detail = detail
        }
    }

    public var isClean: Bool { roundTrip && checks.allSatisfy(\.passed) }
}

/// A protocol as the command line and the tour see it: a name, a fuzz target, and a way to inspect bytes.
///
/// Built from a `WireCodec` by `ProtocolEntry.codec`, so every protocol gets `decode`, the tour and
/// fuzzing the same way; a protocol adds only what is its own (STUN's integrity check).
public struct ProtocolEntry: Sendable {
    public let name: String
    public let target: FuzzTarget
    private let inspector: @Sendable ([UInt8], InspectionOptions) -> Result<Inspection, DecodeFailure>

    /// A parse error, already rendered with its offset or line, rule and RFC reference.
    public struct DecodeFailure: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public func inspect(_ bytes: [UInt8], options: InspectionOptions = InspectionOptions()) -> Result<Inspection, DecodeFailure> {
        inspector(bytes, options)
    }

    public static func codec<Codec: WireCodec>(
        _ codec: Codec.Type,
        invariants: [@Sendable (Codec.Value) -> String?] = [],
        repair: (@Sendable ([UInt8]) -> [UInt8])? = nil,
        checks: @escaping @Sendable (Codec.Value, [UInt8], InspectionOptions) -> [Inspection.Check] = { _, _, _ in [] }
    ) -> ProtocolEntry {
        ProtocolEntry(name: Codec.name, target: .codec(codec, invariants: invariants, repair: repair)) { bytes, options in
            do throws(CodecError<Codec.Rule>) {
                let value = try Codec.parse(bytes)
                return .success(Inspection(
                    structure: Codec.describe(value),
                    roundTrip: Codec.serialize(value) == Codec.canonicalize(bytes),
                    checks: checks(value, bytes, options)))
            } catch {
                return .failure(DecodeFailure(description: error.description))
            }
        }
    }
}
