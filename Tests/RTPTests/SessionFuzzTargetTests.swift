import Conformance
import Fuzzing
import RTP
import SansIO
import Testing
import Wire

@Suite("Fuzz target rtp-receiver")
struct SessionFuzzTargetTests {
    @Test("It is registered with the catalogue's fuzz targets")
    func registered() {
        #expect(ProtocolCatalog.fuzzTarget(named: "rtp-receiver") != nil)
    }

    @Test("Three hundred generated impaired VP8 streams: no oracle fails, and the streams are accepted")
    func generatedScripts() {
        let target = RTPReceiverFuzzTarget.target
        var accepted = 0
        for seed in 0..<300 as Range<UInt64> {
            var generator = SeededGenerator(seed: seed)
            let input = RTPReceiverFuzzTarget.randomScript(using: &generator)
            let outcome = target.run(input)
            if case .finding(let finding) = outcome { Issue.record("seed \(seed): \(finding)") }
            if outcome == .accepted { accepted += 1 }
        }
        #expect(accepted >= 295)
    }

    @Test("Three hundred random byte strings and their mutants: no trap, no finding")
    func randomBytes() {
        let target = RTPReceiverFuzzTarget.target
        for seed in 0..<300 as Range<UInt64> {
            var generator = SeededGenerator(seed: seed &+ 1000)
            var input = RTPReceiverFuzzTarget.randomScript(using: &generator)
            for _ in 0..<Int.random(in: 1...8, using: &generator) where !input.isEmpty {
                input[Int.random(in: 0..<input.count, using: &generator)] = .random(in: 0...255, using: &generator)
            }
            let noise = (0..<Int.random(in: 0...200, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            for bytes in [input, noise] {
                if case .finding(let finding) = target.run(bytes) { Issue.record("seed \(seed): \(finding)") }
            }
        }
    }

    @Test("A script with no parsable packet is refused with the RTP rule that refused the first")
    func refused() {
        let script = RTPReceiverFuzzTarget.script([.init(milliseconds: 5, packet: [0x40, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1])])
        #expect(RTPReceiverFuzzTarget.run(script) == .rejected(rule: "RTP.version"))
        #expect(RTPReceiverFuzzTarget.run([]) == .rejected(rule: "RTP.truncated"))
    }
}
