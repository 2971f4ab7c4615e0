import DTLS
import SansIO
import Testing

@Suite("DTLS endpoint handshake")
struct HandshakeTests {
    @Test("client and server connect, agree on an ECDHE-ECDSA AES-GCM suite and see each other's certificate")
    func connects() throws {
        let pair = try Fixture.pair()
        pair.run(until: Instant.zero + .seconds(10))
        let client = try #require(pair.connectionInfo(.client), "client events: \(pair.clientEvents)")
        let server = try #require(pair.connectionInfo(.server), "server events: \(pair.serverEvents)")
        #expect(client.cipherSuite == 0xC02B)
        #expect(client.cipherSuiteName == "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")
        #expect(server.cipherSuite == client.cipherSuite)
        #expect(client.role == .client && server.role == .server)
        #expect(pair.client.state == .connected && pair.server.state == .connected)
        #expect(pair.transmissions.allSatisfy { $0.time == .zero }, "no retransmission on a lossless link")
    }
}
