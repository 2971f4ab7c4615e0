public import Hashing

extension Attribute {
    /// Types one `a=` line's name and value, or keeps it verbatim (see the type's documentation).
    ///
    /// Throws when a known attribute's value breaks its grammar. The canonical-spelling check is what
    /// makes the round trip exact: the typed value must re-serialise to the very text that was read.
    /// `scratch` is the buffer that check renders into; the session parser lends the same one to every
    /// line so the check costs no allocation per attribute.
    static func parse(name: Bytes, value: Bytes?, scratch: inout TextWriter) throws(FieldError) -> Attribute {
        guard let typed = try typed(name: name, value: value) else {
            return .other(name: Lexical.string(name), value: value.map(Lexical.string))
        }
        scratch.bytes.removeAll(keepingCapacity: true)
        let wroteValue = typed.writeValue(to: &scratch)
        if let value, wroteValue, scratch.bytes[...] == value { return typed }
        if value == nil, !wroteValue { return typed }
        return .other(name: Lexical.string(name), value: value.map(Lexical.string))
    }

    /// The attribute names this codec types, found by comparing bytes: no `String` is made for the
    /// name, and an unknown name costs a length comparison per entry.
    private enum KnownName: CaseIterable {
        case iceLite, rtcpMux, rtcpMuxOnly, rtcpRsize, extmapAllowMixed, endOfCandidates
        case sendrecv, sendonly, recvonly, inactive
        case group, mid, iceUfrag, icePwd, iceOptions, fingerprint, setup, connection, rtcp, rtpmap, fmtp
        case rtcpFeedback, extmap, msid, ssrc, ssrcGroup, rid, simulcast, sctpPort, maxMessageSize, candidate

        var spelling: StaticString {
            switch self {
            case .iceLite: "ice-lite"
            case .rtcpMux: "rtcp-mux"
            case .rtcpMuxOnly: "rtcp-mux-only"
            case .rtcpRsize: "rtcp-rsize"
            case .extmapAllowMixed: "extmap-allow-mixed"
            case .endOfCandidates: "end-of-candidates"
            case .sendrecv: "sendrecv"
            case .sendonly: "sendonly"
            case .recvonly: "recvonly"
            case .inactive: "inactive"
            case .group: "group"
            case .mid: "mid"
            case .iceUfrag: "ice-ufrag"
            case .icePwd: "ice-pwd"
            case .iceOptions: "ice-options"
            case .fingerprint: "fingerprint"
            case .setup: "setup"
            case .connection: "connection"
            case .rtcp: "rtcp"
            case .rtpmap: "rtpmap"
            case .fmtp: "fmtp"
            case .rtcpFeedback: "rtcp-fb"
            case .extmap: "extmap"
            case .msid: "msid"
            case .ssrc: "ssrc"
            case .ssrcGroup: "ssrc-group"
            case .rid: "rid"
            case .simulcast: "simulcast"
            case .sctpPort: "sctp-port"
            case .maxMessageSize: "max-message-size"
            case .candidate: "candidate"
            }
        }

        init?(_ name: Bytes) {
            // Only the spellings of the name's length are compared (at most six of them).
            let byLength = Self.byLength
            guard name.count < byLength.count else { return nil }
            for known in byLength[name.count] where Lexical.equals(name, known.spelling) {
                self = known
                return
            }
            return nil
        }

        /// The names grouped by the length of their spelling, built once.
        private static let byLength: [[KnownName]] = {
            var table: [[KnownName]] = Array(repeating: [], count: 19)
            for known in allCases { table[known.spelling.utf8CodeUnitCount].append(known) }
            return table
        }()

        /// The value of a property attribute (one written without a value).
        var flag: Attribute? {
            switch self {
            case .iceLite: .iceLite
            case .rtcpMux: .rtcpMux
            case .rtcpMuxOnly: .rtcpMuxOnly
            case .rtcpRsize: .rtcpRsize
            case .extmapAllowMixed: .extmapAllowMixed
            case .endOfCandidates: .endOfCandidates
            case .sendrecv: .direction(.sendrecv)
            case .sendonly: .direction(.sendonly)
            case .recvonly: .direction(.recvonly)
            case .inactive: .direction(.inactive)
            default: nil
            }
        }
    }

