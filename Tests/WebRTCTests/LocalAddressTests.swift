import Testing
import WebRTC
import Wire

/// The native engine binds and gathers only on the local addresses it is given: the allow-list of
/// DESIGN §6 (`ConnectionConfiguration.localAddresses`, loopback by default).
@Suite("Native engine: the local addresses it binds and gathers on")
struct LocalAddressTests {
    /// The host candidates of a complete offer, as `address` strings, and the `local-candidate` stats.
    static func gathered(on addresses: [TransportAddress]) async throws -> (sdp: [String], stats: [String]) {
        let client = WebRTCClient(engine: .native) { $0.defaultConnection.localAddresses = addresses }
        let connection = try await client.createPeerConnection()
        _ = try await connection.createDataChannel("gather")
        try await connection.setLocalDescription(try await connection.createOffer())
        try await connection.awaitIceGatheringComplete()
        let sdp = try #require(try await connection.localDescription()).sdp
        // a=candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> …
        let candidates = sdp.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("a=candidate:") }
            .map { $0.split(separator: " ").map(String.init) }
        #expect(candidates.allSatisfy { $0.count >= 8 && $0[6] == "typ" && $0[7] == "host" })
        let report = try await connection.statistics()
        await connection.close()
        let stats = report.entries(ofType: "local-candidate").compactMap { entry -> String? in
            guard case .string(let address) = entry["address"] else { return nil }
            return address
        }
        return (candidates.map { $0[4] }, stats)
    }

    @Test("bound to 127.0.0.1 explicitly, a connection gathers exactly that address")
    func explicitLoopback() async throws {
        let (sdp, stats) = try await Self.gathered(on: [TransportAddress(.loopbackV4, port: 0)])
        #expect(sdp == ["127.0.0.1"])
        #expect(stats == ["127.0.0.1"])
    }

    @Test("two addresses of 127.0.0.0/8 give one host candidate each, in order")
    func twoAddresses() async throws {
        let second = try #require(IPAddress("127.0.0.2"))
        let (sdp, _) = try await Self.gathered(on: [TransportAddress(.loopbackV4, port: 0), TransportAddress(second, port: 0)])
        #expect(sdp == ["127.0.0.1", "127.0.0.2"])
    }

    @Test("an address none of this machine's interfaces has is refused with .driver(.notLocal), naming the ones it has", arguments: [
        "198.51.100.201", "0.0.0.0", "2001:db8::1",
    ])
    func notLocal(_ text: String) async throws {
        let address = TransportAddress(try #require(IPAddress(text)), port: 0)
        let client = WebRTCClient(engine: .native) { $0.defaultConnection.localAddresses = [address] }
        do {
            _ = try await client.createPeerConnection()
            Issue.record("\(text) was bound")
        } catch {
            guard case .driver(.notLocal(let refused, let available)) = error else {
                Issue.record("expected .driver(.notLocal), got \(error)")
                return
            }
            #expect(refused == address)
            #expect(available.contains(.loopbackV4))
            #expect(error.description.contains("\(text) is not an address of this machine (its addresses: "))
        }
        #expect(throws: WebRTCError.self) { try NativeEngine.validate(localAddresses: [address]) }
        try NativeEngine.validate(localAddresses: [TransportAddress(.loopbackV4, port: 0)])
    }
}
