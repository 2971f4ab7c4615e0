public import Wire

/// The rules of SCTP packets and chunks that input can break.
///
/// Rules whose breach stops parsing are thrown as `SCTPError`; rules that a parsed packet can break while
/// still being well-formed bytes (bundling, tags, unrecognized types) are reported by
/// `SCTPPacket.findings`, so the association machine decides what to do and the bytes still round-trip.
public enum SCTPRule: String, ProtocolRule, CaseIterable {
    /// The input ends before a field it must contain.
    case truncated
    /// The CRC-32c in the common header does not match the packet (RFC 9260 §6.8), or is zero when the
    /// zero checksum of RFC 9653 was not agreed.
    case checksum
    /// A packet must carry at least one chunk after its common header (RFC 9260 §3).
    case noChunks = "no-chunks"
    /// A chunk's Length is below 4 or runs past the end of the packet (RFC 9260 §3.2).
    case chunkLength = "chunk-length"
    /// A chunk's Length does not fit the layout of its type (fixed size, minimum, or list of entries).
    case chunkValueLength = "chunk-value-length"
    /// Padding after a chunk, parameter or cause is longer than 3 bytes or not all zero (RFC 9260 §3.2).
    case padding
    /// A parameter's Length is below 4 or runs past the end of its chunk (RFC 9260 §3.2.1).
    case parameterLength = "parameter-length"
    /// A parameter's Length does not fit the layout of its type.
    case parameterValueLength = "parameter-value-length"
    /// An error cause's Length is below 4 or runs past the end of its chunk (RFC 9260 §3.3.10).
    case causeLength = "cause-length"
    /// An error cause's Length does not fit the layout of its code.
    case causeValueLength = "cause-value-length"

    // Findings: reported on parsed packets, never thrown by the parser.

    /// INIT, INIT ACK and SHUTDOWN COMPLETE must be the only chunk in their packet (RFC 9260 §6.10).
    case bundling
    /// A packet carrying INIT has Verification Tag 0 (RFC 9260 §8.5.1 A).
    case initVerificationTag = "init-verification-tag"
    /// INIT and INIT ACK carry a non-zero Initiate Tag and non-zero stream counts (RFC 9260 §3.3.2, §3.3.3).
    case initFields = "init-fields"
    /// A chunk lacks a parameter it must carry: INIT ACK its State Cookie (RFC 9260 §3.3.3), HEARTBEAT
    /// and HEARTBEAT ACK their Heartbeat Info (§3.3.5, §3.3.6), RE-CONFIG one or two re-configuration
    /// parameters (RFC 6525 §3.1).
    case mandatoryParameter = "mandatory-parameter"
    /// A DATA or I-DATA chunk carries at least one byte of user data (RFC 9260 §3.3.1, RFC 8260 §2.1).
    case noUserData = "no-user-data"
    /// A chunk type this codec does not know; its two high bits say what the receiver does (RFC 9260 §3.2).
    case unrecognizedChunk = "unrecognized-chunk"
    /// A parameter type this codec does not know; its two high bits say what the receiver does (RFC 9260 §3.2.1).
    case unrecognizedParameter = "unrecognized-parameter"

    public var id: String { "SCTP.\(rawValue)" }

    public var reference: String {
        switch self {
        case .truncated, .noChunks: "RFC 9260 §3"
        case .checksum: "RFC 9260 §6.8, RFC 9653 §5"
        case .chunkLength, .padding: "RFC 9260 §3.2"
        case .chunkValueLength: "RFC 9260 §3.3, RFC 3758 §3.2, RFC 6525 §3.1, RFC 8260 §2, RFC 4820 §3"
        case .parameterLength: "RFC 9260 §3.2.1"
        case .parameterValueLength: "RFC 9260 §3.3.2.1, RFC 6525 §4, RFC 5061 §4.2.7, RFC 9653 §4, RFC 4820 §4"
        case .causeLength, .causeValueLength: "RFC 9260 §3.3.10"
        case .bundling: "RFC 9260 §6.10"
        case .initVerificationTag: "RFC 9260 §8.5.1"
        case .initFields: "RFC 9260 §3.3.2"
        case .mandatoryParameter: "RFC 9260 §3.3.3, §3.3.5, RFC 6525 §3.1"
        case .noUserData: "RFC 9260 §3.3.1"
        case .unrecognizedChunk: "RFC 9260 §3.2"
        case .unrecognizedParameter: "RFC 9260 §3.2.1"
        }
    }
}

/// A parse failure of an SCTP packet: the rule broken and the byte offset in the packet.
public typealias SCTPError = CodecError<SCTPRule>
