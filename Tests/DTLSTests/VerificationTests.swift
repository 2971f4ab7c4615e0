import SRTP
import DTLS
import SansIO
import Testing

@Suite("DTLS endpoint: peer verification by fingerprint and refusals")
struct VerificationTests {
    @Test("a client whose peer's certificate does not match the expected fingerprint fails, and no data crosses")
    func clientRejectsServer() throws {
        let stranger = try DTLSCertificate(commonName: "stranger").fingerprint()
        let pair = try Fixture.pair(clientExpects: stranger)
        pair.input(.send(Array("early".utf8)), to: .server)
        pair.input(.send(Array("early".utf8)), to: .client)
        pair.run(until: Instant.zero + .seconds(200))
        guard case .fingerprintMismatch(let expected, let actual) = pair.failure(.client) else {
            Issue.record("client events: \(pair.clientEvents)")
            return
        }
        #expect(expected == stranger)
        #expect(actual != nil && actual != stranger)
        #expect(pair.connectionInfo(.client) == nil)
        #expect(pair.applicationData(.client).isEmpty && pair.applicationData(.server).isEmpty)
        #expect(pair.client.state == .failed)
        // The client's bad_certificate alert (RFC 5246 §7.2.2, code 42) ends the server's handshake.
        #expect(pair.failure(.server) == .alertReceived(description: 42, name: "bad certificate"))
        #expect(pair.connectionInfo(.server) == nil)
    }

    @Test("a server whose client's certificate does not match fails, and the client never delivers data")
    func serverRejectsClient() throws {
        let stranger = try DTLSCertificate(commonName: "stranger").fingerprint()
        let pair = try Fixture.pair(serverExpects: stranger)
        pair.input(.send(Array("early".utf8)), to: .client)
        pair.run(until: Instant.zero + .seconds(200))
        guard case .fingerprintMismatch(let expected, _) = pair.failure(.server) else {
            Issue.record("server events: \(pair.serverEvents)")
            return
        }
        #expect(expected == stranger)
        #expect(pair.connectionInfo(.server) == nil)
        #expect(pair.applicationData(.server).isEmpty && pair.applicationData(.client).isEmpty)
        // The client may have finished its side before the alert came; it must not stay connected.
        #expect(pair.client.state == .failed)
    }

    @Test("a client without a certificate is refused by the server: WebRTC authenticates both sides")
    func clientWithoutCertificate() throws {
        let pair = try Fixture.pair(clientCertificate: false)
        pair.run(until: Instant.zero + .seconds(200))
        guard case .handshakeFailed(let reason) = pair.failure(.server) else {
            Issue.record("server events: \(pair.serverEvents)")
            return
        }
        #expect(reason.contains("peer did not return a certificate"))
        #expect(pair.client.state == .failed)
        #expect(pair.connectionInfo(.client) == nil)
    }

    @Test("a server without a certificate cannot choose any ECDHE-ECDSA or ECDHE-RSA suite")
    func serverWithoutCertificate() throws {
        let pair = try Fixture.pair(serverCertificate: false)
        pair.run(until: Instant.zero + .seconds(200))
        guard case .handshakeFailed(let reason) = pair.failure(.server) else {
            Issue.record("server events: \(pair.serverEvents)")
            return
        }
        #expect(reason.contains("no shared cipher"))
        guard case .alertReceived = pair.failure(.client) else {
            Issue.record("client events: \(pair.clientEvents)")
            return
        }
    }

    @Test("when the peers share no SRTP profile, both fail once the handshake is done (RFC 5764 §4.1.1)")
    func noCommonSRTPProfile() throws {
        let pair = try Fixture.pair(clientProfiles: [.aeadAES128GCM], serverProfiles: [.aes128CounterHMACSHA1_80])
        pair.input(.send([1, 2, 3]), to: .client)
        pair.run(until: Instant.zero + .seconds(200))
        #expect(pair.failure(.client) == .srtpNotNegotiated)
        #expect(pair.failure(.server) == .srtpNotNegotiated)
        #expect(pair.applicationData(.server).isEmpty)
    }

    @Test("an MTU below 256 bytes is refused when the endpoint is made")
    func smallMTU() throws {
        let certificate = try DTLSCertificate()
        #expect(throws: DTLSEndpointError.self) {
            try DTLSEndpoint(role: .client, certificate: certificate, expectedPeerFingerprint: certificate.fingerprint(), mtu: 100)
        }
    }
}
