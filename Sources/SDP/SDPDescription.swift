public import Hashing

/// A session description (RFC 8866 §5): session-level lines, then media sections.
///
/// The model keeps every line's content so that `SDPCodec.serialize` reproduces accepted text exactly
/// (after the line-end canonicalisation documented on `SDPCodec.canonicalize`). Free-form fields are kept
/// as written; attributes are typed (`Attribute`) or kept verbatim (`Attribute.other`).
public struct SDPDescription: Hashable, Sendable {
    /// `o=` (§5.2).
    public var origin: Origin
    /// `s=` (§5.3), exactly as written (for example `-` or a single space).
    public var sessionName: String
    /// `i=` (§5.4).
    public var information: String?
    /// `u=` (§5.5).
    public var uri: String?
    /// `e=` lines (§5.6).
    public var emails: [String]
    /// `p=` lines (§5.6).
    public var phones: [String]
    /// `c=` (§5.7) at session level.
    public var connection: ConnectionData?
    /// `b=` lines (§5.8).
    public var bandwidths: [Bandwidth]
    /// `t=` lines, each with its `r=` lines (§5.9, §5.10); at least one.
    public var timings: [Timing]
    /// `z=` (§5.11), as written.
    public var timeZones: String?
    /// `k=` (§5.12, obsolete), as written.
    public var encryptionKey: String?
    /// Session-level `a=` lines, in order.
    public var attributes: [Attribute]
    /// Media sections, in order.
    public var media: [MediaDescription]

    public init(
        origin: Origin, sessionName: String = "-", information: String? = nil, uri: String? = nil,
        emails: [String] = [], phones: [String] = [], connection: ConnectionData? = nil,
        bandwidths: [Bandwidth] = [], timings: [Timing] = [Timing()], timeZones: String? = nil,
        encryptionKey: String? = nil, attributes: [Attribute] = [], media: [MediaDescription] = []
    ) {
        self.origin = origin
        self.sessionName = sessionName
        self.information = information
        self.uri = uri
        self.emails = emails
        self.phones = phones
        self.connection = connection
        self.bandwidths = bandwidths
        self.timings = timings
        self.timeZones = timeZones
        self.encryptionKey = encryptionKey
        self.attributes = attributes
        self.media = media
    }
}

/// `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>` (§5.2).
public struct Origin: Hashable, Sendable {
    public var username: String
    /// Digits as written: the grammar puts no bound on their count, so they are kept as text.
    public var sessionID: String
    public var sessionVersion: String
    public var networkType: String
    public var addressType: String
    public var address: String

    public init(
        username: String = "-", sessionID: String, sessionVersion: String, networkType: String = "IN",
        addressType: String = "IP4", address: String = "0.0.0.0"
    ) {
        self.username = username
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.networkType = networkType
        self.addressType = addressType
        self.address = address
    }
}

/// `c=<nettype> <addrtype> <connection-address>` (§5.7). The address keeps any multicast
/// `/ttl` and `/count` suffix as written.
public struct ConnectionData: Hashable, Sendable {
    public var networkType: String
    public var addressType: String
    public var address: String

    public init(networkType: String = "IN", addressType: String = "IP4", address: String) {
        self.networkType = networkType
        self.addressType = addressType
        self.address = address
    }
}

/// `b=<bwtype>:<bandwidth>` (§5.8), bandwidth in kilobits per second (or bits for TIAS).
public struct Bandwidth: Hashable, Sendable {
    public var type: String
    public var value: UInt64

    public init(type: String, value: UInt64) {
        self.type = type
        self.value = value
    }
}

/// `t=<start-time> <stop-time>` (§5.9) with the `r=` lines that follow it (§5.10, kept as written).
public struct Timing: Hashable, Sendable {
    public var start: UInt64
    public var stop: UInt64
    public var repeats: [String]

    public init(start: UInt64 = 0, stop: UInt64 = 0, repeats: [String] = []) {
        self.start = start
        self.stop = stop
        self.repeats = repeats
    }
}

/// A media section (§5.14): `m=` then `i=`, `c=`*, `b=`*, `k=`, `a=`*.
public struct MediaDescription: Hashable, Sendable {
    /// `audio`, `video`, `application`, … as written.
    public var kind: String
    public var port: UInt16
    /// The `/<number of ports>` suffix, when present.
    public var portCount: UInt32?
    /// `UDP/TLS/RTP/SAVPF`, `UDP/DTLS/SCTP`, `RTP/AVP`, … as written.
    public var proto: String
    /// Format tokens (RTP payload types, or `webrtc-datachannel`).
    public var formats: [String]
    public var information: String?
    public var connections: [ConnectionData]
    public var bandwidths: [Bandwidth]
    public var encryptionKey: String?
    public var attributes: [Attribute]

    public init(
        kind: String, port: UInt16, portCount: UInt32? = nil, proto: String, formats: [String],
        information: String? = nil, connections: [ConnectionData] = [], bandwidths: [Bandwidth] = [],
        encryptionKey: String? = nil, attributes: [Attribute] = []
    ) {
        self.kind = kind
        self.port = port
        self.portCount = portCount
        self.proto = proto
        self.formats = formats
        self.information = information
        self.connections = connections
        self.bandwidths = bandwidths
        self.encryptionKey = encryptionKey
        self.attributes = attributes
    }
}

extension SDPDescription {
    /// The first attribute at session level for which `select` gives a value.
    public func first<T>(_ select: (Attribute) -> T?) -> T? { attributes.lazy.compactMap(select).first }
}

extension MediaDescription {
    /// The first attribute of this section for which `select` gives a value.
    public func first<T>(_ select: (Attribute) -> T?) -> T? { attributes.lazy.compactMap(select).first }
    /// `a=mid`, if present.
    public var mid: String? { first { if case .mid(let value) = $0 { value } else { nil } } }
    /// `a=fingerprint`, if present here.
    public var fingerprint: CertificateFingerprint? { first { if case .fingerprint(let value) = $0 { value } else { nil } } }
    /// `a=setup`, if present here.
    public var setupRole: SetupRole? { first { if case .setup(let value) = $0 { value } else { nil } } }
    /// `a=ice-ufrag`, if present here.
    public var iceUfrag: String? { first { if case .iceUfrag(let value) = $0 { value } else { nil } } }
    /// `a=ice-pwd`, if present here.
    public var icePwd: String? { first { if case .icePwd(let value) = $0 { value } else { nil } } }
    /// `a=rtcp`, if present here.
    public var rtcp: RTCPAddress? { first { if case .rtcp(let value) = $0 { value } else { nil } } }
    /// The direction attribute, if present here.
    public var direction: Direction? { first { if case .direction(let value) = $0 { value } else { nil } } }
    /// The `a=candidate` lines, in order.
    public var candidates: [Candidate] { attributes.compactMap { if case .candidate(let value) = $0 { value } else { nil } } }
}
