public import Wire
public import Hashing
public import DTLS
public import ICE
public import SDP

/// Everything our side puts in a description it creates (offer or answer).
public struct LocalSessionParameters: Hashable, Sendable {
    /// `o=` sess-id: below 2^63 (JSEP §5.2.1, so it fits a signed 64-bit integer).
    public var sessionID: UInt64
    /// `o=` sess-version: +1 for each new description with changes (JSEP §5.2.2).
    public var sessionVersion: UInt64
    public var credentials: ICECredentials
    public var fingerprint: CertificateFingerprint
    /// Candidates already gathered (non-trickle, or a createOffer after gathering started).
    public var candidates: [Candidate]
    /// Gathering is complete: `a=end-of-candidates` (RFC 8840 §8.2).
    public var endOfCandidates: Bool
    /// `a=sctp-port` (RFC 8841 §5).
    public var sctpPort: UInt16 = 5000
    /// `a=max-message-size` (RFC 8841 §6): the largest message we can receive; 0 means no limit.
    public var maxMessageSize: Int = 262_144
    /// Offer: whether an m=application section is present.
    public var includesDataChannel: Bool
    /// `a=ice-options:trickle` (RFC 8840 §4.1.1).
    public var iceOptionsTrickle = true
    /// Our audio and video transceivers, by mid. An offer lists each (new ones appended before a new
    /// data section); an answer accepts the offered sections whose mid is here and not stopped.
    public var media: [LocalMediaSection] = []
    /// The `a=setup` of the DTLS association already running on the transport, if one is: a subsequent
    /// answer keeps it (RFC 8842 §5.5: a changed role would mean a new association, which this engine does
    /// not start on a kept transport).
    public var establishedSetup: SetupRole?

    public init(
        sessionID: UInt64, sessionVersion: UInt64 = 1, credentials: ICECredentials, fingerprint: CertificateFingerprint,
        candidates: [Candidate] = [], endOfCandidates: Bool = false, sctpPort: UInt16 = 5000,
        maxMessageSize: Int = 262_144, includesDataChannel: Bool = true, iceOptionsTrickle: Bool = true
    ) {
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.credentials = credentials
        self.fingerprint = fingerprint
        self.candidates = candidates
        self.endOfCandidates = endOfCandidates
        self.sctpPort = sctpPort
        self.maxMessageSize = maxMessageSize
        self.includesDataChannel = includesDataChannel
        self.iceOptionsTrickle = iceOptionsTrickle
    }
}

/// A parsed, validated description (ours or the peer's).
///
/// The transport parameters (`credentials`, `fingerprints`, `setup`, `candidates`) are those of the
/// *transport section*: the data section when it carries its own `a=ice-ufrag` (aiortc gives every
/// section its own credentials, and answering only the data section makes its transport the one used);
/// otherwise the first used section named by the first BUNDLE group (the tagged m= section,
/// RFC 8843 §7.2.1), or without BUNDLE the first used section. Attributes the transport section lacks
/// come from the tagged section; media-level attributes win over session-level ones (RFC 8839 §5.4,
/// RFC 8122 §5).
public struct NegotiatedDescription: Hashable, Sendable {
    public var type: DescriptionType
    /// The exact text (never re-serialised for the peer).
    public var sdp: String
    public var model: SDPDescription
    public var credentials: ICECredentials
    /// `a=ice-lite` at session level (RFC 8839 §5.3).
    public var iceLite: Bool
    /// Every `a=fingerprint` with a hash function we can compute, in order: RFC 8122 §5 lets the peer use
    /// any certificate listed. At least one.
    public var fingerprints: [CertificateFingerprint]
    public var setup: DTLSSetup
    /// The mids of the first BUNDLE group (RFC 8843), nil without one.
    public var bundle: [String]?
    public var sections: [MediaSection]
    /// The first non-rejected `m=application` section carrying data channels: `UDP/DTLS/SCTP
    /// webrtc-datachannel` (RFC 8841 §4), or the pre-standard `DTLS/SCTP <port>` form with
    /// `a=sctpmap:<port> webrtc-datachannel` that Firefox < 63, Safari and aiortc still send.
    public var dataSection: MediaSection?
    /// The typed `a=candidate` lines of the transport section (a candidate in a legal but non-canonical
    /// spelling, which the SDP codec keeps verbatim, is not included).
    public var candidates: [Candidate]
    /// `a=end-of-candidates` in the transport section or at session level (RFC 8840 §8.2).
    public var endOfCandidates: Bool
    /// What a tolerant parse accepted from the peer (DESIGN §1.7); empty for a conformant description.
    public var deviations: [ToleratedDeviation] = []

