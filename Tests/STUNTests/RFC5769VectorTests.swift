import CrucibleTestSupport
import Testing
import STUN
import Wire

@Suite("RFC 5769 and RFC 8489 B.1 test vectors")
struct RFC5769VectorTests {
    static let transactionID = STUNTransactionID(bytes: [0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae])!

    @Test("Every vector re-serialises byte for byte, padding content included", arguments: Vectors.all.map(\.name))
    func roundTrip(name: String) throws {
        let bytes = try #require(Vectors.all.first { $0.name == name }).bytes
        let message = try STUNMessage.parse(bytes)
        #expect(message.serialize() == bytes)
        #expect(STUNMessage.looksLikeSTUN(bytes))
        #expect(STUNCodec.serialize(try STUNCodec.parse(bytes)) == bytes)
    }

    @Test("RFC 5769 §2.1: request with SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME, MESSAGE-INTEGRITY, FINGERPRINT")
    func sampleRequest() throws {
        let message = try STUNMessage.parse(Vectors.sampleRequest)
        #expect(message.type == .bindingRequest)
        #expect(message.transactionID == Self.transactionID)
        #expect(message.attributes.map(\.type) == [.software, .priority, .iceControlled, .username, .messageIntegrity, .fingerprint])
        #expect(message.value(of: .software) == .software("STUN test client"))
        #expect(message.value(of: .priority) == .priority(0x6e00_01ff))
        #expect(message.value(of: .iceControlled) == .iceControlled(0x932f_f9b1_5126_3b36))
        #expect(message.value(of: .username) == .username("evtj:h6vY"))
        #expect(message.first(.username)?.padding == [0x20, 0x20, 0x20])
        #expect(message.unknownComprehensionRequired.isEmpty)
        #expect(message.authenticatedAttributes.count == 4)
        #expect(message.attributesIgnoredAfterIntegrity.isEmpty)

        let key = try STUNCredentials.shortTermKey(password: Vectors.shortTermPassword)
        #expect(message.verifyMessageIntegrity(key: key) == .valid)
        #expect(message.verifyMessageIntegritySHA256(key: key) == .absent)
        #expect(message.verifyFingerprint() == .valid)
        let wrong = try STUNCredentials.shortTermKey(password: "wrong")
        #expect(message.verifyMessageIntegrity(key: wrong) == .invalid)
    }

    @Test("RFC 5769 §2.2: IPv4 response, XOR-MAPPED-ADDRESS 192.0.2.1:32853")
    func sampleIPv4Response() throws {
        let message = try STUNMessage.parse(Vectors.sampleIPv4Response)
        #expect(message.type == .bindingSuccess)
        #expect(message.transactionID == Self.transactionID)
        #expect(message.value(of: .software) == .software("test vector"))
        guard case .xorMappedAddress(let address) = message.value(of: .xorMappedAddress) else {
            Issue.record("no XOR-MAPPED-ADDRESS")
            return
        }
        #expect(address.description == "192.0.2.1:32853")
        #expect(address == STUNTransportAddress(.v4(0xC000_0201), port: 32853))
        let key = try STUNCredentials.shortTermKey(password: Vectors.shortTermPassword)
        #expect(message.verifyMessageIntegrity(key: key) == .valid)
        #expect(message.verifyFingerprint() == .valid)
    }

    @Test("RFC 5769 §2.3: IPv6 response, XOR-MAPPED-ADDRESS [2001:db8:1234:5678:11:2233:4455:6677]:32853")
    func sampleIPv6Response() throws {
        let message = try STUNMessage.parse(Vectors.sampleIPv6Response)
        #expect(message.type == .bindingSuccess)
        guard case .xorMappedAddress(let address) = message.value(of: .xorMappedAddress) else {
            Issue.record("no XOR-MAPPED-ADDRESS")
            return
        }
        #expect(address.description == "[2001:db8:1234:5678:11:2233:4455:6677]:32853")
        #expect(address.address.bytes == Hex.literal("20 01 0d b8 12 34 56 78 00 11 22 33 44 55 66 77"))
        let key = try STUNCredentials.shortTermKey(password: Vectors.shortTermPassword)
        #expect(message.verifyMessageIntegrity(key: key) == .valid)
        #expect(message.verifyFingerprint() == .valid)
    }

