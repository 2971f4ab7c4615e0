/// An SCTP packet: the common header and one or more chunks (RFC 9260 §3).
///
/// The checksum is not stored: `serialize` computes the CRC-32c (or writes zero, see `checksum`).
public struct SCTPPacket: Hashable, Sendable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    /// The receiver's tag for this association; 0 on a packet carrying INIT (RFC 9260 §8.5.1).
    public var verificationTag: UInt32
    /// How the checksum field is filled in.
    public var checksum: ChecksumField
    /// The chunks in wire order (bundling, RFC 9260 §6.10).
    public var chunks: [SCTPChunk]
    /// Whether the last chunk carries its padding to a multiple of 4 bytes. Senders pad every chunk
    /// (RFC 9260 §3.2); some stacks omit the final padding and receivers accept both, so it is kept for
    /// the byte-exact round trip. Meaningless when the last chunk's length is already a multiple of 4.
    public var lastChunkPadded: Bool

    public init(
        sourcePort: UInt16, destinationPort: UInt16, verificationTag: UInt32,
        checksum: ChecksumField = .crc32c, chunks: [SCTPChunk], lastChunkPadded: Bool = true
    ) {
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.verificationTag = verificationTag
        self.checksum = checksum
        self.chunks = chunks
        self.lastChunkPadded = lastChunkPadded
    }

    /// What the common header's checksum field holds.
    public enum ChecksumField: Hashable, Sendable {
        /// The CRC-32c of the packet (RFC 9260 §6.8, Appendix A).
        case crc32c
        /// Zero, allowed only when both ends agreed on an alternate error detection method (RFC 9653 §5),
        /// such as DTLS for WebRTC data channels.
        case zero
    }

    /// Which checksums the parser accepts.
    public enum ChecksumPolicy: Hashable, Sendable {
        /// Only a correct CRC-32c (the default: RFC 9260 §6.8).
        case required
        /// A correct CRC-32c or zero, once the Zero Checksum Acceptable parameter was exchanged (RFC 9653 §5).
        case zeroAllowed
        #if CRUCIBLE_FUZZING_UNSAFE
        /// Any checksum: an association whose integrity checks are bypassed in a fuzzing build
        /// (`IntegrityChecks.bypassedForFuzzing`), so that fuzzed packets reach it without a CRC.
        case unverified
        #endif
    }
}

/// The four-byte chunk type of RFC 9260 §3.2 and the extensions that register more.
public enum SCTPChunkType {
    public static let data: UInt8 = 0
    public static let initiation: UInt8 = 1
    public static let initiationAck: UInt8 = 2
    public static let selectiveAck: UInt8 = 3
    public static let heartbeat: UInt8 = 4
    public static let heartbeatAck: UInt8 = 5
    public static let abort: UInt8 = 6
    public static let shutdown: UInt8 = 7
    public static let shutdownAck: UInt8 = 8
    public static let error: UInt8 = 9
    public static let cookieEcho: UInt8 = 10
    public static let cookieAck: UInt8 = 11
    public static let shutdownComplete: UInt8 = 14
    /// RFC 8260 §2.1.
    public static let iData: UInt8 = 64
    /// RFC 6525 §3.1.
    public static let reconfig: UInt8 = 130
    /// RFC 4820 §3.
    public static let pad: UInt8 = 132
    /// RFC 3758 §3.2.
    public static let forwardTSN: UInt8 = 192
    /// RFC 8260 §2.3.1.
    public static let iForwardTSN: UInt8 = 194
}

/// What a receiver does with a chunk or parameter type it does not recognize: the type's two high bits
/// (RFC 9260 §3.2 for chunks, §3.2.1 for parameters).
public enum UnrecognizedTypeAction: UInt8, Hashable, Sendable, CaseIterable {
    /// 00: stop processing the packet (chunks) or the chunk (parameters) and discard it.
    case stopAndDiscard = 0
    /// 01: as 00, and report it (ERROR or INIT ACK "Unrecognized Parameter").
    case stopDiscardAndReport = 1
    /// 10: skip it and continue.
    case skip = 2
    /// 11: skip it, continue, and report it.
    case skipAndReport = 3

    /// The action a chunk type (8 bits) asks for.
    public init(chunkType: UInt8) { self = UnrecognizedTypeAction(rawValue: chunkType >> 6) ?? .stopAndDiscard }
    /// The action a parameter type (16 bits) asks for.
    public init(parameterType: UInt16) {
        self = UnrecognizedTypeAction(rawValue: UInt8(truncatingIfNeeded: parameterType >> 14)) ?? .stopAndDiscard
    }

    public var name: String {
        switch self {
        case .stopAndDiscard: "stop and discard"
        case .stopDiscardAndReport: "stop, discard and report"
        case .skip: "skip"
        case .skipAndReport: "skip and report"
        }
    }
}