    /// The used audio and video sections.
    public var mediaSections: [MediaSection] { sections.filter { !$0.isRejected && $0.rtp != nil } }

    /// The section that carries the transport: the first used one named by BUNDLE, else the data
    /// section, else the first used one. Local candidates are signalled with its mid and index.
    public var transportSection: MediaSection? {
        if let bundle, let first = bundle.lazy.compactMap({ mid in self.sections.first { $0.mid == mid && !$0.isRejected } }).first {
            return first
        }
        return dataSection ?? sections.first { !$0.isRejected }
    }

    public init(
        type: DescriptionType, sdp: String, model: SDPDescription, credentials: ICECredentials, iceLite: Bool,
        fingerprints: [CertificateFingerprint], setup: DTLSSetup, bundle: [String]?, sections: [MediaSection],
        dataSection: MediaSection?, candidates: [Candidate], endOfCandidates: Bool
    ) {
        self.type = type
        self.sdp = sdp
        self.model = model
        self.credentials = credentials
        self.iceLite = iceLite
        self.fingerprints = fingerprints
        self.setup = setup
        self.bundle = bundle
        self.sections = sections
        self.dataSection = dataSection
        self.candidates = candidates
        self.endOfCandidates = endOfCandidates
    }
}

/// One m= section as JSEP sees it.
public struct MediaSection: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case audio, video, application
        case other(String)

        public init(_ text: String) {
            switch text {
            case "audio": self = .audio
            case "video": self = .video
            case "application": self = .application
            default: self = .other(text)
            }
        }

        public var text: String {
            switch self {
            case .audio: "audio"
            case .video: "video"
            case .application: "application"
            case .other(let text): text
            }
        }
    }

    /// Position in the description (0-based, the W3C `sdpMLineIndex`).
    public var index: Int
    public var mid: String?
    public var kind: Kind
    public var port: UInt16
    public var proto: String
    /// Port 0 without `a=bundle-only` (RFC 8866 §5.14, RFC 3264 §6, JSEP §5.3.1). A bundle-only section
    /// also has port 0 but is in use (RFC 8843 §6).
    public var isRejected: Bool
    /// SCTP sections only: `a=sctp-port` (RFC 8841 §5), 5000 when absent (same section); for the
    /// `DTLS/SCTP` form, the port of `a=sctpmap` / the format.
    public var sctpPort: UInt16?
    /// SCTP sections only: `a=max-message-size` (RFC 8841 §6), 65536 when absent (§6.1: "If the SDP
    /// 'max-message-size' attribute is not present, the default value is 64K"); 0 means no limit.
    public var maxMessageSize: Int?
    /// Audio and video sections over RTP only: direction, codecs, extensions, sources.
    public var rtp: RTPSectionParameters?

    public init(
        index: Int, mid: String?, kind: Kind, port: UInt16, proto: String, isRejected: Bool,
        sctpPort: UInt16? = nil, maxMessageSize: Int? = nil, rtp: RTPSectionParameters? = nil
    ) {
        self.index = index
        self.mid = mid
        self.kind = kind
        self.port = port
        self.proto = proto
        self.isRejected = isRejected
        self.sctpPort = sctpPort
        self.maxMessageSize = maxMessageSize
        self.rtp = rtp
    }

    /// Whether this section uses the pre-RFC 8841 `DTLS/SCTP <sctp-port>` form with `a=sctpmap`.
    public var isLegacySCTP: Bool { proto.uppercased() == OfferAnswer.legacySCTPProto }
}
