import Fuzzing
import Hashing
import ICE
import JSEP
import SDP
import Wire

/// What a `set` must do with its description: accept it (ours, unmutated, in an allowed state), refuse it
/// (it breaks the named rule), or either (mutated, stale, or raw bytes).
enum JSEPExpectation: Equatable {
    case accept, either
    case reject(String)
}

/// An answer or pranswer our side created, and the offer it answers.
struct JSEPCreatedAnswer {
    var sdp: String
    var type: DescriptionType
    var offerSDP: String
}

/// One run of the `jsep-signaling` target (see `JSEPSignalingFuzzTarget`): our JSEP layer glued as the
/// engine glues it (`Negotiation.swift`: state check, parse, move; pending and current descriptions as
/// W3C webrtc-pc §4.4.1.5 keeps them), with no transport behind it.
struct JSEPSignalingHarness: MachineHarness {
    static let maximumTransceivers = 8

    let planted: Bool
    var signaling = SignalingStateMachine()
    /// The state the harness's own table (`JSEPSignalingTable`) says the machine is in.
    var expectedState = SignalingState.stable
    var parameters: LocalSessionParameters
    var pendingLocal: NegotiatedDescription?
    var currentLocal: NegotiatedDescription?
    var pendingRemote: NegotiatedDescription?
    var currentRemote: NegotiatedDescription?
    /// The pending local offer is one `makeOffer` created, set unmutated.
    var pendingLocalIsOurs = false
    /// The last two offers and answers created, newest last.
    var offers: [String] = []
    var answers: [JSEPCreatedAnswer] = []
    /// Transceivers the pending remote offer created (a rollback removes them, webrtc-pc §4.4.1.5).
    var createdByRemoteOffer: [String] = []
    var ourGeneration = 0
    var remoteGeneration = 0
    var remoteVersion = 1
    var gathered = 0

    var finding: String?
    var trace = MachineTrace()
    var features = MachineFeatures()

    init(planted: Bool) {
        self.planted = planted
        parameters = LocalSessionParameters(
            sessionID: 0x1A2B_3C4D_5E6F_7081, sessionVersion: 1, credentials: Self.credentials(generation: 0),
            fingerprint: CertificateFingerprint(hashFunction: "sha-256", digest: (0..<32).map { UInt8(truncatingIfNeeded: 0x11 &* ($0 &+ 1)) }),
            includesDataChannel: true)
    }

    static func credentials(generation: Int) -> ICECredentials {
        ICECredentials(ufrag: "our\(generation % 1000)", pwd: "ourLocalPasswordNumber\(generation % 1000)")
    }

    var summary: String {
        let media = parameters.media.map { "\($0.kind.text.prefix(1))\($0.mid)\($0.isStopped ? "x" : "")" }.joined(separator: ",")
        return "\(signaling.state.rawValue) local \(pendingLocal?.type.rawValue ?? "-")/\(currentLocal?.type.rawValue ?? "-") remote \(pendingRemote?.type.rawValue ?? "-")/\(currentRemote?.type.rawValue ?? "-") media [\(media)] data \(parameters.includesDataChannel) setup \(parameters.establishedSetup?.rawValue ?? "-")"
    }

    mutating func run(_ script: MachineScript) -> MachineRun {
        prologue(script.start)
        features.note("start \(script.start % UInt8(JSEPSignalingFuzzTarget.startStates))")
        for (index, action) in script.actions.enumerated() where finding == nil {
            let before = signaling.state
            perform(action, index: index)
            trace.record("after \(actionKind(action)): \(summary)")
            features.note("\(Self.kind(action)) \(before.rawValue) → \(signaling.state.rawValue) media \(min(parameters.media.count, 3)) current \(currentLocal != nil)")
        }
        return MachineRun(finding: finding, trace: trace, features: features.sorted)
    }

    /// An action's kind for the built-in engine's features: the call and the source as this target reads
    /// them (selector % 7, variant & 7), so bytes that do the same thing count once.
    static func kind(_ action: MachineScript.Action) -> String {
        switch action {
        case .call(let selector, _): "call \(selector % 7)"
        case .deliver(let variant, let seed): "deliver \(variant & 7)\(seed == 0 ? "" : " mutated")"
        default: actionKind(action)
        }
    }

    /// A refusal's kind for the features: the error's case and the attribute it names, not its values.
    static func kind(_ error: JSEPError) -> String {
        switch error {
        case .invalidSDP: "invalid SDP"
        case .missingAttribute(let name, _): "missing \(name)"
        case .invalidAttribute(let name, _, _): "invalid \(name)"
        case .invalidState: "InvalidStateError"
        case .mismatchedAnswer: "mismatched answer"
        case .noDataSection: "no used section"
        case .invalidCandidate, .unknownMediaSection: "candidate"
        }
    }

    mutating func report(_ detail: String) {
        if finding == nil { finding = detail }
    }

    // MARK: Start states

