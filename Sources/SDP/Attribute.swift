public import Hashing
/// One `a=` line (RFC 8866 §5.13), typed when this codec knows its grammar.
///
/// A known attribute becomes its typed case only when re-serialising the typed value gives back the
/// exact text that was read; a legal but unusual spelling (leading zeros, lowercase fingerprint hex …)
/// is kept as `.other` with its name and value verbatim, so round trips stay byte-exact and
/// `parse(serialize(v)) == v` holds for every typed value. Grammar violations are errors.
public enum Attribute: Hashable, Sendable {
    /// `a=group:<semantics> *(SP <mid>)` (RFC 5888 §5; BUNDLE RFC 9143, LS …).
    case group(Group)
    /// `a=mid:<id>` (RFC 5888 §4).
    case mid(String)
    /// `a=ice-ufrag:` (RFC 8839 §5.4).
    case iceUfrag(String)
    /// `a=ice-pwd:` (RFC 8839 §5.4).
    case icePwd(String)
    /// `a=ice-options:` tags (RFC 8839 §5.6).
    case iceOptions([String])
    /// `a=ice-lite` (RFC 8839 §5.3).
    case iceLite
    /// `a=fingerprint:<hash-func> <hex:hex…>` (RFC 8122 §5).
    case fingerprint(CertificateFingerprint)
    /// `a=setup:` (RFC 4145 §4).
    case setup(SetupRole)
    /// `a=connection:new|existing` (RFC 4145 §5).
    case connection(ConnectionReuse)
    /// `a=rtcp:<port> [<nettype> <addrtype> <address>]` (RFC 3605 §2.1).
    case rtcp(RTCPAddress)
    /// `a=rtcp-mux` (RFC 5761 §5.1.3).
    case rtcpMux
    /// `a=rtcp-mux-only` (RFC 8858 §3).
    case rtcpMuxOnly
    /// `a=rtcp-rsize` (RFC 5506 §5).
    case rtcpRsize
    /// `a=rtpmap:` (RFC 8866 §6.6).
    case rtpmap(RTPMap)
    /// `a=fmtp:` (RFC 8866 §6.15).
    case fmtp(FormatParameters)
    /// `a=rtcp-fb:` (RFC 4585 §4.2).
    case rtcpFeedback(RTCPFeedback)
    /// `a=extmap:` (RFC 8285 §8).
    case extmap(ExtensionMap)
    /// `a=extmap-allow-mixed` (RFC 8285 §6).
    case extmapAllowMixed
    /// `a=msid:<stream> [<track>]` (RFC 8830 §2).
    case msid(MediaStreamID)
    /// `a=ssrc:<ssrc> <attribute>[:<value>]` (RFC 5576 §4.1).
    case ssrc(SourceAttribute)
    /// `a=ssrc-group:<semantics> *(SP <ssrc>)` (RFC 5576 §4.2).
    case ssrcGroup(SourceGroup)
    /// `a=rid:<id> send|recv [<restrictions>]` (RFC 8851 §10).
    case rid(RestrictionID)
    /// `a=simulcast:` (RFC 8853 §5.1).
    case simulcast(Simulcast)
    /// `a=sctp-port:` (RFC 8841 §5).
    case sctpPort(UInt16)
    /// `a=max-message-size:` (RFC 8841 §6).
    case maxMessageSize(UInt64)
    /// `a=candidate:` (RFC 8839 §5.1).
    case candidate(Candidate)
    /// `a=end-of-candidates` (RFC 8840 §8.2).
    case endOfCandidates
    /// `a=sendrecv`, `a=sendonly`, `a=recvonly`, `a=inactive` (RFC 8866 §6.7).
    case direction(Direction)
    /// Any other attribute, or a known one in an unusual spelling, byte-exact. `value` is `nil` for a
    /// property attribute (no `:`), and `""` for `a=name:`.
    case other(name: String, value: String?)
}

/// A media direction (RFC 8866 §6.7), also used by `a=extmap`.
public enum Direction: String, Hashable, Sendable, CaseIterable {
    case sendrecv, sendonly, recvonly, inactive
}

/// `a=group` (RFC 5888 §5).
public struct Group: Hashable, Sendable {
    /// `BUNDLE`, `LS`, `FID`, … as written.
    public var semantics: String
    /// Identification tags (`a=mid` values).
    public var mids: [String]
    public init(semantics: String, mids: [String]) {
        self.semantics = semantics
        self.mids = mids
    }
}

/// `a=setup` (RFC 4145 §4, RFC 5763 §5).
public enum SetupRole: String, Hashable, Sendable, CaseIterable {
    case active, passive, actpass, holdconn
}

/// `a=connection` (RFC 4145 §5).
public enum ConnectionReuse: String, Hashable, Sendable, CaseIterable {
    case new, existing
}

/// `a=rtcp` (RFC 3605 §2.1).
public struct RTCPAddress: Hashable, Sendable {
    public var port: UInt16
    public var connection: ConnectionData?
    public init(port: UInt16, connection: ConnectionData? = nil) {
        self.port = port
        self.connection = connection
    }
}

/// `a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]` (RFC 8866 §6.6).
public struct RTPMap: Hashable, Sendable {
    public var payloadType: UInt8
    public var encoding: String
    public var clockRate: UInt32
    /// Audio channels, when given.
    public var channels: UInt32?
    public init(payloadType: UInt8, encoding: String, clockRate: UInt32, channels: UInt32? = nil) {
        self.payloadType = payloadType
        self.encoding = encoding
        self.clockRate = clockRate
        self.channels = channels
    }
}

