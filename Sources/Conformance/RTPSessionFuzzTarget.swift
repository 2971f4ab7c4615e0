public import Fuzzing
import Wire

/// Fuzz target `rtp-session`: one media stream's two ends as the engine runs them (issue 17), driven by
/// a ``Fuzzing/MachineScript``: an `RTPStreamSender` (numbering, sender reports, NACK history) and, across
/// a scripted link, an `RTPStreamReceiver` (RFC 3550 A.1 validation, A.3 statistics, the NACK list) in
/// front of an `RTPReorderBuffer`, with an `RTCPSchedule` on each side and the RTCP between them
/// (SR, RR, generic NACK) serialised and parsed by the RTCP codec.
///
/// Where `rtp-receiver` feeds the receiving path bare datagrams, this target closes the loop: the
/// receiver's NACKs reach the sender, which answers from its history; reports carry LSR/DLSR back for a
/// round-trip time; the sender restarts its numbering; and every oracle compares the machines with the
/// harness's own record of what was sent, counted and asked for.
///
/// Start states (the first byte, modulo 4): 0. nothing sent yet; 1. streaming: frames delivered, an SR
/// and an RR exchanged; 2. lossy: packets in flight out of order with one lost, a gap held in the
/// reorder buffer; 3. near the wrap: the sequence numbers a few packets short of 65 535.
///
/// Actions: `deliver` (variant & 15: the next RTP packet in flight, one further back (reordered), all
/// traffic both ways, drop the next packet, a recently delivered packet again, the next RTCP to the
/// receiver or to the sender, drop RTCP, a forged packet near the live sequence numbers, a packet of a
/// foreign SSRC, a forged NACK to the sender, an RTCP compound from the codec's generator; a non-zero
/// seed mutates with `RTPCodec.mutate` / `RTCPCodec.mutate`), `deliverBytes` (as RTP), `fireTimer`,
/// `advance` (the reorder buffer's deadline, both report schedules, the NACK pacing), `call` (selector %
/// 6: the sender sends a frame, the receiver sends a NACK, the sender restarts its numbering, an SR now,
/// an RR now, a burst of packets lost on the link) and `close` (the end of the stream: the reorder
/// buffer drains).
///
/// Oracles besides not trapping:
/// - the reorder buffer holds at most its capacity, releases strictly increasing extended sequence
///   numbers between resets, each matching its packet, and a packet the sender made is released with
///   the bytes it was sent with;
/// - the receiver's extended highest sequence never goes back except at a re-synchronisation (A.1);
/// - its counters match the harness's count of its verdicts: packets and bytes received, duplicates,
///   discards, expected = highest − base + 1, lost ≤ expected (A.3);
/// - the NACK list is exactly the sequence numbers in the window that were not received, oldest first,
///   the most recent kept at the limit (RFC 4585 §6.2.1): no NACK for a packet that arrived;
/// - a report block carries the highest sequence, the last SR's middle NTP bits and the delay since it
///   (RFC 3550 §6.4.1), and the sender's round-trip time from an honest report is the link's time within
///   the compact format's rounding;
/// - the sender answers a NACK with the packet it sent, byte for byte, while its history holds it;
/// - each report schedule's next deadline is 0.5 to 1.5 intervals after the report (RFC 3550 §6.3.1).
public enum RTPSessionFuzzTarget {
    public static let name = "rtp-session"
    public static let plantedName = "planted-rtp-session"
    public static let startStates = 4

    public static var target: FuzzTarget { makeTarget(name: name, planted: false) }

    /// The self-test: the same harness with a bug planted in its view of the NACK list (see
    /// ``plantedDetail``). Never part of `all`.
    public static var plantedTarget: FuzzTarget { makeTarget(name: plantedName, planted: true) }

    /// The planted finding's detail. The bug: the harness's view extends a NACKed sequence number with
    /// the highest's cycle count, ignoring the wrap (RFC 3550 A.1), so a packet lost just before
    /// 65 535 and asked for once the highest has wrapped looks as if it were ahead of the highest.
    /// Finding it takes a loss before the wrap, packets after it and a NACK.
    public static let plantedDetail = "planted bug: a NACK named a packet ahead of the highest received"

    static func makeTarget(name: String, planted: Bool) -> FuzzTarget {
        RTPSessionHarness.target(
            name: name, corpusName: Self.name, planted: planted,
            dictionary: [[0x04, 0x00, 0x07], [0x04, 0x01, 0x3F], [0x00, 0x03, 0x00], [0x00, 0x02, 0x00], [0x02], [0x05]],
            randomAction: randomAction)
    }

    /// Runs one input: nil when every oracle held, else the finding.
    public static func check(_ input: [UInt8], planted: Bool = false) -> String? {
        RTPSessionHarness.run(input, planted: planted).finding
    }

    /// The trace of one input; two runs of the same input give the same trace.
    public static func trace(_ input: [UInt8], planted: Bool = false) -> MachineTrace {
        RTPSessionHarness.run(input, planted: planted).trace
    }

    /// The link and the receiver after the prologue of `start`, for the tests:
    /// `next <sequence> inFlight <n> held <n> highest <extended or -> received <n>`.
    public static func startState(_ start: UInt8) -> String {
        var harness = RTPSessionHarness(planted: false)
        harness.prologue(start)
        return harness.summary
    }

    /// A meaningful script: frames sent, delivered in and out of order, lost and duplicated, NACKs and
    /// reports, time passing, now and then a forged or mutated packet or a restart.
    public static func randomScript(using generator: inout some RandomNumberGenerator) -> [UInt8] {
        RTPSessionHarness.randomScript(startStates: startStates, using: &generator, randomAction: randomAction)
    }

    @Sendable
    static func randomAction(_ generator: inout SeededGenerator) -> MachineScript.Action {
        switch generator.below(20) {
        case 0..<7:
            let variant = UInt8(generator.element(of: [0, 0, 0, 1, 2, 3, 4, 5, 6]) ?? 0) | UInt8(generator.below(4)) << 4
            return .deliver(variant: variant, seed: 0)
        case 7: return .deliver(variant: UInt8(7 + generator.below(5)) | generator.byte() & 0xF0, seed: generator.chance(3) ? generator.byte() : 0)
        case 8..<14: return .call(selector: UInt8(generator.element(of: [0, 0, 0, 1, 1, 2, 3, 4, 5]) ?? 0), argument: generator.byte())
        case 14, 15: return .fireTimer
        case 16, 17: return .advance(milliseconds: UInt16(generator.below(1500)))
        default: return generator.chance(4) ? .close : .deliver(variant: generator.byte(), seed: generator.byte())
        }
    }
}
