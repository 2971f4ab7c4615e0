// Random model values for property tests and the fuzz runner's structure-aware mutator. Every value
// generated here is valid: it serialises to bytes `STUNMessage.parse` accepts and parses back equal.

extension STUNTransportAddress {
    public static func random<R: RandomNumberGenerator>(using generator: inout R) -> STUNTransportAddress {
        let address: STUNIPAddress = Bool.random(using: &generator)
            ? .v4(UInt32.random(in: .min ... .max, using: &generator))
            : .v6(high: generator.next(), low: generator.next())
        return STUNTransportAddress(address, port: UInt16.random(in: .min ... .max, using: &generator))
    }
}

extension STUNErrorCode {
    public static func random<R: RandomNumberGenerator>(using generator: inout R) -> STUNErrorCode {
        STUNErrorCode(code: UInt16.random(in: 300...699, using: &generator),
                      reason: randomText(maxLength: 20, using: &generator))
    }
}

extension STUNPasswordAlgorithm {
    public static func random<R: RandomNumberGenerator>(using generator: inout R) -> STUNPasswordAlgorithm {
        switch Int.random(in: 0..<4, using: &generator) {
        case 0: .md5
        case 1: .sha256
        default: STUNPasswordAlgorithm(number: UInt16.random(in: .min ... .max, using: &generator),
                                       parameters: randomBytes(0...9, using: &generator))
        }
    }
}

extension STUNAttributeValue {
    /// A random value of a random kind (every case of the enum is reachable).
    public static func random<R: RandomNumberGenerator>(using generator: inout R) -> STUNAttributeValue {
        func address() -> STUNTransportAddress { .random(using: &generator) }
        func text() -> String { randomText(maxLength: 24, using: &generator) }
        func family() -> STUNAddressFamily { Bool.random(using: &generator) ? .ipv4 : .ipv6 }
        switch Int.random(in: 0..<34, using: &generator) {
        case 0: return .mappedAddress(address())
        case 1: return .xorMappedAddress(address())
        case 2: return .username(text())
        case 3: return .userhash(randomBytes(32...32, using: &generator))
        case 4: return .messageIntegrity(randomBytes(20...20, using: &generator))
        case 5:
            let length = 4 * Int.random(in: 4...8, using: &generator)
            return .messageIntegritySHA256(randomBytes(length...length, using: &generator))
        case 6: return .fingerprint(UInt32.random(in: .min ... .max, using: &generator))
        case 7: return .errorCode(.random(using: &generator))
        case 8: return .realm(text())
        case 9: return .nonce(text())
        case 10: return .passwordAlgorithm(.random(using: &generator))
        case 11: return .passwordAlgorithms((0..<Int.random(in: 0...3, using: &generator)).map { _ in .random(using: &generator) })
        case 12: return .unknownAttributes((0..<Int.random(in: 0...4, using: &generator)).map { _ in UInt16.random(in: .min ... .max, using: &generator) })
        case 13: return .software(text())
        case 14: return .alternateServer(address())
        case 15: return .alternateDomain(text())
        case 16: return .priority(UInt32.random(in: .min ... .max, using: &generator))
        case 17: return .useCandidate
        case 18: return .iceControlled(generator.next())
        case 19: return .iceControlling(generator.next())
        case 20: return .channelNumber(UInt16.random(in: ChannelData.channelNumbers, using: &generator))
        case 21: return .lifetime(UInt32.random(in: .min ... .max, using: &generator))
        case 22: return .xorPeerAddress(address())
        case 23: return .data(randomBytes(0...40, using: &generator))
        case 24: return .xorRelayedAddress(address())
        case 25: return .requestedAddressFamily(family())
        case 26: return .evenPort(reserveNext: Bool.random(using: &generator))
        case 27: return .requestedTransport(UInt8.random(in: .min ... .max, using: &generator))
        case 28: return .dontFragment
        case 29: return .reservationToken(generator.next())
        case 30: return .additionalAddressFamily(family())
        case 31: return .addressErrorCode(family: family(), .random(using: &generator))
        case 32: return .icmp(type: UInt8.random(in: .min ... .max, using: &generator),
                              code: UInt8.random(in: .min ... .max, using: &generator),
                              data: UInt32.random(in: .min ... .max, using: &generator))
        default:
            // An attribute type this codec does not know, from either comprehension range.
            var type: STUNAttributeType
            repeat { type = STUNAttributeType(UInt16.random(in: .min ... .max, using: &generator)) } while type.name != nil
            return .unknown(type: type, value: randomBytes(0...12, using: &generator))
        }
    }
}

