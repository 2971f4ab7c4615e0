/// The flags DATA and I-DATA share (RFC 9260 §3.3.1, RFC 7053 §3, RFC 8260 §2.1).
public struct DataChunkFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// E: the last fragment of a user message.
    public static let ending = DataChunkFlags(rawValue: 0x01)
    /// B: the first fragment of a user message.
    public static let beginning = DataChunkFlags(rawValue: 0x02)
    /// U: an unordered message, delivered without regard to its sequence number.
    public static let unordered = DataChunkFlags(rawValue: 0x04)
    /// I: the receiver should acknowledge immediately (RFC 7053).
    public static let immediate = DataChunkFlags(rawValue: 0x08)
    /// B and E: a whole message in one chunk.
    public static let complete: DataChunkFlags = [.beginning, .ending]
}

/// DATA (RFC 9260 §3.3.1): one fragment of a user message.
public struct DataChunk: Hashable, Sendable {
    /// All eight flag bits; the high four are reserved and kept as received.
    public var flags: DataChunkFlags
    public var tsn: UInt32
    public var streamIdentifier: UInt16
    public var streamSequenceNumber: UInt16
    public var payloadProtocol: PayloadProtocolIdentifier
    /// The user data, a slice of the parsed packet (no copy).
    public var userData: ArraySlice<UInt8>

    public init(
        flags: DataChunkFlags = .complete, tsn: UInt32, streamIdentifier: UInt16, streamSequenceNumber: UInt16,
        payloadProtocol: PayloadProtocolIdentifier, userData: ArraySlice<UInt8>
    ) {
        self.flags = flags
        self.tsn = tsn
        self.streamIdentifier = streamIdentifier
        self.streamSequenceNumber = streamSequenceNumber
        self.payloadProtocol = payloadProtocol
        self.userData = userData
    }
}

/// I-DATA (RFC 8260 §2.1): DATA with a 32-bit message identifier, so messages can interleave.
public struct IDataChunk: Hashable, Sendable {
    public var flags: DataChunkFlags
    public var tsn: UInt32
    public var streamIdentifier: UInt16
    /// Reserved, sent as 0; kept as received.
    public var reserved: UInt16
    public var messageIdentifier: UInt32
    /// The Payload Protocol Identifier when the B bit is set, the Fragment Sequence Number otherwise:
    /// the same four bytes (RFC 8260 §2.1). Read it through `payloadProtocol` / `fragmentSequenceNumber`.
    public var payloadProtocolOrFragmentSequence: UInt32
    /// The user data, a slice of the parsed packet (no copy).
    public var userData: ArraySlice<UInt8>

    public init(
        flags: DataChunkFlags = .complete, tsn: UInt32, streamIdentifier: UInt16, reserved: UInt16 = 0,
        messageIdentifier: UInt32, payloadProtocolOrFragmentSequence: UInt32, userData: ArraySlice<UInt8>
    ) {
        self.flags = flags
        self.tsn = tsn
        self.streamIdentifier = streamIdentifier
        self.reserved = reserved
        self.messageIdentifier = messageIdentifier
        self.payloadProtocolOrFragmentSequence = payloadProtocolOrFragmentSequence
        self.userData = userData
    }

    /// The PPID, present on the first fragment only.
    public var payloadProtocol: PayloadProtocolIdentifier? {
        flags.contains(.beginning) ? PayloadProtocolIdentifier(rawValue: payloadProtocolOrFragmentSequence) : nil
    }

    /// The FSN, present on every fragment but the first (whose FSN is 0 by definition).
    public var fragmentSequenceNumber: UInt32 {
        flags.contains(.beginning) ? 0 : payloadProtocolOrFragmentSequence
    }
}

/// One Gap Ack Block of a SACK: TSNs `cumulativeTSNAck + start ... cumulativeTSNAck + end` arrived
/// (RFC 9260 §3.3.4).
public struct GapAckBlock: Hashable, Sendable {
    public var start: UInt16
    public var end: UInt16
    public init(start: UInt16, end: UInt16) {
        self.start = start
        self.end = end
    }
}

/// SACK (RFC 9260 §3.3.4).
public struct SelectiveAckChunk: Hashable, Sendable {
    public var cumulativeTSNAck: UInt32
    public var advertisedReceiverWindowCredit: UInt32
    public var gapAckBlocks: [GapAckBlock]
    public var duplicateTSNs: [UInt32]
    public var flags: UInt8

    public init(
        cumulativeTSNAck: UInt32, advertisedReceiverWindowCredit: UInt32, gapAckBlocks: [GapAckBlock] = [],
        duplicateTSNs: [UInt32] = [], flags: UInt8 = 0
    ) {
        self.cumulativeTSNAck = cumulativeTSNAck
        self.advertisedReceiverWindowCredit = advertisedReceiverWindowCredit
        self.gapAckBlocks = gapAckBlocks
        self.duplicateTSNs = duplicateTSNs
        self.flags = flags
    }
}

/// FORWARD TSN (RFC 3758 §3.2): the receiver moves its cumulative TSN and skips these stream sequence numbers.
public struct ForwardTSNChunk: Hashable, Sendable {
    /// One skipped ordered message.
    public struct Stream: Hashable, Sendable {
        public var identifier: UInt16
        public var sequenceNumber: UInt16
        public init(identifier: UInt16, sequenceNumber: UInt16) {
            self.identifier = identifier
            self.sequenceNumber = sequenceNumber
        }
    }

    public var newCumulativeTSN: UInt32
    public var streams: [Stream]
    public var flags: UInt8

    public init(newCumulativeTSN: UInt32, streams: [Stream] = [], flags: UInt8 = 0) {
        self.newCumulativeTSN = newCumulativeTSN
        self.streams = streams
        self.flags = flags
    }
}

/// I-FORWARD-TSN (RFC 8260 §2.3.1): FORWARD TSN with message identifiers.
public struct IForwardTSNChunk: Hashable, Sendable {
    /// One skipped message.
    public struct Stream: Hashable, Sendable {
        public var identifier: UInt16
        /// The 16 bits after the stream identifier: 15 reserved bits (kept as received) and the U flag (bit 0).
        public var reservedAndUnordered: UInt16
        public var messageIdentifier: UInt32

        public init(identifier: UInt16, unordered: Bool, messageIdentifier: UInt32) {
            self.identifier = identifier
            self.reservedAndUnordered = unordered ? 1 : 0
            self.messageIdentifier = messageIdentifier
        }

        public init(identifier: UInt16, reservedAndUnordered: UInt16, messageIdentifier: UInt32) {
            self.identifier = identifier
            self.reservedAndUnordered = reservedAndUnordered
            self.messageIdentifier = messageIdentifier
        }

        /// U: the message was sent unordered.
        public var unordered: Bool { reservedAndUnordered & 1 != 0 }
    }

    public var newCumulativeTSN: UInt32
    public var streams: [Stream]
    public var flags: UInt8

    public init(newCumulativeTSN: UInt32, streams: [Stream] = [], flags: UInt8 = 0) {
        self.newCumulativeTSN = newCumulativeTSN
        self.streams = streams
        self.flags = flags
    }
}
