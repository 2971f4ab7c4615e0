import JSEP
import SDP

/// What the `jsep-signaling` harness checks of every offer and answer our JSEP layer creates. Each check
/// gives nil when the rule holds, else what broke it.
enum JSEPDescriptionOracles {
    /// The SDP model of `text`, when our SDP codec reads it back and re-serialises it byte for byte
    /// (DESIGN §1.3: our own output is canonical).
    static func roundTrip(_ text: String, _ what: String) -> (model: SDPDescription?, problem: String?) {
        do {
            let model = try SDPCodec.parse(text)
            guard SDPCodec.text(model) == text else { return (nil, "\(what) does not round-trip byte for byte through the SDP codec") }
            return (model, nil)
        } catch {
            return (nil, "\(what) does not re-parse with the SDP codec: \(error)")
        }
    }

    /// The mids of the first BUNDLE group (RFC 8843 §7), empty without one.
    static func bundleMids(_ model: SDPDescription) -> [String] {
        model.first { attribute -> [String]? in
            if case .group(let group) = attribute, group.semantics == "BUNDLE" { group.mids } else { nil }
        } ?? []
    }

    // MARK: Offers

    /// An offer `makeOffer(parameters, previous:)` created.
    static func checkOffer(_ text: String, _ parameters: LocalSessionParameters, previous: NegotiatedDescription?) -> String? {
        let (parsedModel, problem) = roundTrip(text, "our offer")
        guard let model = parsedModel else { return problem }
        let used = model.media.filter { $0.port != 0 }
        do {
            _ = try OfferAnswer.parse(text, type: .offer)
        } catch {
            // An offer with nothing to offer has no used m= section (documented on `makeOffer`), and a
            // description without one carries no transport, which `parse` refuses as `.noDataSection`.
            if !(used.isEmpty && error == .noDataSection) { return "our offer does not parse as an offer: \(error)" }
        }
        // JSEP §5.2.1 / RFC 8842 §5.2: the offerer leaves the DTLS role to the answerer.
        for media in used where media.setupRole != .actpass {
            return "offered m= section \(media.mid ?? "-") has a=setup:\(media.setupRole?.rawValue ?? "(none)"), not actpass (RFC 8842 §5.2)"
        }
        let mids = model.media.compactMap(\.mid)
        if Set(mids).count != mids.count { return "our offer repeats a mid: \(mids) (RFC 5888 §4)" }
        if model.media.contains(where: { $0.mid == nil }) { return "our offer has an m= section without a mid (JSEP §5.2.1)" }
        let bundle = bundleMids(model)
        if bundle != used.compactMap(\.mid) { return "our offer's BUNDLE group \(bundle) is not its used sections \(used.compactMap(\.mid))" }
        if let problem = dataSectionProblem(used, "our offer") { return problem }
        if parameters.includesDataChannel, !used.contains(where: { $0.kind == "application" }) {
            return "our offer has no data section although one is wanted"
        }
        if !parameters.includesDataChannel, used.contains(where: { $0.kind == "application" }) {
            return "our offer keeps a data section although none is wanted"
        }
        for local in parameters.media {
            guard let media = model.media.first(where: { $0.mid == local.mid }) else { continue }
            if media.kind != local.kind.text { return "our offer's mid \(local.mid) is \(media.kind), the transceiver \(local.kind.text)" }
            if local.isStopped, media.port != 0 { return "the stopped transceiver \(local.mid) is offered with port \(media.port) (JSEP §5.2.2)" }
            if !local.isStopped, media.port == 0 { return "the transceiver \(local.mid) is offered rejected" }
        }
        guard let previous else { return nil }
        return renegotiationProblem(model, previous: previous)
    }

    /// JSEP §5.2.2: a subsequent offer keeps every m= section of the previous description in place, with
    /// its kind and mid, and the o= line's session id, with the version one higher.
    static func renegotiationProblem(_ model: SDPDescription, previous: NegotiatedDescription) -> String? {
        if model.media.count < previous.sections.count {
            return "the renegotiated offer has \(model.media.count) m= sections, the previous description \(previous.sections.count)"
        }
        for (section, media) in zip(previous.sections, model.media) {
            if media.kind != previous.model.media[section.index].kind {
                return "m= section \(section.index) was \(previous.model.media[section.index].kind), the renegotiated offer has \(media.kind) (JSEP §5.2.2)"
            }
            if let mid = section.mid, media.mid != mid {
                return "m= section \(section.index) had mid \(mid), the renegotiated offer has \(media.mid ?? "none") (JSEP §5.2.2)"
            }
        }
        if model.origin.sessionID != previous.model.origin.sessionID { return "the renegotiated offer changed the o= session id (JSEP §5.2.2)" }
        if let before = UInt64(previous.model.origin.sessionVersion), before < .max, model.origin.sessionVersion != String(before + 1) {
            return "the renegotiated offer's o= version is \(model.origin.sessionVersion) after \(before) (JSEP §5.2.2)"
        }
        return nil
    }