/// `a=fmtp:<format> <format specific parameters>` (RFC 8866 §6.15).
public struct FormatParameters: Hashable, Sendable {
    public var format: String
    /// The parameters as written (`minptime=10;useinbandfec=1`, `0-15`, …).
    public var parameters: String
    public init(format: String, parameters: String) {
        self.format = format
        self.parameters = parameters
    }

    /// `name=value` pairs split at `;` (the convention of most RTP payload formats); a piece without
    /// `=` has a `nil` value.
    public var pairs: [(name: Substring, value: Substring?)] {
        parameters.split(separator: ";", omittingEmptySubsequences: false).map { piece in
            let (name, value) = Lexical.splitFirst(piece, "=")
            return (name, value)
        }
    }
}

/// `a=rtcp-fb:<pt or *> <type> [<parameters>]` (RFC 4585 §4.2).
public struct RTCPFeedback: Hashable, Sendable {
    /// A payload type or `*`.
    public var format: String
    /// `nack`, `ccm`, `goog-remb`, `transport-cc`, …
    public var type: String
    /// The rest (`pli`, `fir`, …), as written.
    public var parameter: String?
    public init(format: String, type: String, parameter: String? = nil) {
        self.format = format
        self.type = type
        self.parameter = parameter
    }
}

/// `a=extmap:<id>[/<direction>] <uri> [<extension attributes>]` (RFC 8285 §8).
public struct ExtensionMap: Hashable, Sendable {
    public var id: UInt16
    public var direction: Direction?
    public var uri: String
    /// Extension attributes after the URI, as written.
    public var attributes: String?
    public init(id: UInt16, direction: Direction? = nil, uri: String, attributes: String? = nil) {
        self.id = id
        self.direction = direction
        self.uri = uri
        self.attributes = attributes
    }
}

/// `a=msid:<stream id> [<track id>]` (RFC 8830 §2).
public struct MediaStreamID: Hashable, Sendable {
    public var stream: String
    public var track: String?
    public init(stream: String, track: String? = nil) {
        self.stream = stream
        self.track = track
    }
}

/// `a=ssrc:<ssrc-id> <attribute>[:<value>]` (RFC 5576 §4.1).
public struct SourceAttribute: Hashable, Sendable {
    public var ssrc: UInt32
    /// `cname`, `msid`, `mslabel`, `label`, …
    public var name: String
    /// The value after `:`, which may contain spaces (`msid:<stream> <track>`).
    public var value: String?
    public init(ssrc: UInt32, name: String, value: String? = nil) {
        self.ssrc = ssrc
        self.name = name
        self.value = value
    }
}

/// `a=ssrc-group:<semantics> *(SP <ssrc-id>)` (RFC 5576 §4.2).
public struct SourceGroup: Hashable, Sendable {
    /// `FID`, `SIM`, `FEC-FR`, …
    public var semantics: String
    public var ssrcs: [UInt32]
    public init(semantics: String, ssrcs: [UInt32]) {
        self.semantics = semantics
        self.ssrcs = ssrcs
    }
}

/// `send` or `recv`, as in `a=rid` and `a=simulcast`.
public enum StreamDirection: String, Hashable, Sendable, CaseIterable {
    case send, recv
}

/// `a=rid:<rid-id> send|recv [<restrictions>]` (RFC 8851 §10).
public struct RestrictionID: Hashable, Sendable {
    public var id: String
    public var direction: StreamDirection
    /// `pt=…;max-width=…`, as written.
    public var restrictions: String?
    public init(id: String, direction: StreamDirection, restrictions: String? = nil) {
        self.id = id
        self.direction = direction
        self.restrictions = restrictions
    }
}

/// `a=simulcast:` (RFC 8853 §5.1): one or two directions, each a `;` list of `,` alternatives.
public struct Simulcast: Hashable, Sendable {
    /// One stream reference: a rid, possibly paused (`~`).
    public struct StreamID: Hashable, Sendable {
        public var rid: String
        public var paused: Bool
        public init(rid: String, paused: Bool = false) {
            self.rid = rid
            self.paused = paused
        }
    }

    /// `send …` or `recv …`.
    public struct Streams: Hashable, Sendable {
        public var direction: StreamDirection
        /// Each element is one simulcast stream given as its alternatives.
        public var streams: [[StreamID]]
        public init(direction: StreamDirection, streams: [[StreamID]]) {
            self.direction = direction
            self.streams = streams
        }
    }

    /// One or two entries, in the order written.
    public var directions: [Streams]
    public init(directions: [Streams]) { self.directions = directions }
}

extension Attribute {
    /// The attribute name as it appears after `a=`.
    public var name: String {
        switch self {
        case .group: "group"
        case .mid: "mid"
        case .iceUfrag: "ice-ufrag"
        case .icePwd: "ice-pwd"
        case .iceOptions: "ice-options"
        case .iceLite: "ice-lite"
        case .fingerprint: "fingerprint"
        case .setup: "setup"
        case .connection: "connection"
        case .rtcp: "rtcp"
        case .rtcpMux: "rtcp-mux"
        case .rtcpMuxOnly: "rtcp-mux-only"
        case .rtcpRsize: "rtcp-rsize"
        case .rtpmap: "rtpmap"
        case .fmtp: "fmtp"
        case .rtcpFeedback: "rtcp-fb"
        case .extmap: "extmap"
        case .extmapAllowMixed: "extmap-allow-mixed"
        case .msid: "msid"
        case .ssrc: "ssrc"
        case .ssrcGroup: "ssrc-group"
        case .rid: "rid"
        case .simulcast: "simulcast"
        case .sctpPort: "sctp-port"
        case .maxMessageSize: "max-message-size"
        case .candidate: "candidate"
        case .endOfCandidates: "end-of-candidates"
        case .direction(let direction): direction.rawValue
        case .other(let name, _): name
        }
    }
}
