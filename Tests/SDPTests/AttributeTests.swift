import Hashing
import SDP
import Testing

/// Each typed attribute: the text of an `a=` line, the model it gives, and the text it gives back.
@Suite("SDP attributes, text ↔ model")
struct AttributeTests {
    /// Parses one attribute inside a minimal valid description.
    static func attribute(_ line: String) throws -> Attribute {
        let text = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n\(line)\r\n"
        let session = try SDPCodec.parse(text)
        guard let attribute = session.attributes.first else { throw Missing() }
        #expect(SDPCodec.text(session) == text, "round trip of \(line)")
        return attribute
    }

    struct Missing: Error {}

    static let table: [(String, Attribute)] = [
        ("a=group:BUNDLE a1 v1", .group(Group(semantics: "BUNDLE", mids: ["a1", "v1"]))),
        ("a=group:LS a1 v1", .group(Group(semantics: "LS", mids: ["a1", "v1"]))),
        ("a=group:BUNDLE", .group(Group(semantics: "BUNDLE", mids: []))),
        ("a=mid:sdparta_0", .mid("sdparta_0")),
        ("a=ice-ufrag:5+Ix", .iceUfrag("5+Ix")),
        ("a=ice-pwd:mlPea2xBCmFmNLfmy/jlqw1D", .icePwd("mlPea2xBCmFmNLfmy/jlqw1D")),
        ("a=ice-options:trickle ice2", .iceOptions(["trickle", "ice2"])),
        ("a=ice-lite", .iceLite),
        ("a=fingerprint:sha-256 6B:8B:00:FF", .fingerprint(CertificateFingerprint(hashFunction: "sha-256", digest: [0x6B, 0x8B, 0x00, 0xFF]))),
        ("a=fingerprint:SHA-1 AB", .fingerprint(CertificateFingerprint(hashFunction: "SHA-1", digest: [0xAB]))),
        ("a=setup:actpass", .setup(.actpass)),
        ("a=setup:holdconn", .setup(.holdconn)),
        ("a=connection:new", .connection(.new)),
        ("a=connection:existing", .connection(.existing)),
        ("a=rtcp:9 IN IP4 0.0.0.0", .rtcp(RTCPAddress(port: 9, connection: ConnectionData(address: "0.0.0.0")))),
        ("a=rtcp:53020", .rtcp(RTCPAddress(port: 53020))),
        ("a=rtcp-mux", .rtcpMux),
        ("a=rtcp-mux-only", .rtcpMuxOnly),
        ("a=rtcp-rsize", .rtcpRsize),
        ("a=rtpmap:111 opus/48000/2", .rtpmap(RTPMap(payloadType: 111, encoding: "opus", clockRate: 48000, channels: 2))),
        ("a=rtpmap:96 VP8/90000", .rtpmap(RTPMap(payloadType: 96, encoding: "VP8", clockRate: 90000))),
        ("a=fmtp:111 minptime=10;useinbandfec=1", .fmtp(FormatParameters(format: "111", parameters: "minptime=10;useinbandfec=1"))),
        ("a=fmtp:97 0-15", .fmtp(FormatParameters(format: "97", parameters: "0-15"))),
        ("a=rtcp-fb:96 nack pli", .rtcpFeedback(RTCPFeedback(format: "96", type: "nack", parameter: "pli"))),
        ("a=rtcp-fb:* transport-cc", .rtcpFeedback(RTCPFeedback(format: "*", type: "transport-cc"))),
        ("a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level", .extmap(ExtensionMap(id: 1, uri: "urn:ietf:params:rtp-hdrext:ssrc-audio-level"))),
        ("a=extmap:1/sendonly urn:ietf:params:rtp-hdrext:ssrc-audio-level",
         .extmap(ExtensionMap(id: 1, direction: .sendonly, uri: "urn:ietf:params:rtp-hdrext:ssrc-audio-level"))),
        ("a=extmap:3 urn:ietf:params:rtp-hdrext:encrypt urn:x vad=on",
         .extmap(ExtensionMap(id: 3, uri: "urn:ietf:params:rtp-hdrext:encrypt", attributes: "urn:x vad=on"))),
        ("a=extmap-allow-mixed", .extmapAllowMixed),
        ("a=msid:47017fee-b6c1-4162-929c-a25110252400", .msid(MediaStreamID(stream: "47017fee-b6c1-4162-929c-a25110252400"))),
        ("a=msid:{dee7} {1269}", .msid(MediaStreamID(stream: "{dee7}", track: "{1269}"))),
        ("a=ssrc:1944796561 cname:/vC4ULAr8vHNjXmq", .ssrc(SourceAttribute(ssrc: 1_944_796_561, name: "cname", value: "/vC4ULAr8vHNjXmq"))),
        ("a=ssrc:11942296 msid:stream track", .ssrc(SourceAttribute(ssrc: 11_942_296, name: "msid", value: "stream track"))),
        ("a=ssrc:1 x-flag", .ssrc(SourceAttribute(ssrc: 1, name: "x-flag"))),
        ("a=ssrc-group:FID 11942296 149700150", .ssrcGroup(SourceGroup(semantics: "FID", ssrcs: [11_942_296, 149_700_150]))),
        ("a=rid:1 send", .rid(RestrictionID(id: "1", direction: .send))),
        ("a=rid:h recv pt=96;max-width=1280", .rid(RestrictionID(id: "h", direction: .recv, restrictions: "pt=96;max-width=1280"))),
        ("a=simulcast:send 1;2;3", .simulcast(Simulcast(directions: [.init(direction: .send, streams: [[.init(rid: "1")], [.init(rid: "2")], [.init(rid: "3")]])]))),
        ("a=simulcast:recv a,~b;c send d", .simulcast(Simulcast(directions: [
            .init(direction: .recv, streams: [[.init(rid: "a"), .init(rid: "b", paused: true)], [.init(rid: "c")]]),
            .init(direction: .send, streams: [[.init(rid: "d")]]),
        ]))),
        ("a=sctp-port:5000", .sctpPort(5000)),
        ("a=max-message-size:1073741823", .maxMessageSize(1_073_741_823)),
        ("a=end-of-candidates", .endOfCandidates),
        ("a=sendrecv", .direction(.sendrecv)),
        ("a=sendonly", .direction(.sendonly)),
        ("a=recvonly", .direction(.recvonly)),
        ("a=inactive", .direction(.inactive)),
        ("a=candidate:1 1 udp 2113929471 203.0.113.100 10100 typ host",
         .candidate(Candidate(foundation: "1", component: 1, priority: 2_113_929_471, address: "203.0.113.100", port: 10100, type: .host))),
        // Unknown attributes and unusual spellings are kept verbatim.
        ("a=msid-semantic: WMS TF6VRif1dxuAfe5uefrV2953LhUZt1keYvxU", .other(name: "msid-semantic", value: " WMS TF6VRif1dxuAfe5uefrV2953LhUZt1keYvxU")),
        ("a=x-google-flag:conference", .other(name: "x-google-flag", value: "conference")),
        ("a=bundle-only", .other(name: "bundle-only", value: nil)),
        ("a=tool:", .other(name: "tool", value: "")),
        ("a=rtcp-mux:yes", .other(name: "rtcp-mux", value: "yes")),
        ("a=rtpmap:096 VP8/90000", .other(name: "rtpmap", value: "096 VP8/90000")),
        ("a=fingerprint:sha-256 6b:8b", .other(name: "fingerprint", value: "sha-256 6b:8b")),
        ("a=sctp-port:05000", .other(name: "sctp-port", value: "05000")),
    ]

    @Test("each attribute line gives its model and re-serialises byte-exact", arguments: table)
    func attributeRow(line: String, expected: Attribute) throws {
        let attribute = try Self.attribute(line)
        #expect(attribute == expected)
        #expect(attribute.lineText == line)
    }

    @Test("a fingerprint digest is written as uppercase hex pairs (RFC 8122 §5)")
    func fingerprintText() {
        let attribute = Attribute.fingerprint(CertificateFingerprint(hashFunction: "sha-256", digest: [0x0A, 0xBC]))
        #expect(attribute.lineText == "a=fingerprint:sha-256 0A:BC")
    }

    @Test("fmtp parameters split into name=value pairs")
    func fmtpPairs() {
        let fmtp = FormatParameters(format: "111", parameters: "minptime=10;useinbandfec=1;x")
        #expect(fmtp.pairs.map { "\($0.name)=\($0.value ?? "nil")" } == ["minptime=10", "useinbandfec=1", "x=nil"])
    }
}
