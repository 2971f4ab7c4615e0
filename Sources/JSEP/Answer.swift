public import DTLS
public import SDP

extension OfferAnswer {
    /// An answer (JSEP §5.3.1) to `offer`, of type `.answer` or `.pranswer`.
    ///
    /// The answer has the offer's m= sections in the same order with the same mids (RFC 3264 §6). Accepted:
    /// - the first usable data section (`offer.dataSection`), in the offer's form (RFC 8841, or the legacy
    ///   `DTLS/SCTP` form for a legacy offer);
    /// - each audio or video section whose mid has a transceiver in `parameters.media` that is not stopped,
    ///   with the codecs both sides run (the offerer's payload types), the extensions both understand, and
    ///   the direction RFC 3264 §6.1 allows (``SDP/Direction/answered(wanting:)``). A section with no
    ///   common codec is rejected.
    ///
    /// Every other section — a second application section, anything unknown — is rejected with port 0,
    /// its kind, proto and formats copied, and left out of BUNDLE. The BUNDLE group holds the accepted
    /// mids the offer bundled, in the offer's order (RFC 8843 §7.3.1). One transport is run: an offer
    /// without BUNDLE gets only its data section accepted, or without one its first acceptable section.
    ///
    /// `a=setup` (RFC 8842 §5.3, RFC 5763 §5): `active` when the offer says `actpass` (JSEP §5.3.1
    /// recommends taking the DTLS client role), `passive` when it says `active`, `active` when it says
    /// `passive`; to an `actpass` offer on a transport whose association is running, the role it runs
    /// with (`parameters.establishedSetup`, RFC 8842 §5.5).
    ///
    /// - Throws: `.invalidAttribute("type", …)` when `type` is not an answer type or `offer` is not an
    ///   offer; `.noDataSection` when the offer has no section this endpoint can accept.
    public static func makeAnswer(
        to offer: NegotiatedDescription, _ parameters: LocalSessionParameters, type: DescriptionType
    ) throws(JSEPError) -> String {
        guard type == .answer || type == .pranswer else {
            throw .invalidAttribute("type", value: type.rawValue, reason: "an answer is of type answer or pranswer")
        }
        guard offer.type == .offer else {
            throw .invalidAttribute("type", value: offer.type.rawValue, reason: "only an offer can be answered")
        }
        // A subsequent answer keeps the running association's role when the offer leaves the choice to us.
        let setup = offer.setup == .actpass ? parameters.establishedSetup ?? answerSetup(toOffered: offer.setup) : answerSetup(toOffered: offer.setup)
        let bundled = Set(offer.bundle ?? [])
        var media: [MediaDescription] = []
        var accepted: [String] = []
        for (section, description) in zip(offer.sections, offer.model.media) {
            // One transport is run: with BUNDLE only bundled sections share it; without, only one section has it.
            let sharesTransport =
                offer.bundle != nil ? section.mid.map(bundled.contains) ?? false : offer.dataSection == nil && accepted.isEmpty
            if section.index == offer.dataSection?.index {
                media.append(SessionBuilder.dataSection(mid: section.mid, legacy: section.isLegacySCTP, setup: setup, parameters))
                if let mid = section.mid { accepted.append(mid) }
            } else if sharesTransport, let answered = answerMediaSection(section, setup: setup, parameters) {
                media.append(answered)
                if let mid = section.mid { accepted.append(mid) }
            } else {
                media.append(SessionBuilder.rejected(description, mid: section.mid))
            }
        }
        guard media.contains(where: { $0.port != 0 }) else { throw .noDataSection }
        // The answer bundles only what the offer bundled (RFC 8843 §7.3.1).
        let group = (offer.bundle ?? []).filter { accepted.contains($0) }
        return SessionBuilder.text(origin: SessionBuilder.origin(parameters), media: media, bundleMids: group)
    }

    /// Our answer to one offered audio or video section, or nil to reject it.
    static func answerMediaSection(
        _ offered: MediaSection, setup: SetupRole, _ parameters: LocalSessionParameters
    ) -> MediaDescription? {
        guard !offered.isRejected, let rtp = offered.rtp, let mid = offered.mid,
            let local = parameters.media.first(where: { $0.mid == mid && $0.kind == offered.kind }), !local.isStopped
        else { return nil }
        let codecs = LocalMediaSection.answerCodecs(to: rtp, kind: offered.kind)
        guard !codecs.isEmpty else { return nil }
        return local.description(
            codecs: codecs, extensions: LocalMediaSection.answerExtensions(to: rtp, kind: offered.kind),
            direction: rtp.direction.answered(wanting: local.direction),
            transport: SessionBuilder.transportAttributes(setup: setup, parameters),
            candidates: SessionBuilder.candidateAttributes(parameters))
    }

    /// Our `a=setup` in an answer to an offer that said `offered` (RFC 8842 §5.3; RFC 4145 §4).
    public static func answerSetup(toOffered offered: DTLSSetup) -> SetupRole {
        switch offered {
        case .active: .passive
        case .actpass, .passive, .holdconn: .active
        }
    }
}
