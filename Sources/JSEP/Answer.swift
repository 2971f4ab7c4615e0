public import DTLS
public import SDP

extension OfferAnswer {
    /// An answer (JSEP §5.3.1) to `offer`, of type `.answer` or `.pranswer`.
    ///
    /// The answer has the offer's m= sections in the same order with the same mids (RFC 3264 §6). The first
    /// usable data section (`offer.dataSection`) is accepted, in the offer's form (RFC 8841, or the legacy
    /// `DTLS/SCTP` form for a legacy offer); every other section — audio and video today, a second
    /// application section, anything unknown — is rejected with port 0, its kind, proto and formats copied,
    /// and left out of BUNDLE. The BUNDLE group holds the data section's mid when the offer bundled it
    /// (RFC 8843 §7.3.1).
    ///
    /// `a=setup` (RFC 8842 §5.3, RFC 5763 §5): `active` when the offer says `actpass` (JSEP §5.3.1
    /// recommends taking the DTLS client role), `passive` when it says `active`, `active` when it says
    /// `passive`.
    ///
    /// - Throws: `.invalidAttribute("type", …)` when `type` is not an answer type or `offer` is not an
    ///   offer; `.noDataSection` when the offer has no data section this endpoint can accept.
    public static func makeAnswer(
        to offer: NegotiatedDescription, _ parameters: LocalSessionParameters, type: DescriptionType
    ) throws(JSEPError) -> String {
        guard type == .answer || type == .pranswer else {
            throw .invalidAttribute("type", value: type.rawValue, reason: "an answer is of type answer or pranswer")
        }
        guard offer.type == .offer else {
            throw .invalidAttribute("type", value: offer.type.rawValue, reason: "only an offer can be answered")
        }
        guard let data = offer.dataSection else { throw .noDataSection }
        let setup = answerSetup(toOffered: offer.setup)
        var media: [MediaDescription] = []
        for (section, description) in zip(offer.sections, offer.model.media) {
            if section.index == data.index {
                media.append(SessionBuilder.dataSection(
                    mid: section.mid, legacy: section.isLegacySCTP, setup: setup, parameters))
            } else {
                media.append(SessionBuilder.rejected(description, mid: section.mid))
            }
        }
        // The answer bundles only what the offer bundled (RFC 8843 §7.3.1): without the data section in
        // the offer's group, the answer has no group.
        let bundlesData = offer.bundle?.contains { $0 == data.mid } ?? false
        return SessionBuilder.text(origin: SessionBuilder.origin(parameters), media: media, bundle: bundlesData)
    }

    /// Our `a=setup` in an answer to an offer that said `offered` (RFC 8842 §5.3; RFC 4145 §4).
    public static func answerSetup(toOffered offered: DTLSSetup) -> SetupRole {
        switch offered {
        case .active: .passive
        case .actpass, .passive, .holdconn: .active
        }
    }
}
