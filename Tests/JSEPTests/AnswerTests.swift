import DTLS
import JSEP
import SDP
import Testing

/// JSEP §5.3.1 (initial answers), RFC 8842 §5.3 (a=setup), RFC 3264 §6 (rejected sections).
@Suite("makeAnswer")
struct AnswerTests {
    /// A data-channel offer whose `a=setup` is `setup`, plus extra sections after the data one.
    static func offer(setup: String = "actpass", extraSections: [[String]] = [], bundle: String = "0") -> String {
        var lines = Fixtures.minimalOfferLines.map { $0 == "a=setup:actpass" ? "a=setup:\(setup)" : $0 }
        lines = lines.map { $0 == "a=group:BUNDLE 0" ? "a=group:BUNDLE \(bundle)" : $0 }
        return Fixtures.sdp(lines + extraSections.flatMap { $0 })
    }

    static let audioSection = [
        "m=audio 9 UDP/TLS/RTP/SAVPF 111 0", "c=IN IP4 0.0.0.0", "a=mid:1", "a=rtpmap:111 opus/48000/2",
    ]
    static let videoSection = ["m=video 9 UDP/TLS/RTP/SAVPF 96", "c=IN IP4 0.0.0.0", "a=mid:2", "a=rtpmap:96 VP8/90000"]

    struct SetupRow: Sendable, CustomTestStringConvertible {
        let offered: String
        let answered: DTLSSetup
        var testDescription: String { "offer \(offered) → answer \(answered.rawValue)" }
    }

    @Test("the answer's a=setup follows RFC 8842 §5.3", arguments: [
        SetupRow(offered: "actpass", answered: .active),
        SetupRow(offered: "active", answered: .passive),
        SetupRow(offered: "passive", answered: .active),
    ])
    func setup(row: SetupRow) throws {
        let offer = try OfferAnswer.parse(Self.offer(setup: row.offered), type: .offer)
        let answer = try OfferAnswer.parse(
            OfferAnswer.makeAnswer(to: offer, Fixtures.parameters(), type: .answer), type: .answer, answering: offer)
        #expect(answer.setup == row.answered)
    }

    /// RFC 8842 §5.5: a subsequent answer on a transport whose association runs keeps its role. The
    /// peer-connection fuzz target found a renegotiation that answered `active` while the endpoint stayed
    /// the DTLS server, leaving both sides waiting as servers.
    @Test("a subsequent answer to actpass keeps the running association's role; an explicit offer still decides", arguments: [
        ("actpass", SetupRole.passive, DTLSSetup.passive), ("actpass", .active, .active), ("active", .active, .passive),
    ])
    func establishedSetup(offered: String, established: SetupRole, answered: DTLSSetup) throws {
        let offer = try OfferAnswer.parse(Self.offer(setup: offered), type: .offer)
        var parameters = Fixtures.parameters()
        parameters.establishedSetup = established
        let answer = try OfferAnswer.parse(OfferAnswer.makeAnswer(to: offer, parameters, type: .answer), type: .answer, answering: offer)
        #expect(answer.setup == answered)
    }

    @Test("audio and video sections are rejected with port 0, keep their mid and proto, and leave BUNDLE")
    func rejectsMedia() throws {
        let offer = try OfferAnswer.parse(
            Self.offer(extraSections: [Self.audioSection, Self.videoSection], bundle: "0 1 2"), type: .offer)
        let text = try OfferAnswer.makeAnswer(to: offer, Fixtures.parameters(), type: .answer)
        let answer = try OfferAnswer.parse(text, type: .answer, answering: offer)
        #expect(answer.sections.map(\.mid) == ["0", "1", "2"])
        #expect(answer.sections.map(\.port) == [9, 0, 0])
        #expect(answer.sections.map(\.isRejected) == [false, true, true])
        #expect(answer.model.media.map(\.proto) == ["UDP/DTLS/SCTP", "UDP/TLS/RTP/SAVPF", "UDP/TLS/RTP/SAVPF"])
        #expect(answer.model.media[1].formats == ["111", "0"])
        #expect(answer.bundle == ["0"])
    }

