import DTLS
import JSEP
import SDP
import Wire

// The W3C calls of the `jsep-signaling` harness over the JSEP layer, and the oracles each one checks.
extension JSEPSignalingHarness {
    // MARK: createOffer / createAnswer

    /// createOffer (JSEP §5.2). `options`: 0x01 ICE restart (new credentials, RFC 8839 §4.4.1.1.1);
    /// 0x02 add an audio and 0x04 a video transceiver; 0x08 stop transceiver `options >> 5`; 0x10 add or
    /// remove the data section; 0x60 the newest transceiver's direction; 0x80 give it a sending track.
    mutating func createOffer(options: UInt8) {
        if options & 0x01 != 0 {
            ourGeneration += 1
            parameters.credentials = Self.credentials(generation: ourGeneration)
            parameters.candidates = []
            parameters.endOfCandidates = false
        }
        if options & 0x02 != 0 { addTransceiver(.audio) }
        if options & 0x04 != 0 { addTransceiver(.video) }
        if options & 0x08 != 0, !parameters.media.isEmpty {
            parameters.media[Int(options >> 5) % parameters.media.count].isStopped = true
        }
        if options & 0x10 != 0 { parameters.includesDataChannel.toggle() }
        if !parameters.media.isEmpty, options & 0xE0 != 0 {
            let newest = parameters.media.count - 1
            parameters.media[newest].direction = [Direction.sendrecv, .sendonly, .recvonly, .inactive][Int(options >> 5 & 3)]
            if options & 0x80 != 0, parameters.media[newest].sender == nil {
                let ssrc = 0x5000_0000 | UInt32(newest)
                parameters.media[newest].sender = LocalMediaSection.Sender(
                    streamIDs: ["stream"], trackID: "track\(newest)", ssrc: ssrc, rtxSSRC: ssrc | 0x0100_0000, cname: "crucible")
            }
        }
        parameters.sessionVersion += 1
        let offer = OfferAnswer.makeOffer(parameters, previous: currentLocal)
        if let problem = JSEPDescriptionOracles.checkOffer(offer, parameters, previous: currentLocal) { return report(problem) }
        offers.append(offer, keepingLast: 2)
    }

    mutating func addTransceiver(_ kind: MediaSection.Kind) {
        guard parameters.media.count < Self.maximumTransceivers else { return }
        parameters.media.append(LocalMediaSection(mid: freshMid(), kind: kind))
    }

    /// The smallest decimal mid no description in play and no transceiver uses.
    func freshMid() -> String {
        var used = Set(parameters.media.map(\.mid))
        for description in [pendingLocal, currentLocal, pendingRemote, currentRemote] {
            used.formUnion(description?.sections.compactMap(\.mid) ?? [])
        }
        return (0...).lazy.map(String.init).first { !used.contains($0) } ?? "0"
    }

    /// createAnswer (JSEP §5.3) to the pending remote offer.
    mutating func createAnswer(type: DescriptionType) {
        guard let offer = pendingRemote, offer.type == .offer else {
            // No offer to answer: the JSEP layer refuses a description that is not an offer, by type.
            guard let remote = pendingRemote ?? currentRemote, remote.type != .offer else { return }
            do {
                _ = try OfferAnswer.makeAnswer(to: remote, parameters, type: type)
                report("answered a remote \(remote.type.rawValue), which is not an offer")
            } catch {
                if case .invalidAttribute("type", _, _) = error { return }
                report("refused to answer a \(remote.type.rawValue) with \(error), not by its type")
            }
            return
        }
        parameters.sessionVersion += 1
        let answer: String
        do {
            answer = try OfferAnswer.makeAnswer(to: offer, parameters, type: type)
        } catch {
            // `makeAnswer` refuses only an offer without a section it can accept.
            if error != .noDataSection || offer.dataSection != nil { report("createAnswer failed: \(error)") }
            return
        }
        let setup = expectedAnswerSetup(to: offer)
        if planted, let wrong = plantedAnswerSetup(to: offer), wrong != setup { return report(JSEPSignalingFuzzTarget.plantedDetail) }
        if let problem = JSEPDescriptionOracles.checkAnswer(answer, type: type, to: offer, setup: setup) { return report(problem) }
        answers.append(JSEPCreatedAnswer(sdp: answer, type: type, offerSDP: offer.sdp), keepingLast: 2)
    }

