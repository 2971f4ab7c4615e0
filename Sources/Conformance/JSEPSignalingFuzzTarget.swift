public import Fuzzing
import Wire

/// Fuzz target `jsep-signaling`: the JSEP layer alone (issue 17), driven by a ``Fuzzing/MachineScript``:
/// `makeOffer`, `makeAnswer`, `OfferAnswer.parse` and the `SignalingStateMachine`, glued as the engine
/// glues them, against a remote peer built from a model, a browser's offer and a second Crucible
/// endpoint. No transport runs, so it executes far more scripts per second than `peer-connection`,
/// which drives whole connections.
///
/// Start states (the first byte, modulo 6): 0. stable, nothing negotiated (a data channel wanted);
/// 1. have-local-offer, data only; 2. have-local-offer, audio, video and data; 3. have-remote-offer from
/// a Chromium-style offer (BUNDLE, RTX, RED, extmaps, SSRC groups); 4. stable after answering that offer
/// (renegotiation); 5. have-local-pranswer to it.
///
/// Actions: `call` (selector % 7: createOffer with option bits — ICE restart, add audio or video, stop a
/// transceiver, add or remove the data section, direction, a sending track; createAnswer or pranswer;
/// setLocalDescription of the last or the previous offer or answer, or a rollback, mutated when the
/// argument's high bits are set; setRemoteDescription of a model offer or of a model answer to our
/// pending offer, the argument's bits picking rejected m-lines, a missing mid, a duplicate mid, BUNDLE
/// naming an unknown mid, codecs without overlap, a section the offer rejected accepted, the a=setup
/// value, pranswer; a rollback; the peer restarting ICE), `deliver` (variant & 7: the browser offer
/// with variant bits — ICE restart, no data, camera rejected, sendonly, legacy DTLS/SCTP —, our own
/// offer or answer reflected, the peer endpoint's offer, answer or pranswer, a model offer or answer;
/// a non-zero seed mutates it with `SDPCodec.mutate`), `deliverBytes` (the bytes as a remote offer or
/// answer), `fireTimer` (a candidate gathered), `advance` (gathering complete), `close`.
///
/// Oracles besides not trapping:
/// - the signalling state moves only as the harness's own copy of webrtc-pc §4.3.1's table says; a
///   forbidden move is refused with InvalidStateError before the description is read (§4.4.1.5), an
///   allowed one never with it, and a refused one leaves the state alone; after `close` every move fails;
/// - errors are `JSEPError`s of the right case: our own unmutated descriptions, the browser's offer and
///   well-formed model descriptions are accepted; a model description with duplicate mids, a BUNDLE group
///   naming an unknown mid (RFC 5888 §4, §5), a=setup:holdconn (RFC 8842 §5.1), actpass in an answer
///   (§5.3), a dropped mid or an accepted rejected section (RFC 3264 §6) is refused;
/// - a created offer re-parses and round-trips byte for byte; offers a=setup:actpass, unique mids, a
///   BUNDLE group of exactly its used sections, stopped transceivers at port 0; a renegotiated offer keeps
///   every previous m= line in place with its kind and mid, the o= session id and version + 1
///   (RFC 8829 §5.2.2);
/// - a created answer re-parses against its offer and round-trips; has the offer's m= lines in order
///   with the same kinds and mids, the offer's rejected ones at port 0, a BUNDLE group within the offer's
///   and of accepted sections (§5.3.1, RFC 8843 §7.3.1), a=setup active or passive as RFC 8842 §5.3 and
///   §5.5 ask (the running association's role to an actpass offer), offered payload types only with the
///   offerer's numbers and encodings (RFC 3264 §6.1), offered extmap ids (RFC 8285 §7), a direction the
///   offer allows; every used data section has a=sctp-port and a=max-message-size (RFC 8841 §5, §6).
public enum JSEPSignalingFuzzTarget {
    /// The target's name, as `crucible fuzz run` and `Corpus/` know it.
    public static let name = "jsep-signaling"
    /// The planted self-test's name (never in `all`).
    public static let plantedName = "planted-jsep-signaling"
    /// How many start states the first byte picks from.
    public static let startStates = 6