    /// The typed value for a known name; `nil` for unknown names and for flags given a value.
    private static func typed(name nameText: Bytes, value: Bytes?) throws(FieldError) -> Attribute? {
        guard let name = KnownName(nameText) else { return nil }
        // Property attributes (no value). With a value they are not this attribute's grammar: keep verbatim.
        if let flag = name.flag { return value == nil ? flag : nil }
        guard let value else { throw FieldError(.attributeValue, "a=\(Lexical.string(nameText)) needs a value") }
        // Only for error details.
        func quoted(_ text: Bytes) -> String { Lexical.string(text) }
        switch name {
        case .group:
            guard let fields = Lexical.fields(value), Lexical.isToken(fields[0]),
                fields.dropFirst().allSatisfy(Lexical.isToken)
            else { throw FieldError(.group, "expected <semantics> *(SP <identification-tag>)") }
            return .group(Group(semantics: Lexical.string(fields[0]), mids: fields.dropFirst().map(Lexical.string)))
        case .mid:
            guard Lexical.isToken(value) else { throw FieldError(.mid, "'\(quoted(value))' is not a token") }
            return .mid(Lexical.string(value))
        case .iceUfrag, .icePwd:
            guard Lexical.isICEChars(value) else { throw FieldError(.iceParameter, "'\(quoted(value))' is not 1*ice-char") }
            return name == .iceUfrag ? .iceUfrag(Lexical.string(value)) : .icePwd(Lexical.string(value))
        case .iceOptions:
            guard let tags = Lexical.fields(value), tags.allSatisfy(Lexical.isICEChars) else {
                throw FieldError(.iceParameter, "ice-options must be ice-char tags separated by single spaces")
            }
            return .iceOptions(tags.map(Lexical.string))
        case .fingerprint: return .fingerprint(try CertificateFingerprint.parseValue(value))
        case .setup:
            guard let role = SetupRole(rawValue: Lexical.string(value)) else {
                throw FieldError(.setup, "unknown role '\(quoted(value))'")
            }
            return .setup(role)
        case .connection:
            guard let reuse = ConnectionReuse(rawValue: Lexical.string(value)) else {
                throw FieldError(.setup, "a=connection must be new or existing, not '\(quoted(value))'")
            }
            return .connection(reuse)
        case .rtcp:
            guard let fields = Lexical.fields(value), fields.count == 1 || fields.count == 4,
                let port = Lexical.decimal(fields[0], as: UInt16.self)
            else { throw FieldError(.rtcp, "expected <port> [<nettype> <addrtype> <address>]") }
            guard fields.count == 4 else { return .rtcp(RTCPAddress(port: port)) }
            guard fields[1...].allSatisfy(Lexical.isField) else { throw FieldError(.rtcp, "bad connection address") }
            return .rtcp(RTCPAddress(port: port, connection: ConnectionData(
                networkType: Lexical.string(fields[1]), addressType: Lexical.string(fields[2]),
                address: Lexical.string(fields[3]))))
        case .rtpmap: return .rtpmap(try RTPMap.parseValue(value))
        case .fmtp:
            let (format, parameters) = Lexical.splitFirst(value, 0x20)
            guard Lexical.isToken(format), let parameters, !parameters.isEmpty else {
                throw FieldError(.fmtp, "expected <format> SP <parameters>")
            }
            return .fmtp(FormatParameters(format: Lexical.string(format), parameters: Lexical.string(parameters)))
        case .rtcpFeedback:
            let (format, rest) = Lexical.splitFirst(value, 0x20)
            guard Lexical.equals(format, "*") || Lexical.isDigits(format), let rest else {
                throw FieldError(.rtcpFeedback, "expected <payload type or *> SP <type>")
            }
            let (type, parameter) = Lexical.splitFirst(rest, 0x20)
            guard Lexical.isToken(type), parameter.map({ !$0.isEmpty }) ?? true else {
                throw FieldError(.rtcpFeedback, "feedback type '\(quoted(type))' is not a token")
            }
            return .rtcpFeedback(RTCPFeedback(
                format: Lexical.string(format), type: Lexical.string(type), parameter: parameter.map(Lexical.string)))
        case .extmap: return .extmap(try ExtensionMap.parseValue(value))
        case .msid:
            var cursor = FieldCursor(value)
            guard let stream = cursor.next() else { throw FieldError(.msid, "expected <stream id> [SP <track id>]") }
            let track = cursor.next()
            guard cursor.next() == nil, !cursor.isMalformed else {
                throw FieldError(.msid, "expected <stream id> [SP <track id>]")
            }
            return .msid(MediaStreamID(stream: Lexical.string(stream), track: track.map(Lexical.string)))
        case .ssrc:
            let (id, rest) = Lexical.splitFirst(value, 0x20)
            guard let ssrc = Lexical.decimal(id, as: UInt32.self), let rest else {
                throw FieldError(.ssrc, "expected <ssrc-id> SP <attribute>[:<value>]")
            }
            let (attribute, attributeValue) = Lexical.splitFirst(rest, UInt8(ascii: ":"))
            guard Lexical.isToken(attribute) else {
                throw FieldError(.ssrc, "source attribute '\(quoted(attribute))' is not a token")
            }
            return .ssrc(SourceAttribute(
                ssrc: ssrc, name: Lexical.string(attribute), value: attributeValue.map(Lexical.string)))
        case .ssrcGroup:
            guard let fields = Lexical.fields(value), Lexical.isToken(fields[0]) else {
                throw FieldError(.ssrc, "expected <semantics> *(SP <ssrc-id>)")
            }
            var ssrcs: [UInt32] = []
            ssrcs.reserveCapacity(fields.count - 1)
            for field in fields.dropFirst() {
                guard let ssrc = Lexical.decimal(field, as: UInt32.self) else {
                    throw FieldError(.ssrc, "'\(quoted(field))' is not an SSRC")
                }
                ssrcs.append(ssrc)
            }
            return .ssrcGroup(SourceGroup(semantics: Lexical.string(fields[0]), ssrcs: ssrcs))
        case .rid:
            let (id, rest) = Lexical.splitFirst(value, 0x20)
            guard Lexical.isToken(id), let rest else { throw FieldError(.rid, "expected <rid-id> SP send|recv") }
            let (directionText, restrictions) = Lexical.splitFirst(rest, 0x20)
            guard let direction = StreamDirection(rawValue: Lexical.string(directionText)),
                restrictions.map({ !$0.isEmpty }) ?? true
            else {
                throw FieldError(.rid, "direction must be send or recv, not '\(quoted(directionText))'")
            }
            return .rid(RestrictionID(
                id: Lexical.string(id), direction: direction, restrictions: restrictions.map(Lexical.string)))
        case .simulcast: return .simulcast(try Simulcast.parseValue(value))
        case .sctpPort:
            guard let port = Lexical.decimal(value, as: UInt16.self) else {
                throw FieldError(.sctp, "'\(quoted(value))' is not a port")
            }
            return .sctpPort(port)
        case .maxMessageSize:
            guard let size = Lexical.decimal(value, as: UInt64.self) else {
                throw FieldError(.sctp, "'\(quoted(value))' is not a size")
            }
            return .maxMessageSize(size)
        case .candidate: return .candidate(try Candidate.parseValue(value))
        case .iceLite, .rtcpMux, .rtcpMuxOnly, .rtcpRsize, .extmapAllowMixed, .endOfCandidates,
            .sendrecv, .sendonly, .recvonly, .inactive:
            return nil  // handled above as flags
        }
    }

