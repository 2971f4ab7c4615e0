import Hashing

/// Random valid values for property tests and the fuzz runner's structure-aware mutations.
///
/// Every generated value is one the parser gives back unchanged: free text has no control
/// characters, tokens are drawn from token characters, and attributes that the parser types are never
/// generated as `.other` (which holds only unknown names).
enum RandomText {
    static let alphanumerics = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
    static let tokenExtras = Array("!#$%&'*+-.^_`{|}~".utf8)
    static let iceExtras = Array("+/".utf8)

    static func string<R: RandomNumberGenerator>(_ alphabet: [UInt8], length: ClosedRange<Int>, using rng: inout R) -> String {
        let count = Int.random(in: length, using: &rng)
        var bytes: [UInt8] = []
        for _ in 0..<count { bytes.append(alphabet.randomElement(using: &rng) ?? 0x61) }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func word<R: RandomNumberGenerator>(using rng: inout R, length: ClosedRange<Int> = 1...10) -> String {
        string(alphanumerics, length: length, using: &rng)
    }

    static func token<R: RandomNumberGenerator>(using rng: inout R) -> String {
        word(using: &rng, length: 1...2) + string(alphanumerics + tokenExtras, length: 0...8, using: &rng)
    }

    static func iceChars<R: RandomNumberGenerator>(using rng: inout R, length: ClosedRange<Int> = 4...24) -> String {
        string(alphanumerics + iceExtras, length: length, using: &rng)
    }

    /// Free text: words and spaces, never empty, may start or end with a space.
    static func text<R: RandomNumberGenerator>(using rng: inout R) -> String {
        let pieces = (0..<Int.random(in: 1...4, using: &rng)).map { _ in word(using: &rng) }
        return (Bool.random(using: &rng) ? " " : "") + pieces.joined(separator: " ")
    }

    static func digits<R: RandomNumberGenerator>(using rng: inout R) -> String { String(UInt64.random(in: 0...UInt64.max, using: &rng)) }

    static func address<R: RandomNumberGenerator>(using rng: inout R) -> String {
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: (0..<4).map { _ in String(UInt8.random(in: 0...255, using: &rng)) }.joined(separator: ".")
        case 1: (0..<8).map { _ in String(UInt16.random(in: 0...0xFFFF, using: &rng), radix: 16) }.joined(separator: ":")
        default: word(using: &rng) + ".local"
        }
    }

    static func maybe<T, R: RandomNumberGenerator>(_ rng: inout R, _ make: (inout R) -> T) -> T? {
        Bool.random(using: &rng) ? make(&rng) : nil
    }
}

extension Candidate {
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> Candidate {
        let type = [CandidateType.host, .srflx, .prflx, .relay, .other("x" + RandomText.word(using: &rng))]
            .randomElement(using: &rng) ?? .host
        var candidate = Candidate(
            foundation: RandomText.iceChars(using: &rng, length: 1...32), component: UInt16.random(in: 1...256, using: &rng),
            transport: ["udp", "UDP", "tcp", "TCP"].randomElement(using: &rng) ?? "udp",
            priority: UInt32.random(in: 1...maximumPriority, using: &rng), address: RandomText.address(using: &rng),
            port: UInt16.random(in: 0...UInt16.max, using: &rng), type: type)
        if Bool.random(using: &rng) { candidate.relatedAddress = RandomText.address(using: &rng) }
        if Bool.random(using: &rng) { candidate.relatedPort = UInt16.random(in: 0...UInt16.max, using: &rng) }
        for _ in 0..<Int.random(in: 0...4, using: &rng) {
            let value: CandidateExtension =
                switch Int.random(in: 0..<6, using: &rng) {
                case 0: .tcpType(["active", "passive", "so"].randomElement(using: &rng) ?? "so")
                case 1: .generation(UInt32.random(in: 0...UInt32.max, using: &rng))
                case 2: .ufrag(RandomText.iceChars(using: &rng))
                case 3: .networkID(UInt32.random(in: 0...UInt32.max, using: &rng))
                case 4: .networkCost(UInt32.random(in: 0...UInt32.max, using: &rng))
                default: .other(name: "x-" + RandomText.word(using: &rng), value: RandomText.token(using: &rng))
                }
            candidate.extensions.append(value)
        }
        return candidate
    }
}

extension CandidateLine {
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> CandidateLine {
        CandidateLine(form: Bool.random(using: &rng) ? .bare : .attribute, candidate: Candidate.random(using: &rng))
    }
}

