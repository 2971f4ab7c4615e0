@testable import EchoSignaling
import Testing

@Suite("Signaling messages as webrtc-echoes' JSON")
struct SignalingMessageTests {
    static let sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=fingerprint:sha-256 AB:CD\r\n"

    @Test("an offer encodes as an object with type and sdp, slashes unescaped, line endings escaped")
    func encodes() throws {
        let text = String(decoding: SignalingMessage.offer("v=0\r\na=x:1/2\r\n").json, as: UTF8.self)
        #expect(text == #"{"sdp":"v=0\r\na=x:1/2\r\n","type":"offer"}"#)
    }

    @Test("decoding what was encoded gives the same message, non-ASCII included")
    func roundTrips() throws {
        for message in [SignalingMessage.offer(Self.sdp), .answer(""), SignalingMessage(type: "pranswer", sdp: "s=é✓\r\n")] {
            #expect(try SignalingMessage(json: message.json) == message)
        }
    }

    @Test("fields other than type and sdp are ignored, as a browser's RTCSessionDescription JSON may carry them")
    func ignoresExtraFields() throws {
        let body = Array(#"{"sdp":"v=0\r\n","type":"offer","extra":{"a":[1,2]}}"#.utf8)
        #expect(try SignalingMessage(json: body) == .offer("v=0\r\n"))
    }

    static let malformed: [(String, String)] = [
        ("", "not a JSON object"),
        ("not json", "not a JSON object"),
        ("[]", "not a JSON object"),
        (#"{"type":"offer"}"#, #"missing field "sdp""#),
        (#"{"sdp":"v=0"}"#, #"missing field "type""#),
        (#"{"type":1,"sdp":"v=0"}"#, #"field "type" is not a string"#),
        (#"{"type":"offer","sdp":null}"#, #"field "sdp" is null"#),
    ]

    @Test("a body that is no signaling message is refused with a one-line reason", arguments: malformed)
    func refusesMalformed(body: String, reason: String) {
        #expect(throws: EchoSignalingError.invalidJSON(reason)) { try SignalingMessage(json: Array(body.utf8)) }
    }

    @Test("a message of the wrong type is refused, naming both types")
    func refusesWrongType() {
        #expect(throws: EchoSignalingError.unexpectedType(expected: "offer", received: "answer")) {
            try SignalingMessage.decode(SignalingMessage.answer("v=0").json, expecting: "offer")
        }
    }
}

@Suite("Signaling URLs and the loopback allow-list")
struct SignalingURLTests {
    static let valid: [(String, String, Int, String)] = [
        ("http://127.0.0.1:8080/offer", "127.0.0.1", 8080, "/offer"),
        ("HTTP://localhost:1/offer?x=1#frag", "localhost", 1, "/offer?x=1"),
        ("http://[::1]:65535/offer", "::1", 65535, "/offer"),
        ("http://127.0.0.1", "127.0.0.1", 80, "/"),
        ("http://127.0.0.1:9?q", "127.0.0.1", 9, "/?q"),
        ("http://[::1]", "::1", 80, "/"),
    ]

    @Test("http URLs give host, port (80 by default) and request target", arguments: valid)
    func parses(url: String, host: String, port: Int, target: String) throws {
        let parsed = try SignalingURL(parsing: url)
        #expect(parsed == SignalingURL(host: host, port: port, target: target))
    }

    static let invalid = [
        "", "127.0.0.1:8080/offer", "https://127.0.0.1/offer", "ftp://127.0.0.1/", "http://", "http:///offer",
        "http://127.0.0.1:0/", "http://127.0.0.1:65536/", "http://127.0.0.1:-1/", "http://127.0.0.1:8o/",
        "http://user@127.0.0.1/", "http://[::1/", "http://[127.0.0.1]/", "http://::1:80/", "http://127.0.0.1/a b",
        "http://[::1]x/", "http://127.0.0.1:/",
    ]

    @Test("anything but http://host[:port][/path] is refused as an invalid URL", arguments: invalid)
    func refuses(url: String) {
        #expect(throws: EchoSignalingError.invalidURL(url)) { try SignalingURL(parsing: url) }
    }

    @Test("loopback literals and localhost pass the default policy, as IP literals", arguments: [
        ("127.0.0.1", "127.0.0.1"), ("127.8.9.10", "127.8.9.10"), ("::1", "::1"), ("LocalHost", "127.0.0.1"),
    ])
    func allowsLoopback(host: String, literal: String) throws {
        #expect(try SignalingAddressPolicy.loopbackOnly.resolve(host) == literal)
    }

    @Test("any other address or name is refused by the default policy and allowed by .any", arguments: [
        "192.0.2.1", "0.0.0.0", "::", "10.0.0.1", "example.com", "localhost.example",
    ])
    func refusesOthers(host: String) throws {
        #expect(throws: EchoSignalingError.notLoopback(host)) { try SignalingAddressPolicy.loopbackOnly.resolve(host) }
        #expect(try SignalingAddressPolicy.any.resolve(host).isEmpty == false)
    }
}
