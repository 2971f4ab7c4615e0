// Random valid values, for property tests and the fuzz runner. Every value drawn here satisfies the
// invariants the parsers rely on, so parse(serialize(v)) == v holds for all of them.

extension RandomNumberGenerator {
    mutating func bytes(_ count: ClosedRange<Int>) -> [UInt8] {
        let n = Int.random(in: count, using: &self)
        return (0..<n).map { _ in UInt8.random(in: .min ... .max, using: &self) }
    }

    mutating func uint16s(_ count: ClosedRange<Int>) -> [UInt16] {
        let n = Int.random(in: count, using: &self)
        return (0..<n).map { _ in UInt16.random(in: .min ... .max, using: &self) }
    }

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &self) < percent }
}

extension ProtocolVersion {
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> ProtocolVersion {
        [.dtls10, .dtls12, .dtls13][Int.random(in: 0..<3, using: &rng)]
    }
}

extension DTLSDatagram {
    /// One to four records; a unified-header record without a length only ever comes last.
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> DTLSDatagram {
        let count = Int.random(in: 1...4, using: &rng)
        var records: [DTLSRecord] = []
        for index in 0..<count {
            if rng.chance(20) {
                records.append(.unified(UnifiedRecord.random(using: &rng, mayOmitLength: index == count - 1)))
            } else {
                records.append(.classic(ClassicRecord.random(using: &rng)))
            }
        }
        return DTLSDatagram(records: records)
    }
}

extension ClassicRecord {
    /// A record whose plaintext contents (handshake, alert) are themselves valid.
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> ClassicRecord {
        let types: [ContentType] = [.changeCipherSpec, .alert, .handshake, .applicationData, .heartbeat, .ack, ContentType(rawValue: 0x1F)]
        let type = types[Int.random(in: 0..<types.count, using: &rng)]
        let epoch: UInt16 = rng.chance(50) ? 0 : UInt16.random(in: 1...UInt16.max, using: &rng)
        let fragment: [UInt8]
        switch (type, epoch) {
        case (.handshake, 0):
            let messages = (0..<Int.random(in: 1...2, using: &rng)).map { _ in HandshakeMessage.random(using: &rng) }
            fragment = DTLSHandshakeCodec.serialize(messages)
        case (.alert, 0):
            fragment = Alert.random(using: &rng).serialize()
        default:
            fragment = rng.bytes(0...48)
        }
        return ClassicRecord(
            contentType: type, version: rng.chance(50) ? .dtls12 : .dtls10, epoch: epoch,
            sequenceNumber: UInt64.random(in: 0...0xFFFF_FFFF_FFFF, using: &rng), fragment: fragment[...])
    }
}

extension UnifiedRecord {
    /// A record without a connection id (none is negotiated for the stateless codec).
    public static func random<R: RandomNumberGenerator>(using rng: inout R, mayOmitLength: Bool = false) -> UnifiedRecord {
        let long = rng.chance(50)
        return UnifiedRecord(
            connectionID: nil, hasLongSequenceNumber: long,
            sequenceNumber: long ? UInt16.random(in: 0...UInt16.max, using: &rng) : UInt16.random(in: 0...0xFF, using: &rng),
            hasLength: mayOmitLength ? rng.chance(50) : true, epochLowBits: UInt8.random(in: 0...3, using: &rng),
            encryptedRecord: rng.bytes(0...48)[...])
    }
}

extension Alert {
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> Alert {
        Alert(level: AlertLevel(rawValue: UInt8.random(in: 0...3, using: &rng)), description: AlertDescription(rawValue: UInt8.random(in: 0...255, using: &rng)))
    }
}