extension Attribute {
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> Attribute {
        func token() -> String { RandomText.token(using: &rng) }
        func word() -> String { RandomText.word(using: &rng) }
        switch Int.random(in: 0..<30, using: &rng) {
        case 0: return .group(Group(semantics: ["BUNDLE", "LS", "FID"].randomElement(using: &rng) ?? "BUNDLE",
                                    mids: (0..<Int.random(in: 0...4, using: &rng)).map { _ in token() }))
        case 1: return .mid(token())
        case 2: return .iceUfrag(RandomText.iceChars(using: &rng))
        case 3: return .icePwd(RandomText.iceChars(using: &rng, length: 22...32))
        case 4: return .iceOptions((0..<Int.random(in: 1...3, using: &rng)).map { _ in RandomText.iceChars(using: &rng, length: 1...8) })
        case 5: return .iceLite
        case 6:
            return .fingerprint(CertificateFingerprint(
                hashFunction: ["sha-256", "sha-1", "SHA-256", "sha-512"].randomElement(using: &rng) ?? "sha-256",
                digest: (0..<Int.random(in: 1...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }))
        case 7: return .setup(SetupRole.allCases.randomElement(using: &rng) ?? .actpass)
        case 8: return .connection(ConnectionReuse.allCases.randomElement(using: &rng) ?? .new)
        case 9:
            return .rtcp(RTCPAddress(port: UInt16.random(in: 0...UInt16.max, using: &rng), connection: RandomText.maybe(&rng) { r in
                ConnectionData(networkType: "IN", addressType: "IP4", address: RandomText.address(using: &r)) }))
        case 10: return [.rtcpMux, .rtcpMuxOnly, .rtcpRsize, .extmapAllowMixed, .endOfCandidates].randomElement(using: &rng) ?? .rtcpMux
        case 11:
            return .rtpmap(RTPMap(payloadType: UInt8.random(in: 0...127, using: &rng), encoding: token(),
                                  clockRate: UInt32.random(in: 0...UInt32.max, using: &rng),
                                  channels: RandomText.maybe(&rng) { r in UInt32.random(in: 0...8, using: &r) }))
        case 12: return .fmtp(FormatParameters(format: String(UInt8.random(in: 0...127, using: &rng)), parameters: "\(word())=\(word());\(word())=1"))
        case 13:
            return .rtcpFeedback(RTCPFeedback(format: Bool.random(using: &rng) ? "*" : String(UInt8.random(in: 0...127, using: &rng)),
                                              type: token(), parameter: RandomText.maybe(&rng) { r in RandomText.text(using: &r).trimmingPrefix(" ").description }))
        case 14:
            return .extmap(ExtensionMap(id: UInt16.random(in: 1...4096, using: &rng), direction: RandomText.maybe(&rng) { r in Direction.allCases.randomElement(using: &r) ?? .sendrecv },
                                        uri: "urn:ietf:params:rtp-hdrext:" + word(), attributes: RandomText.maybe(&rng) { r in RandomText.word(using: &r) }))
        case 15: return .msid(MediaStreamID(stream: "{" + word() + "}", track: RandomText.maybe(&rng) { r in RandomText.word(using: &r) }))
        case 16:
            return .ssrc(SourceAttribute(ssrc: UInt32.random(in: 0...UInt32.max, using: &rng), name: ["cname", "msid", "label"].randomElement(using: &rng) ?? "cname",
                                         value: RandomText.maybe(&rng) { r in RandomText.word(using: &r) + " " + RandomText.word(using: &r) }))
        case 17: return .ssrcGroup(SourceGroup(semantics: "FID", ssrcs: (0..<Int.random(in: 0...3, using: &rng)).map { _ in UInt32.random(in: 0...UInt32.max, using: &rng) }))
        case 18:
            return .rid(RestrictionID(id: word(), direction: StreamDirection.allCases.randomElement(using: &rng) ?? .send,
                                      restrictions: RandomText.maybe(&rng) { r in "max-width=" + String(UInt16.random(in: 1...4096, using: &r)) }))
        case 19:
            var directions: [Simulcast.Streams] = []
            for direction in StreamDirection.allCases.shuffled(using: &rng).prefix(Int.random(in: 1...2, using: &rng)) {
                let streams = (0..<Int.random(in: 1...3, using: &rng)).map { _ in
                    (0..<Int.random(in: 1...2, using: &rng)).map { _ in Simulcast.StreamID(rid: word(), paused: Bool.random(using: &rng)) }
                }
                directions.append(Simulcast.Streams(direction: direction, streams: streams))
            }
            return .simulcast(Simulcast(directions: directions))
        case 20: return .sctpPort(UInt16.random(in: 0...UInt16.max, using: &rng))
        case 21: return .maxMessageSize(UInt64.random(in: 0...UInt64.max, using: &rng))
        case 22, 23: return .candidate(Candidate.random(using: &rng))
        case 24: return .direction(Direction.allCases.randomElement(using: &rng) ?? .sendrecv)
        case 25: return .other(name: "msid-semantic", value: " WMS " + word())
        case 26: return .other(name: "x-" + word(), value: nil)
        case 27: return .other(name: "x-" + word(), value: "")
        default: return .other(name: "x-" + token(), value: RandomText.text(using: &rng))
        }
    }
}

extension MediaDescription {
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> MediaDescription {
        var media = MediaDescription(
            kind: ["audio", "video", "application", "text"].randomElement(using: &rng) ?? "audio",
            port: UInt16.random(in: 0...UInt16.max, using: &rng),
            portCount: Int.random(in: 0..<8, using: &rng) == 0 ? UInt32.random(in: 1...4, using: &rng) : nil,
            proto: ["UDP/TLS/RTP/SAVPF", "RTP/AVP", "UDP/DTLS/SCTP", "DTLS/SCTP"].randomElement(using: &rng) ?? "RTP/AVP",
            formats: (0..<Int.random(in: 1...6, using: &rng)).map { _ in String(UInt8.random(in: 0...127, using: &rng)) })
        media.information = RandomText.maybe(&rng) { r in RandomText.text(using: &r) }
        media.connections = (0..<Int.random(in: 1...2, using: &rng)).map { _ in
            ConnectionData(networkType: "IN", addressType: ["IP4", "IP6"].randomElement(using: &rng) ?? "IP4", address: RandomText.address(using: &rng))
        }
        media.bandwidths = (0..<Int.random(in: 0...2, using: &rng)).map { _ in
            Bandwidth(type: ["AS", "TIAS", "CT"].randomElement(using: &rng) ?? "AS", value: UInt64.random(in: 0...UInt64.max, using: &rng))
        }
        media.encryptionKey = Int.random(in: 0..<8, using: &rng) == 0 ? "prompt" : nil
        media.attributes = (0..<Int.random(in: 0...12, using: &rng)).map { _ in Attribute.random(using: &rng) }
        return media
    }
}

extension SDPDescription {
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> SDPDescription {
        var session = SDPDescription(origin: Origin(
            username: Bool.random(using: &rng) ? "-" : RandomText.word(using: &rng), sessionID: RandomText.digits(using: &rng),
            sessionVersion: String(UInt8.random(in: 0...9, using: &rng)), address: RandomText.address(using: &rng)))
        session.sessionName = ["-", " ", "", RandomText.text(using: &rng)].randomElement(using: &rng) ?? "-"
        session.information = RandomText.maybe(&rng) { r in RandomText.text(using: &r) }
        session.uri = RandomText.maybe(&rng) { r in "http://" + RandomText.word(using: &r) + ".example/" }
        session.emails = (0..<Int.random(in: 0...2, using: &rng)).map { _ in RandomText.word(using: &rng) + "@example.com (Name)" }
        session.phones = (0..<Int.random(in: 0...1, using: &rng)).map { _ in "+1 617 555-" + String(UInt16.random(in: 1000...9999, using: &rng)) }
        session.connection = RandomText.maybe(&rng) { r in ConnectionData(address: RandomText.address(using: &r)) }
        session.bandwidths = (0..<Int.random(in: 0...1, using: &rng)).map { _ in Bandwidth(type: "CT", value: UInt64.random(in: 0...100_000, using: &rng)) }
        session.timings = (0..<Int.random(in: 1...2, using: &rng)).map { _ in
            Timing(start: UInt64.random(in: 0...UInt64(UInt32.max), using: &rng), stop: UInt64.random(in: 0...UInt64(UInt32.max), using: &rng),
                   repeats: (0..<Int.random(in: 0...2, using: &rng)).map { _ in "604800 3600 0 90000" })
        }
        session.timeZones = Int.random(in: 0..<6, using: &rng) == 0 ? "2882844526 -1h 2898848070 0" : nil
        session.encryptionKey = Int.random(in: 0..<8, using: &rng) == 0 ? "prompt" : nil
        session.attributes = (0..<Int.random(in: 0...6, using: &rng)).map { _ in Attribute.random(using: &rng) }
        session.media = (0..<Int.random(in: 0...4, using: &rng)).map { _ in MediaDescription.random(using: &rng) }
        return session
    }
}
