/// One RTCP packet of a compound datagram (RFC 3550 §6.4).
public struct RTCPPacket: Hashable, Sendable {
    public var body: RTCPBody
    /// The padding, its count octet included, when the P bit is set; empty otherwise.
    /// `serialize` writes the count into the last octet.
    public var padding: [UInt8]

    public init(_ body: RTCPBody, padding: [UInt8] = []) {
        self.body = body
        self.padding = padding
    }

    /// The packet type octet (200 SR, 201 RR, … 207 XR).
    public var packetType: UInt8 { body.packetType }
}

/// What an RTCP packet says, by packet type.
public enum RTCPBody: Hashable, Sendable {
    case senderReport(SenderReport)
    case receiverReport(ReceiverReport)
    case sourceDescription(SourceDescription)
    case goodbye(Goodbye)
    case applicationDefined(ApplicationDefined)
    case transportFeedback(TransportFeedback)
    case payloadFeedback(PayloadFeedback)
    case extendedReport(ExtendedReport)
    /// A packet type this codec does not know, kept verbatim.
    case unknown(UnknownRTCP)

    public var packetType: UInt8 {
        switch self {
        case .senderReport: 200
        case .receiverReport: 201
        case .sourceDescription: 202
        case .goodbye: 203
        case .applicationDefined: 204
        case .transportFeedback: 205
        case .payloadFeedback: 206
        case .extendedReport: 207
        case .unknown(let packet): packet.packetType
        }
    }
}

/// A reception report block (RFC 3550 §6.4.1).
public struct ReportBlock: Hashable, Sendable {
    public var ssrc: UInt32
    public var fractionLost: UInt8
    /// 24 bits, signed in RFC 3550 (may be negative with duplicates); kept as the raw field.
    public var cumulativeLost: UInt32
    public var highestSequence: UInt32
    public var jitter: UInt32
    public var lastSenderReport: UInt32
    public var delaySinceLastSenderReport: UInt32

    public init(
        ssrc: UInt32, fractionLost: UInt8 = 0, cumulativeLost: UInt32 = 0, highestSequence: UInt32 = 0,
        jitter: UInt32 = 0, lastSenderReport: UInt32 = 0, delaySinceLastSenderReport: UInt32 = 0
    ) {
        self.ssrc = ssrc
        self.fractionLost = fractionLost
        self.cumulativeLost = cumulativeLost
        self.highestSequence = highestSequence
        self.jitter = jitter
        self.lastSenderReport = lastSenderReport
        self.delaySinceLastSenderReport = delaySinceLastSenderReport
    }

    /// The cumulative loss as the signed 24-bit number it is.
    public var signedCumulativeLost: Int32 { Int32(bitPattern: cumulativeLost << 8) >> 8 }
}

/// SR, PT 200 (RFC 3550 §6.4.1).
public struct SenderReport: Hashable, Sendable {
    public var ssrc: UInt32
    public var ntpTimestamp: UInt64
    public var rtpTimestamp: UInt32
    public var packetCount: UInt32
    public var octetCount: UInt32
    public var reports: [ReportBlock]
    /// Profile-specific extension after the report blocks (RFC 3550 §6.4.1), whole words.
    public var profileExtension: [UInt8]

    public init(
        ssrc: UInt32, ntpTimestamp: UInt64, rtpTimestamp: UInt32, packetCount: UInt32, octetCount: UInt32,
        reports: [ReportBlock] = [], profileExtension: [UInt8] = []
    ) {
        self.ssrc = ssrc
        self.ntpTimestamp = ntpTimestamp
        self.rtpTimestamp = rtpTimestamp
        self.packetCount = packetCount
        self.octetCount = octetCount
        self.reports = reports
        self.profileExtension = profileExtension
    }
}

/// RR, PT 201 (RFC 3550 §6.4.2).
public struct ReceiverReport: Hashable, Sendable {
    public var ssrc: UInt32
    public var reports: [ReportBlock]
    public var profileExtension: [UInt8]

    public init(ssrc: UInt32, reports: [ReportBlock] = [], profileExtension: [UInt8] = []) {
        self.ssrc = ssrc
        self.reports = reports
        self.profileExtension = profileExtension
    }
}

/// SDES item (RFC 3550 §6.5): type 1 CNAME … 7 NOTE, 8 PRIV; the value as sent.
public struct SDESItem: Hashable, Sendable {
    public static let cname: UInt8 = 1
    public static let name: UInt8 = 2
    public static let email: UInt8 = 3
    public static let phone: UInt8 = 4
    public static let location: UInt8 = 5
    public static let tool: UInt8 = 6
    public static let note: UInt8 = 7
    public static let priv: UInt8 = 8

