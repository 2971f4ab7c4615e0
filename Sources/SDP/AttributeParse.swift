extension Attribute {
    /// Types one `a=` line's name and value, or keeps it verbatim (see the type's documentation).
    ///
    /// Throws when a known attribute's value breaks its grammar. The canonical-spelling check is what
    /// makes the round trip exact: the typed value must re-serialise to the very text that was read.
    static func parse(name: Substring, value: Substring?) throws(FieldError) -> Attribute {
        guard let typed = try typed(name: name, value: value) else {
            return .other(name: String(name), value: value.map(String.init))
        }
        if typed.valueText == value.map(String.init) { return typed }
        return .other(name: String(name), value: value.map(String.init))
    }

    /// The typed value for a known name; `nil` for unknown names and for flags given a value.
    private static func typed(name: Substring, value: Substring?) throws(FieldError) -> Attribute? {
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

    private static let knownValueNames: Set<Substring> = [
        "group", "mid", "ice-ufrag", "ice-pwd", "ice-options", "fingerprint", "setup", "connection", "rtcp",
        "rtpmap", "fmtp", "rtcp-fb", "extmap", "msid", "ssrc", "ssrc-group", "rid", "simulcast", "sctp-port",
        "max-message-size", "candidate",
    ]

    /// The text after `name:`; `nil` for property attributes.
    public var valueText: String? {
        switch self {
        case .group(let group): ([group.semantics] + group.mids).joined(separator: " ")
        case .mid(let text), .iceUfrag(let text), .icePwd(let text): text
        case .iceOptions(let tags): tags.joined(separator: " ")
        case .fingerprint(let fingerprint): fingerprint.valueText
        case .setup(let role): role.rawValue
        case .connection(let reuse): reuse.rawValue
        case .rtcp(let rtcp):
            if let c = rtcp.connection { "\(rtcp.port) \(c.networkType) \(c.addressType) \(c.address)" } else { String(rtcp.port) }
        case .rtpmap(let map):
            "\(map.payloadType) \(map.encoding)/\(map.clockRate)" + (map.channels.map { "/\($0)" } ?? "")
        case .fmtp(let fmtp): "\(fmtp.format) \(fmtp.parameters)"
        case .rtcpFeedback(let fb): "\(fb.format) \(fb.type)" + (fb.parameter.map { " \($0)" } ?? "")
        case .extmap(let map):
            "\(map.id)" + (map.direction.map { "/\($0.rawValue)" } ?? "") + " \(map.uri)"
                + (map.attributes.map { " \($0)" } ?? "")
        case .msid(let msid): msid.stream + (msid.track.map { " \($0)" } ?? "")
        case .ssrc(let source): "\(source.ssrc) \(source.name)" + (source.value.map { ":\($0)" } ?? "")
        case .ssrcGroup(let group): ([group.semantics] + group.ssrcs.map(String.init)).joined(separator: " ")
        case .rid(let rid): "\(rid.id) \(rid.direction.rawValue)" + (rid.restrictions.map { " \($0)" } ?? "")
        case .simulcast(let simulcast): simulcast.valueText
        case .sctpPort(let port): String(port)
        case .maxMessageSize(let size): String(size)
        case .candidate(let candidate): candidate.valueText
        case .iceLite, .rtcpMux, .rtcpMuxOnly, .rtcpRsize, .extmapAllowMixed, .endOfCandidates, .direction: nil
        case .other(_, let value): value
        }
    }

    /// The whole line without its line end: `a=name[:value]`.
    public var lineText: String {
        if let value = valueText { "a=\(name):\(value)" } else { "a=\(name)" }
    }
}

extension Fingerprint {
    static func parseValue(_ value: Substring) throws(FieldError) -> Fingerprint {
        guard let fields = Lexical.fields(value), fields.count == 2, Lexical.isToken(fields[0]) else {
            throw FieldError(.fingerprint, "expected <hash-func> SP <fingerprint>")
        }
        var digest: [UInt8] = []
        for pair in fields[1].split(separator: ":", omittingEmptySubsequences: false) {
            let bytes = Array(pair.utf8)
            guard bytes.count == 2, let high = hexValue(bytes[0]), let low = hexValue(bytes[1]) else {
                throw FieldError(.fingerprint, "'\(pair)' is not two hex digits")
            }
            digest.append(high << 4 | low)
        }
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

    var valueText: String {
        let digits: [Character] = Array("0123456789ABCDEF")
        var text = hashFunction + " "
        for (index, byte) in digest.enumerated() {
            if index > 0 { text.append(":") }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return text
    }
}

extension RTPMap {
    static func parseValue(_ value: Substring) throws(FieldError) -> RTPMap {
        guard let fields = Lexical.fields(value), fields.count == 2,
            let payloadType = Lexical.decimal(fields[0], as: UInt8.self), payloadType <= 127
        else { throw FieldError(.rtpmap, "expected <payload type 0-127> SP <encoding>/<clock rate>[/<parameters>]") }
        let parts = fields[1].split(separator: "/", omittingEmptySubsequences: false)
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
            for stream in fields[pairStart + 1].split(separator: ";", omittingEmptySubsequences: false) {
                var alternatives: [StreamID] = []
                for alternative in stream.split(separator: ",", omittingEmptySubsequences: false) {
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

    var valueText: String {
        directions.map { entry in
            entry.direction.rawValue + " "
                + entry.streams.map { $0.map { ($0.paused ? "~" : "") + $0.rid }.joined(separator: ",") }.joined(separator: ";")
        }.joined(separator: " ")
    }
}
