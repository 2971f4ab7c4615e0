public import Fuzzing
import SRTP

/// The fuzz target of the engine's SRTP unprotect path (issue 15): packets through an `SRTPTransport`
/// keyed with fixed keys, as the engine receives them. Named `srtp-unprotect` because `srtp` is the
/// SRTP header codec's target.
///
/// Input: the first byte picks the run, the rest is packets, each a 16-bit big-endian length and that
/// many bytes (a length past the end takes what is left); at most `maximumPackets` are run.
/// - bits 0–1: the profile (`SRTPProfile.allCases` order);
/// - bit 2: RTCP (SRTCP) when set, RTP (SRTP) when clear;
/// - bit 3: when set, every packet is first protected by the matching sender (the DTLS client of the
///   same keys), so it gets past the tag gate, and each packet's first byte is a control byte: odd means
///   flip one bit after the header, at an offset and mask the control byte picks. Unmutated packets
///   reach decryption, the replay window and rollover-counter estimation with fuzzer-chosen headers;
///   mutated ones test that a verified-looking packet with one wrong bit is refused. When clear, the
///   packets are unprotected as they are: the length checks and the tag gate.
///
/// Oracles: no trap; a packet that unprotects is no longer than its input; a packet protected and not
/// mutated that unprotects gives back exactly the bytes protected.
public enum SRTPFuzzTarget {
    public static let name = "srtp-unprotect"

    /// Packets one input may run: enough to cross windows and bounds, few enough to stay fast.
    public static let maximumPackets = 64

    public static var target: FuzzTarget {
        FuzzTarget(name: name, dictionary: dictionary) { input in run(input) }
    }

    /// First bytes of RTP (V=2, plain and with CSRCs or an extension) and of RTCP SR/RR/SDES/BYE/feedback.
    static let dictionary: [[UInt8]] = [
        [0x80], [0x90], [0x81, 0xC8], [0x80, 0xC9], [0x81, 0xCA], [0x81, 0xCB], [0x81, 0xCD], [0x81, 0xCE],
        [0x80, 0x00, 0x05, 0xD4], [0xFF, 0xFF], [0xBE, 0xDE],
    ]

    /// Exported-keying-material stand-ins: fixed, so every run of an input is the same run.
    static func keys(_ profile: SRTPProfile) -> DTLSSRTPKeys? {
        let length = DTLSSRTPKeys.exportLength(for: profile)
        return try? DTLSSRTPKeys(profile: profile, exported: (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 5) })
    }

    static func run(_ input: [UInt8]) -> FuzzOutcome {
        guard let selector = input.first else { return .rejected(rule: "SRTP.empty-input") }
        let profile = SRTPProfile.allCases[Int(selector & 0x03) % SRTPProfile.allCases.count]
        let kind: SRTPPacketKind = selector & 0x04 == 0 ? .rtp : .rtcp
        let protectFirst = selector & 0x08 != 0
        guard let keys = keys(profile),
              let sender = try? SRTPTransport(keys: keys, role: .client),
              let receiver = try? SRTPTransport(keys: keys, role: .server)
        else {
            return .finding(FuzzFinding(target: name, oracle: .invariant, input: input, detail: "fixed \(profile) keys refused"))
        }
        var accepted = 0
        var firstDrop: SRTPDropReason?
        for chunk in packets(in: input.dropFirst()) {
            var packet = chunk
            var original: [UInt8]?
            if protectFirst {
                guard let control = packet.first else { continue }
                let plain = Array(packet.dropFirst())
                guard let protected = try? (kind == .rtp ? sender.protectRTP(plain) : sender.protectRTCP(plain)) else { continue }
                packet = protected
                if control & 1 == 1 {
                    flipBit(in: &packet, after: headerLength(of: packet, kind: kind), control: control)
                } else {
                    original = plain
                }
            }
            do {
                let output = kind == .rtp ? try receiver.unprotectRTP(packet) : try receiver.unprotectRTCP(packet)
                accepted += 1
                if output.count > packet.count {
                    return .finding(FuzzFinding(
                        target: name, oracle: .invariant, input: input,
                        detail: "\(profile) \(kind): \(packet.count) bytes unprotected to \(output.count)"))
                }
                if let original, output != original {
                    return .finding(FuzzFinding(
                        target: name, oracle: .roundTrip, input: input,
                        detail: "\(profile) \(kind): a protected, unmutated packet of \(original.count) bytes unprotected to other bytes"))
                }
            } catch {
                firstDrop = firstDrop ?? error.reason
            }
        }
        if accepted > 0 { return .accepted }
        return .rejected(rule: "SRTP.\(firstDrop?.rawValue ?? "no-packet")")
    }

    /// The length-prefixed packets of an input, at most `maximumPackets`.
    static func packets(in bytes: ArraySlice<UInt8>) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var rest = bytes
        while rest.count >= 2, result.count < maximumPackets {
            let length = Int(rest[rest.startIndex]) << 8 | Int(rest[rest.startIndex + 1])
            rest = rest.dropFirst(2)
            result.append(Array(rest.prefix(length)))
            rest = rest.dropFirst(length)
        }
        return result
    }

    /// Bytes the mutation leaves alone: the RTP header with its CSRCs (RFC 3550 §5.1), or RTCP's first 8.
    static func headerLength(of packet: [UInt8], kind: SRTPPacketKind) -> Int {
        guard kind == .rtp, let first = packet.first else { return 8 }
        return 12 + 4 * Int(first & 0x0F)
    }

    static func flipBit(in packet: inout [UInt8], after header: Int, control: UInt8) {
        guard packet.count > header else { return }
        let offset = header + Int(control >> 1) % (packet.count - header)
        packet[offset] ^= 1 << (control >> 4 & 0x07)
    }
}
