public import JSEP
public import Hashing
import DTLS
public import Pcap
import Wire
import RTP
import SDP

/// Which peer of the session a description, an endpoint or a packet belongs to.
public enum SessionSide: String, Hashable, Sendable, Codable, CaseIterable {
    case offerer
    case answerer

    public var other: SessionSide { self == .offerer ? .answerer : .offerer }

    /// Hashes the case, not the raw string (as ``FlowDirection`` does: tables keyed by side are per packet).
    public func hash(into hasher: inout Hasher) { hasher.combine(self == .offerer) }
}

/// One `--sdp [offer:|answer:]FILE`: a session description's text and what the user said it is.
public struct SignalledText: Hashable, Sendable {
    /// Where it came from (a file name), for the report.
    public var source: String
    public var text: String
    /// Given on the command line (`offer:FILE`), or nil to read it from context.
    public var side: SessionSide?

    public init(source: String, text: String, side: SessionSide? = nil) {
        self.source = source
        self.text = text
        self.side = side
    }
}

/// A codec an RTP payload type was mapped to by `a=rtpmap` (and `a=fmtp:… apt=` for RTX, RFC 4588 §8.6).
public struct SignalledCodec: Hashable, Sendable, Codable {
    public var name: String
    public var clockRate: Int
    /// RTX and other repair formats: the payload type they repair.
    public var associatedPayloadType: UInt8?

    public init(name: String, clockRate: Int, associatedPayloadType: UInt8? = nil) {
        self.name = name
        self.clockRate = clockRate
        self.associatedPayloadType = associatedPayloadType
    }

    public var isRTX: Bool { name.lowercased() == "rtx" }
}

/// What the session's signalling says, read from the offers and answers the capture was taken under:
/// the facts the replay checker enforces on the packets (RFC 8829 JSEP; RFC 8839 ICE; RFC 8842 and
/// RFC 8122 DTLS; RFC 8841 SCTP; RFC 3264, RFC 8285 and RFC 8843 RTP).
///
/// The first offer and answer set the transport up (DTLS roles, fingerprints, SCTP ports), so those come
/// from them; later ones (renegotiation, an ICE restart) add ICE credentials, codecs, extensions, mids
/// and SSRCs. Descriptions are read as a peer's would be, tolerantly (DESIGN §1.7); one JSEP refuses is
/// reported (``problems``) and contributes nothing.
public struct ReplaySignalling: Hashable, Sendable {
    /// One description read: whose it is, where it came from, and what JSEP made of it.
    public struct Generation: Hashable, Sendable {
        public let side: SessionSide
        public let source: String
        public let description: NegotiatedDescription
    }

    /// Every description read, in the order they were read (offers first, each answer after its offer).
    public private(set) var generations: [Generation] = []
    /// Descriptions that did not parse, in words.
    public private(set) var problems: [String] = []

    /// The first description of each side: the one that set the transport up.
    public var descriptions: [SessionSide: NegotiatedDescription] {
        var first: [SessionSide: NegotiatedDescription] = [:]
        for generation in generations where first[generation.side] == nil { first[generation.side] = generation.description }
        return first
    }

    /// Where each side's descriptions came from, comma-separated.
    public var sources: [SessionSide: String] {
        Dictionary(grouping: generations, by: \.side).mapValues { $0.map(\.source).joined(separator: ", ") }
    }

    public init() {}

