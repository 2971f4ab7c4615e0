import CrucibleTestSupport
import ICE
import SansIO
import Simulation
import STUN
import TURN
import Testing
import Wire

/// The endpoint's routing between its agent, its TURN clients and the network, on virtual time against
/// the fake TURN server (RFC 8445 §5.1.1.2 with RFC 8656).
@Suite("ICEEndpoint: the agent and its TURN allocations", .replaying(TwoAgentLoop.defaultSeed, "ICETests.EndpointTests"))
struct EndpointTests {
    static func relayed(_ events: [ICEOutput]) -> [ICECandidate] {
        events.compactMap { if case .localCandidate(let candidate) = $0, candidate.kind == .relayed { candidate } else { nil } }
    }

    @Test("an allocation becomes a relayed candidate whose related address is the mapped address, then gathering completes")
    func allocationBecomesCandidate() {
        var loop = RelayLoop()
        loop.start()
        loop.run(for: .milliseconds(100))
        let candidates = Self.relayed(loop.endpointEvents)
        #expect(candidates.count == 1)
        #expect(candidates.first?.address == RelayLoop.relayedAddress)
        #expect(candidates.first?.base == RelayLoop.relayedAddress)
        #expect(candidates.first?.relatedAddress == RelayLoop.endpointHost)
        #expect(loop.endpoint.agent.gatheringState == .complete)
        #expect(loop.endpoint.relayStatuses.map(\.phase) == [.allocated(relayed: RelayLoop.relayedAddress)])
        // Under the relay policy the host address is never offered.
        #expect(loop.endpointEvents.allSatisfy { if case .localCandidate(let c) = $0 { c.kind == .relayed } else { true } })
    }

    @Test("gathering waits for the allocation: it is still gathering while the Allocate is unanswered")
    func gatheringWaitsForRelay() {
        var loop = RelayLoop()
        loop.serverListening = false
        loop.start()
        loop.run(for: .seconds(5))
        #expect(loop.endpoint.agent.gatheringState == .gathering)
        #expect(loop.endpoint.relayStatuses.map(\.phase) == [.allocating])
    }

    @Test("a refused allocation ends relay gathering without a relayed candidate, and says why")
    func refusedAllocation() {
        var loop = RelayLoop(password: "wrong")
        loop.start()
        loop.run(for: .milliseconds(100))
        #expect(Self.relayed(loop.endpointEvents).isEmpty)
        #expect(loop.endpoint.agent.gatheringState == .complete)
        #expect(loop.endpoint.relayStatuses.map(\.phase) == [.failed(.unauthorized)])
    }

