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
    /// kind, proto and mid; sections other than the data section stay rejected (port 0, formats kept). A data
    /// section is appended, with a fresh mid, only when the previous description had none.
    /// Without `includesDataChannel` the offer has no m= section (and no BUNDLE group) unless `previous`
    /// had some, which are then all rejected.
    public static func makeOffer(_ parameters: LocalSessionParameters, previous: NegotiatedDescription?) -> String {
        var origin = SessionBuilder.origin(parameters)
        var media: [MediaDescription] = []
        if let previous {
            origin.sessionID = previous.model.origin.sessionID
            origin.sessionVersion = UInt64(previous.model.origin.sessionVersion)
                .map { String($0 == .max ? $0 : $0 + 1) } ?? String(parameters.sessionVersion)
            var usedMids = Set(previous.sections.compactMap(\.mid))
            for (section, description) in zip(previous.sections, previous.model.media) {
                let mid = section.mid ?? SessionBuilder.freshMid(avoiding: &usedMids)
                if parameters.includesDataChannel, section.index == previous.dataSection?.index {
                    media.append(SessionBuilder.dataSection(
                        mid: mid, legacy: section.isLegacySCTP, setup: .actpass, parameters))
                } else {
                    media.append(SessionBuilder.rejected(description, mid: mid))
                }
            }
            if parameters.includesDataChannel, previous.dataSection == nil {
                let mid = SessionBuilder.freshMid(avoiding: &usedMids)
                media.append(SessionBuilder.dataSection(mid: mid, legacy: false, setup: .actpass, parameters))
            }
        } else if parameters.includesDataChannel {
            media.append(SessionBuilder.dataSection(mid: "0", legacy: false, setup: .actpass, parameters))
        }
        return SessionBuilder.text(origin: origin, media: media)
    }
}
