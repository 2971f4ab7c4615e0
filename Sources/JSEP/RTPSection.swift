public import SDP

/// What an audio or video section says about its RTP streams: direction, codecs, header extensions,
/// and the sender's identity (msid, SSRCs, CNAME). Read from any description, ours or the peer's.
public struct RTPSectionParameters: Hashable, Sendable {
    /// The section's direction; `sendrecv` when it names none (RFC 3264 §5.1).
    public var direction: Direction
    /// The payload formats in the order of the m= line (the sender's preference).
    public var codecs: [RTPCodecParameters]
    public var headerExtensions: [ExtensionMap]
    /// `a=msid` (RFC 8830 §2), else the `msid` of the first `a=ssrc` (the older Plan B spelling).
    public var mediaStreamID: MediaStreamID?
    /// The sender's SSRCs with their RTX partners (`a=ssrc-group:FID`, RFC 5576 §4.2, RFC 4588 §8.7).
    public var sources: [Source]
    /// `a=ssrc:<id> cname:` of the first source (RFC 5576 §6.1).
    public var cname: String?
    public var rtcpMux: Bool
    public var rtcpReducedSize: Bool

    /// One media source and its retransmission stream.
    public struct Source: Hashable, Sendable {
        public var ssrc: UInt32
        public var rtxSSRC: UInt32?
        public init(ssrc: UInt32, rtxSSRC: UInt32? = nil) {
            self.ssrc = ssrc
            self.rtxSSRC = rtxSSRC
        }
    }

    public init(
        direction: Direction = .sendrecv, codecs: [RTPCodecParameters] = [], headerExtensions: [ExtensionMap] = [],
        mediaStreamID: MediaStreamID? = nil, sources: [Source] = [], cname: String? = nil, rtcpMux: Bool = true,
        rtcpReducedSize: Bool = false
    ) {
        self.direction = direction
        self.codecs = codecs
        self.headerExtensions = headerExtensions
        self.mediaStreamID = mediaStreamID
        self.sources = sources
        self.cname = cname
        self.rtcpMux = rtcpMux
        self.rtcpReducedSize = rtcpReducedSize
    }

    /// The id a header extension URI has in this section, if negotiated.
    public func extensionID(_ uri: String) -> UInt8? {
        headerExtensions.first { $0.uri == uri }.flatMap { UInt8(exactly: $0.id) }
    }

    /// The first codec of `format` (the sender's preferred one), if any.
    public func codec(_ format: MediaFormat) -> RTPCodecParameters? { codecs.first { $0.format == format } }

    /// The RTX payload type that retransmits `payloadType`, if negotiated.
    public func rtxPayloadType(for payloadType: UInt8) -> UInt8? {
        codecs.first { $0.format == .rtx && $0.associatedPayloadType == payloadType }?.payloadType
    }

    /// Reads an RTP section (`m=audio`/`m=video` over `…/RTP/…`); nil for any other kind of section.
    static func read(_ media: MediaDescription) -> RTPSectionParameters? {
        guard media.kind == "audio" || media.kind == "video", media.proto.uppercased().contains("RTP") else { return nil }
        var parameters = RTPSectionParameters(direction: media.direction ?? .sendrecv, rtcpMux: false)
        var maps: [UInt8: RTPMap] = [:]
        var fmtps: [String: String] = [:]
        var feedback: [String: [RTPCodecParameters.Feedback]] = [:]
        var sourceAttributes: [SourceAttribute] = []
        var groups: [SourceGroup] = []
        for attribute in media.attributes {
            switch attribute {
            case .rtpmap(let map): maps[map.payloadType] = maps[map.payloadType] ?? map
            case .fmtp(let fmtp): fmtps[fmtp.format] = fmtps[fmtp.format] ?? fmtp.parameters
            case .rtcpFeedback(let line): feedback[line.format, default: []].append(RTPCodecParameters.Feedback(type: line.type, parameter: line.parameter))
            case .extmap(let map): parameters.headerExtensions.append(map)
            case .msid(let msid): parameters.mediaStreamID = parameters.mediaStreamID ?? msid
            case .ssrc(let source): sourceAttributes.append(source)
            case .ssrcGroup(let group): groups.append(group)
            case .rtcpMux: parameters.rtcpMux = true
            case .rtcpRsize: parameters.rtcpReducedSize = true
            default: break
            }
        }
        for format in media.formats {
            guard let payloadType = UInt8(format), payloadType < 128 else { continue }
            // A static payload type without rtpmap (RFC 3551 §6) is not one Crucible runs; skip it.
            guard let map = maps[payloadType] else { continue }
            parameters.codecs.append(RTPCodecParameters(
                payloadType: payloadType, name: map.encoding, clockRate: Int(map.clockRate), channels: map.channels.map(Int.init),
                formatParameters: fmtps[format], feedback: (feedback[format] ?? []) + (feedback["*"] ?? [])))
        }
        // RFC 5576 §4.2 / RFC 4588 §8.7: `FID primary rtx`.
        var rtxOf: [UInt32: UInt32] = [:]
        var isRTX = Set<UInt32>()
        for group in groups where group.semantics == "FID" && group.ssrcs.count >= 2 {
            rtxOf[group.ssrcs[0]] = group.ssrcs[1]
            isRTX.insert(group.ssrcs[1])
        }
        var seen = Set<UInt32>()
        for attribute in sourceAttributes where !isRTX.contains(attribute.ssrc) && seen.insert(attribute.ssrc).inserted {
            parameters.sources.append(Source(ssrc: attribute.ssrc, rtxSSRC: rtxOf[attribute.ssrc]))
        }
        parameters.cname = sourceAttributes.first { $0.name == "cname" }?.value
        if parameters.mediaStreamID == nil, let value = sourceAttributes.first(where: { $0.name == "msid" })?.value {
            let fields = value.split(separator: " ", maxSplits: 1)
            if let stream = fields.first { parameters.mediaStreamID = MediaStreamID(stream: String(stream), track: fields.count > 1 ? String(fields[1]) : nil) }
        }
        return parameters
    }
}

extension Direction {
    /// Whether the side that wrote this direction sends media.
    public var sends: Bool { self == .sendrecv || self == .sendonly }
    /// Whether the side that wrote this direction receives media.
    public var receives: Bool { self == .sendrecv || self == .recvonly }

    /// The direction with these two abilities.
    public init(sends: Bool, receives: Bool) {
        switch (sends, receives) {
        case (true, true): self = .sendrecv
        case (true, false): self = .sendonly
        case (false, true): self = .recvonly
        case (false, false): self = .inactive
        }
    }

    /// The answerer's direction given the offered one and what the answerer wants (RFC 3264 §6.1: a
    /// sendonly offer is answered recvonly or inactive, and so on).
    public func answered(wanting local: Direction) -> Direction {
        Direction(sends: local.sends && receives, receives: local.receives && sends)
    }
}
