import DTLS
import Hashing
import ICE
import JSEP
import SDP
import Testing

/// Descriptions made by Chromium, Safari (libwebrtc), Firefox, aiortc and the RFC 8829 examples: read,
/// and answered with everything but the data channel rejected.
@Suite("Third-party descriptions")
struct ThirdPartyTests {
    /// Answers `offer` with the fixture parameters and reads the answer back against the offer.
    func answer(_ offer: NegotiatedDescription) throws -> (text: String, parsed: NegotiatedDescription) {
        let text = try OfferAnswer.makeAnswer(to: offer, Fixtures.parameters(), type: .answer)
        return (text, try OfferAnswer.parse(text, type: .answer, answering: offer))
    }

    @Test("a Chromium data + video offer: data section accepted, video rejected with its mid, BUNDLE holds only data")
    func chromiumDataAndVideo() throws {
        let offer = try OfferAnswer.parse(ThirdParty.chromiumDataAndVideoOffer, type: .offer)
        #expect(offer.sections.map(\.kind) == [.application, .video])
        #expect(offer.bundle == ["0", "1"])
        #expect(offer.dataSection?.mid == "0")
        #expect(offer.dataSection?.sctpPort == 5000)
        #expect(offer.dataSection?.maxMessageSize == 262_144)
        #expect(offer.credentials == ICECredentials(ufrag: "XAAr", pwd: "Dnm1QoFhgWUX3RURw+i2gUQA"))
        #expect(offer.setup == .actpass)
        #expect(offer.fingerprints.map(\.algorithm) == [.sha256])
        #expect(offer.candidates.map(\.address) == ["192.168.45.7"])
        #expect(offer.endOfCandidates == false)

        let (text, answer) = try answer(offer)
        #expect(answer.sections.map(\.isRejected) == [false, true])
        #expect(answer.sections.map(\.mid) == ["0", "1"])
        #expect(answer.sections[1].port == 0)
        #expect(answer.bundle == ["0"])
        #expect(answer.setup == .active)
        #expect(text.contains("\r\nm=video 0 UDP/TLS/RTP/SAVPF 96 97 102 "))
    }

    @Test("a Chromium data-only answer reads as an answer with setup active")
    func chromiumDataAnswer() throws {
        let answer = try OfferAnswer.parse(ThirdParty.chromiumDataAnswer, type: .answer)
        #expect(answer.setup == .active)
        #expect(answer.dataSection?.mid == "0")
        #expect(answer.credentials.ufrag == "0Iqb")
    }

    @Test("a Safari (libwebrtc) audio + video + data offer in the legacy DTLS/SCTP form: both media rejected, data answered in its own form")
    func safariAudioVideoData() throws {
        // aiortc tests/test_sdp.py::test_safari, in ../shared/vectors.
        let offer = try OfferAnswer.parse(Fixtures.vector("sdp_aiortc_safari.txt"), type: .offer)
        #expect(offer.sections.map(\.kind) == [.audio, .video, .application])
        #expect(offer.dataSection?.mid == "data")
        #expect(offer.dataSection?.isLegacySCTP == true)
        #expect(offer.dataSection?.sctpPort == 5000)
        #expect(offer.dataSection?.maxMessageSize == 65_536)  // absent: RFC 8841 §6.1's 64K
        #expect(offer.credentials.ufrag == "XSmV")
        #expect(offer.candidates.count == 3)

        let (text, answer) = try answer(offer)
        #expect(answer.sections.map(\.isRejected) == [true, true, false])
        #expect(answer.sections.map(\.mid) == ["audio", "video", "data"])
        #expect(answer.bundle == ["data"])
        #expect(text.contains("\r\nm=application 9 DTLS/SCTP 5000\r\n"))
        #expect(text.contains("\r\na=sctpmap:5000 webrtc-datachannel 65535\r\n"))
        #expect(answer.dataSection?.isLegacySCTP == true)
    }

