import CrucibleTestSupport
import DataChannels
import Simulation
import Testing

@Suite("Data channels on the simulator: a run is a function of its seed (DESIGN §1.5)")
struct ReplayTests {
    /// A channel opened, 100 messages each way over links that lose 10 % and reorder, then closed.
    static func lossyRun(_ seed: SimulationSeed) throws -> ChannelLoop {
        var (loop, local, remote) = try openChannel(seed: seed)
        loop.loss = 0.1
        loop.jitter = .milliseconds(20)
        for index in 0..<100 {
            try loop.send(0, .text("there \(index)"), on: local)
            try loop.send(1, .binary(Array("back \(index)".utf8)), on: remote)
        }
        loop.run(for: .seconds(120)) { $0.messages(0).count + $0.messages(1).count >= 200 }
        loop.input(0, .close(local))
        loop.run(for: .seconds(30)) { $0.has(0, .closed(local)) && $0.has(1, .closed(remote)) }
        return loop
    }

    @Test("the same seed gives the same trace hash under loss; another seed gives another")
    func sameSeedSameTrace() throws {
        let seed = channelSeed
        let replay = Comment(rawValue: seed.failureMessage(test: "DataChannelsTests.ReplayTests"))
        let run = try Self.lossyRun(seed)
        #expect(run.messages(0).count + run.messages(1).count == 200, replay)
        #expect(run.linkLosses > 0, "the run exercises loss")
        let hashes = try ReplayHashes(seed: seed) { try Self.lossyRun($0).traceHash }
        #expect(hashes.first == run.traceHash, replay)
        #expect(hashes.again == hashes.first, replay)
        #expect(hashes.otherSeed != hashes.first, replay)
    }
}
