import ICE
import JSEP
import SDP
import Testing

/// W3C webrtc-pc §4.4.1.6 addIceCandidate and RFC 8839 §5.1 candidate strings.
@Suite("Trickled candidates")
struct CandidateTests {
    static let line = "candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host"

    /// Our offer with a rejected video section after the data one (mids 0 and 1).
    static func description() throws -> NegotiatedDescription {
        let remote = try OfferAnswer.parse(ThirdParty.chromiumDataAndVideoOffer, type: .offer)
        return try OfferAnswer.parse(OfferAnswer.makeAnswer(to: remote, Fixtures.parameters(), type: .answer), type: .answer)
    }

    @Test("a bare candidate: string for a mid is returned")
    func bareByMid() throws {
        #expect(try OfferAnswer.candidate(Self.line, sdpMid: "0", sdpMLineIndex: nil, in: Self.description()) == Fixtures.host)
    }

    @Test("the a=candidate: form is accepted too (RFC 8839 §5.1)")
    func attributeForm() throws {
        #expect(try OfferAnswer.candidate("a=" + Self.line, sdpMid: "0", sdpMLineIndex: nil, in: Self.description()) == Fixtures.host)
    }

    @Test("a candidate can name its section by index alone")
    func byIndex() throws {
        #expect(try OfferAnswer.candidate(Self.line, sdpMid: nil, sdpMLineIndex: 0, in: Self.description()) == Fixtures.host)
    }

    @Test("sdpMid wins over sdpMLineIndex (webrtc-pc §4.4.1.6)")
    func midWins() throws {
        #expect(try OfferAnswer.candidate(Self.line, sdpMid: "0", sdpMLineIndex: 7, in: Self.description()) == Fixtures.host)
    }

    @Test("an unknown mid is OperationError: unknownMediaSection")
    func unknownMid() throws {
        #expect(throws: JSEPError.unknownMediaSection(mid: "9", index: nil)) {
            try OfferAnswer.candidate(Self.line, sdpMid: "9", sdpMLineIndex: nil, in: Self.description())
        }
    }

    @Test("an index past the last section is unknownMediaSection", arguments: [2, -1])
    func unknownIndex(index: Int) throws {
        #expect(throws: JSEPError.unknownMediaSection(mid: nil, index: index)) {
            try OfferAnswer.candidate(Self.line, sdpMid: nil, sdpMLineIndex: index, in: Self.description())
        }
    }

    @Test("a candidate with neither mid nor index is refused")
    func neither() throws {
        #expect(throws: JSEPError.unknownMediaSection(mid: nil, index: nil)) {
            try OfferAnswer.candidate(Self.line, sdpMid: nil, sdpMLineIndex: nil, in: Self.description())
        }
    }

    @Test("malformed candidate strings are invalidCandidate", arguments: [
        "candidate:1 1 udp 2130706431 127.0.0.1 typ host",  // no port
        "candidate:1 1 udp 0 127.0.0.1 50000 typ host",  // priority 0
        "1 1 udp 2130706431 127.0.0.1 50000 typ host",  // no prefix
        "candidate:1 1 udp 02130706431 127.0.0.1 50000 typ host",  // leading zero
    ])
    func malformed(line: String) throws {
        #expect {
            try OfferAnswer.candidate(line, sdpMid: "0", sdpMLineIndex: nil, in: Self.description())
        } throws: { error in
            if case .invalidCandidate = error as? JSEPError { true } else { false }
        }
    }

    @Test("an empty candidate is end-of-candidates: nil, with or without a section")
    func empty() throws {
        let description = try Self.description()
        #expect(try OfferAnswer.candidate("", sdpMid: "0", sdpMLineIndex: nil, in: description) == nil)
        #expect(try OfferAnswer.candidate("", sdpMid: nil, sdpMLineIndex: 0, in: description) == nil)
        #expect(try OfferAnswer.candidate("", sdpMid: nil, sdpMLineIndex: nil, in: description) == nil)
    }

    @Test("a candidate for a rejected section is refused: it has no transport")
    func rejectedSection() throws {
        #expect {
            try OfferAnswer.candidate(Self.line, sdpMid: "1", sdpMLineIndex: nil, in: Self.description())
        } throws: { error in
            if case .invalidCandidate = error as? JSEPError { true } else { false }
        }
    }

    @Test("a ufrag extension that is not the description's is refused (webrtc-pc §4.4.1.6)")
    func wrongUfrag() throws {
        let description = try Self.description()
        #expect(try OfferAnswer.candidate(Self.line + " ufrag Ufr4", sdpMid: "0", sdpMLineIndex: nil, in: description) != nil)
        #expect {
            try OfferAnswer.candidate(Self.line + " ufrag Else", sdpMid: "0", sdpMLineIndex: nil, in: description)
        } throws: { error in
            if case .invalidCandidate = error as? JSEPError { true } else { false }
        }
    }

    @Test("RFC 8829 §7.2 trickled candidates apply to offer-B1's tagged section")
    func rfcTrickle() throws {
        let offer = try OfferAnswer.parse(Fixtures.vector("sdp_rfc8829_jsep_examples.txt#offer-B1"), type: .offer)
        let candidate = try OfferAnswer.candidate(
            Fixtures.vector("sdp_rfc8829_jsep_examples.txt#offer-B1-candidate-2"), sdpMid: "a1", sdpMLineIndex: 0, in: offer)
        #expect(candidate?.type == .srflx)
        #expect(candidate?.relatedPort == 10_100)
    }
}

/// RFC 8839 §4.4.1.1.1: a new ufrag or pwd means an ICE restart.
@Suite("ICE restart")
struct ICERestartTests {
    static func offer(_ credentials: ICECredentials) throws -> NegotiatedDescription {
        try OfferAnswer.parse(OfferAnswer.makeOffer(Fixtures.parameters(credentials: credentials), previous: nil), type: .offer)
    }

    static let original = ICECredentials(ufrag: "Ufr4", pwd: "abcdefghijklmnopqrstuv")

    @Test("the same credentials are not a restart")
    func same() throws {
        #expect(try !OfferAnswer.isICERestart(from: Self.offer(Self.original), to: Self.offer(Self.original)))
    }

    @Test("a new ufrag is a restart")
    func newUfrag() throws {
        #expect(try OfferAnswer.isICERestart(from: Self.offer(Self.original), to: Self.offer(ICECredentials(ufrag: "Ufr5", pwd: Self.original.pwd))))
    }

    @Test("a new pwd alone is a restart")
    func newPwd() throws {
        #expect(try OfferAnswer.isICERestart(from: Self.offer(Self.original), to: Self.offer(ICECredentials(ufrag: "Ufr4", pwd: "ABCDEFGHIJKLMNOPQRSTUV"))))
    }
}
