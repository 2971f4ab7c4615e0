import Hashing
import DTLS
import ICE
import SDP
public import Wire

extension OfferAnswer {
    /// Parses and validates a description of the given type (ours or the peer's).
    ///
    /// Refused (each with the attribute and mid named):
    /// - text the SDP codec rejects (`.invalidSDP`, with the line);
    /// - a used section (not rejected) that needs its own transport — the BUNDLE-tagged one, or any used
    ///   section outside the BUNDLE group — without `a=ice-ufrag`, `a=ice-pwd`, `a=fingerprint` or
    ///   `a=setup` at media or session level (RFC 8839 §5.4, RFC 8842 §5);
    /// - `ice-ufrag` shorter than 4 or `ice-pwd` shorter than 22 characters, or either above 256
    ///   (RFC 8839 §5.4);
    /// - a malformed fingerprint, or a section whose fingerprints all use hash functions we cannot compute
    ///   (RFC 8122 §5 — unsupported ones are skipped when another is usable);
    /// - `a=setup:holdconn` (RFC 8842 §5.1 does not allow it), and `a=setup:actpass` in an answer or
    ///   pranswer (RFC 8842 §5.3);
    /// - a BUNDLE group naming an absent mid, two sections with one mid (RFC 5888 §4, §5);
    /// - with `offer`: an answer whose sections differ from the offer's in count, order, kind or mid, that
    ///   accepts a section the offer rejected, or that bundles a mid the offer did not (RFC 3264 §6,
    ///   RFC 8843 §7.3.1);
    /// - a description with no used section at all (`.noDataSection`: it carries no transport).
    ///
    /// A description without a data section (an audio-only offer) is valid: `dataSection` is then nil.
    /// `.rollback` has no description to parse and is refused as `.invalidAttribute("type", …)`.
    ///
    /// With `mode: .tolerant` (a peer's description) the deviations `Tolerance.all` lists for SDP are
    /// accepted and kept in ``NegotiatedDescription/deviations``.
    public static func parse(
        _ sdp: String, type: DescriptionType, answering offer: NegotiatedDescription? = nil, mode: ParseMode = .strict
    ) throws(JSEPError) -> NegotiatedDescription {
        guard type != .rollback else {
            throw .invalidAttribute("type", value: type.rawValue, reason: "a rollback carries no description (JSEP §4.1.10.2)")
        }
        let model: SDPDescription
        let deviations: [ToleratedDeviation]
        do {
            let parsed = try SDPCodec.parse(sdp, mode: mode)
            model = parsed.value
            deviations = parsed.deviations
        } catch { throw .invalidSDP(error) }
        let isAnswer = type == .answer || type == .pranswer
        let sections = model.media.enumerated().map { index, media in DescriptionReader.section(media, index: index) }
        try DescriptionReader.checkMids(sections)
        let bundle = try DescriptionReader.bundle(model, sections: sections)

        let dataSection = sections.first { section in
            !section.isRejected && DescriptionReader.carriesDataChannels(model.media[section.index], section)
        }
        let transportIndex: Int? =
            if let bundle, !bundle.isEmpty {
                bundle.lazy.compactMap { mid in sections.first { $0.mid == mid && !$0.isRejected }?.index }.first
            } else {
                dataSection?.index ?? sections.first { !$0.isRejected }?.index
            }
        guard let transportIndex else { throw .noDataSection }

        var transports: [Int: DescriptionReader.Transport] = [:]
        for section in sections where !section.isRejected {
            let needsOwnTransport =
                section.index == transportIndex || !(bundle ?? []).contains { $0 == section.mid }
            transports[section.index] = try DescriptionReader.transport(
                of: model.media[section.index], session: model, mid: section.mid, required: needsOwnTransport,
                isAnswer: isAnswer)
        }
        // The data section is the one we use: when it carries its own ICE credentials (aiortc gives each
        // section its own even inside BUNDLE), those are the ones the peer will use once we accept only
        // it; otherwise (a bundle-only section, RFC 8843 §6) the tagged section's apply.
        let chosenIndex =
            if let dataSection, model.media[dataSection.index].iceUfrag != nil { dataSection.index } else { transportIndex }
        let chosen = transports[chosenIndex]
        let tagged = transports[transportIndex]
        // The tagged section was required to have every attribute, so these are present.
        guard let credentials = chosen?.credentials ?? tagged?.credentials else {
            throw .missingAttribute("ice-ufrag", mid: sections[chosenIndex].mid)
        }
        guard let setup = chosen?.setup ?? tagged?.setup else { throw .missingAttribute("setup", mid: sections[chosenIndex].mid) }
        let fingerprints = (chosen?.fingerprints).flatMap { $0.isEmpty ? nil : $0 } ?? tagged?.fingerprints ?? []
        guard !fingerprints.isEmpty else { throw .missingAttribute("fingerprint", mid: sections[chosenIndex].mid) }

        let transportMedia = model.media[chosenIndex]
        let description = NegotiatedDescription(
            type: type, sdp: sdp, model: model, credentials: credentials,
            iceLite: model.attributes.contains(.iceLite), fingerprints: fingerprints, setup: setup,
            bundle: bundle, sections: sections, dataSection: dataSection, candidates: transportMedia.candidates,
            endOfCandidates: transportMedia.attributes.contains(.endOfCandidates)
                || model.attributes.contains(.endOfCandidates))
        if isAnswer, let offer { try DescriptionReader.checkAnswer(description, matches: offer) }
        var tolerated = description
        tolerated.deviations = deviations
        return tolerated
    }
}

