import ICE
import SansIO
import Testing
import Wire

@Suite("Robustness: any input sequence, any time")
struct RobustnessTests {
    @Test("random inputs and timeouts never trap, keep every limit, and keep deadlines in the future", arguments: [1, 2, 3, 4] as [UInt64])
    func randomInputs(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let limits = ICELimits(maximumCheckListSize: 20, maximumRemoteCandidates: 15, maximumPeerReflexivePerWindow: 3)
        let bases = [TransportAddress("127.0.0.1:5000")!, TransportAddress("[::1]:5000")!]
        var agent = ICEAgent(
            configuration: ICEConfiguration(hostAddresses: bases, stunServers: [TransportAddress("127.0.0.53:3478")!], limits: limits),
            role: seed % 2 == 0 ? .controlling : .controlled, generator: SeededGenerator(seed: seed))
        var now = Instant.zero
        for _ in 0..<3000 {
            now += .milliseconds(Int64.random(in: 0...300, using: &generator))
            if let deadline = agent.nextDeadline, deadline <= now {
                agent.handleTimeout(at: now)
            } else {
                agent.handle(ICEInput.random(to: bases, using: &generator), at: now)
            }
            while agent.poll() != nil {}
            #expect(agent.checkList.entries.count <= 20)
            #expect(agent.remoteCandidates.count <= 15)
            if let deadline = agent.nextDeadline { #expect(deadline > now) }
        }
    }
}
