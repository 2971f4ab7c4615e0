import Hashing
import ICE
import JSEP
import SDP
import Wire

/// A description the `jsep-signaling` harness sets as the remote one, and what JSEP must do with it:
/// `mustReject` names the rule a description breaks (the engine must refuse it whatever the state).
struct RemoteDescription {
    var type: DescriptionType
    var sdp: String
    var mustReject: String?
}

/// The remote peer of the `jsep-signaling` target: offers and answers built from a small model whose
/// variant bits pick the cases JSEP must handle (RFC 8829 §5.7, §5.8), and a browser's offer.
///
/// The peer's ICE credentials follow its `generation` (a new generation is an ICE restart, RFC 8839
/// §4.4.1.1.1); the generation also varies the data section (max-message-size 256 KiB, absent or 0,
/// RFC 8841 §6; sctp-port 5000 or 5001, §5) and asks for `a=rtcp-mux-only` (RFC 8858) on odd ones.
enum JSEPRemoteModel {
    /// The peer's certificate fingerprint (any 32 bytes: JSEP only reads it).
    static let fingerprint = CertificateFingerprint(hashFunction: "sha-256", digest: (0..<32).map { UInt8(truncatingIfNeeded: 0xA0 &+ $0 &* 7) })

    static func credentials(generation: Int) -> ICECredentials {
        ICECredentials(ufrag: "rm\(generation % 100)x", pwd: "remotePasswordGeneration\(generation % 100)")
    }

    static func transport(generation: Int, setup: SetupRole) -> [Attribute] {
        let credentials = credentials(generation: generation)
        return [.iceUfrag(credentials.ufrag), .icePwd(credentials.pwd), .iceOptions(["trickle"]), .fingerprint(fingerprint), .setup(setup)]
    }

    static let placeholder = ConnectionData(networkType: "IN", addressType: "IP4", address: "0.0.0.0")

    /// An offer's `a=setup`: actpass, active, passive, or holdconn, which RFC 8842 §5.1 does not allow.
    static func offerSetup(_ bits: UInt8) -> SetupRole { [.actpass, .active, .passive, .holdconn][Int(bits >> 5 & 3)] }

    /// An answer's `a=setup`: active, passive, or actpass or holdconn, which RFC 8842 §5.3 and §5.1 forbid.
    static func answerSetup(_ bits: UInt8) -> SetupRole { [.active, .passive, .actpass, .holdconn][Int(bits >> 5 & 3)] }

    // MARK: Offers

    /// A remote offer. `bits`: 0x80 audio, video and data (else data only); 0x01 an extra rejected
    /// section (port 0); 0x02 the first section without a mid; 0x04 the last section takes the first
    /// one's mid (RFC 5888 §4 forbids it); 0x08 BUNDLE names an unknown mid (RFC 5888 §5 forbids it);
    /// 0x10 codecs we do not run (no overlap: JSEP §5.3.1 rejects the section); 0x60 the setup role.
    static func offer(bits: UInt8, generation: Int, version: Int) -> RemoteDescription {
        let setup = offerSetup(bits)
        var media: [MediaDescription] = []
        if bits & 0x80 != 0 {
            media.append(audio(mid: "0", noOverlap: bits & 0x10 != 0, generation: generation, setup: setup))
            media.append(video(mid: "1", noOverlap: bits & 0x10 != 0, generation: generation, setup: setup))
        }
        media.append(data(mid: String(media.count), generation: generation, setup: setup))
        var mustReject: String? = setup == .holdconn ? "a=setup:holdconn (RFC 8842 §5.1)" : nil
        if bits & 0x01 != 0 {
            media.append(MediaDescription(
                kind: "video", port: 0, proto: MediaCapabilities.proto, formats: ["96"], connections: [placeholder], attributes: [.mid("9")]))
        }
        if bits & 0x02 != 0 { media[0].attributes.removeAll { $0.name == "mid" } }
        if bits & 0x04 != 0, let mid = media.lazy.compactMap(\.mid).first, media.count > 1, media[media.count - 1].mid != mid {
            media[media.count - 1].attributes.removeAll { $0.name == "mid" }
            media[media.count - 1].attributes.insert(.mid(mid), at: 0)
            mustReject = "two m= sections with mid \(mid) (RFC 5888 §4)"
        }
        var bundle = media.filter { $0.port != 0 }.compactMap(\.mid)
        if bits & 0x08 != 0 {
            bundle.append("zz")
            mustReject = "BUNDLE names mid zz, which no m= section has (RFC 5888 §5)"
        }
        return RemoteDescription(type: .offer, sdp: text(media: media, bundle: bundle, version: version), mustReject: mustReject)
    }