    @Test("one allocation per host address and TURN server of the same family")
    func allocationPerBaseAndServer() {
        let second = TURNServerConfiguration(address: TransportAddress("192.0.2.2:3478")!, username: "bob", password: "pw")
        let v6 = TURNServerConfiguration(address: TransportAddress("[2001:db8::1]:3478")!, username: "carol", password: "pw")
        let configuration = ICEEndpointConfiguration(
            ice: ICEConfiguration(hostAddresses: [TransportAddress("10.0.0.1:5000")!, TransportAddress("10.0.0.2:5000")!]),
            turnServers: [RelayLoop.turn, second, v6])
        let endpoint = ICEEndpoint(configuration: configuration, role: .controlling, generator: SeededGenerator(seed: 1))
        #expect(endpoint.relayStatuses.map { "\($0.base) \($0.server.address)" } == [
            "10.0.0.1:5000 192.0.2.1:3478", "10.0.0.1:5000 192.0.2.2:3478",
            "10.0.0.2:5000 192.0.2.1:3478", "10.0.0.2:5000 192.0.2.2:3478",
        ])
        #expect(endpoint.agent.configuration.expectsRelayedCandidates)
    }

    @Test("without TURN servers the endpoint is the agent: gathering completes at once with host candidates")
    func noTURNServers() {
        var endpoint = ICEEndpoint(
            configuration: ICEEndpointConfiguration(ice: ICEConfiguration(hostAddresses: [RelayLoop.endpointHost])),
            role: .controlling, generator: SeededGenerator(seed: 1))
        endpoint.handle(.startGathering, at: .zero)
        var outputs: [ICEOutput] = []
        while let output = endpoint.poll() { outputs.append(output) }
        #expect(outputs.contains(.gatheringStateChanged(.complete)))
        #expect(!endpoint.agent.configuration.expectsRelayedCandidates)
        #expect(endpoint.turnClients.isEmpty)
    }

    @Test("a check from the relayed candidate waits for CreatePermission, then leaves as a Send indication")
    func permissionBeforeSend() {
        var loop = RelayLoop()
        loop.start()
        loop.run(for: .milliseconds(200))
        let permission = loop.requestsToServer(.createPermission)
        #expect(!permission.isEmpty)
        // The first relayed datagram to the peer is a Binding request (the check), after the permission.
        let firstRelayed = loop.server.relayedToPeers.first
        #expect(firstRelayed?.peer == RelayLoop.peerHost)
        #expect(firstRelayed.flatMap { try? STUNMessage.parse($0.data) }?.type == .bindingRequest)
        #expect(loop.server.permissions.contains(RelayLoop.peerHost.address))
        // Nothing went to the peer directly: the agent's relayed datagrams all went through the client.
        #expect(!loop.endpointSent.contains { $0.destination == RelayLoop.peerHost })
        #expect(loop.endpointSent.allSatisfy { $0.source == RelayLoop.endpointHost })
    }

    @Test("relay-only: the agent connects through the relay, binds a channel to the peer, and data flows both ways")
    func connectsThroughRelay() {
        var loop = RelayLoop()
        loop.start()
        loop.run(for: .seconds(3))
        let pair = loop.endpoint.agent.selectedPair
        #expect(pair?.local.kind == .relayed)
        #expect(pair?.remote.address == RelayLoop.peerHost)
        #expect(loop.peer.selectedPair?.remote.address == RelayLoop.relayedAddress)
        #expect([.connected, .completed].contains(loop.endpoint.agent.connectionState))
        #expect(loop.endpoint.turnClients.first?.channel(for: RelayLoop.peerHost) != nil)
        #expect(loop.server.channels.values.contains(RelayLoop.peerHost))

        loop.input(endpoint: .send(Array("to peer".utf8)))
        loop.input(peer: .send(Array("to endpoint".utf8)))
        loop.run(for: .milliseconds(100))
        #expect(loop.received(loop.peerEvents) == [Array("to peer".utf8)])
        #expect(loop.received(loop.endpointEvents) == [Array("to endpoint".utf8)])
        // The endpoint's data went as ChannelData on the bound channel.
        #expect(loop.server.relayedToPeers.last.map { $0.viaChannel && $0.data == Array("to peer".utf8) } == true)
        #expect(loop.endpoint.relayStatuses.first?.droppedWaitingForPermission == 0)
    }

    @Test("the TURN server's answers to the agent's Binding requests reach the agent, not the TURN client")
    func bindingResponsesGoToAgent() {
        var loop = RelayLoop(policy: .all, stunServer: true)
        loop.start()
        loop.run(for: .milliseconds(200))
        // No NAT in this loop: the mapped address equals the host, so no srflx candidate is offered
        // (RFC 8445 §5.1.3), but the transaction finished and gathering is complete long before a timeout.
        #expect(loop.requestsToServer(.binding).count == 1)
        #expect(loop.endpoint.agent.gatheringState == .complete)
        #expect(loop.endpoint.turnClients.first?.counters.unmatchedResponses == 0)
        #expect(loop.endpoint.turnClients.first?.counters.ignored == 0)
    }

    @Test("datagrams waiting for a permission are bounded; the rest are dropped and counted")
    func waitingQueueBounded() {
        var loop = RelayLoop { $0.maximumQueuedPerAllocation = 2 }
        loop.autoSignal = false
        loop.start()
        loop.run(for: .milliseconds(100))
        loop.serverListening = false  // permissions never come
        for index in 1...5 {
            let candidate = ICECandidate(kind: .host, address: TransportAddress("198.51.100.\(index):7000")!,
                                         priority: 100, foundation: "f\(index)")
            loop.input(endpoint: .addRemoteCandidate(candidate.sdpCandidate))
        }
        loop.run(for: .seconds(1))
        let status = loop.endpoint.relayStatuses[0]
        #expect(status.droppedWaitingForPermission >= 3)
        #expect(loop.requestsToServer(.createPermission).count >= 5)
    }

    @Test("close deallocates: a Refresh with LIFETIME 0, then the allocation is closed and no timer remains")
    func closeDeallocates() {
        var loop = RelayLoop()
        loop.start()
        loop.run(for: .seconds(2))
        #expect(loop.server.allocated)
        loop.input(endpoint: .close)
        loop.run(for: .milliseconds(100))
        let refreshes = loop.requestsToServer(.refresh)
        #expect(refreshes.last?.value(of: .lifetime) == .lifetime(0))
        #expect(!loop.server.allocated)
        #expect(loop.endpoint.relayStatuses.map(\.phase) == [.closed])
        #expect(loop.endpoint.nextDeadline == nil)
        #expect(loop.endpointEvents.last == .connectionStateChanged(.closed))
    }

    @Test("relayGatheringFinished and addRelayedCandidate from outside are ignored: the endpoint reports its own")
    func externalRelayInputsIgnored() {
        var loop = RelayLoop()
        loop.serverListening = false
        loop.start()
        loop.input(endpoint: .relayGatheringFinished)
        loop.input(endpoint: .addRelayedCandidate(relayed: TransportAddress("192.0.2.99:1")!, mapped: RelayLoop.endpointHost))
        #expect(loop.endpoint.agent.gatheringState == .gathering)
        #expect(loop.endpoint.agent.localCandidates.isEmpty)
    }
}
