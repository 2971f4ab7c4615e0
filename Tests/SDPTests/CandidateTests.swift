import SDP
import Testing

/// Candidate forms of RFC 8839 §5.1 through the standalone candidate codec (trickle ICE).
@Suite("ICE candidates")
struct CandidateTests {
    static let table: [(String, Candidate)] = [
        ("candidate:1 1 udp 2113929471 203.0.113.100 10100 typ host",
         Candidate(foundation: "1", component: 1, priority: 2_113_929_471, address: "203.0.113.100", port: 10100, type: .host)),
        ("candidate:1 1 udp 1845494015 198.51.100.100 11100 typ srflx raddr 203.0.113.100 rport 10100",
         Candidate(foundation: "1", component: 1, priority: 1_845_494_015, address: "198.51.100.100", port: 11100, type: .srflx,
                   relatedAddress: "203.0.113.100", relatedPort: 10100)),
        ("candidate:1 1 udp 255 192.0.2.100 12100 typ relay raddr 0.0.0.0 rport 0",
         Candidate(foundation: "1", component: 1, priority: 255, address: "192.0.2.100", port: 12100, type: .relay,
                   relatedAddress: "0.0.0.0", relatedPort: 0)),
        ("candidate:4 1 udp 1862270847 10.0.0.5 50000 typ prflx raddr 10.0.0.4 rport 40000",
         Candidate(foundation: "4", component: 1, priority: 1_862_270_847, address: "10.0.0.5", port: 50000, type: .prflx,
                   relatedAddress: "10.0.0.4", relatedPort: 40000)),
        ("candidate:3496416974 1 tcp 1518283007 2a02:a03f:3eb0:e000:b0aa:d60a:cff2:933c 9 typ host tcptype active generation 0 network-id 2 network-cost 10",
         Candidate(foundation: "3496416974", component: 1, transport: "tcp", priority: 1_518_283_007,
                   address: "2a02:a03f:3eb0:e000:b0aa:d60a:cff2:933c", port: 9, type: .host,
                   extensions: [.tcpType("active"), .generation(0), .networkID(2), .networkCost(10)])),
        ("candidate:3 2 TCP 2105458942 192.168.99.58 9 typ host tcptype passive",
         Candidate(foundation: "3", component: 2, transport: "TCP", priority: 2_105_458_942, address: "192.168.99.58", port: 9,
                   type: .host, extensions: [.tcpType("passive")])),
        ("candidate:2 1 udp 2122260223 4f1c2a4e-1b1e-4b8e-9d2b-1c2d3e4f5a6b.local 54321 typ host generation 0 ufrag EsAw network-id 1",
         Candidate(foundation: "2", component: 1, priority: 2_122_260_223, address: "4f1c2a4e-1b1e-4b8e-9d2b-1c2d3e4f5a6b.local", port: 54321,
                   type: .host, extensions: [.generation(0), .ufrag("EsAw"), .networkID(1)])),
        ("candidate:7 1 udp 100 ::1 1 typ host x-one 1 generation 01 x-two two",
         Candidate(foundation: "7", component: 1, priority: 100, address: "::1", port: 1, type: .host,
                   extensions: [.other(name: "x-one", value: "1"), .other(name: "generation", value: "01"), .other(name: "x-two", value: "two")])),
        ("candidate:0560693492 1 udp 659136 1.2.3.4 16628 typ host generation 0",
         Candidate(foundation: "0560693492", component: 1, priority: 659_136, address: "1.2.3.4", port: 16628, type: .host,
                   extensions: [.generation(0)])),
        ("candidate:9 256 udp 1 1.2.3.4 65535 typ future",
         Candidate(foundation: "9", component: 256, priority: 1, address: "1.2.3.4", port: 65535, type: .other("future"))),
    ]

    @Test("each candidate form parses to its model and re-serialises exactly", arguments: table)
    func candidateRow(text: String, expected: Candidate) throws {
        let line = try CandidateCodec.parse(Array(text.utf8))
        #expect(line.form == .bare)
        #expect(line.candidate == expected)
        #expect(CandidateCodec.serialize(line) == Array(text.utf8))
    }

    @Test("the a=candidate: form is accepted and kept", arguments: table.prefix(3))
    func attributeForm(text: String, expected: Candidate) throws {
        let line = try CandidateCodec.parse(Array(("a=" + text).utf8))
        #expect(line.form == .attribute)
        #expect(line.candidate == expected)
        #expect(line.text == "a=" + text)
    }

    static let malformed: [(String, SDPRule)] = [
        ("candidate:1 0 udp 1 1.2.3.4 1 typ host", .candidate),  // component 0
        ("candidate:1 257 udp 1 1.2.3.4 1 typ host", .candidate),  // component > 256
        ("candidate:1 1 udp 2147483648 1.2.3.4 1 typ host", .candidate),  // priority > 2^31-1
        ("candidate:1 1 udp 0 1.2.3.4 1 typ host", .candidate),  // priority 0
        ("candidate:1 1 udp 99999999999 1.2.3.4 1 typ host", .candidate),  // priority overflow
        ("candidate:1 1 udp 1 1.2.3.4 65536 typ host", .candidate),  // port > 65535
        ("candidate:1 1 udp 1 1.2.3.4 1 host", .candidate),  // missing typ
        ("candidate:1 1 udp 1 1.2.3.4 1 type host", .candidate),  // typ misspelt
        ("candidate:1 1 udp 1 1.2.3.4 1 typ host raddr", .candidate),  // extension without value
        ("candidate:1 1 udp 1 1.2.3.4 1 typ srflx raddr 1.1.1.1 rport x", .candidate),
        ("candidate:1 1 udp 1 1.2.3.4  1 typ host", .candidate),  // two spaces
        ("candidate:f@o 1 udp 1 1.2.3.4 1 typ host", .candidate),  // foundation not ice-char
        ("candidate:", .candidate),
        ("cand:1 1 udp 1 1.2.3.4 1 typ host", .candidate),
        (" candidate:1 1 udp 1 1.2.3.4 1 typ host", .candidate),
        ("candidate:1 01 udp 1 1.2.3.4 1 typ host", .number),  // leading zero: no verbatim fallback here
    ]

    @Test("malformed candidates give the candidate rule, never a trap", arguments: malformed)
    func malformedCandidate(text: String, rule: SDPRule) {
        #expect(throws: SDPError.self) { try CandidateCodec.parse(Array(text.utf8)) }
        do {
            _ = try CandidateCodec.parse(Array(text.utf8))
        } catch {
            #expect(error.rule == rule)
            #expect(error.offset == 1 && error.location == .line)
        }
    }

    @Test("invalid UTF-8 in a candidate is a typed error")
    func invalidUTF8() {
        #expect(throws: SDPError(.invalidUTF8, at: 1, "the candidate is not valid UTF-8", location: .line)) {
            try CandidateCodec.parse(Array("candidate:1 1 udp 1 ".utf8) + [0xC3, 0x28])
        }
    }
}