    static func audio(mid: String, noOverlap: Bool, generation: Int, setup: SetupRole) -> MediaDescription {
        let codecs = noOverlap
            ? [RTPCodecParameters(payloadType: 9, name: "G722", clockRate: 8000), RTPCodecParameters(payloadType: 0, name: "PCMU", clockRate: 8000)]
            : [MediaCapabilities.opus, RTPCodecParameters(payloadType: 0, name: "PCMU", clockRate: 8000)]
        let extensions = [ExtensionMap(id: 1, uri: MediaCapabilities.audioLevelURI), ExtensionMap(id: 4, uri: MediaCapabilities.midURI)]
        return rtpSection(kind: "audio", mid: mid, codecs: codecs, extensions: extensions, generation: generation, setup: setup)
    }

    static func video(mid: String, noOverlap: Bool, generation: Int, setup: SetupRole) -> MediaDescription {
        let codecs = noOverlap
            ? [RTPCodecParameters(payloadType: 102, name: "H264", clockRate: 90_000, formatParameters: "packetization-mode=1;profile-level-id=42e01f"),
               RTPCodecParameters(payloadType: 103, name: "rtx", clockRate: 90_000, formatParameters: "apt=102")]
            : [MediaCapabilities.vp8, MediaCapabilities.vp8RTX]
        let extensions = [ExtensionMap(id: 2, uri: MediaCapabilities.absSendTimeURI), ExtensionMap(id: 4, uri: MediaCapabilities.midURI)]
        return rtpSection(kind: "video", mid: mid, codecs: codecs, extensions: extensions, generation: generation, setup: setup)
    }

    static func rtpSection(
        kind: String, mid: String?, codecs: [RTPCodecParameters], extensions: [ExtensionMap], generation: Int, setup: SetupRole,
        direction: Direction = .sendrecv
    ) -> MediaDescription {
        var attributes: [Attribute] = mid.map { [.mid($0)] } ?? []
        attributes += transport(generation: generation, setup: setup)
        attributes += extensions.map(Attribute.extmap)
        attributes += [.direction(direction), .rtcpMux]
        if generation % 2 == 1 { attributes.append(.rtcpMuxOnly) }
        for codec in codecs {
            attributes.append(.rtpmap(RTPMap(
                payloadType: codec.payloadType, encoding: codec.name, clockRate: UInt32(codec.clockRate), channels: codec.channels.map(UInt32.init))))
            if let parameters = codec.formatParameters { attributes.append(.fmtp(FormatParameters(format: String(codec.payloadType), parameters: parameters))) }
        }
        return MediaDescription(
            kind: kind, port: 9, proto: MediaCapabilities.proto, formats: codecs.map { String($0.payloadType) },
            connections: [placeholder], attributes: attributes)
    }

    static func data(mid: String?, generation: Int, setup: SetupRole) -> MediaDescription {
        var attributes: [Attribute] = mid.map { [.mid($0)] } ?? []
        attributes += transport(generation: generation, setup: setup)
        attributes.append(.sctpPort(generation % 4 == 3 ? 5001 : 5000))
        switch generation % 3 {
        case 0: attributes.append(.maxMessageSize(262_144))
        case 1: break  // absent: 64 KiB (RFC 8841 §6.1)
        default: attributes.append(.maxMessageSize(0))  // no limit (RFC 8841 §6.1)
        }
        return MediaDescription(
            kind: "application", port: 9, proto: OfferAnswer.dataChannelProto, formats: [OfferAnswer.dataChannelFormat],
            connections: [placeholder], attributes: attributes)
    }

