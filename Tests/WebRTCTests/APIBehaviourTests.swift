import SansIO
import Simulation
import Harness
import Testing
import WebRTC

/// The client API keeps no surprises (issue 13, DESIGN §3): how long waits last, how sequences end, what
/// an engine must be.
@Suite("Client API: waits, sequence endings and engines")
struct APIBehaviourTests {
    static func client(operationTimeout: Duration) -> (WebRTCClient, SimulatedNetwork) {
        let network = SimulatedNetwork(seed: SimulationSeed(1))
        let client = WebRTCClient(engine: .simulated(network)) { $0.defaultConnection.operationTimeout = operationTimeout }
        return (client, network)
    }

    @Test("A state wait without a timeout of its own lasts the connection's operation timeout, not a fixed 30 s")
    func stateWaitTakesOperationTimeout() async throws {
        let (client, network) = Self.client(operationTimeout: .seconds(20))
        let pair = try await PeerPair.connect(client: client) {
            let now = network.now
            return .nanoseconds(Int64(clamping: now.nanoseconds))
        }
        // A connected pair keeps the clock moving (consent checks, heartbeats), so the wait runs until its
        // limit: the last event before it falls within one consent interval (RFC 7675 §5.1: 4–6 s) of 20 s.
        let start = network.now
        await #expect(throws: WebRTCError.self) { try await pair.offerer.state.wait(until: { $0 == .failed }) }
        let waited = network.now - start
        #expect(waited > .seconds(13) && waited <= .seconds(20), "waited \(waited) of virtual time")
        await pair.close()
    }

    @Test("An event sequence tells a quiet connection (timeout) from a closed one (nil)")
    func sequenceEndings() async throws {
        let (client, _) = Self.client(operationTimeout: .seconds(2))
        let peer = try await client.createPeerConnection()
        var quiet = peer.dataChannelEvents.makeAsyncIterator()
        do {
            let event = try await quiet.nextEvent()
            Issue.record("a connection with no channel gave \(String(describing: event))")
        } catch {
            guard case .timeout = error else { Issue.record("expected .timeout, got \(error)"); return }
        }
        await peer.close()
        var closed = peer.dataChannelEvents.makeAsyncIterator()
        if let event = try await closed.nextEvent() { Issue.record("a closed connection gave \(event)") }
    }

    /// An engine that drives something other than Crucible's machine (none is written yet).
    struct ForeignEngine: WebRTCEngine {}

    @Test("An engine that hosts no Crucible machine is refused with a typed error")
    func foreignEngine() async {
        let client = WebRTCClient(engine: ForeignEngine())
        await #expect {
            _ = try await client.createPeerConnection()
        } throws: { error in
            guard case .invalidState = error as? WebRTCError else { return false }
            return true
        }
    }

    @Test("Closing a pair frees its runtime: once the caller lets go, the simulated network, its machines and their OpenSSL objects are gone")
    func closedConnectionsAreFreed() async throws {
        weak var released: SimulatedNetwork?
        do {
            let (client, network) = Self.client(operationTimeout: .seconds(20))
            released = network
            let pair = try await PeerPair.connect(client: client) { [weak network] in
                .nanoseconds(Int64(clamping: network?.now.nanoseconds ?? 0))
            }
            // A message each way leaves channel objects and events that refer back to their connections.
            try await pair.offererChannel.send("ping")
            _ = try await pair.answererChannel.receive()
            await pair.close()
        }
        #expect(released == nil, "the network (and every machine in it) outlived the closed connections")
    }
}
