extension Attribute {
    /// Types one `a=` line's name and value, or keeps it verbatim (see the type's documentation).
    ///
    /// Throws when a known attribute's value breaks its grammar. The canonical-spelling check is what
    /// makes the round trip exact: the typed value must re-serialise to the very text that was read.
    static func parse(name: Substring, value: Substring?) throws(FieldError) -> Attribute {
        guard let typed = try typed(name: name, value: value) else {
            return .other(name: String(name), value: value.map(String.init))
        }
        var writer = TextWriter(capacity: value?.utf8.count ?? 0)
        let wroteValue = typed.writeValue(to: &writer)
        if let value, wroteValue, Lexical.equals(value, writer.bytes) { return typed }
        if value == nil, !wroteValue { return typed }
        return .other(name: String(name), value: value.map(String.init))
    }

    /// The typed value for a known name; `nil` for unknown names and for flags given a value.
    private static func typed(name nameText: Substring, value: Substring?) throws(FieldError) -> Attribute? {
        // A String (small and inline for names of up to 15 bytes) compares against literals far faster
        // than a Substring does.
        let name = String(nameText)
        // Property attributes (no value). With a value they are not this attribute's grammar: keep verbatim.
        let flag: Attribute? =
            switch name {
            case "ice-lite": .iceLite
            case "rtcp-mux": .rtcpMux
            case "rtcp-mux-only": .rtcpMuxOnly
            case "rtcp-rsize": .rtcpRsize
            case "extmap-allow-mixed": .extmapAllowMixed
            case "end-of-candidates": .endOfCandidates
            case "sendrecv": .direction(.sendrecv)
            case "sendonly": .direction(.sendonly)
            case "recvonly": .direction(.recvonly)
            case "inactive": .direction(.inactive)
            default: nil
            }
        if let flag { return value == nil ? flag : nil }
        guard knownValueNames.contains(name) else { return nil }
        guard let value else { throw FieldError(.attributeValue, "a=\(name) needs a value") }
        switch name {
        case "group":
            guard let fields = Lexical.fields(value), Lexical.isToken(fields[0]),
                fields.dropFirst().allSatisfy(Lexical.isToken)
            else { throw FieldError(.group, "expected <semantics> *(SP <identification-tag>)") }
            return .group(Group(semantics: String(fields[0]), mids: fields.dropFirst().map(String.init)))
        case "mid":
            guard Lexical.isToken(value) else { throw FieldError(.mid, "'\(value)' is not a token") }
            return .mid(String(value))
        case "ice-ufrag", "ice-pwd":
            guard Lexical.isIceChars(value) else { throw FieldError(.iceParameter, "'\(value)' is not 1*ice-char") }
            return name == "ice-ufrag" ? .iceUfrag(String(value)) : .icePwd(String(value))
        case "ice-options":
            guard let tags = Lexical.fields(value), tags.allSatisfy(Lexical.isIceChars) else {
                throw FieldError(.iceParameter, "ice-options must be ice-char tags separated by single spaces")
            }
            return .iceOptions(tags.map(String.init))
        case "fingerprint": return .fingerprint(try Fingerprint.parseValue(value))
        case "setup":
            guard let role = SetupRole(rawValue: String(value)) else { throw FieldError(.setup, "unknown role '\(value)'") }
            return .setup(role)
        case "connection":
            guard let reuse = ConnectionReuse(rawValue: String(value)) else {
                throw FieldError(.setup, "a=connection must be new or existing, not '\(value)'")
            }
            return .connection(reuse)
        case "rtcp":
            guard let fields = Lexical.fields(value), fields.count == 1 || fields.count == 4,
                let port = Lexical.decimal(fields[0], as: UInt16.self)
            else { throw FieldError(.rtcp, "expected <port> [<nettype> <addrtype> <address>]") }
            guard fields.count == 4 else { return .rtcp(RTCPAddress(port: port)) }
            guard fields[1...].allSatisfy(Lexical.isField) else { throw FieldError(.rtcp, "bad connection address") }
            return .rtcp(RTCPAddress(port: port, connection: ConnectionData(
                networkType: String(fields[1]), addressType: String(fields[2]), address: String(fields[3]))))
        case "rtpmap": return .rtpmap(try RTPMap.parseValue(value))
        case "fmtp":
            let (format, parameters) = Lexical.splitFirst(value, " ")
            guard Lexical.isToken(format), let parameters, !parameters.isEmpty else {
                throw FieldError(.fmtp, "expected <format> SP <parameters>")
            }
            return .fmtp(FormatParameters(format: String(format), parameters: String(parameters)))
        case "rtcp-fb":
            let (format, rest) = Lexical.splitFirst(value, " ")
            guard format == "*" || Lexical.isDigits(format), let rest else {
                throw FieldError(.rtcpFeedback, "expected <payload type or *> SP <type>")
            }
            let (type, parameter) = Lexical.splitFirst(rest, " ")
            guard Lexical.isToken(type), parameter.map({ !$0.isEmpty }) ?? true else {
                throw FieldError(.rtcpFeedback, "feedback type '\(type)' is not a token")
            }
            return .rtcpFeedback(RTCPFeedback(format: String(format), type: String(type), parameter: parameter.map(String.init)))
        case "extmap": return .extmap(try ExtensionMap.parseValue(value))
        case "msid":
            guard let fields = Lexical.fields(value), fields.count <= 2 else {
                throw FieldError(.msid, "expected <stream id> [SP <track id>]")
            }
            return .msid(MediaStreamID(stream: String(fields[0]), track: fields.count == 2 ? String(fields[1]) : nil))
        case "ssrc":
            let (id, rest) = Lexical.splitFirst(value, " ")
            guard let ssrc = Lexical.decimal(id, as: UInt32.self), let rest else {
                throw FieldError(.ssrc, "expected <ssrc-id> SP <attribute>[:<value>]")
            }
            let (attribute, attributeValue) = Lexical.splitFirst(rest, ":")
            guard Lexical.isToken(attribute) else { throw FieldError(.ssrc, "source attribute '\(attribute)' is not a token") }
            return .ssrc(SourceAttribute(ssrc: ssrc, name: String(attribute), value: attributeValue.map(String.init)))
        case "ssrc-group":
            guard let fields = Lexical.fields(value), Lexical.isToken(fields[0]) else {
                throw FieldError(.ssrc, "expected <semantics> *(SP <ssrc-id>)")
            }
            var ssrcs: [UInt32] = []
            for field in fields.dropFirst() {
                guard let ssrc = Lexical.decimal(field, as: UInt32.self) else { throw FieldError(.ssrc, "'\(field)' is not an SSRC") }
                ssrcs.append(ssrc)
            }
            return .ssrcGroup(SourceGroup(semantics: String(fields[0]), ssrcs: ssrcs))
        case "rid":
            let (id, rest) = Lexical.splitFirst(value, " ")
            guard Lexical.isToken(id), let rest else { throw FieldError(.rid, "expected <rid-id> SP send|recv") }
            let (directionText, restrictions) = Lexical.splitFirst(rest, " ")
            guard let direction = StreamDirection(rawValue: String(directionText)), restrictions.map({ !$0.isEmpty }) ?? true else {
                throw FieldError(.rid, "direction must be send or recv, not '\(directionText)'")
            }
            return .rid(RestrictionID(id: String(id), direction: direction, restrictions: restrictions.map(String.init)))
        case "simulcast": return .simulcast(try Simulcast.parseValue(value))
        case "sctp-port":
            guard let port = Lexical.decimal(value, as: UInt16.self) else { throw FieldError(.sctp, "'\(value)' is not a port") }
            return .sctpPort(port)
        case "max-message-size":
            guard let size = Lexical.decimal(value, as: UInt64.self) else { throw FieldError(.sctp, "'\(value)' is not a size") }
            return .maxMessageSize(size)
        case "candidate": return .candidate(try Candidate.parseValue(value))
        default: return nil
        }
    }

