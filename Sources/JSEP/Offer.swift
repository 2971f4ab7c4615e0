import DTLS
import SDP

extension OfferAnswer {
    /// An offer (JSEP §5.2.1):
    ///
    /// ```
    /// v=0
    /// o=- <sessionID> <version> IN IP4 127.0.0.1
    /// s=-
    /// t=0 0
    /// a=group:BUNDLE 0
    /// m=application 9 UDP/DTLS/SCTP webrtc-datachannel
    /// c=IN IP4 0.0.0.0
    /// a=mid:0
    /// a=ice-ufrag:… / a=ice-pwd:… / a=ice-options:trickle
    /// a=fingerprint:sha-256 …
    /// a=setup:actpass
    /// a=sctp-port:5000 / a=max-message-size:262144
    /// a=candidate:… (each gathered one) / a=end-of-candidates (when gathering is complete)
    /// ```
    ///
    /// With `previous` (our last description, for renegotiation or restartIce; JSEP §5.2.2): the o= session
    /// id is kept and the version is the previous one plus one; every previous m= section keeps its place,
    /// kind, proto and mid. The data section stays while `includesDataChannel`; an audio or video section
    /// stays while `parameters.media` has its mid and the transceiver is not stopped; anything else is
    /// rejected (port 0, formats kept). New transceivers (mids not in `previous`) are appended in order,
    /// then a new data section with a fresh mid when the previous description had none.
    /// Without any section to offer the description has no m= section (and no BUNDLE group) unless
    /// `previous` had some, which are then all rejected.
    public static func makeOffer(_ parameters: LocalSessionParameters, previous: NegotiatedDescription?) -> String {
        var origin = SessionBuilder.origin(parameters)
        var media: [MediaDescription] = []
        var usedMids = Set(parameters.media.map(\.mid))
        var newMedia = parameters.media
        if let previous {
            origin.sessionID = previous.model.origin.sessionID
            origin.sessionVersion = UInt64(previous.model.origin.sessionVersion)
                .map { String($0 == .max ? $0 : $0 + 1) } ?? String(parameters.sessionVersion)
            usedMids.formUnion(previous.sections.compactMap(\.mid))
            for (section, description) in zip(previous.sections, previous.model.media) {
                let mid = section.mid ?? SessionBuilder.freshMid(avoiding: &usedMids)
                if parameters.includesDataChannel, section.index == previous.dataSection?.index {
                    media.append(SessionBuilder.dataSection(
                        mid: mid, legacy: section.isLegacySCTP, setup: .actpass, parameters))
                } else if let index = newMedia.firstIndex(where: { $0.mid == mid && $0.kind == section.kind }) {
                    let local = newMedia.remove(at: index)
                    media.append(SessionBuilder.offeredMediaSection(local, parameters) ?? SessionBuilder.rejected(description, mid: mid))
                } else {
                    media.append(SessionBuilder.rejected(description, mid: mid))
                }
            }
        }
        for local in newMedia {
            media.append(SessionBuilder.offeredMediaSection(local, parameters) ?? SessionBuilder.stoppedMediaSection(local))
        }
        if parameters.includesDataChannel, previous?.dataSection == nil {
            let mid = media.isEmpty && previous == nil ? "0" : SessionBuilder.freshMid(avoiding: &usedMids)
            media.append(SessionBuilder.dataSection(mid: mid, legacy: false, setup: .actpass, parameters))
        }
        return SessionBuilder.text(origin: origin, media: media)
    }
}