    mutating func prologue(_ start: UInt8) {
        let state = start % UInt8(JSEPSignalingFuzzTarget.startStates)
        switch state {
        case 1:
            createOffer(options: 0)
            setLocal(0)
        case 2:
            createOffer(options: 0x06)
            setLocal(0)
        case 3...5:
            // The browser's offer set as the remote one; then, for 4 and 5, our answer or pranswer set.
            setRemote(RemoteDescription(type: .offer, sdp: JSEPBrowserOffer.text(bits: 0, version: nextRemoteVersion()), mustReject: nil), mutated: false)
            guard state != 3 else { break }
            createAnswer(type: state == 4 ? .answer : .pranswer)
            setLocal(state == 4 ? 1 : 2)
        default:
            break
        }
    }

    mutating func nextRemoteVersion() -> Int {
        remoteVersion += 1
        return remoteVersion
    }

    // MARK: Actions

    mutating func perform(_ action: MachineScript.Action, index: Int) {
        switch action {
        case .deliver(let variant, let seed): deliver(variant: variant, seed: seed, index: index)
        case .deliverBytes(let bytes):
            let type: DescriptionType = signaling.state == .stable || signaling.state == .haveRemoteOffer ? .offer : .answer
            set(type, .remote, sdp: String(decoding: bytes, as: UTF8.self), expect: .either)
        case .fireTimer:
            // A candidate gathered: descriptions created from now on carry it (RFC 8840 §8.1).
            guard parameters.candidates.count < 4 else { return }
            gathered += 1
            var generator = SeededGenerator(seed: UInt64(gathered))
            parameters.candidates.append(Candidate.random(using: &generator))
        case .advance:
            parameters.endOfCandidates = true
        case .call(let selector, let argument): call(selector, argument)
        case .close:
            signaling.close()
            expectedState = .closed
        }
    }

    mutating func call(_ selector: UInt8, _ argument: UInt8) {
        switch selector % 7 {
        case 0: createOffer(options: argument)
        case 1: createAnswer(type: argument & 1 == 0 ? .answer : .pranswer)
        case 2: setLocal(argument)
        case 3:
            setRemote(JSEPRemoteModel.offer(bits: argument, generation: remoteGeneration, version: nextRemoteVersion()), mutated: false)
        case 4: setModelAnswer(bits: argument, seed: 0, index: 0)
        case 5: set(.rollback, argument & 1 == 0 ? .local : .remote, sdp: nil, expect: .accept)
        default:
            // The peer restarts ICE: its later descriptions carry new credentials (RFC 8839 §4.4.1.1.1).
            remoteGeneration += 1
        }
    }

    /// `variant & 7` picks the source, `variant >> 3` its variant bits; a non-zero `seed` mutates it.
    mutating func deliver(variant: UInt8, seed: UInt8, index: Int) {
        let bits = variant >> 3
        var description: RemoteDescription
        switch variant & 7 {
        case 0: description = RemoteDescription(type: .offer, sdp: JSEPBrowserOffer.text(bits: bits, version: nextRemoteVersion()), mustReject: nil)
        case 1:
            // Our own offer reflected: glare when we have one pending.
            guard let offer = offers.last else { return }
            description = RemoteDescription(type: .offer, sdp: offer, mustReject: nil)
        case 2:
            guard let answer = answers.last else { return }
            description = RemoteDescription(type: answer.type, sdp: answer.sdp, mustReject: nil)
        case 3: description = RemoteDescription(type: .offer, sdp: JSEPPeer.offer(generation: remoteGeneration, version: nextRemoteVersion()), mustReject: nil)
        case 4, 5:
            guard let offer = pendingLocal, offer.type == .offer,
                let sdp = JSEPPeer.answer(to: offer, type: variant & 7 == 4 ? .answer : .pranswer, generation: remoteGeneration, version: nextRemoteVersion())
            else { return }
            description = RemoteDescription(type: variant & 7 == 4 ? .answer : .pranswer, sdp: sdp, mustReject: nil)
        case 6:
            let modelBits = bits & 0x0F | (bits & 0x10 != 0 ? 0x80 : 0)
            description = JSEPRemoteModel.offer(bits: modelBits, generation: remoteGeneration, version: nextRemoteVersion())
        default:
            setModelAnswer(bits: bits, seed: seed, index: index)
            return
        }
        if seed != 0 { description.sdp = Self.mutated(description.sdp, seed: seed, salt: index) }
        setRemote(description, mutated: seed != 0 || variant & 7 == 1 || variant & 7 == 2)
    }

    mutating func setModelAnswer(bits: UInt8, seed: UInt8, index: Int) {
        guard let offer = pendingLocal, offer.type == .offer else { return }
        var description = JSEPRemoteModel.answer(bits: bits, to: offer, generation: remoteGeneration, version: nextRemoteVersion())
        if seed != 0 { description.sdp = Self.mutated(description.sdp, seed: seed, salt: index) }
        setRemote(description, mutated: seed != 0)
    }

    /// `SDPCodec.mutate` over the description (DESIGN §4): one structural change; text the SDP codec
    /// does not read stays as it is.
    static func mutated(_ sdp: String, seed: UInt8, salt: Int) -> String {
        guard var model = try? SDPCodec.parse(sdp) else { return sdp }
        var generator = SeededGenerator(seed: UInt64(seed) << 32 | UInt64(truncatingIfNeeded: salt))
        _ = SDPCodec.mutate(&model, using: &generator)
        return SDPCodec.text(model)
    }
}