    private static let knownValueNames: Set<String> = [
        "group", "mid", "ice-ufrag", "ice-pwd", "ice-options", "fingerprint", "setup", "connection", "rtcp",
        "rtpmap", "fmtp", "rtcp-fb", "extmap", "msid", "ssrc", "ssrc-group", "rid", "simulcast", "sctp-port",
        "max-message-size", "candidate",
    ]

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

extension Fingerprint {
    static func parseValue(_ value: Substring) throws(FieldError) -> Fingerprint {
        guard let fields = Lexical.fields(value), fields.count == 2, Lexical.isToken(fields[0]) else {
            throw FieldError(.fingerprint, "expected <hash-func> SP <fingerprint>")
        }
        // Hex pairs separated by single colons, read straight from the bytes (no per-pair allocation).
        var digest: [UInt8] = []
        digest.reserveCapacity(64)
        var high: UInt8?
        var expectColon = false
        for byte in fields[1].utf8 {
            if expectColon {
                guard byte == 0x3A else { throw FieldError(.fingerprint, "hex pairs must be separated by ':'") }
                expectColon = false
                continue
            }
            guard let nibble = hexValue(byte) else { throw FieldError(.fingerprint, "'\(fields[1])' is not hex pairs") }
            if let first = high {
                digest.append(first << 4 | nibble)
                high = nil
                expectColon = true
            } else {
                high = nibble
            }
        }
        guard high == nil, expectColon else { throw FieldError(.fingerprint, "'\(fields[1])' ends inside a hex pair") }
        return Fingerprint(hashFunction: String(fields[0]), digest: digest)
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
    static func parseValue(_ value: Substring) throws(FieldError) -> RTPMap {
        guard let fields = Lexical.fields(value), fields.count == 2,
            let payloadType = Lexical.decimal(fields[0], as: UInt8.self), payloadType <= 127
        else { throw FieldError(.rtpmap, "expected <payload type 0-127> SP <encoding>/<clock rate>[/<parameters>]") }
        let parts = Lexical.split(fields[1], "/")
        guard parts.count == 2 || parts.count == 3, Lexical.isToken(parts[0]),
            let clockRate = Lexical.decimal(parts[1], as: UInt32.self)
        else { throw FieldError(.rtpmap, "'\(fields[1])' is not <encoding>/<clock rate>[/<parameters>]") }
        var channels: UInt32?
        if parts.count == 3 {
            guard let count = Lexical.decimal(parts[2], as: UInt32.self) else {
                throw FieldError(.rtpmap, "encoding parameters '\(parts[2])' are not a channel count")
            }
            channels = count
        }
        return RTPMap(payloadType: payloadType, encoding: String(parts[0]), clockRate: clockRate, channels: channels)
    }
}

extension ExtensionMap {
    static func parseValue(_ value: Substring) throws(FieldError) -> ExtensionMap {
        let (head, rest) = Lexical.splitFirst(value, " ")
        guard let rest, !rest.isEmpty else { throw FieldError(.extmap, "expected <id>[/<direction>] SP <uri>") }
        let (idText, directionText) = Lexical.splitFirst(head, "/")
        guard let id = Lexical.decimal(idText, as: UInt16.self), (1...4096).contains(id) else {
            throw FieldError(.extmap, "id '\(idText)' is not 1-4096")
        }
        var direction: Direction?
        if let directionText {
            guard let parsed = Direction(rawValue: String(directionText)) else {
                throw FieldError(.extmap, "direction '\(directionText)' is not sendrecv/sendonly/recvonly/inactive")
            }
            direction = parsed
        }
        let (uri, attributes) = Lexical.splitFirst(rest, " ")
        guard Lexical.isField(uri), attributes.map({ !$0.isEmpty }) ?? true else {
            throw FieldError(.extmap, "bad extension URI")
        }
        return ExtensionMap(id: id, direction: direction, uri: String(uri), attributes: attributes.map(String.init))
    }
}

extension Simulcast {
    static func parseValue(_ value: Substring) throws(FieldError) -> Simulcast {
        guard let fields = Lexical.fields(value), fields.count == 2 || fields.count == 4 else {
            throw FieldError(.simulcast, "expected send|recv SP <streams> [SP send|recv SP <streams>]")
        }
        var directions: [Streams] = []
        for pairStart in stride(from: 0, to: fields.count, by: 2) {
            guard let direction = StreamDirection(rawValue: String(fields[pairStart])),
                !directions.contains(where: { $0.direction == direction })
            else { throw FieldError(.simulcast, "'\(fields[pairStart])' is not a new send/recv direction") }
            var streams: [[StreamID]] = []
            for stream in Lexical.split(fields[pairStart + 1], ";") {
                var alternatives: [StreamID] = []
                for alternative in Lexical.split(stream, ",") {
                    let paused = alternative.hasPrefix("~")
                    let rid = paused ? alternative.dropFirst() : alternative
                    guard Lexical.isToken(rid), !rid.contains(";"), !rid.contains(",") else {
                        throw FieldError(.simulcast, "'\(alternative)' is not a rid")
                    }
                    alternatives.append(StreamID(rid: String(rid), paused: paused))
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