    /// Never 0 (0 ends the item list).
    public var type: UInt8
    /// At most 255 bytes. For PRIV: prefix length, prefix, value (RFC 3550 §6.5.8).
    public var value: [UInt8]

    public init(type: UInt8, value: [UInt8]) {
        self.type = type
        self.value = value
    }

    public init(type: UInt8, text: String) {
        self.init(type: type, value: Array(text.utf8))
    }

    /// The value as UTF-8 text, when it is.
    public var text: String? { String(validating: value, as: UTF8.self) }

    /// A PRIV item's prefix and value (RFC 3550 §6.5.8); nil for other types or a bad prefix length.
    public var privateExtension: (prefix: [UInt8], value: [UInt8])? {
        guard type == Self.priv, let length = value.first, Int(length) < value.count else { return nil }
        let end = 1 + Int(length)
        return (Array(value[1..<end]), Array(value[end...]))
    }
}

/// One SDES chunk: a source and its items.
public struct SDESChunk: Hashable, Sendable {
    public var source: UInt32
    public var items: [SDESItem]

    public init(source: UInt32, items: [SDESItem]) {
        self.source = source
        self.items = items
    }
}

/// SDES, PT 202 (RFC 3550 §6.5).
public struct SourceDescription: Hashable, Sendable {
    public var chunks: [SDESChunk]
    public init(chunks: [SDESChunk]) { self.chunks = chunks }
}

/// BYE, PT 203 (RFC 3550 §6.6).
public struct Goodbye: Hashable, Sendable {
    public var sources: [UInt32]
    /// The reason for leaving, as sent; nil when absent.
    public var reason: [UInt8]?

    public init(sources: [UInt32], reason: [UInt8]? = nil) {
        self.sources = sources
        self.reason = reason
    }
}

/// APP, PT 204 (RFC 3550 §6.7).
public struct ApplicationDefined: Hashable, Sendable {
    /// 5 bits.
    public var subtype: UInt8
    public var ssrc: UInt32
    /// Four ASCII characters.
    public var name: UInt32
    /// Whole words.
    public var data: [UInt8]

    public init(subtype: UInt8, ssrc: UInt32, name: UInt32, data: [UInt8]) {
        self.subtype = subtype
        self.ssrc = ssrc
        self.name = name
        self.data = data
    }
}

/// An RTCP packet of a type not modelled here, kept byte for byte (minus header and padding).
public struct UnknownRTCP: Hashable, Sendable {
    public var packetType: UInt8
    /// The 5-bit count/format field.
    public var count: UInt8
    public var body: [UInt8]

    public init(packetType: UInt8, count: UInt8, body: [UInt8]) {
        self.packetType = packetType
        self.count = count
        self.body = body
    }
}

/// XR, PT 207 (RFC 3611).
public struct ExtendedReport: Hashable, Sendable {
    /// The 5 bits RFC 3611 §2 reserves in the header; kept for the round trip.
    public var reserved: UInt8
    public var ssrc: UInt32
    public var blocks: [XRBlock]

    public init(reserved: UInt8 = 0, ssrc: UInt32, blocks: [XRBlock]) {
        self.reserved = reserved
        self.ssrc = ssrc
        self.blocks = blocks
    }
}

/// A DLRR sub-block (RFC 3611 §4.5).
public struct DLRRItem: Hashable, Sendable {
    public var ssrc: UInt32
    public var lastReceiverReport: UInt32
    public var delaySinceLastReceiverReport: UInt32

    public init(ssrc: UInt32, lastReceiverReport: UInt32, delaySinceLastReceiverReport: UInt32) {
        self.ssrc = ssrc
        self.lastReceiverReport = lastReceiverReport
        self.delaySinceLastReceiverReport = delaySinceLastReceiverReport
    }
}

/// An XR report block (RFC 3611 §3).
public enum XRBlock: Hashable, Sendable {
    /// BT 4 (RFC 3611 §4.4); `typeSpecific` is the reserved octet.
    case receiverReferenceTime(typeSpecific: UInt8, ntpTimestamp: UInt64)
    /// BT 5 (RFC 3611 §4.5).
    case dlrr(typeSpecific: UInt8, items: [DLRRItem])
    /// Any other block type, body kept as bytes (whole words).
    case other(blockType: UInt8, typeSpecific: UInt8, body: [UInt8])
}
