public import Wire

// Structure-aware mutation (DESIGN §4): one change to a parsed message, after which `serialize` rewrites
// the header length and every attribute's length and padding, and the fuzz target's repair hook
// recomputes a trailing FINGERPRINT, so the mutant passes the framing checks of RFC 8489 §6 and §14.

extension STUNCodec {
    /// The largest attribute value a mutation writes: far below the 16-bit length field (RFC 8489 §14),
    /// so the message length stays expressible too.
    static let maxMutatedValueLength = 1024
    /// The most attributes a mutation leaves in a message.
    static let maxMutatedAttributes = 32

    /// Changes one thing: the method or class, the transaction ID, the attribute list (remove, duplicate,
    /// swap, move, insert a valid random attribute), or one attribute (its value bytes, a typed field
    /// re-encoded, its padding, or its type, including **type confusion**: another known type over the
    /// same value bytes, so ERROR-CODE's parser meets XOR-MAPPED-ADDRESS's bytes).
    public static func mutate(_ value: inout STUNMessage, using generator: inout SeededGenerator) -> Bool {
        let transactionID = value.transactionID
        switch generator.below(10) {
        case 0:
            var method = value.type.method.rawValue
            FieldMutator.mutate(&method, bits: 12, using: &generator)
            value.type.method = STUNMethod(rawValue: method)
        case 1:
            FieldMutator.mutate(&value.type.messageClass, using: &generator)
        case 2:
            if generator.chance(2) { FieldMutator.mutate(&value.transactionID.high, using: &generator) }
            else { FieldMutator.mutate(&value.transactionID.low, using: &generator) }
        case 3, 4:
            FieldMutator.mutate(&value.attributes, maxCount: maxMutatedAttributes, using: &generator) { generator in
                STUNAttribute(STUNAttributeValue.random(using: &generator), transactionID: transactionID)
            }
        default:
            if value.attributes.isEmpty {
                value.attributes.append(STUNAttribute(STUNAttributeValue.random(using: &generator), transactionID: transactionID))
            } else {
                mutate(&value.attributes[generator.below(value.attributes.count)], transactionID: transactionID, using: &generator)
            }
        }
        return true
    }

    /// One change to one attribute.
    static func mutate(_ attribute: inout STUNAttribute, transactionID: STUNTransactionID, using generator: inout SeededGenerator) {
        switch generator.below(6) {
        case 0:  // type confusion: a known type over these value bytes
            attribute.type = generator.element(of: STUNAttributeType.known) ?? .software
        case 1:  // any type: unknown, comprehension-required or not
            var raw = attribute.type.rawValue
            FieldMutator.mutate(&raw, using: &generator)
            attribute.type = STUNAttributeType(raw)
        case 2:  // non-zero padding (RFC 8489 §14 says ignore it; the round trip must keep it)
            let padding = (0..<3).map { _ in generator.byte() }
            attribute = STUNAttribute(type: attribute.type, value: attribute.value, padding: padding)
        case 3, 4:  // a field of the decoded value, re-encoded, so the value stays well-formed
            if let decoded = try? attribute.decode(transactionID: transactionID),
               let changed = mutated(decoded, using: &generator) {
                attribute = STUNAttribute(changed, transactionID: transactionID)
            } else {
                FieldMutator.mutate(&attribute.value, maxLength: maxMutatedValueLength, using: &generator)
            }
        default:
            FieldMutator.mutate(&attribute.value, maxLength: maxMutatedValueLength, using: &generator)
        }
    }

