import JSEP
import SDP
import Testing

/// Audio and video sections in offers and answers (JSEP §5.2.1, §5.3.1; RFC 3264 §6; RFC 8843).
@Suite("JSEP media sections")
struct MediaNegotiationTests {
    static let audio = LocalMediaSection(
        mid: "0", kind: .audio,
        sender: .init(streamIDs: ["stream"], trackID: "mic", ssrc: 1111, rtxSSRC: nil, cname: "cname-a"))
    static let video = LocalMediaSection(
        mid: "1", kind: .video,
        sender: .init(streamIDs: ["stream"], trackID: "cam", ssrc: 2222, rtxSSRC: 3333, cname: "cname-a"))

    static func parameters(media: [LocalMediaSection], data: Bool = true) -> LocalSessionParameters {
        var parameters = Fixtures.parameters(includesDataChannel: data)
        parameters.media = media
        return parameters
    }

    static func offer(media: [LocalMediaSection] = [audio, video], data: Bool = true) throws -> NegotiatedDescription {
        try OfferAnswer.parse(OfferAnswer.makeOffer(parameters(media: media, data: data), previous: nil), type: .offer)
    }

    @Test("An offer lists audio, video, then data, all bundled, each with the transport attributes")
    func offerOrderAndBundle() throws {
        let offer = try Self.offer()
        #expect(offer.sections.map(\.kind) == [.audio, .video, .application])
        #expect(offer.sections.map(\.mid) == ["0", "1", "2"])
        #expect(offer.bundle == ["0", "1", "2"])
        for media in offer.model.media {
            #expect(media.iceUfrag == "Ufr4" && media.setupRole == .actpass && media.fingerprint != nil)
        }
        #expect(offer.dataSection?.mid == "2")
        #expect(offer.transportSection?.mid == "0")
    }

    @Test("The audio section offers Opus 48000/2 with minptime=10;useinbandfec=1, rtcp-mux and rtcp-rsize (RFC 7587 §7)")
    func audioSection() throws {
        let offer = try Self.offer()
        let rtp = try #require(offer.sections[0].rtp)
        #expect(offer.model.media[0].proto == "UDP/TLS/RTP/SAVPF")
        #expect(rtp.codecs.map(\.payloadType) == [111])
        #expect(rtp.codec(.opus)?.formatParameters == "minptime=10;useinbandfec=1")
        #expect(rtp.rtcpMux && rtp.rtcpReducedSize)
        #expect(rtp.direction == .sendrecv)
        #expect(rtp.extensionID(MediaCapabilities.midURI) == 4)
        #expect(rtp.extensionID(MediaCapabilities.audioLevelURI) == 1)
        #expect(rtp.sources == [.init(ssrc: 1111)])
        #expect(rtp.cname == "cname-a")
        #expect(rtp.mediaStreamID == MediaStreamID(stream: "stream", track: "mic"))
    }

