import JSEP
import PropertyBased
import SDP
import Testing
import Wire

/// Invariants over many inputs: hostile descriptions never trap, and whatever offer we accept we can
/// answer with an answer that reads back against it.
@Suite("JSEP properties")
struct PropertyTests {
    /// The offer → answer → parse(answering:) chain holds for an accepted offer.
    static func expectAnswerable(_ offer: NegotiatedDescription) {
        guard offer.dataSection != nil else {
            #expect(throws: JSEPError.noDataSection) { try OfferAnswer.makeAnswer(to: offer, Fixtures.parameters(), type: .answer) }
            return
        }
        do {
            let answer = try OfferAnswer.makeAnswer(to: offer, Fixtures.parameters(), type: .answer)
            let parsed = try OfferAnswer.parse(answer, type: .answer, answering: offer)
            #expect(parsed.sections.count == offer.sections.count)
            #expect(parsed.dataSection?.index == offer.dataSection?.index)
            #expect(parsed.sections.filter { !$0.isRejected }.count == 1)
        } catch {
            Issue.record("could not answer an accepted offer: \(error)\n\(offer.sdp)")
        }
    }

    @Test("random SDP descriptions are accepted or refused with a typed error, never a trap; accepted offers are answerable")
    func randomDescriptions() async {
        await propertyCheck(count: 300, input: Generator(run: { rng in SDPDescription.random(using: &rng) })) { model in
            let text = SDPCodec.text(model)
            for type in [DescriptionType.offer, .answer, .pranswer] {
                guard let parsed = try? OfferAnswer.parse(text, type: type) else { continue }
                if type == .offer { Self.expectAnswerable(parsed) }
            }
        }
    }

    /// The third-party offers, for mutation.
    static func offers() throws -> [String] {
        [
            ThirdParty.chromiumDataAndVideoOffer, ThirdParty.aiortcAudioAndDataOffer,
            try Fixtures.vector("sdp_aiortc_safari.txt"), try Fixtures.vector("sdp_aiortc_datachannel_firefox.txt"),
            try Fixtures.vector("sdp_rfc8829_jsep_examples.txt#offer-B1"),
            try Fixtures.vector("sdp_rfc8829_jsep_examples.txt#offer-B2"),
        ]
    }

    @Test("third-party offers with one line removed are refused with a typed error or still answerable")
    func oneLineRemoved() throws {
        var generator = SeededGenerator(seed: 0x15E9)
        for offer in try Self.offers() {
            let lines = offer.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            for _ in 0..<60 {
                var mutated = lines
                mutated.remove(at: Int.random(in: 0..<mutated.count, using: &generator))
                let text = mutated.map { $0 + "\n" }.joined()
                if let parsed = try? OfferAnswer.parse(text, type: .offer) { Self.expectAnswerable(parsed) }
            }
        }
    }

    @Test("every third-party offer is answerable as is")
    func thirdPartyAnswerable() throws {
        for offer in try Self.offers() {
            Self.expectAnswerable(try OfferAnswer.parse(offer, type: .offer))
        }
    }
}