extension HandshakeMessage {
    /// A complete typed message, a complete message of a type kept opaque, or a fragment.
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> HandshakeMessage {
        let sequence = UInt16.random(in: 0...8, using: &rng)
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return HandshakeMessage(type: .clientHello, messageSequence: sequence, body: .clientHello(.random(using: &rng)))
        case 1: return HandshakeMessage(type: .serverHello, messageSequence: sequence, body: .serverHello(.random(using: &rng)))
        case 2:
            let request = HelloVerifyRequest(serverVersion: .random(using: &rng), cookie: rng.bytes(0...32))
            return HandshakeMessage(type: .helloVerifyRequest, messageSequence: sequence, body: .helloVerifyRequest(request))
        case 3:
            let certificates = (0..<Int.random(in: 0...2, using: &rng)).map { _ in rng.bytes(1...40) }
            return HandshakeMessage(type: .certificate, messageSequence: sequence, body: .certificate(CertificateMessage(certificates: certificates)))
        case 4:
            let opaqueTypes: [HandshakeType] = [.serverHelloDone, .finished, .clientKeyExchange, .serverKeyExchange, HandshakeType(rawValue: 99)]
            let type = opaqueTypes[Int.random(in: 0..<opaqueTypes.count, using: &rng)]
            return HandshakeMessage(type: type, messageSequence: sequence, body: .opaque(rng.bytes(0...24)))
        default:
            // A strict fragment: not starting at 0 or not reaching the end, so its body stays opaque.
            let length = Int.random(in: 2...200, using: &rng)
            let offset = Int.random(in: 0..<length, using: &rng)
            let maxCount = offset == 0 ? length - 1 : length - offset
            let count = Int.random(in: 0...maxCount, using: &rng)
            let header = HandshakeHeader(
                type: .certificate, length: UInt32(length), messageSequence: sequence, fragmentOffset: UInt32(offset),
                fragmentLength: UInt32(count))
            return HandshakeMessage(header: header, body: .opaque(rng.bytes(count...count)))
        }
    }
}

extension ClientHello {
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> ClientHello {
        ClientHello(
            clientVersion: .random(using: &rng), random: rng.bytes(32...32), sessionID: rng.bytes(0...32),
            cookie: rng.bytes(0...(rng.chance(80) ? 0 : 255)), cipherSuites: rng.uint16s(1...20),
            compressionMethods: rng.chance(80) ? [0] : rng.bytes(1...4),
            extensions: rng.chance(10) ? nil : HelloExtension.randomList(context: .clientHello, using: &rng))
    }
}

extension ServerHello {
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> ServerHello {
        ServerHello(
            serverVersion: .random(using: &rng), random: rng.bytes(32...32), sessionID: rng.bytes(0...32),
            cipherSuite: UInt16.random(in: 0...UInt16.max, using: &rng), compressionMethod: 0,
            extensions: rng.chance(10) ? nil : HelloExtension.randomList(context: .serverHello, using: &rng))
    }
}

extension HelloExtension {
    static func randomList<R: RandomNumberGenerator>(context: HelloContext, using rng: inout R) -> [HelloExtension] {
        (0..<Int.random(in: 0...8, using: &rng)).map { _ in random(context: context, using: &rng) }
    }

    /// Any extension valid in `context`.
    public static func random<R: RandomNumberGenerator>(context: HelloContext, using rng: inout R) -> HelloExtension {
        switch Int.random(in: 0..<14, using: &rng) {
        case 0:
            return .useSRTP(UseSRTP(profiles: rng.uint16s(1...4), mki: rng.chance(80) ? [] : rng.bytes(1...16)))
        case 1: return .supportedGroups(rng.uint16s(1...6))
        case 2: return .signatureAlgorithms(rng.uint16s(1...12))
        case 3: return .extendedMasterSecret
        case 4: return .renegotiationInfo(rng.bytes(0...(rng.chance(70) ? 0 : 24)))
        case 5:
            let names = (0..<Int.random(in: 1...3, using: &rng)).map { _ in rng.bytes(1...10) }
            return .applicationLayerProtocolNegotiation(names)
        case 6: return .recordSizeLimit(UInt16.random(in: 64...0x4001, using: &rng))
        case 7: return .ecPointFormats(rng.bytes(1...3))
        case 8: return .sessionTicket(rng.bytes(0...(rng.chance(70) ? 0 : 40)))
        case 9:
            switch context {
            case .clientHello: return .supportedVersions((0..<Int.random(in: 1...4, using: &rng)).map { _ in .random(using: &rng) })
            case .serverHello: return .selectedVersion(.random(using: &rng))
            }
        case 10: return .cookie(rng.bytes(1...40))
        case 11:
            func entry() -> KeyShareEntry { KeyShareEntry(group: UInt16.random(in: 0...UInt16.max, using: &rng), keyExchange: rng.bytes(1...65)) }
            switch context {
            case .clientHello: return .keyShares((0..<Int.random(in: 0...2, using: &rng)).map { _ in entry() })
            case .serverHello: return rng.chance(50) ? .serverKeyShare(entry()) : .keyShareSelectedGroup(UInt16.random(in: 0...UInt16.max, using: &rng))
            }
        default:
            // Types this module does not model (server_name, padding, a GREASE value…).
            let types: [UInt16] = [0, 5, 18, 21, 41, 45, 0x0A0A, 0xFE0D]
            return .unknown(type: types[Int.random(in: 0..<types.count, using: &rng)], data: rng.bytes(0...20))
        }
    }
}
