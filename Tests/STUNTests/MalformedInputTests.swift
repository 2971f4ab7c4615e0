import Testing
import STUN

/// Hostile and broken input: every case names the rule and the offset the parser must report.
@Suite("Malformed STUN and ChannelData input")
struct MalformedInputTests {
    static let id = STUNTransactionID(high: 1, low: 2)

    /// A message from raw attributes, with a correct header length.
    static func message(_ attributes: [(UInt16, [UInt8])], type: STUNMessageType = .bindingRequest) -> [UInt8] {
        STUNMessage(type: type, transactionID: id,
                    attributes: attributes.map { STUNAttribute(type: STUNAttributeType($0.0), value: $0.1) }).serialize()
    }

    static func changing(_ bytes: [UInt8], _ changes: [Int: UInt8]) -> [UInt8] {
        var copy = bytes
        for (offset, value) in changes { copy[offset] = value }
        return copy
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let bytes: [UInt8]
        let rule: STUNRule
        let offset: Int
        var testDescription: String { name }
    }

    static let ipv4 = Vectors.sampleIPv4Response  // 80 bytes: SOFTWARE @20, XOR-MAPPED-ADDRESS @36, MI @48, FINGERPRINT @72

    static let cases: [Case] = [
        Case(name: "empty datagram", bytes: [], rule: .truncated, offset: 0),
        Case(name: "header cut after 19 bytes", bytes: Array(ipv4.prefix(19)), rule: .truncated, offset: 19),
        Case(name: "first bit set", bytes: changing(ipv4, [0: 0x81]), rule: .leadingBits, offset: 0),
        Case(name: "second bit set", bytes: changing(ipv4, [0: 0x41]), rule: .leadingBits, offset: 0),
        Case(name: "bad magic cookie", bytes: changing(ipv4, [4: 0x22]), rule: .magicCookie, offset: 4),
        Case(name: "RFC 3489 message without cookie", bytes: changing(ipv4, [4: 0, 5: 0, 6: 0, 7: 0]), rule: .magicCookie, offset: 4),
        Case(name: "length not a multiple of 4", bytes: changing(ipv4, [3: 0x3d]), rule: .lengthAlignment, offset: 2),
        Case(name: "length field too long", bytes: changing(ipv4, [3: 0x40]), rule: .lengthMismatch, offset: 2),
        Case(name: "length field too short", bytes: changing(ipv4, [3: 0x38]), rule: .lengthMismatch, offset: 2),
        Case(name: "datagram longer than the length field", bytes: ipv4 + [0, 0, 0, 0], rule: .lengthMismatch, offset: 2),
        Case(name: "attribute length past the message end", bytes: changing(ipv4, [22: 0x00, 23: 0xff]), rule: .attributeOverflow, offset: 22),
        Case(name: "attribute length 0xffff", bytes: changing(ipv4, [22: 0xff, 23: 0xff]), rule: .attributeOverflow, offset: 22),
        Case(name: "bad fingerprint value", bytes: changing(ipv4, [79: 0x97]), rule: .fingerprintValue, offset: 76),
        Case(name: "integrity damaged under a fingerprint", bytes: changing(ipv4, [60: 0x00]), rule: .fingerprintValue, offset: 76),
        Case(name: "FINGERPRINT not last", bytes: message([(0x8028, [0, 0, 0, 0]), (0x8022, [0x41])]), rule: .fingerprintLast, offset: 20),
        Case(name: "PRIORITY of 3 bytes", bytes: message([(0x0024, [1, 2, 3])]), rule: .attributeLength, offset: 22),
        Case(name: "PRIORITY of 8 bytes", bytes: message([(0x0024, [UInt8](repeating: 0, count: 8))]), rule: .attributeLength, offset: 22),
        Case(name: "FINGERPRINT of 8 bytes", bytes: message([(0x8028, [UInt8](repeating: 0, count: 8))]), rule: .attributeLength, offset: 22),
        Case(name: "MESSAGE-INTEGRITY of 19 bytes", bytes: message([(0x0008, [UInt8](repeating: 0, count: 19))]), rule: .attributeLength, offset: 22),
        Case(name: "MESSAGE-INTEGRITY-SHA256 of 12 bytes", bytes: message([(0x001C, [UInt8](repeating: 0, count: 12))]), rule: .attributeLength, offset: 22),
        Case(name: "MESSAGE-INTEGRITY-SHA256 of 18 bytes", bytes: message([(0x001C, [UInt8](repeating: 0, count: 18))]), rule: .attributeLength, offset: 22),
        Case(name: "MESSAGE-INTEGRITY-SHA256 of 36 bytes", bytes: message([(0x001C, [UInt8](repeating: 0, count: 36))]), rule: .attributeLength, offset: 22),
        Case(name: "USERHASH of 31 bytes", bytes: message([(0x001E, [UInt8](repeating: 0, count: 31))]), rule: .attributeLength, offset: 22),
        Case(name: "USE-CANDIDATE with a value", bytes: message([(0x0025, [0, 0, 0, 0])]), rule: .attributeLength, offset: 22),
        Case(name: "DONT-FRAGMENT with a value", bytes: message([(0x001A, [0])]), rule: .attributeLength, offset: 22),
        Case(name: "ICE-CONTROLLING of 4 bytes", bytes: message([(0x802A, [0, 0, 0, 1])]), rule: .attributeLength, offset: 22),
        Case(name: "ICE-CONTROLLED of 4 bytes", bytes: message([(0x8029, [0, 0, 0, 1])]), rule: .attributeLength, offset: 22),
        Case(name: "CHANNEL-NUMBER of 2 bytes", bytes: message([(0x000C, [0x40, 0])]), rule: .attributeLength, offset: 22),
        Case(name: "LIFETIME of 2 bytes", bytes: message([(0x000D, [0, 1])]), rule: .attributeLength, offset: 22),
        Case(name: "EVEN-PORT of 4 bytes", bytes: message([(0x0018, [0x80, 0, 0, 0])]), rule: .attributeLength, offset: 22),
        Case(name: "REQUESTED-TRANSPORT of 1 byte", bytes: message([(0x0019, [17])]), rule: .attributeLength, offset: 22),
        Case(name: "RESERVATION-TOKEN of 4 bytes", bytes: message([(0x0022, [1, 2, 3, 4])]), rule: .attributeLength, offset: 22),
        Case(name: "ICMP of 4 bytes", bytes: message([(0x8004, [0, 0, 3, 1])]), rule: .attributeLength, offset: 22),
        Case(name: "UNKNOWN-ATTRIBUTES of odd length", bytes: message([(0x000A, [0, 1, 2])]), rule: .attributeLength, offset: 22),
        Case(name: "XOR-MAPPED-ADDRESS of 2 bytes", bytes: message([(0x0020, [0, 1])]), rule: .attributeLength, offset: 22),
        Case(name: "XOR-MAPPED-ADDRESS IPv4 with 20 bytes", bytes: message([(0x0020, [0, 1] + [UInt8](repeating: 0, count: 18))]), rule: .attributeLength, offset: 22),
        Case(name: "XOR-MAPPED-ADDRESS IPv6 with 8 bytes", bytes: message([(0x0020, [0, 2, 0, 0, 0, 0, 0, 0])]), rule: .attributeLength, offset: 22),
        Case(name: "MAPPED-ADDRESS family 3", bytes: message([(0x0001, [0, 3, 0, 0, 0, 0, 0, 0])]), rule: .addressFamily, offset: 25),
        Case(name: "XOR-PEER-ADDRESS family 0", bytes: message([(0x0012, [0, 0, 0, 0, 0, 0, 0, 0])]), rule: .addressFamily, offset: 25),
        Case(name: "REQUESTED-ADDRESS-FAMILY 3", bytes: message([(0x0017, [3, 0, 0, 0])]), rule: .addressFamily, offset: 24),
        Case(name: "ADDITIONAL-ADDRESS-FAMILY 0", bytes: message([(0x8000, [0, 0, 0, 0])]), rule: .addressFamily, offset: 24),
        Case(name: "ERROR-CODE of 3 bytes", bytes: message([(0x0009, [0, 0, 4])]), rule: .attributeLength, offset: 22),
        Case(name: "ERROR-CODE class 7", bytes: message([(0x0009, [0, 0, 7, 0])]), rule: .errorCodeRange, offset: 26),
        Case(name: "ERROR-CODE class 2", bytes: message([(0x0009, [0, 0, 2, 0])]), rule: .errorCodeRange, offset: 26),
        Case(name: "ERROR-CODE number 100", bytes: message([(0x0009, [0, 0, 4, 100])]), rule: .errorCodeRange, offset: 26),
        Case(name: "ADDRESS-ERROR-CODE class 1", bytes: message([(0x8001, [2, 0, 1, 0])]), rule: .errorCodeRange, offset: 26),
        Case(name: "PASSWORD-ALGORITHM parameters past the value", bytes: message([(0x001D, [0, 2, 0, 4])]), rule: .passwordAlgorithmParameters, offset: 26),
        Case(name: "PASSWORD-ALGORITHM with bytes after the parameters", bytes: message([(0x001D, [0, 2, 0, 0, 0, 0, 0, 0])]), rule: .passwordAlgorithmParameters, offset: 28),
        Case(name: "PASSWORD-ALGORITHMS with a cut entry", bytes: message([(0x8002, [0, 1, 0, 0, 0, 2])]), rule: .passwordAlgorithmParameters, offset: 28),
    ]