    /// The DTLS role our answer must take (RFC 8842 §5.3: the opposite of an active or passive offer;
    /// to `actpass` the role of the association already running, §5.5, else active as JSEP §5.3.1
    /// recommends). An ICE restart keeps the DTLS association, so it keeps the role too.
    func expectedAnswerSetup(to offer: NegotiatedDescription) -> SetupRole {
        switch offer.setup {
        case .active: .passive
        case .passive: .active
        case .actpass, .holdconn: parameters.establishedSetup ?? .active
        }
    }

    /// The planted bug's view: an ICE restart starts the DTLS roles afresh, so an answer to a restarting
    /// `actpass` offer would be `active` again. Nil where it agrees with the real view by construction.
    func plantedAnswerSetup(to offer: NegotiatedDescription) -> SetupRole? {
        guard offer.setup == .actpass, let current = currentRemote, OfferAnswer.isICERestart(from: current, to: offer) else { return nil }
        return .active
    }

    // MARK: setLocalDescription / setRemoteDescription

    /// setLocalDescription. `argument & 3`: offer, answer, pranswer (the last created offer or answer)
    /// or rollback; 0x04 the one created before it (stale); `argument >> 3`, when not 0, mutates it.
    mutating func setLocal(_ argument: UInt8) {
        let type = [DescriptionType.offer, .answer, .pranswer, .rollback][Int(argument & 3)]
        let seed = argument >> 3
        let back = Int(argument >> 2 & 1)
        var expectation = JSEPExpectation.either
        var sdp: String
        switch type {
        case .rollback: return set(.rollback, .local, sdp: nil, expect: .accept)
        case .offer:
            guard let offer = offers.newest(back) else { return }
            sdp = offer
            let used = (try? SDPCodec.parse(offer))?.media.contains { $0.port != 0 } ?? false
            if seed == 0, used { expectation = .accept }
        default:
            guard let answer = answers.newest(back) else { return }
            sdp = answer.sdp
            if seed == 0, answer.offerSDP == pendingRemote?.sdp, pendingRemote?.type == .offer { expectation = .accept }
        }
        if seed != 0 { sdp = Self.mutated(sdp, seed: seed, salt: Int(argument)) }
        set(type, .local, sdp: sdp, expect: expectation, ours: seed == 0)
    }

    mutating func setRemote(_ description: RemoteDescription, mutated: Bool) {
        // A mutant may have lost the flaw or gained one: only what was built as it is has a verdict.
        var expectation = JSEPExpectation.either
        if mutated {
            expectation = .either
        } else if let rule = description.mustReject {
            expectation = .reject(rule)
        } else if description.type == .offer || pendingLocalIsOurs {
            expectation = .accept
        }
        set(description.type, .remote, sdp: description.sdp, expect: expectation)
    }

    /// One description set as the engine sets it (`Negotiation.swift`: the move is checked first, then
    /// the description parsed, then the move made), judged against the harness's table.
    mutating func set(_ type: DescriptionType, _ source: DescriptionSource, sdp: String?, expect: JSEPExpectation, ours: Bool = false) {
        let before = signaling.state
        let allowed = JSEPSignalingTable.next(expectedState, type, source)
        var description: NegotiatedDescription?
        var refusal: JSEPError?
        do throws(JSEPError) {
            guard SignalingStateMachine.transition(from: before, type, source) != nil else { throw .invalidState(before, type, source) }
            if type != .rollback {
                let answering = type == .offer ? nil : source == .local ? pendingRemote : pendingLocal
                description = try OfferAnswer.parse(sdp ?? "", type: type, answering: answering, mode: source == .remote ? .tolerant : .strict)
            }
            try signaling.apply(type, from: source)
        } catch {
            refusal = error
        }
        let move = "\(source == .local ? "local" : "remote") \(type.rawValue) in \(before.rawValue)"
        trace.record("\(move): \(refusal.map { "\($0)" } ?? "accepted")")
        features.note("\(move): \(refusal.map(Self.kind) ?? "accepted")")
        if let refusal {
            if allowed == nil {
                // webrtc-pc §4.4.1.5 checks the state before the content: InvalidStateError, whatever the text.
                if refusal != .invalidState(before, type, source) { report("\(move) was refused with \(refusal), not InvalidStateError") }
            } else if case .invalidState = refusal {
                report("\(move) was refused with InvalidStateError, but webrtc-pc §4.3.1 allows it")
            } else if expect == .accept {
                report("\(move) of a valid description was refused: \(refusal)")
            }
        } else if let allowed {
            if case .reject(let rule) = expect { report("\(move) accepted a description that breaks a rule: \(rule)") }
            expectedState = allowed
            if let description { reconcileMids(with: description) }
            record(type, source, description, from: before, ours: ours)
        } else {
            report("\(move) was accepted, but webrtc-pc §4.3.1 forbids it")
        }
        if signaling.state != expectedState {
            report("after \(move) the state is \(signaling.state.rawValue), webrtc-pc §4.3.1 says \(expectedState.rawValue)")
        }
    }

