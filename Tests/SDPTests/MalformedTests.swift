import SDP
import Testing
import Wire

/// Malformed descriptions: each gives the expected rule and 1-based line, never a trap.
@Suite("SDP malformed input")
struct MalformedTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let lines: [String]
        let rule: SDPRule
        let line: Int
        var testDescription: String { name }
    }

    static let head = ["v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "c=IN IP4 0.0.0.0", "t=0 0"]

    /// The minimal head with `extra` lines appended.
    static func with(_ extra: [String]) -> [String] { head + extra }

    static let cases: [Case] = [
        Case(name: "missing v=", lines: Array(head.dropFirst()), rule: .missingVersion, line: 1),
        Case(name: "missing o=", lines: ["v=0", "s=-", "c=IN IP4 0.0.0.0", "t=0 0"], rule: .missingOrigin, line: 2),
        Case(name: "missing s=", lines: ["v=0", "o=- 1 1 IN IP4 0.0.0.0", "c=IN IP4 0.0.0.0", "t=0 0"], rule: .missingSessionName, line: 3),
        Case(name: "missing t=", lines: ["v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "c=IN IP4 0.0.0.0"], rule: .missingTiming, line: 5),
        Case(name: "missing t= before a=", lines: ["v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "a=ice-lite"], rule: .missingTiming, line: 4),
        Case(name: "missing t= before m=", lines: ["v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "m=audio 9 RTP/AVP 0"], rule: .missingTiming, line: 4),
        Case(name: "description ends after v=", lines: ["v=0"], rule: .missingOrigin, line: 2),
        Case(name: "missing c= everywhere", lines: ["v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "t=0 0", "m=audio 9 RTP/AVP 0"],
             rule: .missingConnection, line: 5),
        Case(name: "duplicate v=", lines: ["v=0", "v=0"] + head.dropFirst(), rule: .duplicateLine, line: 2),
        Case(name: "duplicate o=", lines: ["v=0", "o=- 1 1 IN IP4 0.0.0.0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "t=0 0"], rule: .duplicateLine, line: 3),
        Case(name: "duplicate s=", lines: ["v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "s=-", "t=0 0"], rule: .duplicateLine, line: 4),
        Case(name: "duplicate session c=", lines: ["v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "c=IN IP4 1.1.1.1", "c=IN IP4 1.1.1.1", "t=0 0"],
             rule: .duplicateLine, line: 5),
        Case(name: "duplicate i= in media", lines: with(["m=audio 9 RTP/AVP 0", "i=a", "i=b"]), rule: .duplicateLine, line: 8),
        Case(name: "o= before v=", lines: ["o=- 1 1 IN IP4 0.0.0.0", "v=0", "s=-", "t=0 0"], rule: .missingVersion, line: 1),
        Case(name: "c= after t=", lines: ["v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "t=0 0", "c=IN IP4 0.0.0.0"], rule: .lineOrder, line: 5),
        Case(name: "i= after a=", lines: with(["a=ice-lite", "i=late"]), rule: .lineOrder, line: 7),
        Case(name: "r= without t=", lines: ["v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "c=IN IP4 0.0.0.0", "r=7d 1h 0 25h", "t=0 0"],
             rule: .lineOrder, line: 5),
        Case(name: "t= inside a media section", lines: with(["m=audio 9 RTP/AVP 0", "t=0 0"]), rule: .lineOrder, line: 7),
        Case(name: "c= after a= in a media section", lines: with(["m=audio 9 RTP/AVP 0", "a=sendrecv", "c=IN IP4 0.0.0.0"]),
             rule: .lineOrder, line: 8),
        Case(name: "unknown type letter", lines: with(["x=1"]), rule: .unknownLineType, line: 6),
        Case(name: "uppercase type letter", lines: with(["A=sendrecv"]), rule: .lineSyntax, line: 6),
        Case(name: "line without =", lines: with(["a"]), rule: .lineSyntax, line: 6),
        Case(name: "blank line in the middle", lines: ["v=0", "", "o=- 1 1 IN IP4 0.0.0.0"], rule: .lineSyntax, line: 2),
        Case(name: "space before the type", lines: with([" a=sendrecv"]), rule: .lineSyntax, line: 6),
        Case(name: "v=1", lines: ["v=1"] + head.dropFirst(), rule: .version, line: 1),
        Case(name: "o= with five fields", lines: ["v=0", "o=- 1 1 IN IP4", "s=-", "t=0 0"], rule: .origin, line: 2),
        Case(name: "o= with a non-numeric session id", lines: ["v=0", "o=- abc 1 IN IP4 0.0.0.0", "s=-", "t=0 0"], rule: .origin, line: 2),
        Case(name: "c= with two fields", lines: ["v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "c=IN IP4", "t=0 0"], rule: .connection, line: 4),
        Case(name: "c= with an extra field", lines: ["v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "c=IN IP4 1.1.1.1 x", "t=0 0"], rule: .connection, line: 4),
        Case(name: "t= with one time", lines: ["v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "c=IN IP4 0.0.0.0", "t=0"], rule: .timing, line: 5),
        Case(name: "t= with a letter", lines: ["v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "c=IN IP4 0.0.0.0", "t=0 x"], rule: .timing, line: 5),
        Case(name: "t= beyond 64 bits", lines: ["v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "c=IN IP4 0.0.0.0", "t=0 99999999999999999999999"],
             rule: .timing, line: 5),
        Case(name: "b= without a colon", lines: with(["m=audio 9 RTP/AVP 0", "b=AS"]), rule: .bandwidth, line: 7),
        Case(name: "m= port above 65535", lines: with(["m=audio 65536 RTP/AVP 0"]), rule: .media, line: 6),
        Case(name: "m= port not a number", lines: with(["m=audio x RTP/AVP 0"]), rule: .media, line: 6),
        Case(name: "m= without formats", lines: with(["m=audio 9 RTP/AVP"]), rule: .media, line: 6),
        Case(name: "m= with an empty proto part", lines: with(["m=audio 9 RTP//AVP 0"]), rule: .media, line: 6),
        Case(name: "m= with a bad port count", lines: with(["m=audio 9/x RTP/AVP 0"]), rule: .media, line: 6),
        Case(name: "e= empty", lines: ["v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "e=", "t=0 0"], rule: .textField, line: 4),
        Case(name: "attribute without a name", lines: with(["a=:value"]), rule: .attribute, line: 6),
        Case(name: "empty attribute", lines: with(["a="]), rule: .attribute, line: 6),
        Case(name: "attribute name with a space", lines: with(["a=bad name"]), rule: .attribute, line: 6),
        Case(name: "fingerprint with bad hex", lines: with(["a=fingerprint:sha-256 6B:8G"]), rule: .fingerprint, line: 6),
        Case(name: "fingerprint with an odd digit", lines: with(["a=fingerprint:sha-256 6B:8"]), rule: .fingerprint, line: 6),
        Case(name: "fingerprint without digest", lines: with(["a=fingerprint:sha-256"]), rule: .fingerprint, line: 6),
        Case(name: "candidate with component 0", lines: with(["a=candidate:1 0 udp 1 1.2.3.4 1 typ host"]), rule: .candidate, line: 6),
        Case(name: "candidate with priority out of range", lines: with(["a=candidate:1 1 udp 4294967296 1.2.3.4 1 typ host"]), rule: .candidate, line: 6),
        Case(name: "candidate with port above 65535", lines: with(["a=candidate:1 1 udp 1 1.2.3.4 70000 typ host"]), rule: .candidate, line: 6),
        Case(name: "candidate without typ", lines: with(["a=candidate:1 1 udp 1 1.2.3.4 1 host"]), rule: .candidate, line: 6),
        Case(name: "rtpmap without clock rate", lines: with(["a=rtpmap:96 VP8"]), rule: .rtpmap, line: 6),
        Case(name: "rtpmap payload type above 127", lines: with(["a=rtpmap:128 VP8/90000"]), rule: .rtpmap, line: 6),
        Case(name: "fmtp without parameters", lines: with(["a=fmtp:96"]), rule: .fmtp, line: 6),
        Case(name: "rtcp-fb without type", lines: with(["a=rtcp-fb:96"]), rule: .rtcpFeedback, line: 6),
        Case(name: "extmap id 0", lines: with(["a=extmap:0 urn:x"]), rule: .extmap, line: 6),
        Case(name: "extmap with a bad direction", lines: with(["a=extmap:1/both urn:x"]), rule: .extmap, line: 6),
        Case(name: "group with two spaces", lines: with(["a=group:BUNDLE  a"]), rule: .group, line: 6),
        Case(name: "mid without value", lines: with(["a=mid"]), rule: .attributeValue, line: 6),
        Case(name: "mid with a space", lines: with(["a=mid:a b"]), rule: .mid, line: 6),
        Case(name: "ice-ufrag with a bad character", lines: with(["a=ice-ufrag:ab_c"]), rule: .iceParameter, line: 6),
        Case(name: "setup with an unknown role", lines: with(["a=setup:server"]), rule: .setup, line: 6),
        Case(name: "connection neither new nor existing", lines: with(["a=connection:old"]), rule: .setup, line: 6),
        Case(name: "rtcp port not a number", lines: with(["a=rtcp:x"]), rule: .rtcp, line: 6),
        Case(name: "msid with three fields", lines: with(["a=msid:a b c"]), rule: .msid, line: 6),
        Case(name: "ssrc not a number", lines: with(["a=ssrc:x cname:y"]), rule: .ssrc, line: 6),
        Case(name: "ssrc-group with a bad ssrc", lines: with(["a=ssrc-group:FID 1 x"]), rule: .ssrc, line: 6),
        Case(name: "rid with a bad direction", lines: with(["a=rid:1 both"]), rule: .rid, line: 6),
        Case(name: "simulcast with the same direction twice", lines: with(["a=simulcast:send 1 send 2"]), rule: .simulcast, line: 6),
        Case(name: "simulcast with an empty stream", lines: with(["a=simulcast:send 1;;2"]), rule: .simulcast, line: 6),
        Case(name: "sctp-port above 65535", lines: with(["a=sctp-port:65536"]), rule: .sctp, line: 6),
        Case(name: "max-message-size not a number", lines: with(["a=max-message-size:big"]), rule: .sctp, line: 6),
    ]

    @Test("each malformed description gives its rule and line", arguments: cases)
    func malformed(_ testCase: Case) {
        let bytes = Array((testCase.lines.joined(separator: "\r\n") + "\r\n").utf8)
        do {
            let value = try SDPCodec.parse(bytes)
            Issue.record("accepted: \(value)")
        } catch {
            #expect(error.rule == testCase.rule, "\(error)")
            #expect(error.offset == testCase.line, "\(error)")
            #expect(error.location == .line)
        }
    }

    @Test("empty input is the truncated rule at line 1")
    func empty() {
        #expect(throws: SDPError.self) { try SDPCodec.parse([UInt8]()) }
        do { _ = try SDPCodec.parse([UInt8]()) } catch {
            #expect(error.rule == .truncated && error.offset == 1)
        }
    }

    @Test("invalid UTF-8 names its line", arguments: [[0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xE2, 0x82]] as [[UInt8]])
    func invalidUTF8(bad: [UInt8]) {
        let bytes = Array("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=".utf8) + bad + Array("\r\nt=0 0\r\n".utf8)
        do { _ = try SDPCodec.parse(bytes) } catch {
            #expect(error.rule == .invalidUTF8 && error.offset == 3)
            return
        }
        Issue.record("accepted invalid UTF-8")
    }

    @Test("a CR not followed by LF is a line-syntax error")
    func loneCR() {
        do { _ = try SDPCodec.parse(Array("v=0\ro=- 1 1 IN IP4 0.0.0.0\r\n".utf8)) } catch {
            #expect(error.rule == .lineSyntax && error.offset == 1)
            return
        }
        Issue.record("accepted a lone CR")
    }

    @Test("random bytes never trap and errors always name a line")
    func randomBytes() {
        var rng = Wire.SeededGenerator(seed: 8866)
        let alphabet = Array("vosiuepcbtrzkam=: \r\n0123456789/INP4aA".utf8) + [0xFF, 0xC3]
        for _ in 0..<5000 {
            let bytes = (0..<Int.random(in: 0...120, using: &rng)).map { _ in alphabet.randomElement(using: &rng) ?? 0 }
            do {
                let value = try SDPCodec.parse(bytes)
                #expect(SDPCodec.serialize(value) == SDPCodec.canonicalize(bytes))
            } catch {
                #expect(error.offset >= 1)
            }
        }
    }
}