    /// A decoded value with one field changed, or nil for a value without fields worth a typed change.
    static func mutated(_ value: STUNAttributeValue, using generator: inout SeededGenerator) -> STUNAttributeValue? {
        func address(_ a: STUNTransportAddress) -> STUNTransportAddress {
            var a = a
            switch generator.below(3) {
            case 0: FieldMutator.mutate(&a.port, using: &generator)
            case 1:
                switch a.address {
                case .v4(let ip): a.address = .v4(FieldMutator.mutated(ip, using: &generator))
                case .v6(let high, let low): a.address = .v6(high: FieldMutator.mutated(high, using: &generator), low: low)
                }
            default:  // the other family (the value length follows)
                switch a.address {
                case .v4(let ip): a.address = .v6(high: 0, low: UInt64(ip) | 0xFFFF_0000_0000)
                case .v6(_, let low): a.address = .v4(UInt32(truncatingIfNeeded: low))
                }
            }
            return a
        }
        func text(_ t: String) -> String {
            var t = t
            FieldMutator.mutate(&t, maxUTF8: 763, using: &generator)  // RFC 8489 §14.3: < 764 bytes
            return t
        }
        func errorCode(_ e: STUNErrorCode) -> STUNErrorCode {
            var e = e
            if generator.chance(2) { e.reason = text(e.reason) } else { FieldMutator.mutate(&e.code, bits: 10, using: &generator) }
            return e
        }
        switch value {
        case .mappedAddress(let a): return .mappedAddress(address(a))
        case .xorMappedAddress(let a): return .xorMappedAddress(address(a))
        case .alternateServer(let a): return .alternateServer(address(a))
        case .xorPeerAddress(let a): return .xorPeerAddress(address(a))
        case .xorRelayedAddress(let a): return .xorRelayedAddress(address(a))
        case .username(let t): return .username(text(t))
        case .realm(let t): return .realm(text(t))
        case .nonce(let t): return .nonce(text(t))
        case .software(let t): return .software(text(t))
        case .alternateDomain(let t): return .alternateDomain(text(t))
        case .errorCode(let e): return .errorCode(errorCode(e))
        case .addressErrorCode(let family, let e): return .addressErrorCode(family: family, errorCode(e))
        case .priority(let x): return .priority(FieldMutator.mutated(x, using: &generator))
        case .lifetime(let x): return .lifetime(FieldMutator.mutated(x, using: &generator))
        case .fingerprint(let x): return .fingerprint(FieldMutator.mutated(x, using: &generator))
        case .iceControlled(let x): return .iceControlled(FieldMutator.mutated(x, using: &generator))
        case .iceControlling(let x): return .iceControlling(FieldMutator.mutated(x, using: &generator))
        case .channelNumber(let n): return .channelNumber(FieldMutator.mutated(n, using: &generator))
        case .requestedTransport(let p): return .requestedTransport(FieldMutator.mutated(p, using: &generator))
        case .unknownAttributes(var types):
            FieldMutator.mutate(&types, maxCount: 32, using: &generator, fresh: { $0.element(of: STUNAttributeType.known)?.rawValue ?? 0 })
            return .unknownAttributes(types)
        case .passwordAlgorithms(var list):
            FieldMutator.mutate(&list, maxCount: 16, using: &generator, fresh: { STUNPasswordAlgorithm.random(using: &$0) })
            return .passwordAlgorithms(list)
        default: return nil
        }
    }

    /// The magic cookie, every known attribute type and every method with each class, big-endian.
    public static var dictionary: [[UInt8]] {
        var tokens: [[UInt8]] = [[UInt8](bigEndian: STUNMessage.magicCookie)]
        tokens += STUNAttributeType.known.map { [UInt8](bigEndian: $0.rawValue) }
        let methods: [STUNMethod] = [.binding, .allocate, .refresh, .send, .data, .createPermission, .channelBind]
        for method in methods {
            for messageClass in STUNClass.allCases {
                tokens.append([UInt8](bigEndian: STUNMessageType(method: method, messageClass: messageClass).wireValue))
            }
        }
        tokens += [ChannelData.channelNumbers.lowerBound, ChannelData.channelNumbers.upperBound].map { [UInt8](bigEndian: $0) }
        return tokens
    }
}

extension ChannelDataCodec {
    /// Changes the channel number (in and out of 0x4000–0x4FFF, RFC 8656 §12), the data bytes, or
    /// whether the data is padded to four bytes (§12.5 allows both over UDP).
    public static func mutate(_ value: inout ChannelData, using generator: inout SeededGenerator) -> Bool {
        switch generator.below(4) {
        case 0:
            if generator.chance(2) { FieldMutator.mutate(&value.channelNumber, using: &generator) }
            else { value.channelNumber = ChannelData.channelNumbers.lowerBound + UInt16(generator.below(0x1000)) }
        case 1 where value.data.count % 4 != 0:  // padding exists only for data short of a word
            value = ChannelData(channelNumber: value.channelNumber, data: value.data, padded: !value.isPadded)
        default:
            FieldMutator.mutate(&value.data, maxLength: 1500, using: &generator)
            value = ChannelData(channelNumber: value.channelNumber, data: value.data, padded: value.isPadded)
        }
        return true
    }

    /// The edges of the channel number range and the STUN magic cookie (a demultiplexer's other choice).
    public static var dictionary: [[UInt8]] {
        [ChannelData.channelNumbers.lowerBound, ChannelData.channelNumbers.upperBound, 0x3FFF, 0x5000].map { [UInt8](bigEndian: $0) }
            + [[UInt8](bigEndian: STUNMessage.magicCookie)]
    }
}