    /// Keeps the descriptions as webrtc-pc §4.4.1.5 does (pending while an exchange runs, current once it
    /// ends), and the DTLS role the first answer fixes (RFC 8842 §5.3).
    mutating func record(_ type: DescriptionType, _ source: DescriptionSource, _ description: NegotiatedDescription?, from before: SignalingState, ours: Bool) {
        switch (type, source) {
        case (.rollback, _):
            if before == .haveLocalOffer { pendingLocal = nil }
            if before == .haveRemoteOffer {
                pendingRemote = nil
                parameters.media.removeAll { createdByRemoteOffer.contains($0.mid) }
                createdByRemoteOffer = []
            }
        case (.offer, .local):
            pendingLocal = description
            pendingLocalIsOurs = ours
        case (.offer, .remote):
            pendingRemote = description
            if let description { addTransceivers(for: description) }
        case (.pranswer, .local):
            pendingLocal = description
            fixRole(ours: description?.setup)
        case (.answer, .local):
            currentLocal = description
            currentRemote = pendingRemote
            pendingLocal = nil
            pendingRemote = nil
            createdByRemoteOffer = []
            fixRole(ours: description?.setup)
        case (.pranswer, .remote):
            pendingRemote = description
            fixRole(theirs: description?.setup)
        default:
            currentRemote = description
            currentLocal = pendingLocal
            pendingLocal = nil
            pendingRemote = nil
            pendingLocalIsOurs = false
            fixRole(theirs: description?.setup)
        }
    }

    /// The first answer fixes our DTLS role; later exchanges keep the association (RFC 8842 §5.5).
    mutating func fixRole(ours: DTLSSetup? = nil, theirs: DTLSSetup? = nil) {
        guard parameters.establishedSetup == nil else { return }
        if let ours { parameters.establishedSetup = SetupRole(rawValue: ours.rawValue) }
        if let theirs { parameters.establishedSetup = theirs == .active ? .passive : theirs == .passive ? .active : nil }
    }

    /// A transceiver of ours whose mid an accepted description gives a section of another kind (a data
    /// section too) gets a fresh mid, as one whose mid a rollback cleared would at the next createOffer.
    /// If that mid was negotiated, a peer broke JSEP §5.2.2 (a mid keeps its m= section) or a munged
    /// local description changed it; the transceiver can never be associated again: it is stopped. This
    /// keeps what the harness gives `makeOffer` consistent (each transceiver's mid names its own kind).
    mutating func reconcileMids(with description: NegotiatedDescription) {
        let negotiated = Set(currentLocal?.sections.compactMap(\.mid) ?? [])
        for section in description.sections {
            guard let mid = section.mid, let index = parameters.media.firstIndex(where: { $0.mid == mid }),
                parameters.media[index].kind != section.kind
            else { continue }
            parameters.media[index].mid = freshMid()
            if negotiated.contains(mid) { parameters.media[index].isStopped = true }
        }
    }

    /// A transceiver for each audio or video section of a remote offer with a new mid (webrtc-pc
    /// §4.4.1.5, "process the remote description").
    mutating func addTransceivers(for offer: NegotiatedDescription) {
        let negotiated = Set(currentLocal?.sections.compactMap(\.mid) ?? [])
        for section in offer.sections {
            guard let mid = section.mid, !parameters.media.contains(where: { $0.mid == mid }), !section.isRejected, section.rtp != nil,
                !negotiated.contains(mid), parameters.media.count < Self.maximumTransceivers
            else { continue }
            parameters.media.append(LocalMediaSection(mid: mid, kind: section.kind, direction: .recvonly))
            createdByRemoteOffer.append(mid)
        }
    }
}
