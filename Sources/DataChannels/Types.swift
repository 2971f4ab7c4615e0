public import SCTP

/// A local key for a channel, stable for its life; assigned by ``DataChannelMachine``, never reused.
public struct DataChannelHandle: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: Int

    public init(rawValue: Int) { self.rawValue = rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "channel#\(rawValue)" }
}

/// Which stream ids this side may pick for channels it opens in-band (RFC 8832 §6, RFC 8831 §6.5):
/// the DTLS client uses even ids, the DTLS server odd ones, so both sides can open at once without a clash.
public enum DataChannelStreamParity: Hashable, Sendable {
    /// The DTLS client's ids.
    case even
    /// The DTLS server's ids.
    case odd

    /// Whether `stream` is one of this side's ids.
    public func owns(_ stream: UInt16) -> Bool { (stream % 2 == 0) == (self == .even) }
}

/// What W3C `RTCDataChannelInit` carries: delivery order, partial reliability, sub-protocol, and the
/// out-of-band negotiation of RFC 8831 §6.5.
public struct DataChannelOptions: Hashable, Sendable {
    public var ordered = true
    /// Retransmissions before a message is abandoned (0...65535); exclusive with `maxPacketLifeTime`.
    public var maxRetransmits: Int?
    /// Time after which an unacknowledged message is abandoned; millisecond resolution on the wire (UInt32).
    public var maxPacketLifeTime: Duration?
    public var `protocol` = ""
    /// True when the application agreed the channel out of band: no DCEP, both sides create it with the same `id`.
    public var negotiated = false
    /// The SCTP stream id; required when negotiated, optional otherwise (then it must match our parity).
    public var id: UInt16?
    /// RFC 8832 §5.1 priority: 128 below normal, 256 normal, 512 high, 1024 extra high.
    public var priority: UInt16 = 256

    public init() {}

    /// Options built in place: `DataChannelOptions.with { $0.ordered = false }`.
    public static func with(_ edit: (inout DataChannelOptions) -> Void) -> DataChannelOptions {
        var options = DataChannelOptions()
        edit(&options)
        return options
    }
}

/// One user message: W3C distinguishes strings and binary data, and so do the PPIDs (RFC 8831 §8).
public enum DataChannelMessage: Hashable, Sendable {
    case text(String)
    case binary([UInt8])

    /// The bytes the message counts for (W3C bufferedAmount, message size limits): UTF-8 for text.
    public var byteCount: Int {
        switch self {
        case .text(let text): text.utf8.count
        case .binary(let bytes): bytes.count
        }
    }
}

/// W3C `RTCDataChannelState`.
public enum DataChannelState: Hashable, Sendable {
    case connecting, open, closing, closed
}

/// What the application sees of a channel.
public struct DataChannelInfo: Hashable, Sendable {
    public var handle: DataChannelHandle
    public var label: String
    /// As negotiated; for channels the peer opened, what its DATA_CHANNEL_OPEN said.
    public var options: DataChannelOptions
    /// The SCTP stream id; nil until assigned (at `.start` for in-band channels created before it).
    public var stream: UInt16?
    public var state: DataChannelState

    public init(handle: DataChannelHandle, label: String, options: DataChannelOptions, stream: UInt16?, state: DataChannelState) {
        self.handle = handle
        self.label = label
        self.options = options
        self.stream = stream
        self.state = state
    }
}

/// Why a channel request failed: thrown by ``DataChannelMachine/createChannel(label:options:at:)`` and
/// ``DataChannelMachine/send(_:on:at:)``, or reported as ``DataChannelOutput/error(_:_:)``.
public enum DataChannelError: Error, Hashable, Sendable {
    /// Options W3C or RFC 8832 forbid, with what is wrong.
    case invalidOptions(String)
    /// The requested stream id belongs to a live channel.
    case streamIdInUse(UInt16)
    /// No stream id of our parity is free below the negotiated stream count.
    case noStreamAvailable
    case unknownChannel(DataChannelHandle)
    /// A send on a channel that is closing or closed.
    case notOpen(DataChannelHandle, DataChannelState)
    /// Larger than our or the peer's max-message-size (RFC 8841 §6).
    case messageTooLarge(size: Int, limit: Int)
    case sendBufferFull(queued: Int, limit: Int)
    /// Any other failure the association reported (for a channel torn down by ABORT: `.notOpen`).
    case association(SCTPAssociationError)
}

/// What a ``DataChannelMachine`` is built with.
public struct DataChannelConfiguration: Sendable {
    /// Ports, stream counts, max message sizes (ours and the peer's from SDP), buffers, timers.
    public var association: SCTPAssociationConfiguration

    public init(association: SCTPAssociationConfiguration = .init()) {
        self.association = association
    }

    /// The largest message we may send: our and the peer's max-message-size (RFC 8841 §6).
    var sendLimit: Int {
        min(association.maxMessageSize, association.peerMaxMessageSize ?? .max)
    }
}
