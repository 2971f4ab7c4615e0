/// An ICE candidate (RFC 8839 §5.1), the value of `a=candidate:` and of a trickled candidate string.
///
/// `candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type>
/// [raddr <address>] [rport <port>] *(<extension name> <extension value>)`
public struct Candidate: Hashable, Sendable {
    /// 1–32 `ice-char`s.
    public var foundation: String
    /// 1–256 (RTP is 1, RTCP 2).
    public var component: UInt16
    /// `udp`, `UDP`, `tcp`, … as written (the grammar is case-insensitive; the spelling is kept).
    public var transport: String
    /// 1 … 2^31−1 (RFC 8445 §5.1.2).
    public var priority: UInt32
    /// An IPv4 or IPv6 address, or an FQDN (for example an mDNS `….local` name).
    public var address: String
    public var port: UInt16
    public var type: CandidateType
    /// `raddr`, when present.
    public var relatedAddress: String?
    /// `rport`, when present.
    public var relatedPort: UInt16?
    /// Extension pairs in the order written.
    public var extensions: [CandidateExtension]

    public init(
        foundation: String, component: UInt16, transport: String = "udp", priority: UInt32, address: String,
        port: UInt16, type: CandidateType, relatedAddress: String? = nil, relatedPort: UInt16? = nil,
        extensions: [CandidateExtension] = []
    ) {
        self.foundation = foundation
        self.component = component
        self.transport = transport
        self.priority = priority
        self.address = address
        self.port = port
        self.type = type
        self.relatedAddress = relatedAddress
        self.relatedPort = relatedPort
        self.extensions = extensions
    }

    /// The largest priority RFC 8445 §5.1.2 allows.
    public static let maximumPriority: UInt32 = 0x7FFF_FFFF
}

/// `typ` (RFC 8839 §5.1): the four of RFC 8445 or a future token as written.
public enum CandidateType: Hashable, Sendable {
    case host, srflx, prflx, relay
    case other(String)

    public init(_ text: String) {
        switch text {
        case "host": self = .host
        case "srflx": self = .srflx
        case "prflx": self = .prflx
        case "relay": self = .relay
        default: self = .other(text)
        }
    }

    public var text: String {
        switch self {
        case .host: "host"
        case .srflx: "srflx"
        case .prflx: "prflx"
        case .relay: "relay"
        case .other(let text): text
        }
    }
}

/// One extension pair after the candidate's mandatory fields. The names browsers use are typed; a
/// value in an unusual spelling (`generation 01`) or any other name is kept as `.other`.
public enum CandidateExtension: Hashable, Sendable {
    /// `tcptype active|passive|so` (RFC 6544 §4.5).
    case tcpType(String)
    /// `generation <n>` (libwebrtc).
    case generation(UInt32)
    /// `ufrag <ufrag>` (libwebrtc, RFC 8840 trickle use).
    case ufrag(String)
    /// `network-id <n>` (libwebrtc).
    case networkID(UInt32)
    /// `network-cost <n>` (libwebrtc).
    case networkCost(UInt32)
    case other(name: String, value: String)

    public var name: String {
        switch self {
        case .tcpType: "tcptype"
        case .generation: "generation"
        case .ufrag: "ufrag"
        case .networkID: "network-id"
        case .networkCost: "network-cost"
        case .other(let name, _): name
        }
    }

    public var value: String {
        switch self {
        case .tcpType(let value), .ufrag(let value), .other(_, let value): value
        case .generation(let value), .networkID(let value), .networkCost(let value): String(value)
        }
    }

    /// The typed form of a pair when its value is in canonical spelling, otherwise `.other`.
    init(name: Substring, value: Substring) {
        let typed: CandidateExtension? =
            switch String(name) {
            case "tcptype": .tcpType(String(value))
            case "generation": Lexical.canonicalDecimal(value, as: UInt32.self).map(CandidateExtension.generation)
            case "ufrag": .ufrag(String(value))
            case "network-id": Lexical.canonicalDecimal(value, as: UInt32.self).map(CandidateExtension.networkID)
            case "network-cost": Lexical.canonicalDecimal(value, as: UInt32.self).map(CandidateExtension.networkCost)
            default: nil
            }
        self = typed ?? .other(name: String(name), value: String(value))
    }
}

extension Candidate {
    /// `tcptype`, if present.
    public var tcpType: String? { extensions.lazy.compactMap { if case .tcpType(let v) = $0 { v } else { nil } }.first }
    /// `ufrag`, if present.
    public var ufrag: String? { extensions.lazy.compactMap { if case .ufrag(let v) = $0 { v } else { nil } }.first }