    @Test("a Firefox 58 data offer: fingerprint at session level, legacy SCTP form, TCP candidates kept")
    func firefoxData() throws {
        let offer = try OfferAnswer.parse(Fixtures.vector("sdp_aiortc_datachannel_firefox.txt"), type: .offer)
        #expect(offer.credentials == ICECredentials(ufrag: "9889e0c4", pwd: "d30a5aec4dd81f07d4ff3344209400ab"))
        #expect(offer.fingerprints.count == 1)
        #expect(offer.dataSection?.mid == "sdparta_0")
        #expect(offer.dataSection?.maxMessageSize == 1_073_741_823)
        #expect(offer.candidates.map(\.transport) == ["UDP", "UDP", "TCP", "TCP"])
        #expect(offer.endOfCandidates)
        let (_, answer) = try answer(offer)
        #expect(answer.bundle == ["sdparta_0"])
    }

    @Test("an aiortc audio + data offer: sha-512 skipped, the data section's own credentials and candidates used")
    func aiortcAudioAndData() throws {
        let offer = try OfferAnswer.parse(ThirdParty.aiortcAudioAndDataOffer, type: .offer)
        #expect(offer.fingerprints.map(\.algorithm) == [.sha256, .sha384])
        #expect(offer.credentials == ICECredentials(ufrag: "yiVJ", pwd: "XRCtnyQOjJJdCvUu5B1f7o"))
        #expect(offer.dataSection?.mid == "1")
        #expect(offer.dataSection?.isLegacySCTP == true)
        #expect(offer.candidates.first?.port == 45_901)
        #expect(offer.endOfCandidates)
        let (_, answer) = try answer(offer)
        #expect(answer.sections.map(\.isRejected) == [true, false])
        #expect(answer.bundle == ["1"])
    }

    @Test("an aiortc data answer (legacy form, candidates after the candidates' end) reads as an answer")
    func aiortcDataAnswer() throws {
        let answer = try OfferAnswer.parse(ThirdParty.aiortcDataAnswer, type: .answer)
        #expect(answer.setup == .active)
        #expect(answer.dataSection?.sctpPort == 5000)
        #expect(answer.candidates.count == 2)
        #expect(answer.endOfCandidates)
    }

    @Test("RFC 8829 §7.2 offer-B1: the bundle-only data section (port 0) is in use, not rejected")
    func jsepOfferB1() throws {
        let offer = try OfferAnswer.parse(Fixtures.vector("sdp_rfc8829_jsep_examples.txt#offer-B1"), type: .offer)
        #expect(offer.sections.map(\.port) == [9, 0])
        #expect(offer.sections.map(\.isRejected) == [false, false])
        #expect(offer.dataSection?.mid == "d1")
        #expect(offer.credentials.ufrag == "ATEn")  // from the tagged audio section
        let answerB1 = try OfferAnswer.parse(
            Fixtures.vector("sdp_rfc8829_jsep_examples.txt#answer-B1"), type: .answer, answering: offer)
        #expect(answerB1.setup == .active)
        #expect(answerB1.credentials.ufrag == "7sFv")
        let (_, ours) = try answer(offer)
        #expect(ours.sections.map(\.isRejected) == [true, false])
        #expect(ours.bundle == ["d1"])
    }

    @Test("RFC 8829 §7.2 offer-B2 and answer-B2 match section for section")
    func jsepOfferB2() throws {
        let offer = try OfferAnswer.parse(Fixtures.vector("sdp_rfc8829_jsep_examples.txt#offer-B2"), type: .offer)
        #expect(offer.sections.map(\.kind) == [.audio, .application, .video, .video])
        let answer = try OfferAnswer.parse(
            Fixtures.vector("sdp_rfc8829_jsep_examples.txt#answer-B2"), type: .answer, answering: offer)
        #expect(answer.dataSection?.mid == "d1")
    }

    @Test("RFC 8829 §7.1 offer-A1 has no data section: it parses, and answering it throws noDataSection")
    func jsepOfferA1() throws {
        let offer = try OfferAnswer.parse(Fixtures.vector("sdp_rfc8829_jsep_examples.txt#offer-A1"), type: .offer)
        #expect(offer.dataSection == nil)
        #expect(throws: JSEPError.noDataSection) { try OfferAnswer.makeAnswer(to: offer, Fixtures.parameters(), type: .answer) }
    }
}
