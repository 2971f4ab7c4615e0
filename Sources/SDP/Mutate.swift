public import Wire

// Structure-aware mutation (DESIGN §4) for SDP documents and trickled candidates. `serialize` rewrites
// every line from the model, with its `<type>=` prefix and CRLF (RFC 8866 §5), so a mutant is still a
// document of lines and reaches the per-attribute grammars instead of stopping at the line syntax.

extension Attribute {
    /// The names of the attributes this codec types. `Attribute.name` is a switch, not a list, so the
    /// names are repeated here; the dictionary and attribute-name confusion use them.
    public static let knownNames: [String] = [
        "group", "mid", "ice-ufrag", "ice-pwd", "ice-options", "ice-lite", "fingerprint", "setup", "connection",
        "rtcp", "rtcp-mux", "rtcp-mux-only", "rtcp-rsize", "rtpmap", "fmtp", "rtcp-fb", "extmap",
        "extmap-allow-mixed", "msid", "ssrc", "ssrc-group", "rid", "simulcast", "sctp-port", "max-message-size",
        "candidate", "end-of-candidates",
    ] + Direction.allCases.map(\.rawValue)

    /// One change to an attribute: its name (attribute-name confusion: another known name over the same
    /// value text), its value text, or a typed field (RTP map, fingerprint, ICE credentials, candidate,
    /// SCTP port, extmap ID, SSRC …).
    mutating func mutate(using generator: inout SeededGenerator) {
        switch generator.below(4) {
        case 0:
            self = .other(name: generator.element(of: Self.knownNames) ?? "mid", value: valueText ?? (generator.chance(2) ? nil : "0"))
        case 1:
            var text = valueText ?? ""
            FieldMutator.mutate(&text, maxUTF8: 256, tokens: SDPCodec.textTokens, using: &generator)
            self = .other(name: name, value: text)
        default:
            mutateFields(using: &generator)
        }
    }

    mutating func mutateFields(using generator: inout SeededGenerator) {
        func text(_ t: inout String) { FieldMutator.mutate(&t, maxUTF8: 256, tokens: SDPCodec.textTokens, using: &generator) }
        switch self {
        case .rtpmap(var map):
            switch generator.below(4) {
            case 0: FieldMutator.mutate(&map.payloadType, using: &generator)
            case 1: text(&map.encoding)
            case 2: FieldMutator.mutate(&map.clockRate, using: &generator)
            default: map.channels = map.channels == nil ? UInt32(1 + generator.below(8)) : (generator.chance(2) ? nil : FieldMutator.mutated(map.channels ?? 2, using: &generator))
            }
            self = .rtpmap(map)
        case .fmtp(var parameters):
            if generator.chance(3) { text(&parameters.format) } else { text(&parameters.parameters) }
            self = .fmtp(parameters)
        case .fingerprint(var fingerprint):
            if generator.chance(3) { text(&fingerprint.hashFunction) }
            else { FieldMutator.mutate(&fingerprint.digest, maxLength: 64, using: &generator) }
            self = .fingerprint(fingerprint)
        case .iceUfrag(var value): text(&value); self = .iceUfrag(value)
        case .icePwd(var value): text(&value); self = .icePwd(value)
        case .mid(var value): text(&value); self = .mid(value)
        case .setup(var role): FieldMutator.mutate(&role, using: &generator); self = .setup(role)
        case .direction(var direction): FieldMutator.mutate(&direction, using: &generator); self = .direction(direction)
        case .sctpPort(let port): self = .sctpPort(FieldMutator.mutated(port, using: &generator))
        case .maxMessageSize(let size): self = .maxMessageSize(FieldMutator.mutated(size, using: &generator))
        case .candidate(var candidate): candidate.mutate(using: &generator); self = .candidate(candidate)
        case .extmap(var map):
            if generator.chance(2) { FieldMutator.mutate(&map.id, using: &generator) } else { text(&map.uri) }
            self = .extmap(map)
        case .ssrc(var source):
            if generator.chance(2) { FieldMutator.mutate(&source.ssrc, using: &generator) } else { text(&source.name) }
            self = .ssrc(source)
        case .ssrcGroup(var group):
            FieldMutator.mutate(&group.ssrcs, maxCount: 8, using: &generator, fresh: { UInt32(truncatingIfNeeded: $0.next()) })
            self = .ssrcGroup(group)
        case .group(var group):
            FieldMutator.mutate(&group.mids, maxCount: 8, using: &generator, fresh: { String($0.below(10)) },
                                element: { FieldMutator.mutate(&$0, maxUTF8: 32, using: &$1); return true })
            self = .group(group)
        case .other(let name, var value):
            var text = value ?? ""
            FieldMutator.mutate(&text, maxUTF8: 256, tokens: SDPCodec.textTokens, using: &generator)
            value = text
            self = .other(name: name, value: value)
        default:
            self = .other(name: name, value: valueText ?? "")
        }
    }
}

