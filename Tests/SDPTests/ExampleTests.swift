import SDP
import Testing
import Wire

/// Key vectors transcribed inline with field-level checks (the shared files are checked in bulk by
/// `VectorTests`).
@Suite("SDP examples, field by field")
struct ExampleTests {
    /// RFC 8866 §5, the example session description.
    static let rfc8866 = """
        v=0\r
        o=jdoe 3724394400 3724394405 IN IP4 198.51.100.1\r
        s=Call to John Smith\r
        i=SDP Offer #1\r
        u=http://www.jdoe.example.com/home.html\r
        e=Jane Doe <jane@jdoe.example.com>\r
        p=+1 617 555-6011\r
        c=IN IP4 198.51.100.1\r
        t=0 0\r
        m=audio 49170 RTP/AVP 0\r
        m=audio 49180 RTP/AVP 0\r
        m=video 51372 RTP/AVP 99\r
        c=IN IP6 2001:db8::2\r
        a=rtpmap:99 h263-1998/90000\r

        """

    @Test("RFC 8866 §5 example: session fields, three media sections, IPv6 c= override")
    func rfc8866Example() throws {
        let session = try SDPCodec.parse(Self.rfc8866)
        #expect(session.origin == Origin(username: "jdoe", sessionID: "3724394400", sessionVersion: "3724394405", address: "198.51.100.1"))
        #expect(session.sessionName == "Call to John Smith")
        #expect(session.information == "SDP Offer #1")
        #expect(session.uri == "http://www.jdoe.example.com/home.html")
        #expect(session.emails == ["Jane Doe <jane@jdoe.example.com>"])
        #expect(session.phones == ["+1 617 555-6011"])
        #expect(session.connection == ConnectionData(address: "198.51.100.1"))
        #expect(session.timings == [Timing(start: 0, stop: 0)])
        #expect(session.media.map(\.kind) == ["audio", "audio", "video"])
        #expect(session.media.map(\.port) == [49170, 49180, 51372])
        #expect(session.media[2].connections == [ConnectionData(addressType: "IP6", address: "2001:db8::2")])
        #expect(session.media[2].attributes == [.rtpmap(RTPMap(payloadType: 99, encoding: "h263-1998", clockRate: 90000))])
        #expect(SDPCodec.text(session) == Self.rfc8866)
    }

    /// RFC 8829 §7.1, offer-A1 (first media section; the fingerprint unfolded).
    static let jsepOffer = """
        v=0
        o=- 4962303333179871722 1 IN IP4 0.0.0.0
        s=-
        t=0 0
        a=ice-options:trickle ice2
        a=group:BUNDLE a1 v1
        a=group:LS a1 v1
        m=audio 10100 UDP/TLS/RTP/SAVPF 96 0 8 97 98
        c=IN IP4 203.0.113.100
        a=mid:a1
        a=sendrecv
        a=rtpmap:96 opus/48000/2
        a=fmtp:97 0-15
        a=maxptime:120
        a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid
        a=msid:47017fee-b6c1-4162-929c-a25110252400
        a=ice-ufrag:ETEn
        a=ice-pwd:OtSK0WpNtpUjkY4+86js7ZQl
        a=fingerprint:sha-256 19:E2:1C:3B:4B:9F:81:E6:B8:5C:F4:A5:A8:D8:73:04:BB:05:2F:70:9F:04:A9:0E:05:E9:26:33:E8:70:88:A2
        a=setup:actpass
        a=tls-id:91bbf309c0990a6bec11e38ba2933cee
        a=rtcp:10101 IN IP4 203.0.113.100
        a=rtcp-mux
        a=rtcp-rsize
        a=candidate:1 1 udp 2113929471 203.0.113.100 10100 typ host
        a=candidate:1 2 udp 2113929470 203.0.113.100 10101 typ host
        a=end-of-candidates
        """

