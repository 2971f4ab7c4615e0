/// RTPFB, PT 205: transport-layer feedback (RFC 4585 §6.2, RFC 5104 §4.2, TWCC, RFC 8888).
public struct TransportFeedback: Hashable, Sendable {
    public var senderSSRC: UInt32
    public var message: Message

    public init(senderSSRC: UInt32, message: Message) {
        self.senderSSRC = senderSSRC
        self.message = message
    }

    public enum Message: Hashable, Sendable {
        /// FMT 1, generic NACK (RFC 4585 §6.2.1).
        case nack(mediaSSRC: UInt32, [NACKPair])
        /// FMT 3, TMMBR (RFC 5104 §4.2.1).
        case tmmbr(mediaSSRC: UInt32, [TMMBItem])
        /// FMT 4, TMMBN (RFC 5104 §4.2.2).
        case tmmbn(mediaSSRC: UInt32, [TMMBItem])
        /// FMT 11, congestion control feedback (RFC 8888 §3.1): no media SSRC in the header.
        case congestionControl(CongestionControlFeedback)
        /// FMT 15, transport-wide congestion control (draft-holmer-…-01 §3.1).
        case transportWideCC(mediaSSRC: UInt32, TransportWideCC)
        /// Any other FMT (RRR is FMT 5, RFC 6051): media SSRC word and FCI kept verbatim.
        case other(format: UInt8, fci: [UInt8])
    }

    public var format: UInt8 {
        switch message {
        case .nack: 1
        case .tmmbr: 3
        case .tmmbn: 4
        case .congestionControl: 11
        case .transportWideCC: 15
        case .other(let format, _): format
        }
    }
}

/// A generic NACK entry: a lost packet ID and a bitmask of the 16 following (RFC 4585 §6.2.1).
public struct NACKPair: Hashable, Sendable {
    public var packetID: UInt16
    public var lostBitmask: UInt16

    public init(packetID: UInt16, lostBitmask: UInt16) {
        self.packetID = packetID
        self.lostBitmask = lostBitmask
    }

    /// Every sequence number this entry reports lost.
    public var lostSequenceNumbers: [UInt16] {
        [packetID] + (0..<16).compactMap { bit in
            lostBitmask & (1 << bit) != 0 ? packetID &+ UInt16(bit + 1) : nil
        }
    }
}

/// A TMMBR/TMMBN entry (RFC 5104 §4.2.1.1): bitrate = mantissa · 2^exponent.
public struct TMMBItem: Hashable, Sendable {
    public var ssrc: UInt32
    /// 6 bits.
    public var exponent: UInt8
    /// 17 bits.
    public var mantissa: UInt32
    /// 9 bits.
    public var overhead: UInt16

    public init(ssrc: UInt32, exponent: UInt8, mantissa: UInt32, overhead: UInt16) {
        self.ssrc = ssrc
        self.exponent = exponent
        self.mantissa = mantissa
        self.overhead = overhead
    }

    public var bitrate: UInt64 { UInt64(mantissa) << UInt64(exponent) }
}

/// Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1).
public struct TransportWideCC: Hashable, Sendable {
    public var baseSequence: UInt16
    public var statusCount: UInt16
    /// 24-bit signed, multiples of 64 ms; kept as the raw field.
    public var referenceTime: UInt32
    public var feedbackCount: UInt8
    public var chunks: [TWCCChunk]
    /// One delta per received packet, in order: 0…255 for small deltas (symbol 1), any Int16 for large
    /// (symbol 2); units of 250 µs.
    public var deltas: [Int16]
    /// Zero octets after the deltas, up to the 32-bit boundary.
    public var trailing: [UInt8]

    public init(
        baseSequence: UInt16, statusCount: UInt16, referenceTime: UInt32, feedbackCount: UInt8,
        chunks: [TWCCChunk], deltas: [Int16], trailing: [UInt8] = []
    ) {
        self.baseSequence = baseSequence
        self.statusCount = statusCount
        self.referenceTime = referenceTime
        self.feedbackCount = feedbackCount
        self.chunks = chunks
        self.deltas = deltas
        self.trailing = trailing
    }

    /// The status symbol of each reported packet, `statusCount` of them (0 not received, 1 small
    /// delta, 2 large delta).
    public var symbols: [UInt8] {
        Array(chunks.flatMap(\.symbols).prefix(Int(statusCount)))
    }
}

/// A packet status chunk (draft-holmer-…-01 §3.1.3–3.1.4).
public enum TWCCChunk: Hashable, Sendable {
    /// T = 0: `length` (13 bits) packets with the same 2-bit symbol.
    case runLength(symbol: UInt8, length: UInt16)
    /// T = 1, S = 0: 14 one-bit symbols (0 not received, 1 small delta), first in the high bit.
    case oneBitVector(UInt16)
    /// T = 1, S = 1: 7 two-bit symbols, first in the high bits.
    case twoBitVector(UInt16)

    public var symbols: [UInt8] {
        switch self {
        case .runLength(let symbol, let length): Array(repeating: symbol, count: Int(length))
        case .oneBitVector(let bits): (0..<14).map { UInt8((bits >> (13 - $0)) & 1) }
        case .twoBitVector(let bits): (0..<7).map { UInt8((bits >> (12 - 2 * $0)) & 3) }
        }
    }

    public var rawValue: UInt16 {
        switch self {
        case .runLength(let symbol, let length): UInt16(symbol & 3) << 13 | (length & 0x1FFF)
        case .oneBitVector(let bits): 0x8000 | (bits & 0x3FFF)
        case .twoBitVector(let bits): 0xC000 | (bits & 0x3FFF)
        }
    }

