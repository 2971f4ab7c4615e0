import DTLS
import ICE
import JSEP
import PropertyBased
import SDP
import Testing
import Wire

/// JSEP §5.2.1 (initial offers) and §5.2.2 (subsequent offers).
@Suite("makeOffer")
struct OfferTests {
    @Test("the initial offer has exactly the lines JSEP §5.2.1 and RFC 8841 ask for, in order")
    func exactLines() {
        let offer = OfferAnswer.makeOffer(
            Fixtures.parameters(sessionID: 42, version: 7, candidates: [Fixtures.host], endOfCandidates: true), previous: nil)
        #expect(offer == Fixtures.sdp([
            "v=0",
            "o=- 42 7 IN IP4 127.0.0.1",
            "s=-",
            "t=0 0",
            "a=group:BUNDLE 0",
            "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
            "c=IN IP4 0.0.0.0",
            "a=mid:0",
            "a=ice-ufrag:Ufr4",
            "a=ice-pwd:abcdefghijklmnopqrstuv",
            "a=ice-options:trickle",
            "a=fingerprint:sha-256 " + Fixtures.fingerprint.hexPairs,
            "a=setup:actpass",
            "a=sctp-port:5000",
            "a=max-message-size:262144",
            "a=candidate:1 1 udp 2130706431 127.0.0.1 50000 typ host",
            "a=end-of-candidates",
        ]))
    }

    @Test("every line ends with CRLF and no bare LF appears")
    func crlf() {
        let offer = OfferAnswer.makeOffer(Fixtures.parameters(candidates: [Fixtures.host, Fixtures.srflx]), previous: nil)
        let bytes = Array(offer.utf8)
        #expect(bytes.suffix(2) == [0x0D, 0x0A])
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            #expect(index > 0 && bytes[index - 1] == 0x0D)
        }
    }

    @Test("the offer parses with the SDP codec and re-serialises byte for byte")
    func sdpRoundTrip() throws {
        let offer = OfferAnswer.makeOffer(Fixtures.parameters(candidates: [Fixtures.host, Fixtures.srflx]), previous: nil)
        let model = try SDPCodec.parse(offer)
        #expect(SDPCodec.text(model) == offer)
    }

    @Test("parse(makeOffer(p)) gives back every parameter")
    func parameterRoundTrip() throws {
        let parameters = Fixtures.parameters(candidates: [Fixtures.host, Fixtures.srflx], endOfCandidates: true)
        let parsed = try OfferAnswer.parse(OfferAnswer.makeOffer(parameters, previous: nil), type: .offer)
        expectCarries(parsed, parameters)
        #expect(parsed.setup == .actpass)
        #expect(parsed.bundle == ["0"])
        #expect(parsed.sections.count == 1)
        #expect(parsed.dataSection?.mid == "0")
        #expect(parsed.iceLite == false)
    }

    @Test("random parameters survive makeOffer → parse (property)")
    func randomParameterRoundTrip() async {
        await propertyCheck(count: 200, input: Generator(run: { rng in LocalSessionParameters.random(using: &rng) })) { parameters in
            let text = OfferAnswer.makeOffer(parameters, previous: nil)
            guard let parsed = try? OfferAnswer.parse(text, type: .offer) else {
                Issue.record("our own offer did not parse:\n\(text)")
                return
            }
            expectCarries(parsed, parameters)
        }
    }

    @Test("without a data channel the offer has no m= section and no BUNDLE group")
    func noDataChannel() throws {
        let offer = OfferAnswer.makeOffer(Fixtures.parameters(includesDataChannel: false), previous: nil)
        let model = try SDPCodec.parse(offer)
        #expect(model.media.isEmpty)
        #expect(model.attributes.isEmpty)
    }

    @Test("a subsequent offer keeps the session id, bumps the version and keeps mids and order")
    func renegotiation() throws {
        let first = try OfferAnswer.parse(OfferAnswer.makeOffer(Fixtures.parameters(sessionID: 99, version: 3), previous: nil), type: .offer)
        let restarted = Fixtures.parameters(
            sessionID: 12345, version: 1, credentials: ICECredentials(ufrag: "NewU", pwd: "0123456789012345678901"))
        let second = try OfferAnswer.parse(OfferAnswer.makeOffer(restarted, previous: first), type: .offer)
        #expect(second.model.origin.sessionID == "99")
        #expect(second.model.origin.sessionVersion == "4")
        #expect(second.sections.map(\.mid) == ["0"])
        #expect(OfferAnswer.isICERestart(from: first, to: second))
    }

    @Test("a subsequent offer after answering keeps rejected sections rejected with their mids")
    func renegotiationAfterAnswering() throws {
        // Our answer to an offer with audio (rejected) then data.
        let remote = try OfferAnswer.parse(ThirdParty.chromiumDataAndVideoOffer, type: .offer)
        let ourAnswer = try OfferAnswer.parse(
            OfferAnswer.makeAnswer(to: remote, Fixtures.parameters(), type: .answer), type: .answer, answering: remote)
        let offer = try OfferAnswer.parse(OfferAnswer.makeOffer(Fixtures.parameters(), previous: ourAnswer), type: .offer)
        #expect(offer.sections.map(\.mid) == ["0", "1"])
        #expect(offer.sections.map(\.isRejected) == [false, true])
        #expect(offer.sections[1].kind == .video)
        #expect(offer.bundle == ["0"])
    }

    @Test("a subsequent offer adds a data section with a fresh mid when the previous one had none")
    func addDataSection() throws {
        // Our answer to a data + video offer, with its data section forgotten: as if it had none.
        let remote = try OfferAnswer.parse(ThirdParty.chromiumDataAndVideoOffer, type: .offer)
        var previous = try OfferAnswer.parse(
            OfferAnswer.makeAnswer(to: remote, Fixtures.parameters(), type: .answer), type: .answer)
        previous.dataSection = nil
        let offer = try SDPCodec.parse(OfferAnswer.makeOffer(Fixtures.parameters(), previous: previous))
        #expect(offer.media.map(\.mid) == ["0", "1", "2"])
        #expect(offer.media.map(\.port) == [0, 0, 9])
    }

    /// The parameters a parsed description must carry back.
    func expectCarries(_ parsed: NegotiatedDescription, _ parameters: LocalSessionParameters) {
        #expect(parsed.model.origin.sessionID == String(parameters.sessionID))
        #expect(parsed.model.origin.sessionVersion == String(parameters.sessionVersion))
        #expect(parsed.credentials == parameters.credentials)
        #expect(parsed.fingerprints == [parameters.fingerprint])
        #expect(parsed.candidates == parameters.candidates)
        #expect(parsed.endOfCandidates == parameters.endOfCandidates)
        #expect(parsed.dataSection?.sctpPort == parameters.sctpPort)
        #expect(parsed.dataSection?.maxMessageSize == parameters.maxMessageSize)
        let trickle = parsed.model.media.first?.attributes.contains(.iceOptions(["trickle"])) ?? false
        #expect(trickle == parameters.iceOptionsTrickle)
    }
}