    /// Reads descriptions given in signalling order. A side not given is told from the text:
    /// `a=setup:actpass` is only ever in an offer (RFC 8842 §5.3). The rest are answers while offers
    /// wait for one, and otherwise alternate offer, answer. The n-th answer is read against the n-th
    /// offer (RFC 3264 §6).
    public init(_ texts: [SignalledText]) {
        let offersSeen = texts.filter { Self.guessSide($0) == .offerer }.count
        var answersPlaced = texts.filter { $0.side == .answerer }.count
        var expected = SessionSide.offerer
        var placed: [(SignalledText, SessionSide)] = []
        for text in texts {
            var side = Self.guessSide(text) ?? expected
            if Self.guessSide(text) == nil, answersPlaced < offersSeen {
                side = .answerer
                answersPlaced += 1
            }
            expected = side.other
            placed.append((text, side))
        }
        var offers: [NegotiatedDescription] = []
        var answers = 0
        for (text, side) in placed.filter({ $0.1 == .offerer }) + placed.filter({ $0.1 == .answerer }) {
            do throws(JSEPError) {
                let answering = side == .answerer && offers.indices.contains(answers) ? offers[answers] : nil
                let parsed = try OfferAnswer.parse(text.text, type: side == .offerer ? .offer : .answer, answering: answering, mode: .tolerant)
                if side == .offerer { offers.append(parsed) } else { answers += 1 }
                generations.append(Generation(side: side, source: text.source, description: parsed))
            } catch {
                problems.append("\(text.source) (\(side == .offerer ? "offer" : "answer")): \(error)")
            }
        }
    }

    /// The side a description's own text says it is, when it says.
    static func guessSide(_ text: SignalledText) -> SessionSide? {
        if let side = text.side { return side }
        return text.text.contains("a=setup:actpass") ? .offerer : nil
    }

    public var isEmpty: Bool { generations.isEmpty }

    /// The side whose DTLS endpoint is the client (RFC 8842 §5.2, §5.3; RFC 5763 §5): the answer's
    /// `active` makes the answerer the client, `passive` the offerer; an offer that chose `active` or
    /// `passive` itself decides.
    public var dtlsClient: SessionSide? {
        if let answer = descriptions[.answerer] {
            switch answer.setup {
            case .active: return .answerer
            case .passive: return .offerer
            default: break
            }
        }
        switch descriptions[.offerer]?.setup {
        case .active?: return .offerer
        case .passive?: return .answerer
        default: return nil
        }
    }

    /// The side whose ICE ufrag (of any generation: an ICE restart brings new ones, RFC 8445 §9) is `ufrag`.
    public func side(ofUfrag ufrag: Substring) -> SessionSide? {
        generations.first { $0.description.credentials.ufrag[...] == ufrag }?.side
    }

    /// The ICE password that goes with `ufrag` (RFC 8839 §5.4: they change together).
    public func icePassword(ofUfrag ufrag: Substring) -> String? {
        generations.first { $0.description.credentials.ufrag[...] == ufrag }?.description.credentials.pwd
    }

    /// Every ICE ufrag of `side`, in order.
    public func iceUfrags(_ side: SessionSide) -> [String] {
        generations.filter { $0.side == side }.map(\.description.credentials.ufrag)
    }

    /// Every ICE password the descriptions give.
    public var icePasswords: [String] { generations.map(\.description.credentials.pwd) }

    /// The certificate fingerprints `side` announced (RFC 8122 §5: any of them may be used).
    public func fingerprints(_ side: SessionSide) -> [CertificateFingerprint] { descriptions[side]?.fingerprints ?? [] }

    /// The largest message `side` accepts (RFC 8841 §6: 65,536 when absent; 0 means no limit).
    public func maxMessageSize(_ side: SessionSide) -> Int? { descriptions[side]?.dataSection?.maxMessageSize }

    /// The SCTP port `side` uses (RFC 8841 §5).
    public func sctpPort(_ side: SessionSide) -> UInt16? { descriptions[side]?.dataSection?.sctpPort }

    /// The RTP sections in use in a side's descriptions, every generation.
    func rtpSections(_ side: SessionSide) -> [(mid: String?, parameters: RTPSectionParameters)] {
        generations.filter { $0.side == side }.flatMap(\.description.sections).compactMap { section in
            guard !section.isRejected, let rtp = section.rtp else { return nil }
            return (section.mid, rtp)
        }
    }

