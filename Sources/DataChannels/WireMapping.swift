import SCTP
import SansIO

extension DataChannelOptions {
    /// The SCTP partial reliability of the channel's user messages (RFC 8831 §6.1, RFC 3758).
    var reliability: SCTPReliability {
        if let maxRetransmits { return .maxRetransmits(maxRetransmits) }
        if let maxPacketLifeTime { return .lifetime(maxPacketLifeTime) }
        return .reliable
    }

    /// The DATA_CHANNEL_OPEN announcing a channel with these options (RFC 8832 §5.1): the channel type's
    /// high bit is "unordered", its low bits reliable (0x00), limited retransmissions (0x01) or limited
    /// lifetime in milliseconds (0x02); the reliability parameter is 0 for reliable channels.
    func openMessage(label: String) -> DataChannelOpen {
        let unordered: UInt8 = ordered ? 0 : 0x80
        var kind: UInt8 = 0
        var parameter: UInt32 = 0
        if let maxRetransmits {
            kind = 0x01
            parameter = UInt32(clamping: maxRetransmits)
        } else if let maxPacketLifeTime {
            kind = 0x02
            parameter = UInt32(clamping: maxPacketLifeTime.nanosecondsSaturated / 1_000_000)
        }
        return DataChannelOpen(
            channelType: DataChannelType(rawValue: unordered | kind), priority: priority, reliabilityParameter: parameter,
            label: label, protocol: `protocol`)
    }

    /// The options a peer's DATA_CHANNEL_OPEN describes; nil for a channel type RFC 8832 §8.2.2 does not
    /// assign (we could not honour its reliability).
    init?(open: DataChannelOpen, stream: UInt16) {
        self.init()
        ordered = !open.channelType.isUnordered
        switch open.channelType.rawValue & 0x7F {
        case 0x00: break
        // W3C maxRetransmits is an unsigned short: a larger count is as good as unlimited, clamp it.
        case 0x01: maxRetransmits = Int(min(open.reliabilityParameter, UInt32(UInt16.max)))
        case 0x02: maxPacketLifeTime = .milliseconds(Int64(open.reliabilityParameter))
        default: return nil
        }
        `protocol` = open.protocol
        priority = open.priority
        id = stream
    }

    /// W3C createDataChannel's checks plus RFC 8832 §5.1's field sizes; the reason when invalid.
    func validationFailure(label: String) -> String? {
        if maxRetransmits != nil, maxPacketLifeTime != nil {
            return "maxRetransmits and maxPacketLifeTime are exclusive (W3C createDataChannel, RFC 8832 §5.1)"
        }
        if let maxRetransmits, !(0...Int(UInt16.max)).contains(maxRetransmits) {
            return "maxRetransmits \(maxRetransmits) is outside 0...65535"
        }
        if let maxPacketLifeTime,
            maxPacketLifeTime < .zero || maxPacketLifeTime > .milliseconds(Int64(UInt32.max))
        {
            return "maxPacketLifeTime \(maxPacketLifeTime) is outside 0...\(UInt32.max) ms"
        }
        if negotiated, id == nil { return "a negotiated channel needs an id (RFC 8831 §6.5)" }
        // RFC 8831 §6.5 / W3C: 65535 is reserved, the largest id is 65534.
        if id == UInt16.max { return "stream id 65535 is reserved" }
        if label.utf8.count > Int(UInt16.max) { return "the label is \(label.utf8.count) bytes, more than 65535" }
        if `protocol`.utf8.count > Int(UInt16.max) { return "the protocol is \(`protocol`.utf8.count) bytes, more than 65535" }
        return nil
    }
}

extension DataChannelMessage {
    /// The PPID and bytes of a user message (RFC 8831 §6.6, §8): strings 51, binary 53; an empty message
    /// cannot be a DATA chunk (RFC 9260 §3.3.1), so it travels as one zero byte with PPID 56 or 57.
    var wireForm: (payloadProtocol: PayloadProtocolIdentifier, bytes: [UInt8]) {
        switch self {
        case .text(let text) where text.isEmpty: (.stringEmpty, [0])
        case .text(let text): (.string, Array(text.utf8))
        case .binary(let bytes) where bytes.isEmpty: (.binaryEmpty, [0])
        case .binary(let bytes): (.binary, bytes)
        }
    }

    /// The message a received DATA payload carries, or nil for PPIDs that are not user messages.
    /// The deprecated partial PPIDs 52 and 54 (RFC 8831 §8: "deprecated") are refused rather than
    /// concatenated: SCTP's own fragmentation (RFC 8831 §6.6) replaced them, and joining them would
    /// need an unbounded buffer keyed on nothing the peer promises. Invalid UTF-8 in a string is
    /// replaced by U+FFFD, as the W3C "receiving messages" steps do when decoding.
    init?(payloadProtocol: PayloadProtocolIdentifier, bytes: [UInt8]) {
        switch payloadProtocol.known {
        case .string: self = .text(String(decoding: bytes, as: UTF8.self))
        case .binary: self = .binary(bytes)
        case .stringEmpty: self = .text("")
        case .binaryEmpty: self = .binary([])
        default: return nil
        }
    }
}

extension DataChannelError {
    /// The channel-level name of an association refusal.
    init(_ error: SCTPAssociationError) {
        switch error {
        case .messageTooLarge(let size, let limit): self = .messageTooLarge(size: size, limit: limit)
        case .sendBufferFull(let queued, let limit): self = .sendBufferFull(queued: queued, limit: limit)
        default: self = .association(error)
        }
    }
}