    /// The text after `name:`; `nil` for property attributes.
    public var valueText: String? {
        var writer = TextWriter()
        return writeValue(to: &writer) ? writer.text : nil
    }

    /// The whole line without its line end: `a=name[:value]`.
    public var lineText: String {
        var writer = TextWriter()
        writeLine(to: &writer)
        return writer.text
    }

    /// Writes `a=name[:value]` (no line end).
    func writeLine(to writer: inout TextWriter) {
        writer.append(byte: 0x61)
        writer.append(byte: 0x3D)
        writer.append(name)
        let mark = writer.bytes.count
        writer.append(byte: 0x3A)
        if !writeValue(to: &writer) { writer.bytes.removeSubrange(mark...) }
    }

    /// Writes the value after `name:`; returns `false` (writing nothing) for a property attribute.
    func writeValue(to w: inout TextWriter) -> Bool {
        switch self {
        case .group(let group):
            w.append(group.semantics)
            for mid in group.mids { w.space(); w.append(mid) }
        case .mid(let text), .iceUfrag(let text), .icePwd(let text): w.append(text)
        case .iceOptions(let tags): w.join(tags, separator: 0x20) { $0.append($1) }
        case .fingerprint(let fingerprint): fingerprint.writeValue(to: &w)
        case .setup(let role): w.append(role.rawValue)
        case .connection(let reuse): w.append(reuse.rawValue)
        case .rtcp(let rtcp):
            w.append(number: rtcp.port)
            if let c = rtcp.connection {
                w.space(); w.append(c.networkType); w.space(); w.append(c.addressType); w.space(); w.append(c.address)
            }
        case .rtpmap(let map):
            w.append(number: map.payloadType); w.space(); w.append(map.encoding)
            w.append(byte: 0x2F); w.append(number: map.clockRate)
            if let channels = map.channels { w.append(byte: 0x2F); w.append(number: channels) }
        case .fmtp(let fmtp): w.append(fmtp.format); w.space(); w.append(fmtp.parameters)
        case .rtcpFeedback(let fb):
            w.append(fb.format); w.space(); w.append(fb.type)
            if let parameter = fb.parameter { w.space(); w.append(parameter) }
        case .extmap(let map):
            w.append(number: map.id)
            if let direction = map.direction { w.append(byte: 0x2F); w.append(direction.rawValue) }
            w.space(); w.append(map.uri)
            if let attributes = map.attributes { w.space(); w.append(attributes) }
        case .msid(let msid):
            w.append(msid.stream)
            if let track = msid.track { w.space(); w.append(track) }
        case .ssrc(let source):
            w.append(number: source.ssrc); w.space(); w.append(source.name)
            if let value = source.value { w.append(byte: 0x3A); w.append(value) }
        case .ssrcGroup(let group):
            w.append(group.semantics)
            for ssrc in group.ssrcs { w.space(); w.append(number: ssrc) }
        case .rid(let rid):
            w.append(rid.id); w.space(); w.append(rid.direction.rawValue)
            if let restrictions = rid.restrictions { w.space(); w.append(restrictions) }
        case .simulcast(let simulcast): simulcast.writeValue(to: &w)
        case .sctpPort(let port): w.append(number: port)
        case .maxMessageSize(let size): w.append(number: size)
        case .candidate(let candidate): candidate.writeValue(to: &w)
        case .iceLite, .rtcpMux, .rtcpMuxOnly, .rtcpRsize, .extmapAllowMixed, .endOfCandidates, .direction: return false
        case .other(_, let value):
            guard let value else { return false }
            w.append(value)
        }
        return true
    }
}

