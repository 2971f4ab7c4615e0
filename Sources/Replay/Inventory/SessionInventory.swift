/// What the session carried, as a user debugging it asks first: which data channels, which media
/// streams, which ICE pairs, which DTLS associations. Part of every report (text, JSON, HTML).
public struct SessionInventory: Hashable, Sendable, Codable {
    /// The descriptions read (`--sdp`, or next to one of our recordings) and any that could not be.
    public var signalling: SignallingEntry?
    public var dataChannels: [DataChannelEntry] = []
    public var mediaStreams: [MediaStreamEntry] = []
    public var icePairs: [CandidatePairEntry] = []
    public var dtlsAssociations: [DTLSAssociationEntry] = []

    public init() {}
}

/// The session descriptions a replay was given.
public struct SignallingEntry: Hashable, Sendable, Codable {
    /// Side (`offerer`, `answerer`) → where its description came from.
    public var sources: [String: String]
    /// Descriptions that could not be read, in words.
    public var problems: [String]
    /// Which side `a=setup` made the DTLS client.
    public var dtlsClient: String?
}

/// One data channel (RFC 8831), from the DCEP exchange (RFC 8832) or, for a negotiated channel, from
/// the DATA on its stream.
public struct DataChannelEntry: Hashable, Sendable, Codable {
    /// The flow of the association (the one its handshake began on).
    public var flow: Int
    public var stream: UInt16
    /// From DATA_CHANNEL_OPEN; nil for a channel opened without DCEP (negotiated, or before the capture).
    public var label: String?
    public var `protocol`: String?
    /// `reliable`, `partialReliableRexmitUnordered` … (RFC 8832 §5.1).
    public var channelType: String?
    /// Retransmissions or lifetime in ms, for partially reliable types.
    public var reliabilityParameter: UInt32?
    /// `dcep` (opened in the capture), `no DCEP seen` (negotiated out of band, or opened before the capture).
    public var establishment: String
    /// The direction the DATA_CHANNEL_OPEN went, and whether it was acknowledged.
    public var openedBy: String?
    public var acknowledged: Bool
    /// Complete user messages and their bytes, per direction (`a->b`, `b->a`); DCEP not counted.
    public var messages: [String: Int] = [:]
    public var bytes: [String: Int] = [:]
    /// The largest message seen either way.
    public var largestMessage: Int = 0
    /// How it ended, if it did in the capture: a stream reset (RFC 8831 §6.7) or the association's end.
    public var closed: String?

    /// The channel type with its reliability parameter, `partialReliableRexmit (0)`, as reports print it.
    public var typeDescription: String? {
        channelType.map { type in reliabilityParameter.map { "\(type) (\($0))" } ?? type }
    }

    /// `acknowledged` or `not acknowledged`: whether the DATA_CHANNEL_OPEN got its ACK.
    public var acknowledgement: String { acknowledged ? "acknowledged" : "not acknowledged" }
}

/// One RTP stream: an SSRC on a flow in one direction.
public struct MediaStreamEntry: Hashable, Sendable, Codable {
    public var flow: Int
    public var direction: String
    public var ssrc: UInt32
    /// From the sdes:mid header extension, else the description that declared the SSRC.
    public var mid: String?
    /// Payload type → codec name (`opus/48000`, `rtx/90000 apt=96`, or `unknown`).
    public var payloadTypes: [String: String]
    public var packets: Int
    /// UDP payload bytes (SRTP overhead included).
    public var bytes: Int
    /// Sequence numbers missing from the capture (expected − received, RFC 3550 §A.3).
    public var lost: Int
    /// Interarrival jitter from capture times (RFC 3550 §A.8), in milliseconds; nil without a clock rate.
    public var jitterMilliseconds: Double?
    /// For an RTX stream (RFC 4588), the SSRC it repairs when the descriptions say (a=ssrc-group:FID).
    public var repairs: UInt32?
    public var isRetransmission: Bool
    /// What the media stage made of the clear payloads (zero when they stayed encrypted).
    public var opusPackets: Int
    public var vp8Frames: Int
    public var firstFrame: Int
    public var lastFrame: Int

    /// The payload types in numeric order, each with its codec.
    public var payloadTypesInOrder: [(payloadType: String, codec: String)] {
        payloadTypes.sorted { (Int($0.key) ?? 0) < (Int($1.key) ?? 0) }.map { ($0.key, $0.value) }
    }
}

/// One ICE candidate pair that was checked (RFC 8445 §7.2): the flow, and the direction checks went.
public struct CandidatePairEntry: Hashable, Sendable, Codable {
    public var flow: Int
    /// Checking endpoint → checked endpoint.
    public var from: String
    public var to: String
    /// The checking side, when the descriptions tell.
    public var checkedBy: String?
    public var requests: Int
    public var successes: Int
    public var errors: Int
    /// A successful check with USE-CANDIDATE (RFC 8445 §8.1.1).
    public var nominated: Bool
    /// Checks after nomination are consent freshness (RFC 7675 §5.1): how many, and the longest
    /// interval between two of them in seconds.
    public var consentChecks: Int
    public var longestConsentGap: Double?
}

/// One DTLS association (a handshake on a flow).
public struct DTLSAssociationEntry: Hashable, Sendable, Codable {
    public var flow: Int
    /// `a->b` or `b->a`: the direction the ClientHello went.
    public var clientDirection: String
    /// Which side each role is, when the descriptions tell.
    public var clientSide: String?
    /// `DTLS 1.2` or `DTLS 1.3` (supported_versions, RFC 9147 §5.3).
    public var version: String?
    /// The chosen cipher suite, `0xc02b`.
    public var cipherSuite: String?
    /// The use_srtp profile the server chose (RFC 5764 §4.1.2), `0x0007`.
    public var srtpProfile: String?
    /// Certificate SHA-256 fingerprints by role (`client`, `server`), and whether each matched its
    /// side's `a=fingerprint`.
    public var certificates: [String: String] = [:]
    public var certificatesMatchSignalling: [String: Bool] = [:]
}