    public init(rawValue: UInt16) {
        if rawValue & 0x8000 == 0 {
            self = .runLength(symbol: UInt8((rawValue >> 13) & 3), length: rawValue & 0x1FFF)
        } else if rawValue & 0x4000 == 0 {
            self = .oneBitVector(rawValue & 0x3FFF)
        } else {
            self = .twoBitVector(rawValue & 0x3FFF)
        }
    }
}

/// RFC 8888 §3.1 congestion control feedback.
public struct CongestionControlFeedback: Hashable, Sendable {
    public var blocks: [Block]
    /// NTP short-format (middle 32 bits) time the report was generated.
    public var reportTimestamp: UInt32

    public init(blocks: [Block], reportTimestamp: UInt32) {
        self.blocks = blocks
        self.reportTimestamp = reportTimestamp
    }

    /// One RTP stream's metrics.
    public struct Block: Hashable, Sendable {
        public var ssrc: UInt32
        public var beginSequence: UInt16
        /// One 16-bit metric per packet: R (1) | ECN (2) | arrival time offset (13, 1/1024 s).
        public var metrics: [UInt16]
        /// The 16-bit pad after an odd number of metrics, kept for the round trip.
        public var padding: UInt16

        public init(ssrc: UInt32, beginSequence: UInt16, metrics: [UInt16], padding: UInt16 = 0) {
            self.ssrc = ssrc
            self.beginSequence = beginSequence
            self.metrics = metrics
            self.padding = padding
        }
    }
}

/// PSFB, PT 206: payload-specific feedback (RFC 4585 §6.3, RFC 5104 §4.3, REMB).
public struct PayloadFeedback: Hashable, Sendable {
    public var senderSSRC: UInt32
    public var mediaSSRC: UInt32
    public var message: Message

    public init(senderSSRC: UInt32, mediaSSRC: UInt32, message: Message) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.message = message
    }

    public enum Message: Hashable, Sendable {
        /// FMT 1 (RFC 4585 §6.3.1): no FCI.
        case pictureLoss
        /// FMT 2 (RFC 4585 §6.3.2).
        case sliceLoss([SLIEntry])
        /// FMT 3 (RFC 4585 §6.3.3).
        case referencePictureSelection(RPSI)
        /// FMT 4 (RFC 5104 §4.3.1).
        case fullIntraRequest([FIREntry])
        /// FMT 15 with the "REMB" identifier (draft-alvestrand-rmcat-remb-03 §2.2).
        case remb(REMB)
        /// FMT 15, any other application layer feedback (RFC 4585 §6.4), kept as bytes.
        case applicationLayer([UInt8])
        /// Any other FMT, FCI kept verbatim.
        case other(format: UInt8, fci: [UInt8])
    }

    public var format: UInt8 {
        switch message {
        case .pictureLoss: 1
        case .sliceLoss: 2
        case .referencePictureSelection: 3
        case .fullIntraRequest: 4
        case .remb, .applicationLayer: 15
        case .other(let format, _): format
        }
    }
}

/// SLI entry (RFC 4585 §6.3.2.2): first macroblock (13 bits), number (13 bits), picture ID (6 bits).
public struct SLIEntry: Hashable, Sendable {
    public var first: UInt16
    public var number: UInt16
    public var pictureID: UInt8

    public init(first: UInt16, number: UInt16, pictureID: UInt8) {
        self.first = first
        self.number = number
        self.pictureID = pictureID
    }

    var rawValue: UInt32 {
        UInt32(first & 0x1FFF) << 19 | UInt32(number & 0x1FFF) << 6 | UInt32(pictureID & 0x3F)
    }
}

/// RPSI (RFC 4585 §6.3.3.2).
public struct RPSI: Hashable, Sendable {
    /// PB: how many bits of the last bytes of `bitString` are padding.
    public var paddingBits: UInt8
    /// The octet holding the 7-bit payload type. Its high bit must be sent as 0 and ignored on
    /// reception (RFC 4585 §6.3.3.2), so it is kept as received rather than checked.
    public var payloadType: UInt8
    /// The native RPSI bit string with its padding, so that 2 + count is a multiple of 4.
    public var bitString: [UInt8]

    public init(paddingBits: UInt8, payloadType: UInt8, bitString: [UInt8]) {
        self.paddingBits = paddingBits
        self.payloadType = payloadType
        self.bitString = bitString
    }
}

/// FIR entry (RFC 5104 §4.3.1.1).
public struct FIREntry: Hashable, Sendable {
    public var ssrc: UInt32
    public var sequenceNumber: UInt8
    /// 24 reserved bits, kept for the round trip.
    public var reserved: UInt32

    public init(ssrc: UInt32, sequenceNumber: UInt8, reserved: UInt32 = 0) {
        self.ssrc = ssrc
        self.sequenceNumber = sequenceNumber
        self.reserved = reserved
    }
}

/// Receiver Estimated Maximum Bitrate: bitrate = mantissa · 2^exponent bps.
public struct REMB: Hashable, Sendable {
    /// 6 bits.
    public var exponent: UInt8
    /// 18 bits.
    public var mantissa: UInt32
    public var ssrcs: [UInt32]

    public init(exponent: UInt8, mantissa: UInt32, ssrcs: [UInt32]) {
        self.exponent = exponent
        self.mantissa = mantissa
        self.ssrcs = ssrcs
    }

    public var bitrate: UInt64 { UInt64(mantissa & 0x3FFFF) << UInt64(exponent & 0x3F) }
}
