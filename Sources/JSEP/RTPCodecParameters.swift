import SDP

/// One RTP payload format of a media section: `a=rtpmap`, its `a=fmtp` and its `a=rtcp-fb` lines put
/// together (RFC 8866 §6.6, §6.15; RFC 4585 §4.2).
public struct RTPCodecParameters: Hashable, Sendable {
    public var payloadType: UInt8
    /// The encoding name as written (`opus`, `VP8`, `rtx`); compared without case (RFC 4855 §3).
    public var name: String
    public var clockRate: Int
    /// Audio channels (`opus/48000/2`), nil when the rtpmap gives none.
    public var channels: Int?
    /// The `a=fmtp` parameters as written, nil without one.
    public var formatParameters: String?
    /// `a=rtcp-fb` lines for this payload type or `*`: type and parameter (`nack`, `nack pli`, `ccm fir`).
    public var feedback: [Feedback]

    /// One `a=rtcp-fb` entry (RFC 4585 §4.2).
    public struct Feedback: Hashable, Sendable {
        public var type: String
        public var parameter: String?
        public init(type: String, parameter: String? = nil) {
            self.type = type
            self.parameter = parameter
        }

        public static let nack = Feedback(type: "nack")
        public static let pli = Feedback(type: "nack", parameter: "pli")
        public static let fir = Feedback(type: "ccm", parameter: "fir")
        public static let transportCC = Feedback(type: "transport-cc")
        public static let remb = Feedback(type: "goog-remb")
    }

    public init(
        payloadType: UInt8, name: String, clockRate: Int, channels: Int? = nil, formatParameters: String? = nil,
        feedback: [Feedback] = []
    ) {
        self.payloadType = payloadType
        self.name = name
        self.clockRate = clockRate
        self.channels = channels
        self.formatParameters = formatParameters
        self.feedback = feedback
    }

    /// The format this codec is, when it is one Crucible runs.
    public var format: MediaFormat? { MediaFormat(codec: self) }

    /// RTX only: the payload type it retransmits (`apt=`, RFC 4588 §8.6).
    public var associatedPayloadType: UInt8? {
        guard name.lowercased() == "rtx", let parameters = formatParameters else { return nil }
        let pairs = FormatParameters(format: String(payloadType), parameters: parameters).pairs
        return pairs.first { $0.name.trimmingSpaces == "apt" }?.value.flatMap { UInt8($0.trimmingSpaces) }
    }

    /// Whether this codec asks for `feedback`.
    public func accepts(_ feedback: Feedback) -> Bool { self.feedback.contains(feedback) }

    /// The SDP lines that describe it.
    var attributes: [Attribute] {
        var lines: [Attribute] = [
            .rtpmap(RTPMap(payloadType: payloadType, encoding: name, clockRate: UInt32(clockRate), channels: channels.map(UInt32.init)))
        ]
        lines += feedback.map { .rtcpFeedback(RTCPFeedback(format: String(payloadType), type: $0.type, parameter: $0.parameter)) }
        if let formatParameters { lines.append(.fmtp(FormatParameters(format: String(payloadType), parameters: formatParameters))) }
        return lines
    }
}

/// The payload formats Crucible encodes and decodes.
public enum MediaFormat: Hashable, Sendable {
    /// Opus (RFC 7587): always `opus/48000/2` in SDP, whatever the channels sent (§7).
    case opus
    /// VP8 (RFC 7741), 90 kHz.
    case vp8
    /// RTP retransmission (RFC 4588) of another payload type.
    case rtx

    init?(codec: RTPCodecParameters) {
        switch codec.name.lowercased() {
        case "opus" where codec.clockRate == 48_000 && (codec.channels ?? 1) == 2: self = .opus
        case "vp8" where codec.clockRate == 90_000: self = .vp8
        case "rtx" where codec.clockRate == 90_000 && codec.associatedPayloadType != nil: self = .rtx
        default: return nil
        }
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var text = self
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return text
    }
}
