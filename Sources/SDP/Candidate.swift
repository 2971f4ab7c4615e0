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

    /// The type read from input bytes, matched as bytes (a `String` is made only for `.other`).
    init(_ text: Bytes) {
        self =
            if Lexical.equals(text, "host") { .host }
            else if Lexical.equals(text, "srflx") { .srflx }
            else if Lexical.equals(text, "prflx") { .prflx }
            else if Lexical.equals(text, "relay") { .relay }
            else { .other(Lexical.string(text)) }
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
    init(name: Bytes, value: Bytes) {
        let typed: CandidateExtension? =
            if Lexical.equals(name, "tcptype") { .tcpType(Lexical.string(value)) }
            else if Lexical.equals(name, "generation") { Lexical.canonicalDecimal(value, as: UInt32.self).map(CandidateExtension.generation) }
            else if Lexical.equals(name, "ufrag") { .ufrag(Lexical.string(value)) }
            else if Lexical.equals(name, "network-id") { Lexical.canonicalDecimal(value, as: UInt32.self).map(CandidateExtension.networkID) }
            else if Lexical.equals(name, "network-cost") { Lexical.canonicalDecimal(value, as: UInt32.self).map(CandidateExtension.networkCost) }
            else { nil }
        self = typed ?? .other(name: Lexical.string(name), value: Lexical.string(value))
    }
}

extension Candidate {
    /// `tcptype`, if present.
    public var tcpType: String? { extensions.lazy.compactMap { if case .tcpType(let v) = $0 { v } else { nil } }.first }
    /// `ufrag`, if present.
    public var ufrag: String? { extensions.lazy.compactMap { if case .ufrag(let v) = $0 { v } else { nil } }.first }

    /// Parses the value after `candidate:` (RFC 8839 §5.1). Numbers must be in canonical spelling here;
    /// the SDP parser keeps other spellings verbatim instead.
    ///
    /// The fields are counted first (so a short or badly spaced candidate is reported as such before any
    /// field is judged), then walked with a `FieldCursor`: no array of fields is built.
    static func parseValue(_ value: Bytes) throws(FieldError) -> Candidate {
        guard let fieldCount = Lexical.fieldCount(value) else {
            throw FieldError(.candidate, "fields must be separated by single spaces")
        }
        guard fieldCount >= 8 else {
            throw FieldError(.candidate, "needs foundation, component, transport, priority, address, port, typ <type>; found \(fieldCount) field(s)")
        }
        var fields = FieldCursor(value)
        // Eight fields exist, none empty (checked above), so these reads always succeed.
        func nextField() -> Bytes { fields.next() ?? [] }
        let foundation = nextField()
        guard Lexical.isICEChars(foundation), foundation.count <= 32 else {
            throw FieldError(.candidate, "foundation '\(Lexical.string(foundation))' is not 1-32 ice-chars")
        }
        let componentText = nextField()
        guard let component = Lexical.decimal(componentText, as: UInt16.self), (1...256).contains(component) else {
            throw FieldError(.candidate, "component '\(Lexical.string(componentText))' is not 1-256")
        }
        let transport = nextField()
        guard Lexical.isToken(transport) else {
            throw FieldError(.candidate, "transport '\(Lexical.string(transport))' is not a token")
        }
        let priorityText = nextField()
        guard let priority = Lexical.decimal(priorityText, as: UInt64.self), (1...UInt64(maximumPriority)).contains(priority) else {
            throw FieldError(.candidate, "priority '\(Lexical.string(priorityText))' is not 1...2^31-1")
        }
        let address = nextField()
        guard Lexical.isField(address) else { throw FieldError(.candidate, "bad connection address") }
        let portText = nextField()
        guard let port = Lexical.decimal(portText, as: UInt16.self) else {
            throw FieldError(.candidate, "port '\(Lexical.string(portText))' is not 0-65535")
        }
        let typ = nextField()
        guard Lexical.equals(typ, "typ") else {
            throw FieldError(.candidate, "expected 'typ' after the port, found '\(Lexical.string(typ))'")
        }
        let typeText = nextField()
        guard Lexical.isToken(typeText) else {
            throw FieldError(.candidate, "candidate type '\(Lexical.string(typeText))' is not a token")
        }
        var candidate = Candidate(
            foundation: Lexical.string(foundation), component: component, transport: Lexical.string(transport),
            priority: UInt32(priority), address: Lexical.string(address), port: port,
            type: CandidateType(typeText))
        var remaining = fieldCount - 8
        var pending = fields.next()  // the field after the type, if any
        if remaining >= 2, let name = pending, Lexical.equals(name, "raddr") {
            let relatedAddress = nextField()
            guard Lexical.isField(relatedAddress) else { throw FieldError(.candidate, "bad raddr") }
            candidate.relatedAddress = Lexical.string(relatedAddress)
            remaining -= 2
            pending = fields.next()
        }
        if remaining >= 2, let name = pending, Lexical.equals(name, "rport") {
            let relatedPortText = nextField()
            guard let relatedPort = Lexical.decimal(relatedPortText, as: UInt16.self) else {
                throw FieldError(.candidate, "rport '\(Lexical.string(relatedPortText))' is not 0-65535")
            }
            candidate.relatedPort = relatedPort
            remaining -= 2
            pending = fields.next()
        }
        guard remaining % 2 == 0 else {
            throw FieldError(.candidate, "extension '\(Lexical.string(Lexical.lastField(value)))' has no value")
        }
        candidate.extensions.reserveCapacity(remaining / 2)
        while let name = pending {
            guard Lexical.isToken(name) else {
                throw FieldError(.candidate, "extension name '\(Lexical.string(name))' is not a token")
            }
            candidate.extensions.append(CandidateExtension(name: name, value: nextField()))
            pending = fields.next()
        }
        return candidate
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

    public var text: String {
        var writer = TextWriter()
        write(to: &writer)
        return writer.text
    }

    /// Writes `[a=]candidate:<value>`.
    func write(to w: inout TextWriter) {
        if form == .attribute { w.append("a=") }
        w.append("candidate:")
        candidate.writeValue(to: &w)
    }
}