    @Test("RFC 8829 §7.1 offer: BUNDLE and LS groups, ICE, DTLS and RTP attributes are typed; LF input gives CRLF output")
    func jsepOfferExample() throws {
        let bytes = Array(Self.jsepOffer.utf8)
        let session = try SDPCodec.parse(bytes)
        #expect(session.attributes == [
            .iceOptions(["trickle", "ice2"]),
            .group(Group(semantics: "BUNDLE", mids: ["a1", "v1"])),
            .group(Group(semantics: "LS", mids: ["a1", "v1"])),
        ])
        let audio = try #require(session.media.first)
        #expect(audio.proto == "UDP/TLS/RTP/SAVPF")
        #expect(audio.formats == ["96", "0", "8", "97", "98"])
        #expect(audio.mid == "a1")
        #expect(audio.fingerprint?.hashFunction == "sha-256")
        #expect(audio.fingerprint?.digest.count == 32)
        #expect(audio.fingerprint?.digest.first == 0x19)
        #expect(audio.setupRole == .actpass)
        #expect(audio.direction == .sendrecv)
        #expect(audio.iceUfrag == "ETEn" && audio.icePwd == "OtSK0WpNtpUjkY4+86js7ZQl")
        #expect(audio.rtcp == RTCPAddress(port: 10101, connection: ConnectionData(address: "203.0.113.100")))
        #expect(audio.attributes.contains(.other(name: "tls-id", value: "91bbf309c0990a6bec11e38ba2933cee")))
        #expect(audio.candidates.map(\.component) == [1, 2])
        #expect(audio.attributes.last == .endOfCandidates)
        #expect(SDPCodec.serialize(session) == SDPCodec.canonicalize(bytes))
        #expect(SDPCodec.serialize(session).suffix(2) == [0x0D, 0x0A])
    }

    /// aiortc tests/test_sdp.py::test_audio_chrome (a Chrome offer), its session part and first lines.
    static let chromeOffer = """
        v=0
        o=- 863426017819471768 2 IN IP4 127.0.0.1
        s=-
        t=0 0
        a=group:BUNDLE audio
        a=msid-semantic: WMS TF6VRif1dxuAfe5uefrV2953LhUZt1keYvxU
        m=audio 45076 UDP/TLS/RTP/SAVPF 111 103 104 9 0 8 106 105 13 110 112 113 126
        c=IN IP4 192.168.99.58
        a=rtcp:9 IN IP4 0.0.0.0
        a=candidate:2665802302 1 udp 2122262783 2a02:a03f:3eb0:e000:b0aa:d60a:cff2:933c 38475 typ host generation 0 network-id 2 network-cost 10
        a=candidate:3496416974 1 tcp 1518283007 2a02:a03f:3eb0:e000:b0aa:d60a:cff2:933c 9 typ host tcptype active generation 0 network-id 2 network-cost 10
        a=ice-ufrag:5+Ix
        a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
        a=rtcp-fb:111 transport-cc
        a=fmtp:111 minptime=10;useinbandfec=1
        a=ssrc:1944796561 msid:TF6VRif1dxuAfe5uefrV2953LhUZt1keYvxU ec1eb8de-8df8-4956-ae81-879e5d062d12

        """

    @Test("Chrome offer (aiortc test data): msid-semantic spacing kept, candidates and ssrc typed")
    func chromeOfferExample() throws {
        let session = try SDPCodec.parse(Self.chromeOffer)
        #expect(session.attributes[1] == .other(name: "msid-semantic", value: " WMS TF6VRif1dxuAfe5uefrV2953LhUZt1keYvxU"))
        let audio = session.media[0]
        #expect(audio.formats.count == 13)
        let tcp = audio.candidates[1]
        #expect(tcp.transport == "tcp" && tcp.port == 9 && tcp.tcpType == "active")
        #expect(tcp.extensions == [.tcpType("active"), .generation(0), .networkID(2), .networkCost(10)])
        #expect(audio.attributes.last == .ssrc(SourceAttribute(
            ssrc: 1_944_796_561, name: "msid", value: "TF6VRif1dxuAfe5uefrV2953LhUZt1keYvxU ec1eb8de-8df8-4956-ae81-879e5d062d12")))
        #expect(SDPCodec.serialize(session) == SDPCodec.canonicalize(Array(Self.chromeOffer.utf8)))
    }

    @Test("RFC 4317: 's= ' with its single space survives the round trip")
    func sessionNameSpace() throws {
        let text = "v=0\r\no=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com\r\ns= \r\nc=IN IP4 host.atlanta.example.com\r\nt=0 0\r\n"
        let session = try SDPCodec.parse(text)
        #expect(session.sessionName == " ")
        #expect(session.media.isEmpty)
        #expect(SDPCodec.text(session) == text)
    }

    @Test("RFC 8866 §5.10: r= lines belong to the t= before them, and t= may follow r=")
    func repeats() throws {
        let text = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=3034423619 3042462419\r\nr=7d 1h 0 25h\r\nr=604800 3600 0 90000\r\nt=0 0\r\nz=2882844526 -1h\r\nk=prompt\r\n"
        let session = try SDPCodec.parse(text)
        #expect(session.timings == [Timing(start: 3_034_423_619, stop: 3_042_462_419, repeats: ["7d 1h 0 25h", "604800 3600 0 90000"]), Timing()])
        #expect(session.timeZones == "2882844526 -1h")
        #expect(session.encryptionKey == "prompt")
        #expect(SDPCodec.text(session) == text)
    }

    @Test("canonicalisation turns LF into CRLF, adds a final line end and leaves CRLF alone")
    func canonicalForm() {
        #expect(SDPCodec.canonicalize(Array("a\nb".utf8)) == Array("a\r\nb\r\n".utf8))
        #expect(SDPCodec.canonicalize(Array("a\r\nb\r\n".utf8)) == Array("a\r\nb\r\n".utf8))
        #expect(SDPCodec.canonicalize([]) == [])
    }

    @Test("describe gives session fields and typed media attributes")
    func describe() throws {
        let structure = SDPCodec.describe(try SDPCodec.parse(Self.jsepOffer))
        let text = structure.renderText()
        #expect(text.contains("session-name: -"))
        #expect(text.contains("hash-function: sha-256"))
        #expect(text.contains("semantics: BUNDLE"))
        #expect(structure.renderJSON().hasPrefix("{\"origin\":"))
        #expect(SDPCodec.name == "sdp" && CandidateCodec.name == "candidate")
    }
}