extension CertificateFingerprint {
    /// Parses the value of an `a=fingerprint:` attribute (the text after the colon) and checks that it
    /// can verify a certificate (`validate()`): what the DTLS layer compares a peer's certificate with.
    ///
    /// Lower-case hex is accepted when reading (RFC 8122 §5 asks for upper case in what is sent;
    /// browsers are lenient too), and the hash-function token is case-insensitive.
    public init(sdpValue text: String) throws(CertificateFingerprintError) {
        let parsed: CertificateFingerprint
        do { parsed = try Self.parseValue(Array(text.utf8)[...]) } catch { throw .syntax(error.detail) }
        try parsed.validate()
        self = parsed
    }

    static func parseValue(_ value: Bytes) throws(FieldError) -> CertificateFingerprint {
        var cursor = FieldCursor(value)
        guard let hashFunction = cursor.next(), let hexPairs = cursor.next(), cursor.next() == nil,
            !cursor.isMalformed, Lexical.isToken(hashFunction)
        else {
            throw FieldError(.fingerprint, "expected <hash-func> SP <fingerprint>")
        }
        // Hex pairs separated by single colons, read straight from the bytes (no per-pair allocation).
        var digest: [UInt8] = []
        digest.reserveCapacity(64)
        var high: UInt8?
        var expectColon = false
        for byte in hexPairs {
            if expectColon {
                guard byte == 0x3A else { throw FieldError(.fingerprint, "hex pairs must be separated by ':'") }
                expectColon = false
                continue
            }
            guard let nibble = hexValue(byte) else { throw FieldError(.fingerprint, "'\(Lexical.string(hexPairs))' is not hex pairs") }
            if let first = high {
                digest.append(first << 4 | nibble)
                high = nil
                expectColon = true
            } else {
                high = nibble
            }
        }
        guard high == nil, expectColon else { throw FieldError(.fingerprint, "'\(Lexical.string(hexPairs))' ends inside a hex pair") }
        return CertificateFingerprint(hashFunction: Lexical.string(hashFunction), digest: digest)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    func writeValue(to w: inout TextWriter) {
        let digits: [UInt8] = Array("0123456789ABCDEF".utf8)
        w.append(hashFunction)
        w.space()
        for (index, byte) in digest.enumerated() {
            if index > 0 { w.append(byte: 0x3A) }
            w.append(byte: digits[Int(byte >> 4)])
            w.append(byte: digits[Int(byte & 0x0F)])
        }
    }
}

extension RTPMap {
    /// Read with splits rather than field arrays: a browser offer has one `a=rtpmap` per codec.
    static func parseValue(_ value: Bytes) throws(FieldError) -> RTPMap {
        var fields = FieldCursor(value)
        guard let payloadTypeText = fields.next(), let mapping = fields.next(), fields.next() == nil,
            !fields.isMalformed, let payloadType = Lexical.decimal(payloadTypeText, as: UInt8.self), payloadType <= 127
        else { throw FieldError(.rtpmap, "expected <payload type 0-127> SP <encoding>/<clock rate>[/<parameters>]") }
        let (encoding, afterEncoding) = Lexical.splitFirst(mapping, UInt8(ascii: "/"))
        let (clockRateText, channelsText) = Lexical.splitFirst(afterEncoding ?? [], UInt8(ascii: "/"))
        guard afterEncoding != nil, Lexical.isToken(encoding),
            let clockRate = Lexical.decimal(clockRateText, as: UInt32.self),
            !(channelsText?.contains(UInt8(ascii: "/")) ?? false)
        else { throw FieldError(.rtpmap, "'\(Lexical.string(mapping))' is not <encoding>/<clock rate>[/<parameters>]") }
        var channels: UInt32?
        if let channelsText {
            guard let count = Lexical.decimal(channelsText, as: UInt32.self) else {
                throw FieldError(.rtpmap, "encoding parameters '\(Lexical.string(channelsText))' are not a channel count")
            }
            channels = count
        }
        return RTPMap(payloadType: payloadType, encoding: Lexical.string(encoding), clockRate: clockRate, channels: channels)
    }
}

extension ExtensionMap {
    static func parseValue(_ value: Bytes) throws(FieldError) -> ExtensionMap {
        let (head, rest) = Lexical.splitFirst(value, 0x20)
        guard let rest, !rest.isEmpty else { throw FieldError(.extmap, "expected <id>[/<direction>] SP <uri>") }
        let (idText, directionText) = Lexical.splitFirst(head, UInt8(ascii: "/"))
        guard let id = Lexical.decimal(idText, as: UInt16.self), (1...4096).contains(id) else {
            throw FieldError(.extmap, "id '\(Lexical.string(idText))' is not 1-4096")
        }
        var direction: Direction?
        if let directionText {
            guard let parsed = Direction(rawValue: Lexical.string(directionText)) else {
                throw FieldError(.extmap, "direction '\(Lexical.string(directionText))' is not sendrecv/sendonly/recvonly/inactive")
            }
            direction = parsed
        }
        let (uri, attributes) = Lexical.splitFirst(rest, 0x20)
        guard Lexical.isField(uri), attributes.map({ !$0.isEmpty }) ?? true else {
            throw FieldError(.extmap, "bad extension URI")
        }
        return ExtensionMap(id: id, direction: direction, uri: Lexical.string(uri), attributes: attributes.map(Lexical.string))
    }
}

extension Simulcast {
    static func parseValue(_ value: Bytes) throws(FieldError) -> Simulcast {
        guard let fields = Lexical.fields(value), fields.count == 2 || fields.count == 4 else {
            throw FieldError(.simulcast, "expected send|recv SP <streams> [SP send|recv SP <streams>]")
        }
        var directions: [Streams] = []
        for pairStart in stride(from: 0, to: fields.count, by: 2) {
            guard let direction = StreamDirection(rawValue: Lexical.string(fields[pairStart])),
                !directions.contains(where: { $0.direction == direction })
            else { throw FieldError(.simulcast, "'\(Lexical.string(fields[pairStart]))' is not a new send/recv direction") }
            var streams: [[StreamID]] = []
            for stream in Lexical.split(fields[pairStart + 1], UInt8(ascii: ";")) {
                var alternatives: [StreamID] = []
                for alternative in Lexical.split(stream, UInt8(ascii: ",")) {
                    let paused = alternative.first == UInt8(ascii: "~")
                    let rid = paused ? alternative.dropFirst() : alternative
                    guard Lexical.isToken(rid), !rid.contains(UInt8(ascii: ";")), !rid.contains(UInt8(ascii: ",")) else {
                        throw FieldError(.simulcast, "'\(Lexical.string(alternative))' is not a rid")
                    }
                    alternatives.append(StreamID(rid: Lexical.string(rid), paused: paused))
                }
                streams.append(alternatives)
            }
            directions.append(Streams(direction: direction, streams: streams))
        }
        return Simulcast(directions: directions)
    }

    func writeValue(to w: inout TextWriter) {
        w.join(directions, separator: 0x20) { w, entry in
            w.append(entry.direction.rawValue)
            w.space()
            w.join(entry.streams, separator: 0x3B) { w, alternatives in
                w.join(alternatives, separator: 0x2C) { w, id in
                    if id.paused { w.append(byte: 0x7E) }
                    w.append(id.rid)
                }
            }
        }
    }
}
