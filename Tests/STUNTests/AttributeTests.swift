import CrucibleTestSupport
import Testing
import STUN
import Wire

@Suite("Typed attribute values (RFC 8489 §14, RFC 8445 §16.1, RFC 8656 §18)")
struct AttributeTests {
    static let transactionID = STUNTransactionID(high: 0xb7e7_a701, low: 0xbc34_d686_fa87_dfae)
    static let v4 = STUNTransportAddress(.v4(0xC000_0201), port: 32853)
    static let v6 = STUNTransportAddress(.v6(high: 0x2001_0db8_1234_5678, low: 0x0011_2233_4455_6677), port: 32853)

    /// One case per attribute type: the typed value and its exact value bytes.
    static let table: [(STUNAttributeValue, String)] = [
        (.mappedAddress(v4), "00 01 80 55 c0 00 02 01"),
        (.mappedAddress(v6), "00 02 80 55 20 01 0d b8 12 34 56 78 00 11 22 33 44 55 66 77"),
        (.xorMappedAddress(v4), "00 01 a1 47 e1 12 a6 43"),
        (.xorMappedAddress(v6), "00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9"),
        (.username("evtj:h6vY"), "65 76 74 6a 3a 68 36 76 59"),
        (.userhash([UInt8](repeating: 0xAB, count: 32)), String(repeating: "ab ", count: 32)),
        (.messageIntegrity([UInt8](repeating: 1, count: 20)), String(repeating: "01 ", count: 20)),
        (.messageIntegritySHA256([UInt8](repeating: 2, count: 16)), String(repeating: "02 ", count: 16)),
        (.fingerprint(0xe57a_3bcf), "e5 7a 3b cf"),
        (.errorCode(STUNErrorCode(code: 401, reason: "Unauthorized")), "00 00 04 01 55 6e 61 75 74 68 6f 72 69 7a 65 64"),
        (.errorCode(STUNErrorCode(code: 699)), "00 00 06 63"),
        (.realm("example.org"), "65 78 61 6d 70 6c 65 2e 6f 72 67"),
        (.nonce("f//4"), "66 2f 2f 34"),
        (.passwordAlgorithm(.sha256), "00 02 00 00"),
        (.passwordAlgorithm(STUNPasswordAlgorithm(number: 9, parameters: [1, 2, 3])), "00 09 00 03 01 02 03 00"),
        (.passwordAlgorithms([.md5, .sha256]), "00 01 00 00 00 02 00 00"),
        (.unknownAttributes([0x0031, 0x7FFF]), "00 31 7f ff"),
        (.software("STUN test client"), "53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74"),
        (.alternateServer(v4), "00 01 80 55 c0 00 02 01"),
        (.alternateDomain("turn.example"), "74 75 72 6e 2e 65 78 61 6d 70 6c 65"),
        (.priority(0x6e00_01ff), "6e 00 01 ff"),
        (.useCandidate, ""),
        (.iceControlled(0x932f_f9b1_5126_3b36), "93 2f f9 b1 51 26 3b 36"),
        (.iceControlling(1), "00 00 00 00 00 00 00 01"),
        (.channelNumber(0x4001), "40 01 00 00"),
        (.lifetime(600), "00 00 02 58"),
        (.xorPeerAddress(v4), "00 01 a1 47 e1 12 a6 43"),
        (.data([1, 2, 3, 4, 5]), "01 02 03 04 05"),
        (.xorRelayedAddress(v6), "00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9"),
        (.requestedAddressFamily(.ipv6), "02 00 00 00"),
        (.evenPort(reserveNext: true), "80"),
        (.requestedTransport(17), "11 00 00 00"),
        (.dontFragment, ""),
        (.reservationToken(0x0102_0304_0506_0708), "01 02 03 04 05 06 07 08"),
        (.additionalAddressFamily(.ipv6), "02 00 00 00"),
        (.addressErrorCode(family: .ipv6, STUNErrorCode(code: 440, reason: "x")), "02 00 04 28 78"),
        (.icmp(type: 3, code: 1, data: 0xDEAD_BEEF), "00 00 03 01 de ad be ef"),
        (.unknown(type: STUNAttributeType(0x7F00), value: [9, 9]), "09 09"),
        (.unknown(type: STUNAttributeType(0xC001), value: []), ""),
    ]

    @Test("A typed value encodes to the RFC's bytes and decodes back to itself", arguments: 0..<table.count)
    func encodeDecode(index: Int) throws {
        let (value, hex) = Self.table[index]
        let attribute = STUNAttribute(value, transactionID: Self.transactionID)
        #expect(attribute.type == value.type)
        #expect(Array(attribute.value) == Hex.literal(hex))
        #expect(try attribute.decode(transactionID: Self.transactionID) == value)
        // And inside a message, through the bytes (a made-up FINGERPRINT value is not checked here).
        let message = STUNMessage(type: .bindingRequest, transactionID: Self.transactionID, values: [value])
        let parsed = try STUNMessage.parse(message.serialize(), checkFingerprint: false)
        #expect(parsed == message)
        #expect(parsed.value(of: value.type) == value)
        // describe names it and shows a decoded value, not an error.
        let json = STUNCodec.describe(parsed).renderJSON()
        #expect(json.contains("\"name\":\"\(value.type.name ?? "unknown")\""))
        #expect(json.contains("\"value\":"))
        #expect(!json.contains("\"error\":"))
    }