extension STUNMessage {
    /// A random valid message: any method (known or not) and class, up to `maxAttributes` attributes of
    /// random kinds, sometimes with non-zero padding. Never contains a FINGERPRINT, because one with a
    /// random value would not parse and one in the middle is forbidden; add one with `withFingerprint()`.
    public static func random<R: RandomNumberGenerator>(using generator: inout R, maxAttributes: Int = 8) -> STUNMessage {
        let method: STUNMethod = Bool.random(using: &generator)
            ? [.binding, .allocate, .refresh, .send, .data, .createPermission, .channelBind][Int.random(in: 0..<7, using: &generator)]
            : STUNMethod(rawValue: UInt16.random(in: 0...0xFFF, using: &generator))
        let type = STUNMessageType(method: method, messageClass: STUNClass.allCases[Int.random(in: 0..<4, using: &generator)])
        let transactionID = STUNTransactionID.random(using: &generator)
        var attributes: [STUNAttribute] = []
        for _ in 0..<Int.random(in: 0...maxAttributes, using: &generator) {
            var value: STUNAttributeValue
            repeat { value = .random(using: &generator) } while value.type == .fingerprint
            let attribute = STUNAttribute(value, transactionID: transactionID)
            if Int.random(in: 0..<4, using: &generator) == 0 {
                let padding = (0..<3).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
                attributes.append(STUNAttribute(type: attribute.type, value: attribute.value, padding: padding))
            } else {
                attributes.append(attribute)
            }
        }
        return STUNMessage(type: type, transactionID: transactionID, attributes: attributes)
    }
}

extension ChannelData {
    public static func random<R: RandomNumberGenerator>(using generator: inout R) -> ChannelData {
        let data = randomBytes(0...64, using: &generator)
        let number = UInt16.random(in: channelNumbers, using: &generator)
        let padded = Bool.random(using: &generator)
        let padding = STUNAttribute.paddingCount(forValueLength: data.count)
        guard padded, padding > 0, Bool.random(using: &generator) else {
            return ChannelData(channelNumber: number, data: data, padded: padded)
        }
        // Non-zero padding, as a parse of such bytes gives it.
        var bits: UInt32 = 0
        for index in 0..<padding { bits |= UInt32(UInt8.random(in: .min ... .max, using: &generator)) << UInt32(24 - 8 * index) }
        return ChannelData(channelNumber: number, data: data[...], isPadded: true, paddingBits: bits)
    }
}

func randomBytes<R: RandomNumberGenerator>(_ count: ClosedRange<Int>, using generator: inout R) -> [UInt8] {
    (0..<Int.random(in: count, using: &generator)).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
}

/// Text mixing ASCII with two- to four-byte UTF-8 (it only has to survive a UTF-8 round trip).
func randomText<R: RandomNumberGenerator>(maxLength: Int, using generator: inout R) -> String {
    let alphabet: [Unicode.Scalar] = ["a", "Z", "0", " ", ":", "é", "ß", "マ", "ト", "€", "😀", "\u{0}"]
    var text = String.UnicodeScalarView()
    for _ in 0..<Int.random(in: 0...maxLength, using: &generator) {
        text.append(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)])
    }
    return String(text)
}
