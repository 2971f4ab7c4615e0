public import Wire

/// STUN (RFC 8489, with the ICE and TURN attributes) for the generic harnesses: fuzz target, decoder,
/// tour, replay checker.
public enum STUNCodec: WireCodec {
    public typealias Value = STUNMessage
    public typealias Rule = STUNRule

    public static let name = "stun"

    public static func parse(_ bytes: [UInt8]) throws(STUNError) -> STUNMessage {
        try STUNMessage.parse(bytes)
    }

    public static func serialize(_ value: STUNMessage) -> [UInt8] { value.serialize() }

    public static func describe(_ value: STUNMessage) -> Structure {
        var fields: [Structure.Field] = [
            .init("class", .text(value.type.messageClass.name)),
            .init("method", .text(value.type.method.description)),
            .init("transaction-id", .text(value.transactionID.description)),
            .init("attributes", .list(value.attributes.map { describe($0, transactionID: value.transactionID) })),
        ]
        let unknown = value.unknownComprehensionRequired
        if !unknown.isEmpty {
            fields.append(.init("unknown-comprehension-required", .list(unknown.map { .text("0x" + hex4($0)) })))
        }
        let ignored = value.attributesIgnoredAfterIntegrity
        if !ignored.isEmpty {
            fields.append(.init("ignored-after-integrity", .list(ignored.map { .text($0.type.description) })))
        }
        return .record(fields)
    }

    /// One attribute: name, type number, length, typed value (and padding when it is not zero).
    public static func describe(_ attribute: STUNAttribute, transactionID: STUNTransactionID) -> Structure {
        var fields: [Structure.Field] = [
            .init("name", .text(attribute.type.name ?? "unknown")),
            .init("type", .text("0x" + hex4(attribute.type.rawValue))),
            .init("length", .number(Int64(attribute.value.count))),
        ]
        do {
            fields.append(.init("value", describe(try attribute.decode(transactionID: transactionID))))
        } catch {
            fields.append(.init("error", .text(error.description)))
            fields.append(.init("raw", .bytes(Array(attribute.value))))
        }
        if attribute.paddingBits != 0 { fields.append(.init("padding", .bytes(attribute.padding))) }
        return .record(fields)
    }

    /// A typed value as the human- and JSON-readable tree.
    public static func describe(_ value: STUNAttributeValue) -> Structure {
        switch value {
        case .mappedAddress(let a), .xorMappedAddress(let a), .alternateServer(let a), .xorPeerAddress(let a),
            .xorRelayedAddress(let a):
            return .text(a.description)
        case .username(let t), .realm(let t), .nonce(let t), .software(let t), .alternateDomain(let t):
            return .text(t)
        case .userhash(let b), .messageIntegrity(let b), .messageIntegritySHA256(let b), .data(let b):
            return .bytes(b)
        case .unknown(_, let b): return .bytes(b)
        case .fingerprint(let x): return .text("0x" + String(x, radix: 16))
        case .priority(let x), .lifetime(let x): return .unsigned(UInt64(x))
        case .iceControlled(let x), .iceControlling(let x): return .fields(["tie-breaker": .unsigned(x)])
        case .reservationToken(let x): return .bytes([56, 48, 40, 32, 24, 16, 8, 0].map { UInt8(truncatingIfNeeded: x >> UInt64($0)) })
        case .errorCode(let e): return .fields(["code": .unsigned(UInt64(e.code)), "reason": .text(e.reason)])
        case .addressErrorCode(let family, let e):
            return .fields(["family": .text(describe(family)), "code": .unsigned(UInt64(e.code)), "reason": .text(e.reason)])
        case .passwordAlgorithm(let a): return describe(a)
        case .passwordAlgorithms(let list): return .list(list.map(describe))
        case .unknownAttributes(let types): return .list(types.map { .text(STUNAttributeType($0).description) })
        case .useCandidate, .dontFragment: return .flag(true)
        case .channelNumber(let n): return .text("0x" + hex4(n))
        case .requestedAddressFamily(let f), .additionalAddressFamily(let f): return .text(describe(f))
        case .evenPort(let reserve): return .fields(["reserve-next": .flag(reserve)])
        case .requestedTransport(let p): return .text(p == 17 ? "UDP (17)" : p == 6 ? "TCP (6)" : "protocol \(p)")
        case .icmp(let type, let code, let data):
            return .fields(["type": .unsigned(UInt64(type)), "code": .unsigned(UInt64(code)), "data": .unsigned(UInt64(data))])
        }
    }

    private static func describe(_ algorithm: STUNPasswordAlgorithm) -> Structure {
        algorithm.parameters.isEmpty
            ? .text(algorithm.description)
            : .fields(["algorithm": .text(algorithm.description), "parameters": .bytes(algorithm.parameters)])
    }

    private static func describe(_ family: STUNAddressFamily) -> String { family == .ipv4 ? "IPv4" : "IPv6" }
}

/// TURN ChannelData (RFC 8656 §12.4) for the generic harnesses.
public enum ChannelDataCodec: WireCodec {
    public typealias Value = ChannelData
    public typealias Rule = STUNRule

    public static let name = "channeldata"

    public static func parse(_ bytes: [UInt8]) throws(STUNError) -> ChannelData { try ChannelData.parse(bytes) }

    public static func serialize(_ value: ChannelData) -> [UInt8] { value.serialize() }

    public static func describe(_ value: ChannelData) -> Structure {
        var fields: [Structure.Field] = [
            .init("channel", .text("0x" + hex4(value.channelNumber))),
            .init("length", .number(Int64(value.data.count))),
            .init("data", .bytes(Array(value.data))),
        ]
        if value.isPadded { fields.append(.init("padding", .bytes(value.padding))) }
        return .record(fields)
    }
}
