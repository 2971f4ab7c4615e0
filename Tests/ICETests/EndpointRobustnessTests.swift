import CrucibleTestSupport
import ICE
import SansIO
import Simulation
import STUN
import TURN
import Testing
import Wire

@Suite("ICEEndpoint robustness: any input sequence, with a real and a hostile TURN server", .replaying(TwoAgentLoop.defaultSeed, "ICETests.EndpointRobustnessTests"))
struct EndpointRobustnessTests {
    static let host = TransportAddress("127.0.0.1:5000")!
    static let server = TransportAddress("127.0.0.7:3478")!
    static let relayed = TransportAddress("127.0.0.7:50000")!

    /// A few bytes that often look like the start of STUN, ChannelData or anything else.
    static func hostilePayload(using generator: inout SeededGenerator) -> [UInt8] {
        let count = Int(generator.next() % 120)
        var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        if !bytes.isEmpty, generator.next() % 2 == 0 { bytes[0] = [0x00, 0x01, 0x40, 0x4F, 0x17][Int(generator.next() % 5)] }
        return bytes
    }

    @Test("random inputs, server answers and hostile datagrams never trap, keep the queue bounded, and keep deadlines in the future",
          arguments: [1, 2, 3, 4] as [UInt64])
    func randomSessions(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let configuration = ICEEndpointConfiguration(
            ice: ICEConfiguration(hostAddresses: [Self.host], stunServers: [Self.server],
                                  transportPolicy: seed % 2 == 0 ? .relay : .all),
            turnServers: [TURNServerConfiguration(address: Self.server, username: "alice", password: "secret")],
            maximumQueuedPerAllocation: 4)
        var endpoint = ICEEndpoint(configuration: configuration, role: .controlling, generator: SeededGenerator(seed: seed))
        var server = FakeTURNServer(address: Self.server, username: "alice", password: "secret")
        server.relayed = Self.relayed
        server.relaysToPeers = true
        var toServer: [Datagram] = []
        var now = Instant.zero
        var sawAllocation = false
        endpoint.handle(.startGathering, at: now)
        for _ in 0..<3000 {
            now += .milliseconds(Int64(generator.next() % 300))
            switch generator.next() % 4 {
            case _ where endpoint.nextDeadline.map { $0 <= now } ?? false:
                endpoint.handleTimeout(at: now)
            case 0:
                endpoint.handle(ICEInput.random(to: [Self.host, Self.relayed], using: &generator), at: now)
            case 1:
                let payload = Self.hostilePayload(using: &generator)
                endpoint.handle(.received(Datagram(from: Self.server, to: Self.host, payload: payload)), at: now)
            default:
                // The server hears what the endpoint sent and answers (or, one time in four, stays silent).
                for datagram in toServer where generator.next() % 4 != 0 {
                    for answer in server.handle(datagram) where answer.destination == Self.host {
                        endpoint.handle(.received(answer), at: now)
                    }
                }
                toServer.removeAll()
            }
            var count = 0
            while let output = endpoint.poll() {
                count += 1
                if let datagram = output.transmission, datagram.destination == Self.server { toServer.append(datagram) }
            }
            #expect(count < 500)
            if toServer.count > 200 { toServer.removeFirst(toServer.count - 200) }
            if let deadline = endpoint.nextDeadline { #expect(deadline > now) }
            #expect(endpoint.agent.checkList.entries.count <= ICELimits().maximumCheckListSize)
            if case .allocated = endpoint.relayStatuses[0].phase { sawAllocation = true }
        }
        #expect(sawAllocation, "the session never got as far as an allocation: the relay paths went untested")
        // The hostile bytes went to the TURN client (counted there), never to the application.
        #expect(endpoint.turnClients[0].counters.malformed > 0)
    }

    @Test("a non-Binding datagram from the TURN server (ChannelData on an unbound channel) goes to the TURN client, not the agent")
    func nonBindingFromServerGoesToClient() {
        var loop = RelayLoop()
        loop.start()
        loop.run(for: .milliseconds(100))
        let channelData = ChannelData(channelNumber: 0x4ABC, data: [1, 2, 3]).serialize()
        loop.input(endpoint: .received(Datagram(from: RelayLoop.serverAddress, to: RelayLoop.endpointHost, payload: channelData)))
        #expect(loop.endpoint.turnClients[0].counters.unknownChannel == 1)
        #expect(loop.received(loop.endpointEvents).isEmpty)
    }
}
