import Hashing
import DTLS
import SDP

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
        text(origin: origin, media: media, bundleMids: media.filter { $0.port != 0 }.compactMap(\.mid))
    }

    /// The description: session lines, a BUNDLE group of `bundleMids` (none when empty), then `media`.
    static func text(origin: Origin, media: [MediaDescription], bundleMids bundled: [String]) -> String {
        let attributes: [Attribute] = bundled.isEmpty ? [] : [.group(Group(semantics: "BUNDLE", mids: bundled))]
        let session = SDPDescription(origin: origin, sessionName: "-", attributes: attributes, media: media)
        return SDPCodec.text(session)
    }

    /// `c=IN IP4 0.0.0.0`: JSEP §5.2.1 puts the real address in candidates only.
    static let placeholderConnection = ConnectionData(networkType: "IN", addressType: "IP4", address: "0.0.0.0")

    /// The transport attributes every used section carries (ICE credentials, options, fingerprint and
    /// DTLS role), so that any section can be the one a peer bundles on (RFC 8843 §7.1.3 writes them in
    /// the tagged section; repeating them is what browsers do and is harmless).
    static func transportAttributes(setup: SetupRole, _ parameters: LocalSessionParameters) -> [Attribute] {
        var attributes: [Attribute] = [.iceUfrag(parameters.credentials.ufrag), .icePwd(parameters.credentials.pwd)]
        if parameters.iceOptionsTrickle { attributes.append(.iceOptions(["trickle"])) }
        attributes.append(.fingerprint(parameters.fingerprint))
        attributes.append(.setup(setup))
        return attributes
    }

    /// The candidates gathered so far and, once gathering is complete, `a=end-of-candidates`.
    static func candidateAttributes(_ parameters: LocalSessionParameters) -> [Attribute] {
        parameters.candidates.map(Attribute.candidate) + (parameters.endOfCandidates ? [.endOfCandidates] : [])
    }

    /// An m=application section carrying data channels, with our transport attributes.
    static func dataSection(mid: String?, legacy: Bool, setup: SetupRole, _ parameters: LocalSessionParameters) -> MediaDescription {
        var attributes: [Attribute] = []
        if let mid { attributes.append(.mid(mid)) }
        attributes += transportAttributes(setup: setup, parameters)
        // A negative size is meaningless; 0 is RFC 8841 §6's "no limit", so negative becomes 0 too.
        let maxMessageSize = UInt64(max(0, parameters.maxMessageSize))
        if legacy {
            attributes.append(.other(
                name: "sctpmap", value: "\(parameters.sctpPort) \(OfferAnswer.dataChannelFormat) \(OfferAnswer.legacyStreamCount)"))
        } else {
            attributes.append(.sctpPort(parameters.sctpPort))
        }
        attributes.append(.maxMessageSize(maxMessageSize))
        attributes += candidateAttributes(parameters)
        return MediaDescription(
            kind: "application", port: 9, proto: legacy ? OfferAnswer.legacySCTPProto : OfferAnswer.dataChannelProto,
            formats: legacy ? [String(parameters.sctpPort)] : [OfferAnswer.dataChannelFormat],
            connections: [placeholderConnection], attributes: attributes)
    }

    /// An audio or video section we offer, or nil when the transceiver is stopped.
    static func offeredMediaSection(_ local: LocalMediaSection, _ parameters: LocalSessionParameters) -> MediaDescription? {
        guard !local.isStopped else { return nil }
        return local.description(
            codecs: local.codecs ?? MediaCapabilities.codecs(for: local.kind),
            extensions: local.headerExtensions ?? MediaCapabilities.headerExtensions(for: local.kind),
            direction: local.direction, transport: transportAttributes(setup: .actpass, parameters),
            candidates: candidateAttributes(parameters))
    }

    /// A rejected audio or video section for a stopped transceiver that was never negotiated.
    static func stoppedMediaSection(_ local: LocalMediaSection) -> MediaDescription {
        MediaDescription(
            kind: local.kind.text, port: 0, proto: MediaCapabilities.proto,
            formats: (local.codecs ?? MediaCapabilities.codecs(for: local.kind)).map { String($0.payloadType) },
            connections: [placeholderConnection], attributes: [.mid(local.mid)])
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