    static func text(media: [MediaDescription], bundle: [String], version: Int) -> String {
        let origin = Origin(
            username: "-", sessionID: "7215368120395113405", sessionVersion: String(version), networkType: "IN", addressType: "IP4",
            address: "127.0.0.1")
        let attributes: [Attribute] = bundle.isEmpty ? [] : [.group(Group(semantics: "BUNDLE", mids: bundle))]
        return SDPCodec.text(SDPDescription(origin: origin, sessionName: "-", attributes: attributes, media: media))
    }

    // MARK: Answers

    /// A remote answer (or, with 0x80, a pranswer) to our offer `offer`, section by section (RFC 3264 §6).
    /// `bits`: 0x01 rejects the first used section; 0x02 drops the first section's mid; 0x04 gives the last
    /// section the first one's mid; 0x08 BUNDLE names an unknown mid; 0x10 accepts a section the offer
    /// rejected (RFC 3264 §6 forbids it), or else answers audio and video with a codec never offered;
    /// 0x60 the setup role.
    static func answer(bits: UInt8, to offer: NegotiatedDescription, generation: Int, version: Int) -> RemoteDescription {
        let setup = answerSetup(bits)
        var mustReject: String? = switch setup {
        case .actpass: "a=setup:actpass in an answer (RFC 8842 §5.3)"
        case .holdconn: "a=setup:holdconn (RFC 8842 §5.1)"
        default: nil
        }
        let firstUsed = offer.sections.first { !$0.isRejected }?.index
        let acceptRejected = bits & 0x10 != 0 && offer.sections.contains(where: \.isRejected)
        var media: [MediaDescription] = []
        for (section, offered) in zip(offer.sections, offer.model.media) {
            let reject = section.isRejected ? !acceptRejected : bits & 0x01 != 0 && section.index == firstUsed
            if reject {
                media.append(MediaDescription(
                    kind: offered.kind, port: 0, proto: offered.proto, formats: offered.formats, connections: [placeholder],
                    attributes: section.mid.map { [.mid($0)] } ?? []))
                continue
            }
            if section.isRejected { mustReject = "accepts m= section \(section.index), which the offer rejected (RFC 3264 §6)" }
            switch section.kind {
            case .audio, .video:
                let codecs = bits & 0x10 != 0 && !acceptRejected
                    ? [RTPCodecParameters(payloadType: 100, name: "H264", clockRate: 90_000)]
                    : Array((section.rtp?.codecs ?? []).prefix(2))
                let direction = (section.rtp?.direction ?? .sendrecv).answered(wanting: .sendrecv)
                media.append(rtpSection(
                    kind: offered.kind, mid: section.mid, codecs: codecs, extensions: section.rtp?.headerExtensions ?? [],
                    generation: generation, setup: setup, direction: direction))
            default:
                var data = data(mid: section.mid, generation: generation, setup: setup)
                data.kind = offered.kind
                media.append(data)
            }
        }
        if bits & 0x02 != 0, !media.isEmpty, let mid = media[0].mid {
            media[0].attributes.removeAll { $0.name == "mid" }
            mustReject = "the answer drops mid \(mid) of m= section 0 (RFC 8843 §7.3.1, RFC 3264 §6)"
        }
        if bits & 0x04 != 0, media.count > 1, let mid = media[0].mid, media[media.count - 1].mid != mid {
            media[media.count - 1].attributes.removeAll { $0.name == "mid" }
            media[media.count - 1].attributes.insert(.mid(mid), at: 0)
            mustReject = "two m= sections with mid \(mid) (RFC 5888 §4)"
        }
        let offerBundle = offer.bundle ?? []
        var bundle = media.filter { $0.port != 0 }.compactMap(\.mid).filter(offerBundle.contains)
        if bits & 0x08 != 0 {
            bundle.append("zz")
            mustReject = "BUNDLE names mid zz, which no m= section has (RFC 5888 §5)"
        }
        if !media.contains(where: { $0.port != 0 }) { mustReject = mustReject ?? "no m= section is used" }
        return RemoteDescription(
            type: bits & 0x80 != 0 ? .pranswer : .answer, sdp: text(media: media, bundle: bundle, version: version), mustReject: mustReject)
    }
}