    @Test("RFC 5769 §2.4: long-term request verifies under MD5(username:realm:SASLprep(password))")
    func sampleLongTermRequest() throws {
        let message = try STUNMessage.parse(Vectors.sampleLongTermRequest)
        #expect(message.type == .bindingRequest)
        #expect(message.transactionID == STUNTransactionID(bytes: Hex.literal("78 ad 34 33 c6 ad 72 c0 29 da 41 2e")))
        #expect(message.value(of: .username) == .username(Vectors.matrixUsername))
        #expect(message.value(of: .nonce) == .nonce("f//499k954d6OL34oL9FSTvy64sA"))
        #expect(message.value(of: .realm) == .realm("example.org"))
        #expect(message.verifyFingerprint() == .absent)

        let password = "The\u{00AD}M\u{00AA}tr\u{2168}"
        let key = try STUNCredentials.longTermKey(
            username: Vectors.matrixUsername, realm: "example.org", password: password, preparation: .saslPrep)
        #expect(message.verifyMessageIntegrity(key: key) == .valid)
        // RFC 8489's OpaqueString refuses the soft hyphen, so that key cannot even be made.
        #expect(throws: STUNPreparationError.self) {
            try STUNCredentials.longTermKey(username: Vectors.matrixUsername, realm: "example.org", password: password)
        }
    }

    @Test("RFC 8489 B.1 (erratum 6268): USERHASH, PASSWORD-ALGORITHM SHA-256, MESSAGE-INTEGRITY-SHA256")
    func sampleSHA256Request() throws {
        let message = try STUNMessage.parse(Vectors.sampleSHA256Request)
        #expect(message.type == .bindingRequest)
        #expect(message.attributes.map(\.type) == [.userhash, .nonce, .realm, .passwordAlgorithm, .messageIntegritySHA256])
        let userhash = try STUNCredentials.userhash(username: Vectors.matrixUsername, realm: "example.org")
        #expect(message.value(of: .userhash) == .userhash(userhash))
        #expect(message.value(of: .nonce) == .nonce("obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA"))
        #expect(message.first(.nonce)?.padding == [0, 0, 0])
        #expect(message.value(of: .realm) == .realm("example.org"))
        #expect(message.value(of: .passwordAlgorithm) == .passwordAlgorithm(.sha256))

        let key = try STUNCredentials.longTermKey(
            username: Vectors.matrixUsername, realm: "example.org", password: "TheMatrIX", algorithm: .sha256)
        #expect(message.verifyMessageIntegritySHA256(key: key) == .valid)
        #expect(message.verifyMessageIntegrity(key: key) == .absent)
        let md5Key = try STUNCredentials.longTermKey(
            username: Vectors.matrixUsername, realm: "example.org", password: "TheMatrIX", algorithm: .md5)
        #expect(message.verifyMessageIntegritySHA256(key: md5Key) == .invalid)
    }

    @Test("Recomputing integrity and fingerprint over a vector's attributes gives the vector's values")
    func recomputeIntegrity() throws {
        let key = try STUNCredentials.shortTermKey(password: Vectors.shortTermPassword)
        for bytes in [Vectors.sampleRequest, Vectors.sampleIPv4Response, Vectors.sampleIPv6Response] {
            let message = try STUNMessage.parse(bytes)
            var stripped = message
            stripped.attributes.removeLast(2)
            #expect(stripped.withMessageIntegrity(key: key).withFingerprint() == message)
        }
    }

    @Test("describe names every attribute with its decoded value")
    func describeVector() throws {
        let text = STUNCodec.describe(try STUNMessage.parse(Vectors.sampleIPv4Response)).renderText()
        #expect(text.contains("class: success response"))
        #expect(text.contains("method: Binding"))
        #expect(text.contains("transaction-id: b7e7a701bc34d686fa87dfae"))
        #expect(text.contains("name: XOR-MAPPED-ADDRESS"))
        #expect(text.contains("value: 192.0.2.1:32853"))
        #expect(text.contains("name: SOFTWARE"))
        #expect(text.contains("padding: 20"))
    }
}
