import DTLS
import SDP

/// JSEP (RFC 9429, formerly RFC 8829) for data-channel sessions: make offers and answers, read
/// descriptions, check trickled candidates. Pure functions over value types.
///
/// Audio and video are not negotiated yet: a remote audio/video (or any unknown) section is answered as
/// rejected (port 0, JSEP §5.3.1). `MediaSection.Kind` and the section walk are where media support
/// plugs in.
public enum JSEP {
    /// The m= proto of a data-channel section (RFC 8841 §4.1).
    public static let dataChannelProto = "UDP/DTLS/SCTP"
    /// The m= proto of the pre-RFC 8841 form (draft-ietf-mmusic-sctp-sdp-05 and earlier), still sent by
    /// Safari, old Firefox and aiortc: `m=application <port> DTLS/SCTP <sctp-port>` with `a=sctpmap`.
    public static let legacySCTPProto = "DTLS/SCTP"
    /// The m= format of a data-channel section (RFC 8841 §4.1, RFC 8832).
    public static let dataChannelFormat = "webrtc-datachannel"
    /// `a=sctp-port` when absent (RFC 8841 §5: "the default value is 5000").
    public static let defaultSCTPPort: UInt16 = 5000
    /// `a=max-message-size` when absent (RFC 8841 §6.1: "the default value is 64K").
    public static let defaultMaxMessageSize = 65_536
    /// The SCTP stream count written in a legacy `a=sctpmap` line (its third field).
    static let legacyStreamCount = 65_535

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

/// The pieces offers and answers are built from, as SDP model values printed by `SDPCodec`.
enum SessionBuilder {
    /// `o=- <id> <version> IN IP4 127.0.0.1` (JSEP §5.2.1: the address is a placeholder).
    static func origin(_ parameters: LocalSessionParameters) -> Origin {
        Origin(
            username: "-", sessionID: String(parameters.sessionID), sessionVersion: String(parameters.sessionVersion),
            networkType: "IN", addressType: "IP4", address: "127.0.0.1")
    }

    /// The description: session lines, the BUNDLE group of every used section, then `media`.
    static func text(origin: Origin, media: [MediaDescription]) -> String {
        let bundled = media.filter { $0.port != 0 }.compactMap(\.mid)
        let attributes: [Attribute] = bundled.isEmpty ? [] : [.group(Group(semantics: "BUNDLE", mids: bundled))]
        let session = SessionDescription(origin: origin, sessionName: "-", attributes: attributes, media: media)
        return SDPCodec.text(session)
    }

    /// `c=IN IP4 0.0.0.0`: JSEP §5.2.1 puts the real address in candidates only.
    static let placeholderConnection = ConnectionData(networkType: "IN", addressType: "IP4", address: "0.0.0.0")

    /// An m=application section carrying data channels, with our transport attributes.
    static func dataSection(mid: String?, legacy: Bool, setup: SetupRole, _ parameters: LocalSessionParameters) -> MediaDescription {
        var attributes: [Attribute] = []
        if let mid { attributes.append(.mid(mid)) }
        attributes.append(.iceUfrag(parameters.credentials.ufrag))
        attributes.append(.icePwd(parameters.credentials.pwd))
        if parameters.iceOptionsTrickle { attributes.append(.iceOptions(["trickle"])) }
        attributes.append(.fingerprint(Fingerprint(
            hashFunction: DTLSFingerprint.token(for: parameters.fingerprint.algorithm), digest: parameters.fingerprint.digest)))
        attributes.append(.setup(setup))
        // A negative size is meaningless; 0 is RFC 8841 §6's "no limit", so negative becomes 0 too.
        let maxMessageSize = UInt64(max(0, parameters.maxMessageSize))
        if legacy {
            attributes.append(.other(
                name: "sctpmap", value: "\(parameters.sctpPort) \(JSEP.dataChannelFormat) \(JSEP.legacyStreamCount)"))
        } else {
            attributes.append(.sctpPort(parameters.sctpPort))
        }
        attributes.append(.maxMessageSize(maxMessageSize))
        attributes.append(contentsOf: parameters.candidates.map(Attribute.candidate))
        if parameters.endOfCandidates { attributes.append(.endOfCandidates) }
        return MediaDescription(
            kind: "application", port: 9, proto: legacy ? JSEP.legacySCTPProto : JSEP.dataChannelProto,
            formats: legacy ? [String(parameters.sctpPort)] : [JSEP.dataChannelFormat],
            connections: [placeholderConnection], attributes: attributes)
    }

    /// A rejected copy of a section: port 0, same kind, proto and formats (RFC 3264 §6), mid kept.
    static func rejected(_ section: MediaDescription, mid: String?) -> MediaDescription {
        MediaDescription(
            kind: section.kind, port: 0, proto: section.proto, formats: section.formats,
            connections: [placeholderConnection], attributes: mid.map { [.mid($0)] } ?? [])
    }

    /// The smallest decimal mid not yet used; it is then marked used.
    static func freshMid(avoiding used: inout Set<String>) -> String {
        var candidate = 0
        while used.contains(String(candidate)) { candidate += 1 }
        used.insert(String(candidate))
        return String(candidate)
    }
}
