/// A Data Channel Establishment Protocol message (RFC 8832 §5), carried in DATA with PPID 50.
public enum DCEPMessage: Hashable, Sendable {
    /// DATA_CHANNEL_OPEN (message type 0x03).
    case open(DataChannelOpen)
    /// DATA_CHANNEL_ACK (message type 0x02): that single byte.
    case ack
    /// A message type RFC 8832 §8.2.1 does not assign, kept with the bytes after it.
    case unknown(messageType: UInt8, body: [UInt8])

    /// The Message Type values of RFC 8832 §8.2.1.
    public static let openType: UInt8 = 0x03
    public static let ackType: UInt8 = 0x02

    public var messageType: UInt8 {
        switch self {
        case .open: Self.openType
        case .ack: Self.ackType
        case .unknown(let type, _): type
        }
    }
}

/// DATA_CHANNEL_OPEN (RFC 8832 §5.1): how the channel behaves and what it is called.
public struct DataChannelOpen: Hashable, Sendable {
    public var channelType: DataChannelType
    /// The priority of RFC 8831 §6.4 (128 below normal, 256 normal, 512 high, 1024 extra high).
    public var priority: UInt16
    /// Retransmissions (rexmit types) or milliseconds (timed types); ignored for reliable types, where
    /// senders set it to 0.
    public var reliabilityParameter: UInt32
    /// The label, UTF-8 on the wire (may be empty).
    public var label: String
    /// The sub-protocol, UTF-8 on the wire (may be empty).
    public var `protocol`: String

    public init(channelType: DataChannelType, priority: UInt16 = 0, reliabilityParameter: UInt32 = 0, label: String, protocol: String = "") {
        self.channelType = channelType
        self.priority = priority
        self.reliabilityParameter = reliabilityParameter
        self.label = label
        self.protocol = `protocol`
    }
}

/// The Channel Type of DATA_CHANNEL_OPEN (RFC 8832 §5.1, §8.2.2): the high bit makes it unordered, the
/// low bits choose reliable, limited retransmissions or limited lifetime. Unassigned values are kept.
public struct DataChannelType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The six values RFC 8832 assigns.
    public enum Known: UInt8, Hashable, Sendable, CaseIterable {
        case reliable = 0x00
        case reliableUnordered = 0x80
        case partialReliableRexmit = 0x01
        case partialReliableRexmitUnordered = 0x81
        case partialReliableTimed = 0x02
        case partialReliableTimedUnordered = 0x82
    }

    public init(_ known: Known) { rawValue = known.rawValue }

    public var known: Known? { Known(rawValue: rawValue) }

    public static let reliable = DataChannelType(.reliable)
    public static let reliableUnordered = DataChannelType(.reliableUnordered)
    public static let partialReliableRexmit = DataChannelType(.partialReliableRexmit)
    public static let partialReliableRexmitUnordered = DataChannelType(.partialReliableRexmitUnordered)
    public static let partialReliableTimed = DataChannelType(.partialReliableTimed)
    public static let partialReliableTimedUnordered = DataChannelType(.partialReliableTimedUnordered)

    /// The high bit: messages may be delivered out of order.
    public var isUnordered: Bool { rawValue & 0x80 != 0 }

    public var description: String {
        guard let known else { return "0x" + String(rawValue, radix: 16) }
        return "\(known)"
    }
}
