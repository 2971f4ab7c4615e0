public import Fuzzing
import Wire

/// Fuzz target `dtls-endpoint`: the DTLS 1.2 endpoint machine (`DTLSEndpoint`, RFC 6347 over OpenSSL)
/// against an honest peer endpoint, driven by a ``Fuzzing/MachineScript`` (issue 17). Both endpoints are
/// seeded (their randomness and certificates come from fixed generators), so a run's datagrams are a
/// function of the script alone and every failure reproduces from its saved input.
///
/// Start states (the first byte, modulo 7), each reached by a scripted prologue:
/// 0. ours is a client before its ClientHello (its deadline is now: the first timer starts it);
/// 1. ours is a server awaiting the peer's ClientHello, which is queued for it;
/// 2. ours is a client after flight 1: the server's flight (ServerHello … ServerHelloDone) is queued;
/// 3. ours is a server after its flight: the client's last flight (Certificate … Finished) is queued;
/// 4. established (ours the client), application data queued both ways;
/// 5. closing: established (ours the server), data queued both ways, then the peer's close_notify;
/// 6. impostor: ours is a client expecting another certificate's fingerprint, the server's flight queued.
///
/// Actions: `deliver` (variant & 15: the peer's next datagram to ours, ours's next to the peer, both ways
/// until quiet, drop either way's next, replay one of the peer's recent datagrams to ours or one of
/// ours's to the peer, reflect one of ours's back to it, a datagram from the `DTLSRecord` generator,
/// forged application data in the peer's live epoch, a plaintext alert, a plaintext handshake message;
/// a non-zero seed mutates what is delivered with `DTLSCodec.mutate`), `deliverBytes`, `fireTimer`,
/// `advance`, `call` (selector % 7: ours or the peer sends a message of a size the argument picks, ours
/// sends a burst past `pendingSendLimit`, the peer closes, the peer sends a burst, ours sends an empty
/// message, ours sends past `maximumMessageLength`) and `close` (ours).
///
/// Oracles besides not trapping:
/// - no application data before the peer's certificate fingerprint was verified, that is before
///   `.connected` (RFC 8827 §6.5, RFC 8842 §5), and never `.connected` to a certificate other than the
///   expected one (RFC 8122 §5);
/// - no application data after the endpoint closed or failed (RFC 5246 §7.2.1);
/// - every message delivered is one the other side sent, byte for byte, at most once: forged records
///   fail AES-GCM (RFC 5288 §3), replayed ones the replay window (RFC 6347 §4.1.2.6);
/// - a send is refused exactly when the endpoint says it refuses one: past `maximumMessageLength`
///   (RFC 6347 §4.1), after close, or past `pendingSendLimit` during the handshake (the bound on what
///   a slow handshake can queue);
/// - timers: a deadline only while handshaking, each later than the instant that fired it and at most
///   `maximumRetransmissionTimeout` ahead (RFC 6347 §4.2.4.1), and no wall-clock wait in a seeded run;
/// - a clean continuation: a script that delivered only the peers' own datagrams (in any order, lost or
///   replayed) and left both open ends, once everything is delivered and timers fire, with both connected
///   and a message crossing, unless a flight's retransmissions ran out (RFC 6347 §4.2.4).
public enum DTLSEndpointFuzzTarget {
    public static let name = "dtls-endpoint"
    public static let plantedName = "planted-dtls-endpoint"
    public static let startStates = 7

    public static var target: FuzzTarget { makeTarget(name: name, planted: false) }

    /// The self-test: the same harness with a bug planted in its view of verification (see
    /// ``plantedDetail``). Never part of `all`.
    public static var plantedTarget: FuzzTarget { makeTarget(name: plantedName, planted: true) }

    /// The planted finding's detail. The bug: the harness's view takes a datagram the connected endpoint
    /// answers (its final flight resent for a repeat of the peer's last flight, RFC 6347 §4.2.4) for a
    /// new handshake, forgets that the fingerprint was verified, and so calls the next application data
    /// early. Finding it takes a server that completed, a replay of the datagram that completed it, and
    /// data from the peer after that.
    public static let plantedDetail = "planted bug: application data after the final flight was resent, before the fingerprint was verified again"

    static func makeTarget(name: String, planted: Bool) -> FuzzTarget {
        DTLSEndpointHarness.target(
            name: name, corpusName: Self.name, planted: planted,
            dictionary: [[0x00, 0x02, 0x00], [0x00, 0x05, 0x00], [0x04, 0x01, 0x40], [0x04, 0x00, 0x40], [0x02], [0x05]],
            randomAction: randomAction)
    }

    /// Runs one input: nil when every oracle held, else the finding.
    public static func check(_ input: [UInt8], planted: Bool = false) -> String? {
        DTLSEndpointHarness.run(input, planted: planted).finding
    }

    /// The trace of one input; two runs of the same input give the same trace.
    public static func trace(_ input: [UInt8], planted: Bool = false) -> MachineTrace {
        DTLSEndpointHarness.run(input, planted: planted).trace
    }

    /// Both endpoints' states and the datagrams waiting each way after the prologue of `start`, for the
    /// tests: `ours <role> <state> peer <state> toOurs <n> toPeer <n>`.
    public static func startState(_ start: UInt8) -> String {
        var harness = DTLSEndpointHarness(planted: false)
        harness.prologue(start)
        return harness.summary
    }

    /// A meaningful script: deliveries, losses and replays, timers, sends and closes, with now and then
    /// a forged or mutated datagram.
    public static func randomScript(using generator: inout some RandomNumberGenerator) -> [UInt8] {
        DTLSEndpointHarness.randomScript(startStates: startStates, using: &generator, randomAction: randomAction)
    }

    @Sendable
    static func randomAction(_ generator: inout SeededGenerator) -> MachineScript.Action {
        switch generator.below(20) {
        case 0..<7:
            let variant = UInt8(generator.element(of: [0, 0, 1, 2, 2, 3, 4, 5, 6]) ?? 2) | UInt8(generator.below(4)) << 4
            return .deliver(variant: variant, seed: 0)
        case 7, 8:
            let variant = UInt8(7 + generator.below(5)) | generator.byte() & 0xF0
            return .deliver(variant: variant, seed: generator.chance(3) ? generator.byte() : 0)
        case 9..<14: return .call(selector: UInt8(generator.below(7)), argument: generator.byte())
        case 14, 15: return .fireTimer
        case 16, 17: return .advance(milliseconds: UInt16(generator.below(4000)))
        default: return generator.chance(3) ? .close : .deliver(variant: generator.byte(), seed: generator.byte())
        }
    }
}
