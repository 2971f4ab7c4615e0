public import SDP

/// What our side says in one audio or video section (one W3C transceiver, JSEP §5.2.1, §5.3.1).
public struct LocalMediaSection: Hashable, Sendable {
    /// The transceiver's mid: fixed when it is first offered or answered (JSEP §5.2.1).
    public var mid: String
    /// `.audio` or `.video`.
    public var kind: MediaSection.Kind
    /// The transceiver's wanted direction (W3C `direction`); an answer narrows it to what the offer allows.
    public var direction: Direction
    /// A stopped transceiver's section is rejected: port 0 (JSEP §5.2.2, W3C `stop()`).
    public var isStopped: Bool
    /// The track we send, when there is one: its msid and SSRCs.
    public var sender: Sender?
    /// The codecs to offer, in preference order; nil for ``MediaCapabilities/codecs(for:)``. After a
    /// negotiation the engine passes the negotiated ones, so payload types stay stable (JSEP §5.2.2).
    public var codecs: [RTPCodecParameters]?
    /// The header extensions to offer; nil for ``MediaCapabilities/headerExtensions(for:)``.
    public var headerExtensions: [ExtensionMap]?

    /// A sending track's identity in SDP (RFC 8830 msid; RFC 5576 ssrc, cname; RFC 4588 FID group).
    public struct Sender: Hashable, Sendable {
        public var streamIDs: [String]
        public var trackID: String
        public var ssrc: UInt32
        public var rtxSSRC: UInt32?
        public var cname: String

        public init(streamIDs: [String], trackID: String, ssrc: UInt32, rtxSSRC: UInt32?, cname: String) {
            self.streamIDs = streamIDs
            self.trackID = trackID
            self.ssrc = ssrc
            self.rtxSSRC = rtxSSRC
            self.cname = cname
        }
    }

    public init(
        mid: String, kind: MediaSection.Kind, direction: Direction = .sendrecv, isStopped: Bool = false, sender: Sender? = nil,
        codecs: [RTPCodecParameters]? = nil, headerExtensions: [ExtensionMap]? = nil
    ) {
        self.mid = mid
        self.kind = kind
        self.direction = direction
        self.isStopped = isStopped
        self.sender = sender
        self.codecs = codecs
        self.headerExtensions = headerExtensions
    }
}

extension LocalMediaSection {
    /// The codecs an answer to `offered` carries: every offered payload format we run, with the
    /// offerer's payload type numbers (JSEP §5.3.1), our fmtp for Opus (what we receive) and the offered
    /// feedback we also speak; RTX only for a kept codec. Empty when nothing is common.
    static func answerCodecs(to offered: RTPSectionParameters, kind: MediaSection.Kind) -> [RTPCodecParameters] {
        let ours = MediaCapabilities.codecs(for: kind)
        var kept: [RTPCodecParameters] = []
        for codec in offered.codecs {
            guard let format = codec.format, format != .rtx, let mine = ours.first(where: { $0.format == format }) else { continue }
            var answer = codec
            answer.formatParameters = mine.formatParameters
            answer.feedback = codec.feedback.filter { mine.feedback.contains($0) }
            kept.append(answer)
        }
        for codec in offered.codecs where codec.format == .rtx {
            guard let primary = codec.associatedPayloadType, kept.contains(where: { $0.payloadType == primary }),
                !kept.contains(where: { $0.associatedPayloadType == primary })
            else { continue }
            var rtx = codec
            rtx.feedback = []
            kept.append(rtx)
        }
        return kept
    }

    /// The offered header extensions we understand, with the offerer's ids (RFC 8285 §7).
    static func answerExtensions(to offered: RTPSectionParameters, kind: MediaSection.Kind) -> [ExtensionMap] {
        offered.headerExtensions.filter { MediaCapabilities.supports($0.uri, in: kind) && $0.direction == nil }
    }

    /// The section's SDP: m= line, then transport attributes, then RTP attributes.
    func description(
        codecs: [RTPCodecParameters], extensions: [ExtensionMap], direction: Direction, transport: [Attribute], candidates: [Attribute]
    ) -> MediaDescription {
        var attributes: [Attribute] = [.mid(mid)]
        attributes += transport
        attributes += extensions.map(Attribute.extmap)
        attributes.append(.direction(direction))
        let sending = direction.sends ? sender : nil
        if let sending {
            for stream in sending.streamIDs.isEmpty ? ["-"] : sending.streamIDs {
                attributes.append(.msid(MediaStreamID(stream: stream, track: sending.trackID)))
            }
        }
        attributes += [.rtcpMux, .rtcpRsize]
        for codec in codecs { attributes += codec.attributes }
        if let sending {
            let hasRTX = codecs.contains { $0.format == .rtx }
            let sources = [sending.ssrc] + (hasRTX ? sending.rtxSSRC.map { [$0] } ?? [] : [])
            if sources.count == 2 { attributes.append(.ssrcGroup(SourceGroup(semantics: "FID", ssrcs: sources))) }
            let stream = sending.streamIDs.first ?? "-"
            for ssrc in sources {
                attributes.append(.ssrc(SourceAttribute(ssrc: ssrc, name: "cname", value: sending.cname)))
                attributes.append(.ssrc(SourceAttribute(ssrc: ssrc, name: "msid", value: "\(stream) \(sending.trackID)")))
            }
        }
        attributes += candidates
        return MediaDescription(
            kind: kind.text, port: 9, proto: MediaCapabilities.proto, formats: codecs.map { String($0.payloadType) },
            connections: [SessionBuilder.placeholderConnection], attributes: attributes)
    }
}