extension Candidate {
    /// One change to a candidate (RFC 8839 §5.1): foundation, component, transport, priority, address,
    /// port, type, related address and port, or the extension list.
    mutating func mutate(using generator: inout SeededGenerator) {
        func text(_ t: inout String) { FieldMutator.mutate(&t, maxUTF8: 64, tokens: CandidateCodec.textTokens, using: &generator) }
        switch generator.below(10) {
        case 0: text(&foundation)
        case 1: FieldMutator.mutate(&component, using: &generator)
        case 2: transport = generator.chance(2) ? ["UDP", "TCP", "udp", "tcp", "DTLS"][generator.below(5)] : { var t = transport; text(&t); return t }()
        case 3: FieldMutator.mutate(&priority, using: &generator)
        case 4:
            if generator.chance(2) { address = ["0.0.0.0", "::", "::1", "127.0.0.1", "255.255.255.255", "a.local", "1.2.3"][generator.below(7)] }
            else { text(&address) }
        case 5: FieldMutator.mutate(&port, using: &generator)
        case 6:
            let types: [CandidateType] = [.host, .srflx, .prflx, .relay, .other("x")]
            type = types[generator.below(types.count)]
        case 7:
            if relatedAddress == nil { relatedAddress = "0.0.0.0"; relatedPort = 9 }
            else if generator.chance(2) { relatedAddress = nil; relatedPort = nil }
            else { relatedPort = relatedPort.map { FieldMutator.mutated($0, using: &generator) } }
        default:
            FieldMutator.mutate(&extensions, maxCount: 8, using: &generator, fresh: { generator in
                let fresh: [CandidateExtension] = [.generation(0), .tcpType("active"), .ufrag("abcd"), .networkID(1), .networkCost(10), .other(name: "x", value: "y")]
                return fresh[generator.below(fresh.count)]
            }, element: { item, generator in
                switch item {
                case .generation(let n): item = .generation(FieldMutator.mutated(n, using: &generator))
                case .networkID(let n): item = .networkID(FieldMutator.mutated(n, using: &generator))
                case .networkCost(let n): item = .networkCost(FieldMutator.mutated(n, using: &generator))
                case .tcpType(var v): FieldMutator.mutate(&v, maxUTF8: 16, using: &generator); item = .tcpType(v)
                case .ufrag(var v): FieldMutator.mutate(&v, maxUTF8: 32, using: &generator); item = .ufrag(v)
                case .other(let name, var v): FieldMutator.mutate(&v, maxUTF8: 32, using: &generator); item = .other(name: name, value: v)
                }
                return true
            })
        }
    }
}

extension SDPCodec {
    static let maxMutatedMedia = 8
    static let maxMutatedAttributes = 64

    /// Keywords text mutations insert: attribute names, protocols, address types, roles.
    static let textTokens: [String] = [
        "IN", "IP4", "IP6", "UDP/TLS/RTP/SAVPF", "UDP/DTLS/SCTP", "webrtc-datachannel", "RTP/AVP", "sha-256",
        "actpass", "BUNDLE", "typ", "host", "opus/48000/2", "VP8/90000", "a=", "m=", "\r\n", "0.0.0.0",
    ] + Attribute.knownNames