    /// Parses the value after `candidate:` (RFC 8839 §5.1). Numbers must be in canonical spelling here;
    /// the SDP parser keeps other spellings verbatim instead.
    static func parseValue(_ value: Substring) throws(FieldError) -> Candidate {
        guard let fields = Lexical.fields(value) else {
            throw FieldError(.candidate, "fields must be separated by single spaces")
        }
        guard fields.count >= 8 else {
            throw FieldError(.candidate, "needs foundation, component, transport, priority, address, port, typ <type>; found \(fields.count) field(s)")
        }
        let foundation = fields[0]
        guard Lexical.isIceChars(foundation), foundation.utf8.count <= 32 else {
            throw FieldError(.candidate, "foundation '\(foundation)' is not 1-32 ice-chars")
        }
        guard let component = Lexical.decimal(fields[1], as: UInt16.self), (1...256).contains(component) else {
            throw FieldError(.candidate, "component '\(fields[1])' is not 1-256")
        }
        guard Lexical.isToken(fields[2]) else { throw FieldError(.candidate, "transport '\(fields[2])' is not a token") }
        guard let priority = Lexical.decimal(fields[3], as: UInt64.self), (1...UInt64(maximumPriority)).contains(priority) else {
            throw FieldError(.candidate, "priority '\(fields[3])' is not 1...2^31-1")
        }
        guard Lexical.isField(fields[4]) else { throw FieldError(.candidate, "bad connection address") }
        guard let port = Lexical.decimal(fields[5], as: UInt16.self) else {
            throw FieldError(.candidate, "port '\(fields[5])' is not 0-65535")
        }
        guard fields[6].utf8.elementsEqual("typ".utf8) else { throw FieldError(.candidate, "expected 'typ' after the port, found '\(fields[6])'") }
        guard Lexical.isToken(fields[7]) else { throw FieldError(.candidate, "candidate type '\(fields[7])' is not a token") }
        var candidate = Candidate(
            foundation: String(foundation), component: component, transport: String(fields[2]),
            priority: UInt32(priority), address: String(fields[4]), port: port, type: CandidateType(String(fields[7])))
        var index = 8
        if index + 1 < fields.count, fields[index].utf8.elementsEqual("raddr".utf8) {
            guard Lexical.isField(fields[index + 1]) else { throw FieldError(.candidate, "bad raddr") }
            candidate.relatedAddress = String(fields[index + 1])
            index += 2
        }
        if index + 1 < fields.count, fields[index].utf8.elementsEqual("rport".utf8) {
            guard let relatedPort = Lexical.decimal(fields[index + 1], as: UInt16.self) else {
                throw FieldError(.candidate, "rport '\(fields[index + 1])' is not 0-65535")
            }
            candidate.relatedPort = relatedPort
            index += 2
        }
        guard (fields.count - index) % 2 == 0 else {
            throw FieldError(.candidate, "extension '\(fields[index...].last ?? "")' has no value")
        }
        while index < fields.count {
            guard Lexical.isToken(fields[index]) else {
                throw FieldError(.candidate, "extension name '\(fields[index])' is not a token")
            }
            candidate.extensions.append(CandidateExtension(name: fields[index], value: fields[index + 1]))
            index += 2
        }
        return candidate
    }

    /// The value after `candidate:`, fields joined by single spaces.
    var valueText: String {
        var writer = TextWriter()
        writeValue(to: &writer)
        return writer.text
    }

    func writeValue(to w: inout TextWriter) {
        w.append(foundation); w.space()
        w.append(number: component); w.space()
        w.append(transport); w.space()
        w.append(number: priority); w.space()
        w.append(address); w.space()
        w.append(number: port)
        w.append(" typ ")
        w.append(type.text)
        if let relatedAddress { w.append(" raddr "); w.append(relatedAddress) }
        if let relatedPort { w.append(" rport "); w.append(number: relatedPort) }
        for item in extensions {
            w.space(); w.append(item.name); w.space()
            switch item {
            case .generation(let n), .networkID(let n), .networkCost(let n): w.append(number: n)
            case .tcpType(let v), .ufrag(let v), .other(_, let v): w.append(v)
            }
        }
    }
}

/// A candidate as handed outside SDP (trickle ICE, RFC 8840 §9; `RTCIceCandidate.candidate`), with the
/// spelling it arrived in so serialisation gives back the same text.
///
/// Accepted forms: `candidate:<fields>` (what browsers trickle) and `a=candidate:<fields>` (an SDP
/// line); no line end, no leading or trailing space.
public struct CandidateLine: Hashable, Sendable {
    public enum Form: String, Hashable, Sendable, CaseIterable {
        /// `candidate:…`
        case bare
        /// `a=candidate:…`
        case attribute
    }

    public var form: Form
    public var candidate: Candidate

    public init(form: Form = .bare, candidate: Candidate) {
        self.form = form
        self.candidate = candidate
    }

    public var text: String { (form == .attribute ? "a=" : "") + "candidate:" + candidate.valueText }
}