    @Test("describe shows addresses, error codes and families in their usual text forms")
    func describeForms() {
        #expect(STUNCodec.describe(.xorMappedAddress(Self.v6)) == .text("[2001:db8:1234:5678:11:2233:4455:6677]:32853"))
        #expect(STUNCodec.describe(.errorCode(STUNErrorCode(code: 438, reason: "Stale Nonce")))
            == .fields(["code": .unsigned(438), "reason": .text("Stale Nonce")]))
        #expect(STUNCodec.describe(.requestedTransport(17)) == .text("UDP (17)"))
        #expect(STUNCodec.describe(.channelNumber(0x4001)) == .text("0x4001"))
        #expect(STUNCodec.describe(.unknownAttributes([0x0024, 0x7F00])) == .list([.text("PRIORITY"), .text("0x7f00")]))
    }

    @Test("withMessageIntegrity replaces an old integrity and fingerprint instead of stacking them")
    func integrityBuilderReplaces() throws {
        let key = STUNKey(bytes: Array("pass".utf8))
        let base = STUNMessage(type: .bindingRequest, transactionID: Self.transactionID, values: [.username("u")])
        let once = base.withMessageIntegrity(key: key).withFingerprint()
        let twice = once.withMessageIntegrity(key: key).withFingerprint()
        #expect(twice == once)
        #expect(twice.attributes.map(\.type) == [.username, .messageIntegrity, .fingerprint])
        let truncated = base.withMessageIntegritySHA256(key: key, length: 20)
        #expect(truncated.first(.messageIntegritySHA256)?.value.count == 20)
        #expect(try STUNMessage.parse(truncated.serialize()).verifyMessageIntegritySHA256(key: key) == .valid)
        #expect(truncated.verifyMessageIntegritySHA256(key: STUNKey(bytes: Array("other".utf8))) == .invalid)
    }

    @Test("The table covers every attribute type the codec knows")
    func tableIsComplete() {
        let covered = Set(Self.table.map(\.0.type))
        for type in STUNAttributeType.known { #expect(covered.contains(type), "\(type) has no case") }
        #expect(STUNAttributeType.known.allSatisfy { $0.name != nil })
    }

    @Test("XOR addresses depend on the transaction ID only for IPv6 (RFC 8489 §14.2)")
    func xorUsesTransactionIDForIPv6() throws {
        let other = STUNTransactionID(high: 0, low: 0)
        let v4 = STUNAttribute(.xorMappedAddress(Self.v4), transactionID: Self.transactionID)
        let v6 = STUNAttribute(.xorMappedAddress(Self.v6), transactionID: Self.transactionID)
        #expect(try v4.decode(transactionID: other) == .xorMappedAddress(Self.v4))
        #expect(try v6.decode(transactionID: other) != .xorMappedAddress(Self.v6))
    }

    @Test("Attributes below 0x8000 are comprehension-required; unknown ones are reported, not rejected")
    func comprehensionRequired() throws {
        let message = STUNMessage(type: .bindingRequest, transactionID: Self.transactionID, values: [
            .unknown(type: STUNAttributeType(0x7F00), value: [1]),
            .unknown(type: STUNAttributeType(0xC001), value: [2]),
            .priority(1),
            .unknown(type: STUNAttributeType(0x0031), value: []),
            .unknown(type: STUNAttributeType(0x7F00), value: [3]),
        ])
        let parsed = try STUNMessage.parse(message.serialize())
        #expect(parsed.unknownComprehensionRequired == [0x7F00, 0x0031])
        #expect(parsed.serialize() == message.serialize())
    }

    @Test("Attributes after MESSAGE-INTEGRITY are ignored except MESSAGE-INTEGRITY-SHA256 and FINGERPRINT (§14.5–14.6)")
    func ignoredAfterIntegrity() throws {
        let key = STUNKey(bytes: [1, 2, 3])
        var message = STUNMessage(type: .bindingRequest, transactionID: Self.transactionID, values: [.username("a")])
            .withMessageIntegrity(key: key).withMessageIntegritySHA256(key: key).withFingerprint()
        #expect(message.attributesIgnoredAfterIntegrity.isEmpty)
        #expect(message.authenticatedAttributes.map(\.type) == [.username])
        message.attributes.insert(STUNAttribute(.priority(5), transactionID: Self.transactionID), at: 2)
        #expect(message.attributesIgnoredAfterIntegrity.map(\.type) == [.priority, .messageIntegritySHA256])
        #expect(message.verifyMessageIntegrity(key: key) == .valid)
    }

    @Test("IPv6 addresses print in RFC 5952 form", arguments: [
        (STUNIPAddress.v6(high: 0x2001_0db8_0000_0000, low: 1), "2001:db8::1"),
        (.v6(high: 0, low: 0), "::"),
        (.v6(high: 0, low: 1), "::1"),
        (.v6(high: 0x2001_0db8_0000_0001, low: 0x0000_0000_0001_0001), "2001:db8:0:1::1:1"),
        (.v6(high: 0x2001_0db8_0000_0001, low: 0x0001_0001_0001_0001), "2001:db8:0:1:1:1:1:1"),
        (.v4(0x7F00_0001), "127.0.0.1"),
    ])
    func addressText(address: STUNIPAddress, text: String) {
        #expect(address.description == text)
        #expect(STUNIPAddress(bytes: address.bytes) == address)
    }
}