    /// Payload types and their codecs. The answer keeps the offer's payload types (RFC 3264 §6.1), so
    /// both sides' maps agree; where they do not, the answer's wins, as it is what was negotiated.
    public var payloadTypes: [UInt8: SignalledCodec] {
        var codecs: [UInt8: SignalledCodec] = [:]
        for side in [SessionSide.offerer, .answerer] {
            for section in rtpSections(side) {
                for codec in section.parameters.codecs {
                    codecs[codec.payloadType] = SignalledCodec(
                        name: codec.name, clockRate: codec.clockRate, associatedPayloadType: codec.associatedPayloadType)
                }
            }
        }
        return codecs
    }

    /// Payload types either side may send. A description lists what its side is willing to receive
    /// and send alike (RFC 3264 §5.1); after the answer only the formats both listed are used
    /// (RFC 3264 §6.1), so the answers' lists are the negotiated ones when there are answers.
    public var negotiatedPayloadTypes: Set<UInt8> {
        let side: SessionSide = descriptions[.answerer] != nil ? .answerer : .offerer
        return Set(rtpSections(side).flatMap { $0.parameters.codecs.map(\.payloadType) })
    }

    /// Header extension ids negotiated, with their URIs (the answer's, as for payload types).
    public var negotiatedExtensions: [UInt8: String] {
        let side: SessionSide = descriptions[.answerer] != nil ? .answerer : .offerer
        var extensions: [UInt8: String] = [:]
        for section in rtpSections(side) {
            for map in section.parameters.headerExtensions {
                if let id = UInt8(exactly: map.id) { extensions[id] = map.uri }
            }
        }
        return extensions
    }

    /// Whether reduced-size RTCP was negotiated: the answer kept `a=rtcp-rsize` in its RTP sections (RFC 5506 §5).
    public var reducedSizeRTCP: Bool {
        let sections = rtpSections(.answerer)
        return !sections.isEmpty && sections.allSatisfy(\.parameters.rtcpReducedSize)
    }

    /// The id of the `sdes:mid` extension, if negotiated (RFC 8843 §15.1).
    public var midExtensionID: UInt8? {
        negotiatedExtensions.first { $0.value == RTPExtensionURI.mid }?.key
    }

    /// The mids of used RTP sections (either side's: they are the same once answered, RFC 3264 §6).
    public var rtpMids: Set<String> {
        Set(SessionSide.allCases.flatMap { rtpSections($0).compactMap(\.mid) })
    }

    /// SSRCs a side declared with `a=ssrc` (RFC 5576 §4.1), RTX partners included; empty when it declared none.
    public func declaredSSRCs(_ side: SessionSide) -> Set<UInt32> {
        Set(rtpSections(side).flatMap { $0.parameters.sources.flatMap { [$0.ssrc] + ($0.rtxSSRC.map { [$0] } ?? []) } })
    }

    /// The mid of the section that declared `ssrc`, if any.
    public func mid(ofSSRC ssrc: UInt32) -> String? {
        for side in SessionSide.allCases {
            for section in rtpSections(side) where section.parameters.sources.contains(where: { $0.ssrc == ssrc || $0.rtxSSRC == ssrc }) {
                return section.mid
            }
        }
        return nil
    }

    /// The media SSRC an RTX SSRC repairs, from `a=ssrc-group:FID` (RFC 5576 §4.2, RFC 4588 §8.7).
    public func repairedSSRC(ofRTX ssrc: UInt32) -> UInt32? {
        for side in SessionSide.allCases {
            for section in rtpSections(side) {
                if let source = section.parameters.sources.first(where: { $0.rtxSSRC == ssrc }) { return source.ssrc }
            }
        }
        return nil
    }

    /// Every candidate the descriptions listed, as endpoints (RFC 8839 §5.1); names (mDNS) are left out.
    public var candidateEndpoints: Set<Endpoint> {
        Set(generations.flatMap(\.description.candidates).compactMap { candidate in
            IPAddress(candidate.address).map { Endpoint(address: $0.bytes, port: candidate.port) }
        })
    }
}