    @Test("Each malformed message is refused with the rule and offset it breaks", arguments: cases)
    func refused(testCase: Case) {
        #expect(throws: STUNError.self) { try STUNMessage.parse(testCase.bytes) }
        do {
            _ = try STUNMessage.parse(testCase.bytes)
        } catch {
            #expect(error.rule == testCase.rule, "\(error)")
            #expect(error.offset == testCase.offset, "\(error)")
        }
    }

    @Test("Every rule of STUNRule has an id, an RFC reference and at least one malformed case")
    func everyRuleIsExercised() {
        let exercised = Set(Self.cases.map(\.rule)).union([.channelNumber, .channelDataLength])
        for rule in STUNRule.allCases {
            #expect(exercised.contains(rule), "\(rule) has no malformed case")
            #expect(rule.id.hasPrefix("STUN.") || rule.id.hasPrefix("TURN."))
            #expect(rule.reference.hasPrefix("RFC "))
        }
    }

    @Test("Cutting a vector at any offset is refused: truncated inside the header, length mismatch after",
          arguments: Vectors.all.map(\.name))
    func truncationAtEveryOffset(name: String) throws {
        let bytes = try #require(Vectors.all.first { $0.name == name }).bytes
        for cut in 0..<bytes.count {
            do {
                _ = try STUNMessage.parse(Array(bytes.prefix(cut)))
                Issue.record("\(name) cut at \(cut) was accepted")
            } catch {
                #expect(error.rule == (cut < 20 ? .truncated : .lengthMismatch), "cut at \(cut): \(error)")
                #expect(error.offset == (cut < 20 ? cut : 2), "cut at \(cut): \(error)")
            }
            #expect(!STUNMessage.looksLikeSTUN(bytes.prefix(cut)))
        }
    }

