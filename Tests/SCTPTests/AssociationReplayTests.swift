import CrucibleTestSupport
import SCTP
import Simulation
import Testing

@Suite("SCTP association on the simulator: a run is a function of its seed (DESIGN §1.5)")
struct AssociationReplayTests {
    /// Both sides send 100 messages over links that lose 10 % and reorder; the finished run.
    static func lossyRun(_ seed: SimulationSeed) -> AssociationLoop {
        var loop = AssociationLoop(seed: seed)
        loop.loss = 0.1
        loop.jitter = .milliseconds(20)
        _ = loop.establish()
        for index in 0..<100 {
            loop.input(index % 2, .send(SCTPMessage(stream: 1, payloadProtocol: .binary, bytes: Array("message \(index)".utf8))))
        }
        loop.run(for: .seconds(120)) { $0.messages(0).count + $0.messages(1).count >= 100 }
        return loop
    }

    @Test("the same seed gives the same trace hash under loss; another seed gives another")
    func sameSeedSameTrace() {
        let seed = AssociationLoop.defaultSeed
        let replay = Comment(rawValue: seed.failureMessage(test: "SCTPTests.AssociationReplayTests"))
        let run = Self.lossyRun(seed)
        #expect(run.messages(0).count + run.messages(1).count == 100, replay)
        #expect(run.linkLosses > 0, "the run exercises loss")
        let hashes = ReplayHashes(seed: seed) { Self.lossyRun($0).traceHash }
        #expect(hashes.first == run.traceHash, replay)
        #expect(hashes.again == hashes.first, replay)
        #expect(hashes.otherSeed != hashes.first, replay)
    }
}
