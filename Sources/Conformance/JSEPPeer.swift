import JSEP

/// A second Crucible endpoint as the `jsep-signaling` target's remote peer: its offers and answers come
/// from our own `makeOffer` and `makeAnswer` with its own parameters, as in a Crucible-to-Crucible call.
enum JSEPPeer {
    static func parameters(generation: Int, version: Int) -> LocalSessionParameters {
        LocalSessionParameters(
            sessionID: 0x0BEE_F00D_0000_0017, sessionVersion: UInt64(version), credentials: JSEPRemoteModel.credentials(generation: generation),
            fingerprint: JSEPRemoteModel.fingerprint, includesDataChannel: true)
    }

    /// An offer of audio (mid 0), video (mid 1) and data (mid 2).
    static func offer(generation: Int, version: Int) -> String {
        var parameters = parameters(generation: generation, version: version)
        parameters.media = [LocalMediaSection(mid: "0", kind: .audio), LocalMediaSection(mid: "1", kind: .video)]
        return OfferAnswer.makeOffer(parameters, previous: nil)
    }

    /// Its answer to our offer, with a sendrecv transceiver for each offered audio and video section;
    /// nil when it has nothing to accept.
    static func answer(to offer: NegotiatedDescription, type: DescriptionType, generation: Int, version: Int) -> String? {
        var parameters = parameters(generation: generation, version: version)
        parameters.media = offer.mediaSections.compactMap { section in section.mid.map { LocalMediaSection(mid: $0, kind: section.kind) } }
        return try? OfferAnswer.makeAnswer(to: offer, parameters, type: type)
    }
}