    /// The fuzz target: the script mutator, the run's features as feedback, a finding per broken oracle.
    public static var target: FuzzTarget { makeTarget(name: name, planted: false) }

    /// The self-test: the same harness with a bug planted in its view of the DTLS role (see
    /// ``plantedDetail``). Never part of `all`.
    public static var plantedTarget: FuzzTarget { makeTarget(name: plantedName, planted: true) }

    /// The planted finding's detail. The bug: the harness's view takes an ICE restart for a new DTLS
    /// association, so it expects an answer to a restarting `actpass` offer to be `active` again, where
    /// RFC 8842 §5.5 keeps the running association's role. Finding it takes an exchange in which we
    /// offered and the peer answered `active` (making us passive), then a remote offer with new ICE
    /// credentials, then createAnswer.
    public static let plantedDetail = "planted bug: an answer after an ICE restart kept the running DTLS role"

    static func makeTarget(name: String, planted: Bool) -> FuzzTarget {
        JSEPSignalingHarness.target(
            name: name, corpusName: Self.name, planted: planted,
            dictionary: [[0x04, 0x00, 0x00], [0x04, 0x01, 0x00], [0x04, 0x02, 0x00], [0x04, 0x02, 0x01], [0x04, 0x03, 0x80], [0x04, 0x06, 0x00], [0x00, 0x00, 0x00], [0x00, 0x04, 0x00]],
            randomAction: randomAction)
    }

    /// Runs one input: nil when every oracle held, else the finding.
    public static func check(_ input: [UInt8], planted: Bool = false) -> String? {
        JSEPSignalingHarness.run(input, planted: planted).finding
    }

    /// The trace of one input; two runs of the same input give the same trace.
    public static func trace(_ input: [UInt8], planted: Bool = false) -> MachineTrace {
        JSEPSignalingHarness.run(input, planted: planted).trace
    }

    /// The harness after the prologue of `start`, for the tests:
    /// `<state> local <pending>/<current> remote <pending>/<current> media [...] data <bool> setup <role>`.
    public static func startState(_ start: UInt8) -> String {
        var harness = JSEPSignalingHarness(planted: false)
        harness.prologue(start)
        return harness.finding ?? harness.summary
    }

    /// A meaningful script: offers and answers created and set both ways, model and browser descriptions
    /// with variant bits, rollbacks, restarts, now and then a mutated description.
    public static func randomScript(using generator: inout some RandomNumberGenerator) -> [UInt8] {
        JSEPSignalingHarness.randomScript(startStates: startStates, using: &generator, randomAction: randomAction)
    }

    @Sendable
    static func randomAction(_ generator: inout SeededGenerator) -> MachineScript.Action {
        switch generator.below(20) {
        case 0..<4: return .call(selector: 0, argument: generator.chance(2) ? 0 : generator.byte())
        case 4, 5: return .call(selector: 1, argument: generator.chance(4) ? 1 : 0)
        case 6..<9: return .call(selector: 2, argument: generator.chance(4) ? generator.byte() : UInt8(generator.below(4)))
        case 9, 10: return .call(selector: 3, argument: generator.chance(2) ? 0x80 : generator.byte())
        case 11, 12: return .call(selector: 4, argument: generator.chance(2) ? UInt8(generator.below(2)) << 5 : generator.byte())
        case 13: return .call(selector: UInt8(5 + generator.below(2)), argument: generator.byte())
        case 14..<17: return .deliver(variant: generator.byte(), seed: generator.chance(3) ? generator.byte() : 0)
        case 17: return generator.chance(2) ? .fireTimer : .advance(milliseconds: 0)
        case 18: return generator.chance(6) ? .close : .call(selector: 0, argument: 0x01)
        default: return .deliver(variant: UInt8(generator.below(8)), seed: 0)
        }
    }
}
