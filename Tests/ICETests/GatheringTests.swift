import ICE
import SDP
import SansIO
import Simulation
import Testing
import Wire

@Suite("Gathering: host, server-reflexive, relayed; transport policy (RFC 8445 §5.1)",
       .replaying(TwoAgentLoop.defaultSeed, "ICETests.GatheringTests"))
struct GatheringTests {
    @Test("a STUN server behind a NAT gives a server-reflexive candidate with the host as base and related address")
    func serverReflexive() {
        let server = TransportAddress("127.0.0.53:3478")!
        // The NAT maps 127.0.0.1:5000 to 127.1.1.1:6000 (its only public port).
        let nat = NATConfiguration(publicAddress: IPAddress("127.1.1.1")!, ports: 6000...6000)
        var loop = TwoAgentLoop.loopback(stunServer: server, nat: nat) { configuration, _ in configuration.stunServers = [server] }
        loop.input(0, .startGathering)
        loop.run(for: .seconds(1))
        let candidates = loop.agents[0].localCandidates
        #expect(candidates.map(\.kind) == [.host, .serverReflexive])
        let srflx = candidates[1]
        #expect(srflx.address == TransportAddress("127.1.1.1:6000"))
        #expect(srflx.base == candidates[0].address && srflx.relatedAddress == candidates[0].address)
        #expect(srflx.priority == ICECandidate.priority(typePreference: 100, localPreference: 65_535))
        #expect(loop.gatheringStates(0) == [.gathering, .complete])
    }

    @Test("a server-reflexive address equal to the host is redundant and not offered (§5.1.3)")
    func redundantServerReflexive() {
        let server = TransportAddress("127.0.0.53:3478")!
        var loop = TwoAgentLoop.loopback(stunServer: server) { configuration, _ in configuration.stunServers = [server] }
        loop.input(0, .startGathering)
        loop.run(for: .seconds(1))
        #expect(loop.agents[0].localCandidates.map(\.kind) == [.host])
        #expect(loop.gatheringStates(0) == [.gathering, .complete])
    }

    @Test("an unreachable STUN server holds gathering until its transaction times out")
    func unreachableServer() {
        var loop = TwoAgentLoop.loopback { configuration, _ in configuration.stunServers = [TransportAddress("127.0.0.99:3478")!] }
        loop.input(0, .startGathering)
        loop.run(for: .seconds(30))
        #expect(loop.gatheringStates(0) == [.gathering])
        loop.run(for: .seconds(10))
        #expect(loop.gatheringStates(0) == [.gathering, .complete])
    }

    @Test("with relayed candidates expected, gathering completes only after relayGatheringFinished")
    func relayedSeam() {
        var agent = ICEAgent(
            configuration: ICEConfiguration(expectsRelayedCandidates: true), role: .controlling,
            generator: SeededGenerator(seed: 4))
        agent.handle(.startGathering, at: .zero)
        var outputs: [ICEOutput] = []
        while let output = agent.poll() { outputs.append(output) }
        #expect(!outputs.contains(.gatheringStateChanged(.complete)))
        let relayed = TransportAddress("127.0.0.77:49152")!
        let mapped = TransportAddress("127.0.0.88:50000")!
        agent.handle(.addRelayedCandidate(relayed: relayed, mapped: mapped), at: .zero)
        agent.handle(.relayGatheringFinished, at: .zero)
        while let output = agent.poll() { outputs.append(output) }
        let relay = agent.localCandidates.first { $0.kind == .relayed }
        #expect(relay?.base == relayed && relay?.relatedAddress == mapped)
        #expect(relay?.priority == ICECandidate.priority(typePreference: 0, localPreference: 65_535))
        #expect(outputs.suffix(2) == [.localCandidate(relay!), .gatheringStateChanged(.complete)])
    }

    @Test("transport policy relay: only relayed candidates are offered and paired, and checks leave from the relayed address")
    func relayPolicy() {
        var loop = TwoAgentLoop.loopback(alsoOwned: [[TransportAddress("127.0.0.77:49152")!], []]) { configuration, index in
            if index == 0 {
                configuration.transportPolicy = .relay
                configuration.expectsRelayedCandidates = true
            }
        }
        loop.start()
        loop.input(0, .addRelayedCandidate(relayed: TransportAddress("127.0.0.77:49152")!, mapped: TransportAddress("127.0.0.88:50000")!))
        loop.input(0, .relayGatheringFinished)
        loop.run(for: .seconds(3))
        let a = loop.agents[0]
        #expect(a.localCandidates.allSatisfy { $0.kind == .relayed || $0.kind == .peerReflexive })
        #expect(a.checkList.entries.allSatisfy { $0.pair.local.kind == .relayed })
        #expect(loop.sent[0].allSatisfy { $0.datagram.source == TransportAddress("127.0.0.77:49152") })
        #expect(a.selectedPair?.local.kind == .relayed)
        #expect(loop.connectionStates(0).last == .completed)
    }

    @Test("a lite agent offers host candidates only and completes gathering at once")
    func liteGathering() {
        var agent = ICEAgent(
            configuration: ICEConfiguration(stunServers: [TransportAddress("127.0.0.53:3478")!], isLite: true),
            role: .controlling, generator: SeededGenerator(seed: 5))
        #expect(agent.role == .controlled)
        agent.handle(.startGathering, at: .zero)
        var outputs: [ICEOutput] = []
        while let output = agent.poll() { outputs.append(output) }
        #expect(outputs.compactMap(\.transmission).isEmpty)
        #expect(agent.localCandidates.map(\.kind) == [.host])
        #expect(outputs.last == .gatheringStateChanged(.complete))
    }

    @Test("the same seed gives the same run: credentials, tie-breaker and every datagram")
    func determinism() {
        func trace() -> [[UInt8]] {
            var loop = TwoAgentLoop.loopback()
            loop.start()
            loop.run(for: .seconds(12))
            return loop.sent[0].map(\.datagram.payload) + loop.sent[1].map(\.datagram.payload)
        }
        #expect(trace() == trace())
    }
}