/// The reading and checking steps of `OfferAnswer.parse`.
enum DescriptionReader {
    /// ICE and DTLS parameters found for one section (media level first, then session level).
    struct Transport {
        var credentials: ICECredentials?
        var fingerprints: [CertificateFingerprint]
        var setup: DTLSSetup?
    }

    static func section(_ media: MediaDescription, index: Int) -> MediaSection {
        let bundleOnly = media.attributes.contains(.other(name: "bundle-only", value: nil))
        var section = MediaSection(
            index: index, mid: media.mid, kind: MediaSection.Kind(media.kind), port: media.port, proto: media.proto,
            isRejected: media.port == 0 && !bundleOnly, rtp: RTPSectionParameters.read(media))
        let proto = media.proto.uppercased()
        if proto.hasSuffix("/DTLS/SCTP") || proto == OfferAnswer.legacySCTPProto {
            let maxMessageSize = media.first { if case .maxMessageSize(let size) = $0 { size } else { nil } }
            section.maxMessageSize = maxMessageSize.map { Int(clamping: $0) } ?? OfferAnswer.defaultMaxMessageSize
            if proto == OfferAnswer.legacySCTPProto {
                // The format is the SCTP port (draft-ietf-mmusic-sctp-sdp-05 §4); a=sctpmap repeats it.
                section.sctpPort = legacySCTPMap(media)?.port ?? media.formats.first.flatMap { UInt16($0) } ?? OfferAnswer.defaultSCTPPort
            } else {
                section.sctpPort = media.first { if case .sctpPort(let port) = $0 { port } else { nil } } ?? OfferAnswer.defaultSCTPPort
            }
        }
        return section
    }

    /// `a=sctpmap:<port> <protocol> [<streams>]` of the legacy form.
    static func legacySCTPMap(_ media: MediaDescription) -> (port: UInt16, protocolName: String)? {
        media.first { attribute -> (UInt16, String)? in
            guard case .other("sctpmap", let value?) = attribute else { return nil }
            let fields = value.split(separator: " ")
            guard fields.count >= 2, let port = UInt16(fields[0]) else { return nil }
            return (port, String(fields[1]))
        }
    }

    /// Whether a section carries data channels in a form we speak: UDP only (no TCP/DTLS/SCTP).
    static func carriesDataChannels(_ media: MediaDescription, _ section: MediaSection) -> Bool {
        guard section.kind == .application else { return false }
        if media.proto.uppercased() == OfferAnswer.dataChannelProto { return media.formats.contains(OfferAnswer.dataChannelFormat) }
        if section.isLegacySCTP { return legacySCTPMap(media)?.protocolName == OfferAnswer.dataChannelFormat }
        return false
    }

    /// Mids are unique (RFC 5888 §4: an identification tag names one m= section).
    static func checkMids(_ sections: [MediaSection]) throws(JSEPError) {
        var seen = Set<String>()
        for mid in sections.compactMap(\.mid) where !seen.insert(mid).inserted {
            throw .invalidAttribute("mid", value: mid, reason: "two m= sections have this mid (RFC 5888 §4)")
        }
    }

    /// The first `a=group:BUNDLE`, every mid of which must name a section (RFC 5888 §5).
    static func bundle(_ model: SDPDescription, sections: [MediaSection]) throws(JSEPError) -> [String]? {
        let group = model.first { if case .group(let group) = $0, group.semantics == "BUNDLE" { group } else { nil } }
        guard let group else { return nil }
        for mid in group.mids where !sections.contains(where: { $0.mid == mid }) {
            throw .invalidAttribute(
                "group", value: (["BUNDLE"] + group.mids).joined(separator: " "),
                reason: "mid \(mid) names no m= section (RFC 5888 §5)")
        }
        return group.mids
    }

