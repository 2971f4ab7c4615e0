import STUN
import Testing

/// RFC 3489 messages (no magic cookie, 16-byte transaction ID) are recognised by structure and named;
/// anything else is not classic.
@Suite("Classic STUN (RFC 3489) recognition")
struct ClassicSTUNTests {
    static let transaction: [UInt8] = Array(1...16)

    /// A classic message: type, length, 16-byte transaction ID, raw attribute TLVs.
    static func classic(_ type: UInt16, _ attributes: [(UInt16, [UInt8])], lengthAdjust: Int = 0) -> [UInt8] {
        var body: [UInt8] = []
        for (attribute, value) in attributes {
            body += [UInt8(attribute >> 8), UInt8(attribute & 0xFF), UInt8(value.count >> 8), UInt8(value.count & 0xFF)] + value
            body += [UInt8](repeating: 0, count: STUNAttribute.paddingCount(forValueLength: value.count))
        }
        let length = body.count + lengthAdjust
        return [UInt8(type >> 8), UInt8(type & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)] + transaction + body
    }

    static func changing(_ bytes: [UInt8], at offset: Int, to value: UInt8) -> [UInt8] {
        var copy = bytes
        copy[offset] = value
        return copy
    }

    /// RFC 3489 §11.2.1 MAPPED-ADDRESS, IPv4.
    static let mapped: (UInt16, [UInt8]) = (0x0001, [0, 1, 0x0D, 0x96, 192, 0, 2, 1])

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let bytes: [UInt8]
        /// The RFC 3489 name, or nil when the bytes must not be recognised.
        let expected: String??
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "Binding Request without attributes", bytes: classic(0x0001, []), expected: .some("Binding Request")),
        Case(name: "Binding Response with MAPPED-ADDRESS", bytes: classic(0x0101, [mapped]), expected: .some("Binding Response")),
        Case(name: "Binding Error Response", bytes: classic(0x0111, [(0x0009, [0, 0, 4, 0])]), expected: .some("Binding Error Response")),
        Case(name: "Shared Secret Request", bytes: classic(0x0002, []), expected: .some("Shared Secret Request")),
        Case(name: "a type RFC 3489 does not define is still classic, unnamed", bytes: classic(0x0003, [mapped]), expected: .some(nil)),
        Case(name: "an attribute whose value needs padding", bytes: classic(0x0001, [(0x0006, [0x61, 0x62, 0x63])]), expected: .some("Binding Request")),
        Case(name: "the magic cookie makes it RFC 8489, not classic",
             bytes: STUNMessage(type: .bindingRequest, transactionID: STUNTransactionID(high: 1, low: 2), attributes: []).serialize(), expected: .none),
        Case(name: "a damaged magic cookie (0x2112A443) is broken RFC 8489, not classic",
             bytes: [0, 1, 0, 0, 0x21, 0x12, 0xA4, 0x43] + [UInt8](repeating: 0, count: 12), expected: .none),
        Case(name: "top bits of the type set", bytes: classic(0x8001, []), expected: .none),
        Case(name: "length not a multiple of 4", bytes: classic(0x0001, [mapped], lengthAdjust: 2) + [0, 0], expected: .none),
        Case(name: "length longer than the datagram", bytes: classic(0x0001, [mapped], lengthAdjust: 4), expected: .none),
        Case(name: "attribute running past the end", bytes: changing(classic(0x0001, [mapped]), at: 23, to: 12), expected: .none),
        Case(name: "header cut at 19 bytes", bytes: Array(classic(0x0001, []).prefix(19)), expected: .none),
        Case(name: "Discord IP discovery (length 70)", bytes: [0, 1, 0, 70] + [UInt8](repeating: 0, count: 70), expected: .none),
    ]

    @Test("Each datagram is classic STUN, with its RFC 3489 name, or is not", arguments: cases)
    func recognition(testCase: Case) {
        let message = ClassicSTUNMessage.recognise(testCase.bytes)
        switch testCase.expected {
        case .none: #expect(message == nil)
        case .some(let name):
            #expect(message?.name == name)
            #expect(message?.transactionID == Self.transaction)
        }
    }

    @Test("Attribute types are listed in wire order")
    func attributeTypes() {
        let message = ClassicSTUNMessage.recognise(Self.classic(0x0101, [Self.mapped, (0x0004, [0, 0, 0, 0]), (0x0005, [0, 1, 0, 1, 1, 2, 3, 4])]))
        #expect(message?.attributeTypes == [0x0001, 0x0004, 0x0005])
        #expect(message?.description == "RFC 3489 Binding Response with 3 attribute(s)")
    }

    @Test("The codec refuses a classic message under STUN.magic-cookie; recognition names it")
    func codecRefusesRecognitionNames() {
        let bytes = Self.classic(0x0001, [Self.mapped])
        #expect(throws: STUNError.self) { try STUNMessage.parse(bytes) }
        #expect(ClassicSTUNMessage.recognise(bytes)?.name == "Binding Request")
    }

    @Test("Cutting a classic message at any offset never traps")
    func truncation() {
        let bytes = Self.classic(0x0101, [Self.mapped, (0x0006, [0x61, 0x62, 0x63])])
        for cut in 0..<bytes.count { #expect(ClassicSTUNMessage.recognise(Array(bytes.prefix(cut))) == nil, "cut at \(cut)") }
    }
}
