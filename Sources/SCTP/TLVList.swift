/// The parameters of a chunk (or the causes of an ERROR/ABORT), in wire order.
///
/// Each entry is padded to a multiple of 4 bytes. RFC 9260 §3.2 lets a sender count the last entry's
/// padding in the chunk length or not ("a robust implementation is expected to accept the chunk whether
/// or not the final padding has been included"); the choice is kept so the bytes round-trip.
public struct TLVList<Element: Hashable & Sendable>: Hashable, Sendable {
    public var elements: [Element]
    /// Whether the chunk length includes the last entry's padding. Parsing sets it only when that entry
    /// actually needs padding.
    public var finalPaddingCounted: Bool

    public init(_ elements: [Element] = [], finalPaddingCounted: Bool = false) {
        self.elements = elements
        self.finalPaddingCounted = finalPaddingCounted
    }
}

extension TLVList: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: Element...) { self.init(elements) }
}

/// INIT and INIT ACK (RFC 9260 §3.3.2, §3.3.3): the same fixed fields, then parameters.
public struct InitChunk: Hashable, Sendable {
    public var initiateTag: UInt32
    public var advertisedReceiverWindowCredit: UInt32
    public var outboundStreams: UInt16
    public var inboundStreams: UInt16
    public var initialTSN: UInt32
    /// Optional/variable-length parameters; an INIT ACK must carry a State Cookie.
    public var parameters: TLVList<SCTPParameter>
    /// Reserved Chunk Flags as received.
    public var flags: UInt8

    public init(
        initiateTag: UInt32, advertisedReceiverWindowCredit: UInt32, outboundStreams: UInt16,
        inboundStreams: UInt16, initialTSN: UInt32, parameters: TLVList<SCTPParameter> = [], flags: UInt8 = 0
    ) {
        self.initiateTag = initiateTag
        self.advertisedReceiverWindowCredit = advertisedReceiverWindowCredit
        self.outboundStreams = outboundStreams
        self.inboundStreams = inboundStreams
        self.initialTSN = initialTSN
        self.parameters = parameters
        self.flags = flags
    }
}

/// HEARTBEAT and HEARTBEAT ACK (RFC 9260 §3.3.5, §3.3.6): a Heartbeat Info parameter, echoed back.
public struct HeartbeatChunk: Hashable, Sendable {
    public var parameters: TLVList<SCTPParameter>
    public var flags: UInt8
    public init(parameters: TLVList<SCTPParameter>, flags: UInt8 = 0) {
        self.parameters = parameters
        self.flags = flags
    }
}

/// RE-CONFIG (RFC 6525 §3.1): one or two re-configuration parameters.
public struct ReconfigChunk: Hashable, Sendable {
    public var parameters: TLVList<SCTPParameter>
    public var flags: UInt8
    public init(parameters: TLVList<SCTPParameter>, flags: UInt8 = 0) {
        self.parameters = parameters
        self.flags = flags
    }
}

/// ABORT (RFC 9260 §3.3.7): the T bit and zero or more error causes.
public struct AbortChunk: Hashable, Sendable {
    /// T: the sender had no TCB and reflected the peer's Verification Tag.
    public var reflectedTag: Bool
    /// The other seven flag bits, reserved, as received.
    public var reservedFlags: UInt8
    public var causes: TLVList<SCTPErrorCause>

    public init(reflectedTag: Bool = false, reservedFlags: UInt8 = 0, causes: TLVList<SCTPErrorCause> = []) {
        self.reflectedTag = reflectedTag
        self.reservedFlags = reservedFlags & 0xFE
        self.causes = causes
    }
}

/// ERROR (RFC 9260 §3.3.10): one or more error causes.
public struct ErrorChunk: Hashable, Sendable {
    public var causes: TLVList<SCTPErrorCause>
    public var flags: UInt8
    public init(causes: TLVList<SCTPErrorCause>, flags: UInt8 = 0) {
        self.causes = causes
        self.flags = flags
    }
}