    /// Reads and checks a section's ICE and DTLS attributes; `required` when the section has its own
    /// transport.
    static func transport(
        of media: MediaDescription, session: SDPDescription, mid: String?, required: Bool, isAnswer: Bool
    ) throws(JSEPError) -> Transport {
        let ufrag = media.iceUfrag ?? session.first { if case .iceUfrag(let value) = $0 { value } else { nil } }
        let pwd = media.icePwd ?? session.first { if case .icePwd(let value) = $0 { value } else { nil } }
        if required, ufrag == nil { throw .missingAttribute("ice-ufrag", mid: mid) }
        if required, pwd == nil { throw .missingAttribute("ice-pwd", mid: mid) }
        // RFC 8839 §5.4: ufrag 4-256 and pwd 22-256 ice-chars (the SDP codec has checked the characters).
        if let ufrag, !(4...256).contains(ufrag.count) {
            throw .invalidAttribute("ice-ufrag", value: ufrag, reason: "must be 4 to 256 characters (RFC 8839 §5.4)")
        }
        if let pwd, !(22...256).contains(pwd.count) {
            throw .invalidAttribute("ice-pwd", value: pwd, reason: "must be 22 to 256 characters (RFC 8839 §5.4)")
        }
        var credentials: ICECredentials?
        if let ufrag, let pwd { credentials = ICECredentials(ufrag: ufrag, pwd: pwd) }

        let mediaFingerprints = media.attributes.filter { $0.name == "fingerprint" }
        let fingerprintLines = mediaFingerprints.isEmpty ? session.attributes.filter { $0.name == "fingerprint" } : mediaFingerprints
        if required, fingerprintLines.isEmpty { throw .missingAttribute("fingerprint", mid: mid) }
        let fingerprints = try fingerprints(fingerprintLines)

        let role = media.setupRole ?? session.first { if case .setup(let role) = $0 { role } else { nil } }
        if required, role == nil { throw .missingAttribute("setup", mid: mid) }
        var setup: DTLSSetup?
        if let role {
            if role == .holdconn {
                throw .invalidAttribute("setup", value: role.rawValue, reason: "holdconn is not allowed for DTLS (RFC 8842 §5.1)")
            }
            if isAnswer, role == .actpass {
                throw .invalidAttribute("setup", value: role.rawValue, reason: "an answer must choose active or passive (RFC 8842 §5.3)")
            }
            setup = DTLSSetup(rawValue: role.rawValue)
        }
        return Transport(credentials: credentials, fingerprints: fingerprints, setup: setup)
    }

    /// The fingerprints we can check (RFC 8122 §5: any listed one may be used; unsupported hash functions
    /// are skipped). Malformed values, or none usable, are errors.
    ///
    /// The SDP codec types a fingerprint it can write back byte-exact; one it keeps verbatim (lower-case
    /// hex, say) is read by the same codec's `CertificateFingerprint(sdpValue:)`.
    static func fingerprints(_ lines: [Attribute]) throws(JSEPError) -> [CertificateFingerprint] {
        var usable: [CertificateFingerprint] = []
        for line in lines {
            do {
                let fingerprint: CertificateFingerprint
                if case .fingerprint(let typed) = line {
                    try typed.validate()
                    fingerprint = typed
                } else {
                    fingerprint = try CertificateFingerprint(sdpValue: line.valueText ?? "")
                }
                usable.append(fingerprint)
            } catch {
                if case .unsupportedHashFunction = error { continue }
                throw .invalidAttribute("fingerprint", value: line.valueText ?? "", reason: error.description)
            }
        }
        if let first = lines.first, usable.isEmpty {
            let supported = CertificateFingerprint.supportedHashFunctions.joined(separator: ", ")
            throw .invalidAttribute(
                "fingerprint", value: first.valueText ?? "", reason: "no hash function we support (\(supported)) is listed (RFC 8122 §5)")
        }
        return usable
    }

    /// An answer's sections against the offer's (RFC 3264 §6; RFC 8843 §7.3.1 for BUNDLE).
    static func checkAnswer(_ answer: NegotiatedDescription, matches offer: NegotiatedDescription) throws(JSEPError) {
        guard answer.sections.count == offer.sections.count else {
            throw .mismatchedAnswer("the offer has \(offer.sections.count) m= section(s), the answer \(answer.sections.count)")
        }
        for (offered, answered) in zip(offer.sections, answer.sections) {
            guard offered.kind == answered.kind else {
                throw .mismatchedAnswer("m= section \(offered.index) is \(offered.kind.text) in the offer, \(answered.kind.text) in the answer")
            }
            guard offered.mid == answered.mid else {
                throw .mismatchedAnswer("m= section \(offered.index) has mid \(offered.mid ?? "(none)") in the offer, \(answered.mid ?? "(none)") in the answer")
            }
            if offered.isRejected, !answered.isRejected {
                throw .mismatchedAnswer("m= section \(offered.index) was rejected in the offer but not in the answer")
            }
        }
        for mid in answer.bundle ?? [] where !(offer.bundle ?? []).contains(mid) {
            throw .mismatchedAnswer("the answer bundles mid \(mid), which the offer did not bundle")
        }
    }
}
