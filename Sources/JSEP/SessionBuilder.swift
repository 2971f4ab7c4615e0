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

    /// The description: session lines, the BUNDLE group of every used section (when `bundle`), then `media`.
    static func text(origin: Origin, media: [MediaDescription], bundle: Bool = true) -> String {
        let bundled = bundle ? media.filter { $0.port != 0 }.compactMap(\.mid) : []
        let attributes: [Attribute] = bundled.isEmpty ? [] : [.group(Group(semantics: "BUNDLE", mids: bundled))]
        let session = SDPDescription(origin: origin, sessionName: "-", attributes: attributes, media: media)
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
        attributes.append(.fingerprint(parameters.fingerprint))
        attributes.append(.setup(setup))
        // A negative size is meaningless; 0 is RFC 8841 §6's "no limit", so negative becomes 0 too.
        let maxMessageSize = UInt64(max(0, parameters.maxMessageSize))
        if legacy {
            attributes.append(.other(
                name: "sctpmap", value: "\(parameters.sctpPort) \(OfferAnswer.dataChannelFormat) \(OfferAnswer.legacyStreamCount)"))
        } else {
            attributes.append(.sctpPort(parameters.sctpPort))
        }
        attributes.append(.maxMessageSize(maxMessageSize))
        attributes.append(contentsOf: parameters.candidates.map(Attribute.candidate))
        if parameters.endOfCandidates { attributes.append(.endOfCandidates) }
        return MediaDescription(
            kind: "application", port: 9, proto: legacy ? OfferAnswer.legacySCTPProto : OfferAnswer.dataChannelProto,
            formats: legacy ? [String(parameters.sctpPort)] : [OfferAnswer.dataChannelFormat],
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
