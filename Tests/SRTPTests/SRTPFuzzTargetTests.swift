import Conformance
import Fuzzing
import SRTP
import Testing
import Wire

@Suite("The srtp-unprotect fuzz target")
struct SRTPFuzzTargetTests {
    /// An input: selector byte, then length-prefixed packets.
    static func input(selector: UInt8, _ packets: [[UInt8]]) -> [UInt8] {
        [selector] + packets.flatMap { [UInt8($0.count >> 8), UInt8($0.count & 0xFF)] + $0 }
    }

    /// A plausible RTP or RTCP packet with random header fields and body, or random bytes.
    static func packet(kind: SRTPPacketKind, using generator: inout SeededGenerator) -> [UInt8] {
        let length = Int.random(in: 0...120, using: &generator)
        var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
        if length >= 12, Bool.random(using: &generator) {
            bytes[0] = kind == .rtp ? 0x80 : 0x81
            if kind == .rtcp { bytes[1] = 0xC8 }
            // Few SSRCs, so streams are revisited and replay and rollover logic run.
            bytes[kind == .rtp ? 11 : 7] = UInt8.random(in: 0...3, using: &generator)
        }
        return bytes
    }

    @Test("Three hundred generated inputs, raw and protected-then-mutated, in every profile: no oracle fails, protected ones get through")
    func generatedInputs() {
        let target = try! #require(ProtocolCatalog.fuzzTarget(named: SRTPFuzzTarget.name))
        var generator = SeededGenerator(seed: 0x5127_0015)
        var outcomes: [String: Int] = [:]
        for round in 0..<300 {
            let selector = UInt8(round % 16) | (UInt8.random(in: 0...15, using: &generator) << 4)
            let kind: SRTPPacketKind = selector & 0x04 == 0 ? .rtp : .rtcp
            let count = Int.random(in: 0...12, using: &generator)
            var packets: [[UInt8]] = []
            for _ in 0..<count {
                var packet = Self.packet(kind: kind, using: &generator)
                // In protect mode a packet starts with its control byte; keep half unmutated.
                if selector & 0x08 != 0 { packet.insert(UInt8.random(in: 0...255, using: &generator) & (Bool.random(using: &generator) ? 0xFE : 0xFF), at: 0) }
                packets.append(packet)
            }
            let input = Self.input(selector: selector, packets)
            let outcome = target.run(input)
            switch outcome {
            case .finding(let finding): Issue.record("seed 0x51270015 round \(round): \(finding)")
            case .accepted: outcomes["accepted", default: 0] += 1
            case .rejected(let rule): outcomes[rule, default: 0] += 1
            }
        }
        #expect(outcomes["accepted", default: 0] >= 50, "protected inputs pass the tag gate: \(outcomes)")
        #expect(outcomes["SRTP.authenticationFailed", default: 0] >= 10, "raw and mutated inputs are refused: \(outcomes)")
    }

    @Test("An unmutated protected packet comes back whole; one flipped bit after the header is refused", arguments: SRTPProfile.allCases.indices)
    func protectedThenMutated(_ profileIndex: Int) {
        let rtp: [UInt8] = [0x80, 0x60, 0x12, 0x34, 0, 0, 0, 1, 0xCA, 0xFE, 0xBA, 0xBE] + [UInt8](repeating: 0xAB, count: 24)
        let unmutated = Self.input(selector: 0x08 | UInt8(profileIndex), [[0x00] + rtp])
        #expect(SRTPFuzzTarget.target.run(unmutated) == .accepted)
        let mutated = Self.input(selector: 0x08 | UInt8(profileIndex), [[0x01] + rtp])
        #expect(SRTPFuzzTarget.target.run(mutated) == .rejected(rule: "SRTP.authenticationFailed"))
        let raw = Self.input(selector: UInt8(profileIndex), [rtp])
        #expect(SRTPFuzzTarget.target.run(raw) == .rejected(rule: "SRTP.authenticationFailed"))
        #expect(SRTPFuzzTarget.target.run([]) == .rejected(rule: "SRTP.empty-input"))
        #expect(SRTPFuzzTarget.target.run(Self.input(selector: 0, [[0x80]])) == .rejected(rule: "SRTP.malformed"))
    }

    @Test("The target is registered beside the codec targets under its own name, not the codec's 'srtp'")
    func registered() {
        #expect(ProtocolCatalog.fuzzTargets.filter { $0.name == SRTPFuzzTarget.name }.count == 1)
        #expect(ProtocolCatalog.fuzzTarget(named: "srtp")?.name == "srtp")
    }
}