    /// RFC 8841 §5, §6: a used data section says its SCTP port (`a=sctp-port`, or the legacy `a=sctpmap`)
    /// and `a=max-message-size`.
    static func dataSectionProblem(_ used: [MediaDescription], _ what: String) -> String? {
        for media in used where media.kind == "application" {
            let port = media.attributes.contains { $0.name == "sctp-port" || $0.name == "sctpmap" }
            let size = media.attributes.contains { $0.name == "max-message-size" }
            if !port || !size { return "\(what)'s data section lacks a=sctp-port or a=max-message-size (RFC 8841 §5, §6)" }
        }
        return nil
    }

    // MARK: Answers

    /// An answer `makeAnswer(to: offer, …)` created, whose DTLS role must be `setup` (the harness's view).
    static func checkAnswer(_ text: String, type: DescriptionType, to offer: NegotiatedDescription, setup: SetupRole) -> String? {
        let (parsedModel, problem) = roundTrip(text, "our answer")
        guard let model = parsedModel else { return problem }
        do {
            _ = try OfferAnswer.parse(text, type: type, answering: offer)
        } catch {
            return "our \(type.rawValue) does not parse against the offer: \(error)"
        }
        // JSEP §5.3.1, RFC 3264 §6: the offer's m= lines, in order, with the same kinds and mids.
        guard model.media.count == offer.model.media.count else {
            return "our answer has \(model.media.count) m= sections, the offer \(offer.model.media.count) (RFC 3264 §6)"
        }
        for (section, answered) in zip(offer.sections, model.media) {
            let offered = offer.model.media[section.index]
            if answered.kind != offered.kind || answered.mid != section.mid {
                return "answered m= section \(section.index) is \(answered.kind) mid \(answered.mid ?? "-"), offered \(offered.kind) mid \(section.mid ?? "-") (RFC 3264 §6)"
            }
            if section.isRejected, answered.port != 0 { return "our answer accepts m= section \(section.index), which the offer rejected (RFC 3264 §6)" }
            guard answered.port != 0 else { continue }
            // RFC 8842 §5.3: the answerer picks active or passive; which one is the harness's view.
            if answered.setupRole != setup {
                return "answered m= section \(section.index) has a=setup:\(answered.setupRole?.rawValue ?? "(none)"), expected \(setup.rawValue) (RFC 8842 §5.3, §5.5)"
            }
            if let problem = codecProblem(answered, offered: offered, index: section.index) { return problem }
        }
        // RFC 8843 §7.3.1: the answer's BUNDLE group is a subset of the offer's, of sections it accepts.
        let bundle = bundleMids(model)
        let accepted = Set(model.media.filter { $0.port != 0 }.compactMap(\.mid))
        let offered = offer.bundle ?? []
        for mid in bundle where !offered.contains(mid) || !accepted.contains(mid) {
            return "our answer bundles mid \(mid), which the offer did not bundle or the answer rejects (RFC 8843 §7.3.1)"
        }
        return dataSectionProblem(model.media.filter { $0.port != 0 }, "our answer")
    }

    /// RFC 3264 §6.1, JSEP §5.3.1: an answered RTP section carries offered payload types only, each with
    /// the offerer's number and encoding; its header extensions are offered ones with the offered ids
    /// (RFC 8285 §7); its direction is one the offered direction allows.
    static func codecProblem(_ answered: MediaDescription, offered: MediaDescription, index: Int) -> String? {
        guard answered.kind == "audio" || answered.kind == "video" else { return nil }
        let offeredTypes = Set(offered.formats.compactMap { UInt8($0) })
        func rtpmap(_ media: MediaDescription, _ type: UInt8) -> RTPMap? {
            media.first { if case .rtpmap(let map) = $0, map.payloadType == type { map } else { nil } }
        }
        if answered.formats.isEmpty { return "answered m= section \(index) has no payload type" }
        for format in answered.formats {
            guard let type = UInt8(format), offeredTypes.contains(type) else {
                return "answered m= section \(index) has payload type \(format), which the offer did not list (RFC 3264 §6.1)"
            }
            let ours = rtpmap(answered, type), theirs = rtpmap(offered, type)
            if ours?.encoding.lowercased() != theirs?.encoding.lowercased() || ours?.clockRate != theirs?.clockRate {
                return "answered payload type \(type) of m= section \(index) is \(ours.map { "\($0.encoding)/\($0.clockRate)" } ?? "unmapped"), offered \(theirs.map { "\($0.encoding)/\($0.clockRate)" } ?? "unmapped") (JSEP §5.3.1)"
            }
        }
        let offeredExtensions = offered.attributes.compactMap { if case .extmap(let map) = $0 { map } else { nil } }
        for case .extmap(let map) in answered.attributes where !offeredExtensions.contains(where: { $0.id == map.id && $0.uri == map.uri }) {
            return "answered m= section \(index) has extmap \(map.id) \(map.uri), which the offer did not (RFC 8285 §7)"
        }
        let wanted = offered.direction ?? .sendrecv
        let direction = answered.direction ?? .sendrecv
        if direction.sends && !wanted.receives || direction.receives && !wanted.sends {
            return "m= section \(index) offered \(wanted.rawValue) is answered \(direction.rawValue) (RFC 3264 §6.1)"
        }
        return nil
    }
}