    @Test("of two application sections the first is accepted, the second rejected")
    func twoApplicationSections() throws {
        let second = [
            "m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "c=IN IP4 0.0.0.0", "a=mid:1", "a=sctp-port:5001",
        ]
        let offer = try OfferAnswer.parse(Self.offer(extraSections: [second], bundle: "0 1"), type: .offer)
        #expect(offer.dataSection?.mid == "0")
        let answer = try OfferAnswer.parse(
            OfferAnswer.makeAnswer(to: offer, Fixtures.parameters(), type: .answer), type: .answer, answering: offer)
        #expect(answer.sections.map(\.isRejected) == [false, true])
        #expect(answer.dataSection?.mid == "0")
        #expect(answer.bundle == ["0"])
    }

    @Test("a data section after a rejected application section is the one accepted")
    func skipsRejectedApplication() throws {
        var lines = Fixtures.minimalOfferLines
        lines.insert(contentsOf: ["m=application 0 UDP/DTLS/SCTP webrtc-datachannel", "c=IN IP4 0.0.0.0", "a=mid:9"], at: 5)
        let offer = try OfferAnswer.parse(Fixtures.sdp(lines), type: .offer)
        #expect(offer.dataSection?.index == 1)
        let answer = try OfferAnswer.parse(
            OfferAnswer.makeAnswer(to: offer, Fixtures.parameters(), type: .answer), type: .answer, answering: offer)
        #expect(answer.sections.map(\.isRejected) == [true, false])
    }

    @Test("a provisional answer is built the same way and reads as a pranswer")
    func pranswer() throws {
        let offer = try OfferAnswer.parse(Self.offer(), type: .offer)
        let text = try OfferAnswer.makeAnswer(to: offer, Fixtures.parameters(), type: .pranswer)
        let parsed = try OfferAnswer.parse(text, type: .pranswer, answering: offer)
        #expect(parsed.type == .pranswer)
        #expect(parsed.setup == .active)
    }

    @Test("the answer carries our parameters back")
    func carriesParameters() throws {
        let offer = try OfferAnswer.parse(Self.offer(), type: .offer)
        let parameters = Fixtures.parameters(candidates: [Fixtures.host], endOfCandidates: true)
        let answer = try OfferAnswer.parse(OfferAnswer.makeAnswer(to: offer, parameters, type: .answer), type: .answer, answering: offer)
        #expect(answer.credentials == parameters.credentials)
        #expect(answer.fingerprints == [parameters.fingerprint])
        #expect(answer.candidates == [Fixtures.host])
        #expect(answer.endOfCandidates)
        #expect(answer.dataSection?.maxMessageSize == 262_144)
    }

    @Test("an offer without BUNDLE gets an answer without BUNDLE (RFC 8843 §7.3.1)")
    func noBundle() throws {
        let lines = Fixtures.minimalOfferLines.filter { !$0.hasPrefix("a=group") }
        let offer = try OfferAnswer.parse(Fixtures.sdp(lines), type: .offer)
        #expect(offer.bundle == nil)
        let answer = try OfferAnswer.parse(OfferAnswer.makeAnswer(to: offer, Fixtures.parameters(), type: .answer), type: .answer)
        #expect(answer.bundle == nil)
    }

    @Test("only answer and pranswer can be made, and only to an offer")
    func answerTypes() throws {
        let offer = try OfferAnswer.parse(Self.offer(), type: .offer)
        for type in [DescriptionType.offer, .rollback] {
            #expect(throws: JSEPError.invalidAttribute("type", value: type.rawValue, reason: "an answer is of type answer or pranswer")) {
                try OfferAnswer.makeAnswer(to: offer, Fixtures.parameters(), type: type)
            }
        }
        var notAnOffer = offer
        notAnOffer.type = .answer
        #expect(throws: JSEPError.invalidAttribute("type", value: "answer", reason: "only an offer can be answered")) {
            try OfferAnswer.makeAnswer(to: notAnOffer, Fixtures.parameters(), type: .answer)
        }
    }
}
