import SRTP
import DTLS
import DTLSRecord
import Decryption
import SansIO
import Testing
import Wire

/// The endpoint's secrets checked against an independent implementation: the key log and the hello
/// randoms seen on the wire, fed to `Decryption` (RFC 5705 exporter, RFC 5246 PRF, RFC 5288 records).
@Suite("DTLS endpoint: key log, exporter and records cross-checked with Decryption")
struct CrossCheckTests {
    struct Hellos {
        var clientRandom: [UInt8] = []
        var serverRandom: [UInt8] = []
        var cipherSuite: UInt16 = 0
    }

    /// The randoms and the chosen suite, read from the transmitted ClientHello and ServerHello.
    static func hellos(_ pair: TwoEndpoints) throws -> Hellos {
        var hellos = Hellos()
        for transmission in pair.transmissions {
            for case .classic(let record) in try DTLSDatagram.parse(transmission.payload).records
            where record.contentType == .handshake && record.epoch == 0 {
                for fragment in try HandshakeFragment.parseAll(record.fragment) {
                    switch try HandshakeMessage(fragment).body {
                    case .clientHello(let hello): hellos.clientRandom = hello.random
                    case .serverHello(let hello):
                        hellos.serverRandom = hello.random
                        hellos.cipherSuite = hello.cipherSuite
                    default: break
                    }
                }
            }
        }
        return hellos
    }

    static func secrets(_ pair: TwoEndpoints) throws -> DTLSHandshakeSecrets {
        let hellos = try hellos(pair)
        let lines = pair.keyLogLines(.client)
        #expect(lines.count == 1)
        #expect(pair.keyLogLines(.server) == lines, "both sides log the same master secret")
        let log = KeyLog(parsing: lines.joined(separator: "\n"))
        #expect(log.problems.isEmpty)
        return try DTLSHandshakeSecrets(
            keyLog: log, clientRandom: hellos.clientRandom, serverRandom: hellos.serverRandom, cipherSuite: hellos.cipherSuite)
    }

    @Test("the key log line is CLIENT_RANDOM with the ClientHello's random and a 48-byte master secret")
    func keyLogLine() throws {
        let pair = try Fixture.pair(keyLog: true)
        pair.run(until: Instant.zero + .seconds(10))
        let line = try #require(pair.keyLogLines(.client).first)
        let fields = line.split(separator: " ")
        #expect(fields.count == 3)
        #expect(fields.first == "CLIENT_RANDOM")
        #expect(fields.dropFirst().first.map { String($0).lowercased() } == Hex.encode(try Self.hellos(pair).clientRandom))
        #expect(fields.last?.count == 96)
        // The line comes before `.connected`, so a recorder has it before any protected record.
        let order = pair.clientEvents.map { output -> Int in
            switch output {
            case .keyLog: 0
            case .connected: 1
            default: 2
            }
        }
        #expect(order.firstIndex(of: 0)! < order.firstIndex(of: 1)!)
    }

    @Test("without keyLog no line is emitted")
    func noKeyLog() throws {
        let pair = try Fixture.pair()
        pair.run(until: Instant.zero + .seconds(10))
        #expect(pair.keyLogLines(.client).isEmpty && pair.keyLogLines(.server).isEmpty)
    }

    @Test("Decryption derives from the key log and the wire randoms the SRTP keys OpenSSL exported", arguments: SRTPProfile.allCases)
    func exporterMatchesDecryption(profile: SRTPProfile) throws {
        let pair = try Fixture.pair(clientProfiles: [profile], serverProfiles: [profile], keyLog: true)
        pair.run(until: Instant.zero + .seconds(10))
        let exported = try #require(pair.connectionInfo(.client)?.srtpKeys)
        let srtpProfile = try #require(SRTPProfile(rawValue: profile.rawValue))
        let derived = try Self.secrets(pair).srtpKeys(profile: srtpProfile)
        #expect(derived.client.masterKey == exported.client.masterKey)
        #expect(derived.client.masterSalt == exported.client.masterSalt)
        #expect(derived.server.masterKey == exported.server.masterKey)
        #expect(derived.server.masterSalt == exported.server.masterSalt)
    }

    @Test("Decryption's record decryptor opens captured application-data records of both directions")
    func recordsDecrypt() throws {
        let pair = try Fixture.pair(keyLog: true)
        pair.run(until: Instant.zero + .seconds(10))
        let decryptor = try Self.secrets(pair).recordDecryptor()
        pair.input(.send(Array("hello from the client".utf8)), to: .client)
        let fromClient = try #require(pair.sent(by: .client).last)
        #expect(try decryptor.decrypt(record: fromClient.payload, from: .client) == Array("hello from the client".utf8))
        pair.input(.send(Array("and from the server".utf8)), to: .server)
        let fromServer = try #require(pair.sent(by: .server).last)
        #expect(try decryptor.decrypt(record: fromServer.payload, from: .server) == Array("and from the server".utf8))
        #expect(throws: DecryptionError.self) { try decryptor.decrypt(record: fromServer.payload, from: .client) }
    }
}
