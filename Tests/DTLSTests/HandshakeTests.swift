import SRTP
import DTLS
import DTLSRecord
import SansIO
import Testing

@Suite("DTLS endpoint: handshake, roles and SRTP negotiation")
struct HandshakeTests {
    @Test("client and server connect on a lossless link in four datagrams, at time zero, with an ECDHE-ECDSA AES-128-GCM suite")
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
        #expect(pair.client.nextDeadline == nil && pair.server.nextDeadline == nil, "no timer once connected")
        #expect(pair.transmissions.allSatisfy { $0.time == .zero })
        // Flights 1, 4, 5 and 6 of RFC 6347 §4.2.4 (no HelloVerifyRequest: ICE already proved the
        // address), each packed into one datagram under the 1200-byte MTU.
        #expect(pair.transmissions.map(\.from) == [.client, .server, .client, .server])
        #expect(pair.transmissions.allSatisfy { $0.payload.count <= 1200 })
    }

    @Test("each side reports the peer's certificate and its sha-256 fingerprint")
    func peerCertificates() throws {
        let clientCertificate = try DTLSCertificate(commonName: "client")
        let serverCertificate = try DTLSCertificate(commonName: "server")
        let client = try DTLSEndpoint(role: .client, certificate: clientCertificate, expectedPeerFingerprint: serverCertificate.fingerprint())
        let server = try DTLSEndpoint(role: .server, certificate: serverCertificate, expectedPeerFingerprint: clientCertificate.fingerprint())
        let pair = TwoEndpoints(client: client, server: server)
        pair.run(until: Instant.zero + .seconds(10))
        let clientView = try #require(pair.connectionInfo(.client))
        let serverView = try #require(pair.connectionInfo(.server))
        #expect(clientView.peerCertificate == serverCertificate.der)
        #expect(clientView.peerFingerprint == serverCertificate.fingerprint())
        #expect(serverView.peerCertificate == clientCertificate.der)
        #expect(serverView.peerFingerprint == clientCertificate.fingerprint())
    }

    @Test(
        "use_srtp settles on the server's most preferred profile among those the client offers (RFC 5764 §4.1.1: the server selects)",
        arguments: [
            ([SRTPProfile.aeadAES128GCM, .aes128CounterHMACSHA1_80], [SRTPProfile.aeadAES128GCM, .aes128CounterHMACSHA1_80], SRTPProfile.aeadAES128GCM),
            ([.aes128CounterHMACSHA1_80, .aeadAES128GCM], [.aeadAES128GCM, .aes128CounterHMACSHA1_80], .aeadAES128GCM),
            ([.aeadAES128GCM, .aes128CounterHMACSHA1_80], [.aes128CounterHMACSHA1_80, .aeadAES128GCM], .aes128CounterHMACSHA1_80),
            ([.aes128CounterHMACSHA1_80], [.aeadAES128GCM, .aes128CounterHMACSHA1_80], .aes128CounterHMACSHA1_80),
            ([.aeadAES128GCM, .aes128CounterHMACSHA1_80], [.aeadAES128GCM], .aeadAES128GCM),
        ])
    func srtpProfile(clientProfiles: [SRTPProfile], serverProfiles: [SRTPProfile], expected: SRTPProfile) throws {
        let pair = try Fixture.pair(clientProfiles: clientProfiles, serverProfiles: serverProfiles)
        pair.run(until: Instant.zero + .seconds(10))
        let client = try #require(pair.connectionInfo(.client), "\(pair.clientEvents)")
        let server = try #require(pair.connectionInfo(.server), "\(pair.serverEvents)")
        #expect(client.srtpProfile == expected)
        #expect(server.srtpProfile == expected)
    }

    @Test("both ends export the same SRTP keys, sized for the profile and different per direction (RFC 5764 §4.2)",
          arguments: SRTPProfile.allCases)
    func exporterKeys(profile: SRTPProfile) throws {
        let pair = try Fixture.pair(clientProfiles: [profile], serverProfiles: [profile])
        pair.run(until: Instant.zero + .seconds(10))
        let client = try #require(pair.connectionInfo(.client)?.srtpKeys)
        let server = try #require(pair.connectionInfo(.server)?.srtpKeys)
        #expect(client == server)
        #expect(client.profile == profile)
        #expect(client.client.masterKey.count == profile.masterKeyLength && client.server.masterKey.count == profile.masterKeyLength)
        #expect(client.client.masterSalt.count == profile.masterSaltLength)
        #expect(client.client.masterKey != client.server.masterKey)
        #expect(client.local(for: .client) == server.remote(for: .server))
    }

    @Test("without SRTP profiles the endpoints connect with no use_srtp and no keys")
    func withoutSRTP() throws {
        let pair = try Fixture.pair(clientProfiles: [], serverProfiles: [])
        pair.run(until: Instant.zero + .seconds(10))
        let client = try #require(pair.connectionInfo(.client))
        #expect(client.srtpProfile == nil && client.srtpKeys == nil)
        #expect(pair.connectionInfo(.server) != nil)
    }

    @Test(
        "a=setup values choose the DTLS role: active is the client, passive the server, actpass the opposite of the peer (RFC 5763 §5)",
        arguments: [
            (DTLSSetup.active, DTLSSetup.passive, DTLSRole?.some(.client)),
            (.active, .actpass, .client),
            (.actpass, .passive, .client),
            (.passive, .active, .server),
            (.passive, .actpass, .server),
            (.actpass, .active, .server),
            (.active, .active, nil),
            (.passive, .passive, nil),
            (.actpass, .actpass, nil),
            (.holdconn, .active, nil),
            (.passive, .holdconn, nil),
        ])
    func roleFromSetup(local: DTLSSetup, remote: DTLSSetup, expected: DTLSRole?) {
        #expect(DTLSRole(local: local, remote: remote) == expected)
    }

    @Test("a client sends its ClientHello on its first call; its deadline is due until then, a server has none")
    func clientStartsOnFirstCall() throws {
        let pair = try Fixture.pair()
        #expect(pair.client.nextDeadline == .zero)
        #expect(pair.server.nextDeadline == nil)
        pair.client.handleTimeout(at: .zero)
        let first = try #require(pair.client.poll())
        guard case .transmit(let payload) = first else {
            Issue.record("expected a transmission, got \(first)")
            return
        }
        let datagram = try DTLSDatagram.parse(payload)
        guard case .classic(let record) = try #require(datagram.records.first) else {
            Issue.record("not a classic record")
            return
        }
        let fragment = try #require(try HandshakeFragment.parseAll(record.fragment).first)
        #expect(fragment.header.type == .clientHello)
        #expect(pair.client.nextDeadline == Instant.zero + .seconds(1))
    }
}