    @Test("The video section offers VP8 with nack, nack pli, ccm fir, goog-remb, and RTX in an FID group (RFC 4588 §8); no transport-cc, which the engine does not send")
    func videoSection() throws {
        let rtp = try #require(try Self.offer().sections[1].rtp)
        let vp8 = try #require(rtp.codec(.vp8))
        for feedback: RTPCodecParameters.Feedback in [.nack, .pli, .fir, .remb] { #expect(vp8.accepts(feedback)) }
        #expect(!vp8.accepts(.transportCC))
        #expect(rtp.rtxPayloadType(for: vp8.payloadType) == 97)
        #expect(rtp.sources == [.init(ssrc: 2222, rtxSSRC: 3333)])
        #expect(rtp.extensionID(MediaCapabilities.transportWideCCURI) == nil)
    }

    @Test("An offer with audio and video and no data section is a valid description")
    func mediaOnlyOffer() throws {
        let offer = try Self.offer(data: false)
        #expect(offer.dataSection == nil)
        #expect(offer.mediaSections.map(\.mid) == ["0", "1"])
    }

    @Test("A stopped transceiver's section is rejected with port 0 in the next offer, its place and mid kept (JSEP §5.2.2)")
    func stoppedInReoffer() throws {
        let first = try Self.offer()
        var stopped = Self.video
        stopped.isStopped = true
        let next = try OfferAnswer.parse(
            OfferAnswer.makeOffer(Self.parameters(media: [Self.audio, stopped]), previous: first), type: .offer)
        #expect(next.sections.map(\.mid) == ["0", "1", "2"])
        #expect(next.sections[1].isRejected && next.sections[1].kind == .video)
        #expect(next.bundle == ["0", "2"])
    }

    @Test("A track added after the first exchange is appended with a fresh mid")
    func appendedInReoffer() throws {
        let first = try Self.offer(media: [Self.audio])
        var later = Self.video
        later.mid = "2"
        let next = try OfferAnswer.parse(
            OfferAnswer.makeOffer(Self.parameters(media: [Self.audio, later]), previous: first), type: .offer)
        #expect(next.sections.map(\.mid) == ["0", "1", "2"])
        #expect(next.sections.map(\.kind) == [.audio, .application, .video])
    }

    struct DirectionRow: Sendable, CustomTestStringConvertible {
        let offered: Direction
        let wanted: Direction
        let answered: Direction
        var testDescription: String { "\(offered.rawValue) offered, \(wanted.rawValue) wanted → \(answered.rawValue)" }
    }

    @Test("The answer's direction is what RFC 3264 §6.1 allows", arguments: [
        DirectionRow(offered: .sendrecv, wanted: .sendrecv, answered: .sendrecv),
        DirectionRow(offered: .sendrecv, wanted: .recvonly, answered: .recvonly),
        DirectionRow(offered: .sendonly, wanted: .sendrecv, answered: .recvonly),
        DirectionRow(offered: .recvonly, wanted: .sendrecv, answered: .sendonly),
        DirectionRow(offered: .recvonly, wanted: .recvonly, answered: .inactive),
        DirectionRow(offered: .inactive, wanted: .sendrecv, answered: .inactive),
        DirectionRow(offered: .sendonly, wanted: .sendonly, answered: .inactive),
    ])
    func answeredDirection(_ row: DirectionRow) {
        #expect(row.offered.answered(wanting: row.wanted) == row.answered)
    }

    @Test("Answering Chrome's video offer keeps VP8 96 and its RTX 97, drops VP9, red, ulpfec and transport-cc, keeps the offered ids")
    func answerChromeVideo() throws {
        let offer = try OfferAnswer.parse(Fixtures.vector("sdp_aiortc_video_chrome.txt"), type: .offer)
        let local = LocalMediaSection(mid: "video", kind: .video, direction: .recvonly)
        let answerText = try OfferAnswer.makeAnswer(to: offer, Self.parameters(media: [local]), type: .answer)
        let answer = try OfferAnswer.parse(answerText, type: .answer, answering: offer)
        let rtp = try #require(answer.sections[0].rtp)
        #expect(rtp.codecs.map(\.payloadType) == [96, 97])
        #expect(rtp.direction == .recvonly)
        #expect(rtp.sources.isEmpty)
        #expect(rtp.extensionID(MediaCapabilities.absSendTimeURI) == 3)
        #expect(rtp.extensionID(MediaCapabilities.transportWideCCURI) == nil)
        #expect(rtp.codecs.first?.feedback.contains(.transportCC) == false)
        #expect(rtp.codecs.first?.accepts(.remb) == true)
        #expect(rtp.extensionID("urn:3gpp:video-orientation") == nil)
        #expect(answer.bundle == ["video"])
    }

    @Test("Answering Chrome's audio offer keeps only Opus, with our fmtp")
    func answerChromeAudio() throws {
        let offer = try OfferAnswer.parse(Fixtures.vector("sdp_aiortc_audio_chrome.txt"), type: .offer)
        let mid = try #require(offer.sections.first?.mid)
        let local = LocalMediaSection(mid: mid, kind: .audio)
        let answer = try OfferAnswer.parse(
            OfferAnswer.makeAnswer(to: offer, Self.parameters(media: [local]), type: .answer), type: .answer, answering: offer)
        let rtp = try #require(answer.sections[0].rtp)
        #expect(rtp.codecs.map(\.name) == ["opus"])
        #expect(rtp.codecs.first?.formatParameters == "minptime=10;useinbandfec=1")
    }

    @Test("A video section with no codec in common is rejected with port 0, never the whole description")
    func noCommonCodec() throws {
        let offerText = OfferAnswer.makeOffer(Self.parameters(media: [Self.audio, Self.video]), previous: nil)
            .replacingOccurrences(of: "VP8/90000", with: "H264/90000")
        let offer = try OfferAnswer.parse(offerText, type: .offer)
        let answer = try OfferAnswer.parse(
            OfferAnswer.makeAnswer(to: offer, Self.parameters(media: [Self.audio, Self.video]), type: .answer),
            type: .answer, answering: offer)
        #expect(answer.sections.map(\.isRejected) == [false, true, false])
        #expect(answer.bundle == ["0", "2"])
    }

    @Test("A section without a local transceiver is rejected; the data section is still accepted")
    func noTransceiver() throws {
        let offer = try Self.offer()
        let answer = try OfferAnswer.parse(
            OfferAnswer.makeAnswer(to: offer, Self.parameters(media: []), type: .answer), type: .answer, answering: offer)
        #expect(answer.sections.map(\.isRejected) == [true, true, false])
    }

    @Test("An audio and video offer answered by audio and video: both sides read the same codecs, directions and sources")
    func roundTrip() throws {
        let offer = try Self.offer(data: false)
        let answerer = [
            LocalMediaSection(mid: "0", kind: .audio, sender: .init(streamIDs: ["s2"], trackID: "a2", ssrc: 7, rtxSSRC: nil, cname: "b")),
            LocalMediaSection(mid: "1", kind: .video, sender: .init(streamIDs: ["s2"], trackID: "v2", ssrc: 8, rtxSSRC: 9, cname: "b")),
        ]
        let answer = try OfferAnswer.parse(
            OfferAnswer.makeAnswer(to: offer, Self.parameters(media: answerer, data: false), type: .answer),
            type: .answer, answering: offer)
        #expect(answer.mediaSections.count == 2)
        #expect(answer.sections[0].rtp?.codecs.map(\.payloadType) == [111])
        #expect(answer.sections[1].rtp?.codecs.map(\.payloadType) == [96, 97])
        #expect(answer.sections[1].rtp?.sources == [.init(ssrc: 8, rtxSSRC: 9)])
        #expect(answer.sections[0].rtp?.mediaStreamID == MediaStreamID(stream: "s2", track: "a2"))
    }

    @Test("An RTX payload format reads its apt= (RFC 4588 §8.6); one without apt is not a format we run")
    func rtxAssociation() {
        let rtx = RTPCodecParameters(payloadType: 97, name: "rtx", clockRate: 90_000, formatParameters: "apt=96")
        #expect(rtx.associatedPayloadType == 96 && rtx.format == .rtx)
        let orphan = RTPCodecParameters(payloadType: 99, name: "rtx", clockRate: 90_000)
        #expect(orphan.format == nil)
        #expect(RTPCodecParameters(payloadType: 111, name: "OPUS", clockRate: 48_000, channels: 2).format == .opus)
        #expect(RTPCodecParameters(payloadType: 111, name: "opus", clockRate: 48_000).format == nil)
    }
}

/// Tolerant engine, strict checker (DESIGN §1.7) for descriptions.
@Suite("JSEP tolerances")
struct DescriptionToleranceTests {
    /// Our own offer with one feedback line ending in a space, as Pion v3 writes them.
    static func pionStyleOffer() throws -> String {
        let offer = OfferAnswer.makeOffer(MediaNegotiationTests.parameters(media: [MediaNegotiationTests.video]), previous: nil)
        let line = "a=rtcp-fb:96 nack\r\n"
        #expect(offer.contains(line))
        return offer.replacingOccurrences(of: line, with: "a=rtcp-fb:96 nack \r\n")
    }

    @Test("A peer's a=rtcp-fb line with a trailing space is accepted and reported as SDP.rtcp-fb (Tolerance.sdpFeedbackTrailingSpace)")
    func tolerated() throws {
        let offer = try OfferAnswer.parse(try Self.pionStyleOffer(), type: .offer, mode: .tolerant)
        #expect(offer.deviations.map(\.tolerance) == [.sdpFeedbackTrailingSpace])
        #expect(offer.sections[0].rtp?.codec(.vp8)?.accepts(.nack) == true)
    }

    @Test("The strict parse (decode, replay, our own descriptions) still refuses it under SDP.rtcp-fb")
    func strict() throws {
        let text = try Self.pionStyleOffer()
        #expect {
            _ = try OfferAnswer.parse(text, type: .offer)
        } throws: { error in
            guard case JSEPError.invalidSDP(let sdp) = error else { return false }
            return sdp.rule == .rtcpFeedback
        }
    }
}