    @Test("Parsing can turn off the fingerprint check but not the FINGERPRINT-last rule")
    func fingerprintCheckSwitch() throws {
        let damaged = Self.changing(Self.ipv4, [79: 0x97])
        #expect(try STUNMessage.parse(damaged, checkFingerprint: false).serialize() == damaged)
        #expect(try STUNMessage.parse(damaged, checkFingerprint: false).verifyFingerprint() == .invalid)
        #expect(throws: STUNError.self) {
            try STUNMessage.parse(Self.message([(0x8028, [0, 0, 0, 0]), (0x8022, [0x41])]), checkFingerprint: false)
        }
    }

    @Test("A single flipped bit of an integrity-protected vector never verifies", arguments: [0, 1, 2])
    func flippedBitsFailIntegrity(index: Int) throws {
        let bytes = [Vectors.sampleRequest, Vectors.sampleIPv4Response, Vectors.sampleIPv6Response][index]
        let key = try STUNCredentials.shortTermKey(password: Vectors.shortTermPassword)
        for bit in 0..<(bytes.count * 8) {
            var copy = bytes
            copy[bit / 8] ^= 1 << UInt8(bit % 8)
            guard let message = try? STUNMessage.parse(copy, checkFingerprint: false) else { continue }
            let integrity = message.verifyMessageIntegrity(key: key)
            let fingerprint = message.verifyFingerprint()
            #expect(integrity != .valid || fingerprint != .valid, "bit \(bit) still verifies")
            if message.serialize() != copy { Issue.record("bit \(bit): accepted bytes did not round-trip") }
        }
    }

    // MARK: ChannelData (RFC 8656 §12)

    struct ChannelCase: CustomTestStringConvertible, Sendable {
        let name: String
        let bytes: [UInt8]
        let rule: STUNRule
        let offset: Int
        var testDescription: String { name }
    }

    static let channelCases: [ChannelCase] = [
        ChannelCase(name: "empty", bytes: [], rule: .truncated, offset: 0),
        ChannelCase(name: "three bytes", bytes: [0x40, 0, 0], rule: .truncated, offset: 2),
        ChannelCase(name: "channel 0x3fff", bytes: [0x3F, 0xFF, 0, 0], rule: .channelNumber, offset: 0),
        ChannelCase(name: "channel 0x5000 (reserved)", bytes: [0x50, 0x00, 0, 0], rule: .channelNumber, offset: 0),
        ChannelCase(name: "length past the datagram", bytes: [0x40, 0x00, 0, 5, 1, 2, 3, 4], rule: .channelDataLength, offset: 2),
        ChannelCase(name: "one stray byte after aligned data", bytes: [0x40, 0x00, 0, 4, 1, 2, 3, 4, 0], rule: .channelDataLength, offset: 8),
        ChannelCase(name: "two bytes of padding where three are due", bytes: [0x40, 0x00, 0, 1, 1, 0, 0], rule: .channelDataLength, offset: 5),
        ChannelCase(name: "four bytes of padding", bytes: [0x40, 0x00, 0, 1, 1, 0, 0, 0, 0], rule: .channelDataLength, offset: 5),
    ]

    @Test("Each malformed ChannelData message is refused with its rule and offset", arguments: channelCases)
    func channelDataRefused(testCase: ChannelCase) {
        do {
            _ = try ChannelData.parse(testCase.bytes)
            Issue.record("accepted")
        } catch {
            #expect(error.rule == testCase.rule, "\(error)")
            #expect(error.offset == testCase.offset, "\(error)")
        }
        #expect(!ChannelData.looksLikeChannelData(testCase.bytes) || testCase.rule == .channelNumber)
    }
}