    /// Changes one thing: a session field (origin, name, connection, timing, bandwidth), the session's
    /// attribute list, the media list (remove, duplicate, swap, move, insert a random section), a media
    /// section's fields (kind, port, protocol, formats), its attribute list, one attribute, or an
    /// attribute moved from one section to another.
    public static func mutate(_ value: inout SDPDescription, using generator: inout SeededGenerator) -> Bool {
        func text(_ t: inout String) { FieldMutator.mutate(&t, maxUTF8: 128, tokens: textTokens, using: &generator) }
        func attributes(_ list: inout [Attribute]) {
            FieldMutator.mutate(&list, maxCount: maxMutatedAttributes, using: &generator, fresh: { Attribute.random(using: &$0) },
                                element: { $0.mutate(using: &$1); return true })
        }
        switch generator.below(12) {
        case 0:
            switch generator.below(4) {
            case 0: text(&value.origin.sessionID)
            case 1: text(&value.origin.address)
            case 2: text(&value.origin.addressType)
            default: text(&value.sessionName)
            }
        case 1:
            if var connection = value.connection {
                if generator.chance(3) { value.connection = nil } else { text(&connection.address); value.connection = connection }
            } else {
                value.connection = ConnectionData(address: "0.0.0.0")
            }
        case 2:
            FieldMutator.mutate(&value.timings, maxCount: 4, using: &generator, fresh: { _ in Timing() }, element: { timing, generator in
                if generator.chance(2) { FieldMutator.mutate(&timing.start, using: &generator) } else { FieldMutator.mutate(&timing.stop, using: &generator) }
                return true
            })
        case 3:
            FieldMutator.mutate(&value.bandwidths, maxCount: 4, using: &generator, fresh: { Bandwidth(type: "AS", value: UInt64($0.below(10_000))) },
                                element: { FieldMutator.mutate(&$0.value, using: &$1); return true })
        case 4:
            attributes(&value.attributes)
        case 5:
            FieldMutator.mutate(&value.media, maxCount: maxMutatedMedia, using: &generator) { MediaDescription.random(using: &$0) }
        case 6:  // an attribute moved between sections (session level counts as one)
            var sections = [value.attributes] + value.media.map(\.attributes)
            let from = generator.below(sections.count), to = generator.below(sections.count)
            guard !sections[from].isEmpty else { attributes(&value.attributes); break }
            let moved = sections[from].remove(at: generator.below(sections[from].count))
            sections[to].insert(moved, at: generator.below(sections[to].count + 1))
            value.attributes = sections[0]
            for index in value.media.indices { value.media[index].attributes = sections[index + 1] }
        default:
            guard !value.media.isEmpty else { attributes(&value.attributes); break }
            let index = generator.below(value.media.count)
            switch generator.below(8) {
            case 0: text(&value.media[index].kind)
            case 1: FieldMutator.mutate(&value.media[index].port, using: &generator)
            case 2: value.media[index].proto = generator.chance(2) ? ["UDP/TLS/RTP/SAVPF", "UDP/DTLS/SCTP", "RTP/AVP", "TCP/DTLS/SCTP"][generator.below(4)] : {
                var proto = value.media[index].proto; text(&proto); return proto }()
            case 3:
                FieldMutator.mutate(&value.media[index].formats, maxCount: 32, using: &generator, fresh: { String(96 + $0.below(32)) },
                                    element: { FieldMutator.mutate(&$0, maxUTF8: 16, using: &$1); return true })
            case 4: value.media[index].portCount = value.media[index].portCount == nil ? 2 : nil
            default: attributes(&value.media[index].attributes)
            }
        }
        return true
    }

    /// SDP line prefixes, keywords and every typed attribute's `a=name:` (RFC 8866, RFC 8829, RFC 8839).
    public static var dictionary: [[UInt8]] {
        var tokens = Attribute.knownNames.map { Array("a=\($0):".utf8) }
        tokens += ["v=0", "o=- ", "s=-", "t=0 0", "c=IN IP4 ", "m=audio ", "m=video ", "m=application ", "\r\n",
                   " IN IP4 ", " IN IP6 ", "UDP/TLS/RTP/SAVPF", "UDP/DTLS/SCTP", "webrtc-datachannel",
                   "a=fingerprint:sha-256 ", "a=setup:actpass", "a=group:BUNDLE ", " typ host", " typ srflx",
                   " raddr ", " rport "].map { Array($0.utf8) }
        return tokens
    }
}

extension CandidateCodec {
    static let textTokens: [String] = ["typ", "host", "srflx", "prflx", "relay", "raddr", "rport", "tcptype", "generation", " ", "UDP", "TCP"]

    /// Changes one thing: the form (`candidate:` or `a=candidate:`), or one field of the candidate.
    public static func mutate(_ value: inout CandidateLine, using generator: inout SeededGenerator) -> Bool {
        if generator.chance(10) { FieldMutator.mutate(&value.form, using: &generator) }
        else { value.candidate.mutate(using: &generator) }
        return true
    }

    /// Both prefixes, the keywords of RFC 8839 §5.1 and the candidate types and extensions.
    public static var dictionary: [[UInt8]] {
        ["candidate:", "a=candidate:", " typ host", " typ srflx", " typ prflx", " typ relay", " raddr ", " rport ",
         " tcptype active", " tcptype passive", " tcptype so", " generation 0", " ufrag ", " network-id ", " network-cost ",
         " UDP ", " TCP ", " udp "].map { Array($0.utf8) }
    }
}
