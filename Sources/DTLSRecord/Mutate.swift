import SRTP
public import Wire

// Structure-aware mutation (DESIGN §4) for DTLS datagrams and handshake messages. `serialize` writes
// every record length and every vector length from the model (RFC 6347 §4.1, RFC 5246 §4.3), and a
// mutated handshake body gets its header's length and fragment_length recomputed, so mutants reach the
// Hello, extension and certificate parsers.

extension HandshakeMessage {
    /// Sets the header's lengths to the body's, keeping a fragment's offset (RFC 6347 §4.2.2).
    mutating func fixLengths() {
        let count = UInt32(truncatingIfNeeded: body.serialize().count)
        if header.isComplete { header.length = count }
        header.fragmentLength = count
        if header.fragmentOffset &+ count > header.length { header.length = header.fragmentOffset &+ count }
    }

    /// One change: the message type (keeping the body bytes: type confusion), message_seq, a fragment
    /// field out of step with the length, or a field of the body (re-measured afterwards).
    mutating func mutate(using generator: inout SeededGenerator) {
        switch generator.below(10) {
        case 0:
            header.type = generator.element(of: HandshakeType.known) ?? .clientHello
            body = .opaque(body.serialize())
        case 1:
            FieldMutator.mutate(&header.messageSequence, using: &generator)
        case 2:  // fragment_offset, fragment_length or length alone: the framing the reassembler checks
            switch generator.below(3) {
            case 0: FieldMutator.mutate(&header.fragmentOffset, bits: 24, using: &generator)
            case 1: FieldMutator.mutate(&header.fragmentLength, bits: 24, using: &generator)
            default: FieldMutator.mutate(&header.length, bits: 24, using: &generator)
            }
        default:
            body.mutate(type: header.type, using: &generator)
            fixLengths()
        }
    }
}

extension HandshakeType {
    /// The message types of DTLS 1.2 and 1.3 (RFC 6347 §4.3.2, RFC 9147 §5.3).
    public static let known: [HandshakeType] = [0, 1, 2, 3, 4, 5, 8, 11, 12, 13, 14, 15, 16, 20, 24, 254].map(HandshakeType.init(rawValue:))
}

extension HandshakeBody {
    /// One change to a body's field: versions, random, session id, cookie, cipher suites, compression
    /// methods, the extension list (RFC 5246 §7.4.1.4), certificates, or opaque bytes.
    mutating func mutate(type: HandshakeType, using generator: inout SeededGenerator) {
        switch self {
        case .clientHello(var hello):
            switch generator.below(8) {
            case 0: hello.clientVersion = ProtocolVersion(rawValue: FieldMutator.mutated(hello.clientVersion.rawValue, using: &generator))
            case 1: FieldMutator.mutate(&hello.random, maxLength: 40, using: &generator)
            case 2: FieldMutator.mutate(&hello.sessionID, maxLength: 40, using: &generator)
            case 3: FieldMutator.mutate(&hello.cookie, maxLength: 255, using: &generator)
            case 4:
                FieldMutator.mutate(&hello.cipherSuites, maxCount: 64, using: &generator, fresh: { UInt16(truncatingIfNeeded: $0.next()) },
                                    element: { FieldMutator.mutate(&$0, using: &$1); return true })
            case 5: FieldMutator.mutate(&hello.compressionMethods, maxLength: 8, using: &generator)
            default: HelloExtension.mutate(&hello.extensions, context: .clientHello, using: &generator)
            }
            self = .clientHello(hello)
        case .serverHello(var hello):
            switch generator.below(7) {
            case 0: hello.serverVersion = ProtocolVersion(rawValue: FieldMutator.mutated(hello.serverVersion.rawValue, using: &generator))
            case 1: FieldMutator.mutate(&hello.random, maxLength: 40, using: &generator)
            case 2: FieldMutator.mutate(&hello.sessionID, maxLength: 40, using: &generator)
            case 3: FieldMutator.mutate(&hello.cipherSuite, using: &generator)
            case 4: FieldMutator.mutate(&hello.compressionMethod, using: &generator)
            default: HelloExtension.mutate(&hello.extensions, context: .serverHello, using: &generator)
            }
            self = .serverHello(hello)
        case .helloVerifyRequest(var request):
            if generator.chance(3) { request.serverVersion = ProtocolVersion(rawValue: FieldMutator.mutated(request.serverVersion.rawValue, using: &generator)) }
            else { FieldMutator.mutate(&request.cookie, maxLength: 255, using: &generator) }
            self = .helloVerifyRequest(request)
        case .certificate(var message):
            FieldMutator.mutate(&message.certificates, maxCount: 8, using: &generator, fresh: { generator in
                (0..<generator.below(64)).map { _ in generator.byte() }
            }, element: { FieldMutator.mutate(&$0, maxLength: 2048, using: &$1); return true })
            self = .certificate(message)
        case .opaque(var bytes):
            FieldMutator.mutate(&bytes, maxLength: 2048, using: &generator)
            self = .opaque(bytes)
        }
    }
}

extension HelloExtension {
    /// One change to a Hello's extension block: present ⇄ absent, list operations with fresh random
    /// extensions, or **type confusion** (one extension's data under another extension's type).
    static func mutate(_ extensions: inout [HelloExtension]?, context: HelloContext, using generator: inout SeededGenerator) {
        guard var list = extensions, !generator.chance(10) else {
            extensions = extensions == nil ? [] : nil
            return
        }
        FieldMutator.mutate(&list, maxCount: 24, using: &generator, fresh: { HelloExtension.random(context: context, using: &$0) },
                            element: { element, generator in
            var writer = ByteWriter()
            element.write(to: &writer)
            let data = Array(writer.bytes.dropFirst(4))  // type and length
            if generator.chance(2) {
                element = .unknown(type: generator.element(of: ExtensionType.known) ?? ExtensionType.useSRTP, data: data)
            } else {
                var mutated = data
                FieldMutator.mutate(&mutated, maxLength: 512, using: &generator)
                element = .unknown(type: element.type, data: mutated)
            }
            return true
        })
        extensions = list
    }
}

extension ExtensionType {
    /// The extension types this codec types (RFC 8446 §4.2, RFC 5764 §4.1.1 …).
    public static let known: [UInt16] = [
        supportedGroups, ecPointFormats, signatureAlgorithms, useSRTP, applicationLayerProtocolNegotiation,
        extendedMasterSecret, recordSizeLimit, sessionTicket, supportedVersions, cookie, keyShare, renegotiationInfo,
    ]
}

extension ContentType {
    /// The record content types of DTLS 1.2 and 1.3 (RFC 6347 §4.1, RFC 9147 §4, RFC 9146).
    public static let known: [ContentType] = [.changeCipherSpec, .alert, .handshake, .applicationData, .heartbeat, .tls12CID, .ack]
}

extension DTLSCodec {
    static let maxMutatedRecords = 8

    /// Changes one thing: the record list (remove, duplicate, swap, move, insert a random record), or
    /// one record: content type (the same fragment under another type), version, epoch, sequence
    /// number, fragment bytes, or, for a plaintext handshake record, one of its handshake messages.
    public static func mutate(_ value: inout DTLSDatagram, using generator: inout SeededGenerator) -> Bool {
        if value.records.isEmpty || generator.chance(5) {
            FieldMutator.mutate(&value.records, maxCount: maxMutatedRecords, using: &generator) { .classic(ClassicRecord.random(using: &$0)) }
            return true
        }
        let index = generator.below(value.records.count)
        switch value.records[index] {
        case .classic(var record):
            switch generator.below(9) {
            case 0: record.contentType = generator.chance(4) ? ContentType(rawValue: FieldMutator.mutated(record.contentType.rawValue, using: &generator))
                : generator.element(of: ContentType.known) ?? .handshake
            case 1: record.version = generator.chance(2) ? [ProtocolVersion.dtls10, .dtls12, .dtls13][generator.below(3)]
                : ProtocolVersion(rawValue: FieldMutator.mutated(record.version.rawValue, using: &generator))
            case 2: FieldMutator.mutate(&record.epoch, using: &generator)
            case 3: FieldMutator.mutate(&record.sequenceNumber, bits: 48, using: &generator)
            case 4, 5: FieldMutator.mutate(&record.fragment, maxLength: 2048, using: &generator)
            default:
                if record.contentType == .handshake, var messages = try? DTLSHandshakeCodec.parse(Array(record.fragment)) {
                    _ = DTLSHandshakeCodec.mutate(&messages, using: &generator)
                    record.fragment = DTLSHandshakeCodec.serialize(messages)[...]
                } else if record.contentType == .alert, record.fragment.count == 2 {
                    record.fragment[record.fragment.startIndex + generator.below(2)] = generator.byte()
                } else {
                    FieldMutator.mutate(&record.fragment, maxLength: 2048, using: &generator)
                }
            }
            value.records[index] = .classic(record)
        case .unified(var record):
            switch generator.below(5) {
            case 0: record.hasLongSequenceNumber.toggle()
            case 1: FieldMutator.mutate(&record.sequenceNumber, using: &generator)
            case 2: FieldMutator.mutate(&record.epochLowBits, bits: 2, using: &generator)
            case 3: record.hasLength.toggle()
            default: FieldMutator.mutate(&record.encryptedRecord, maxLength: 2048, using: &generator)
            }
            value.records[index] = .unified(record)
        }
        return true
    }

    /// Content types each followed by the DTLS 1.0, 1.2 and 1.3 versions, the versions alone, and the
    /// handshake tokens.
    public static var dictionary: [[UInt8]] {
        let versions: [ProtocolVersion] = [.dtls10, .dtls12, .dtls13]
        var tokens = versions.map { [UInt8](bigEndian: $0.rawValue) }
        for type in ContentType.known { tokens += versions.map { [type.rawValue] + [UInt8](bigEndian: $0.rawValue) } }
        return tokens + DTLSHandshakeCodec.dictionary
    }
}

extension DTLSHandshakeCodec {
    /// Changes one thing: the message list (remove, duplicate, swap, move, insert a random message) or
    /// one message (see `HandshakeMessage.mutate`).
    public static func mutate(_ value: inout [HandshakeMessage], using generator: inout SeededGenerator) -> Bool {
        if value.isEmpty || generator.chance(5) {
            FieldMutator.mutate(&value, maxCount: 8, using: &generator) { HandshakeMessage.random(using: &$0) }
        } else {
            value[generator.below(value.count)].mutate(using: &generator)
        }
        return true
    }

    /// Handshake types, extension types and SRTP protection profiles, big-endian.
    public static var dictionary: [[UInt8]] {
        HandshakeType.known.map { [$0.rawValue] } + ExtensionType.known.map { [UInt8](bigEndian: $0) }
            + [SRTPProfile.aes128CounterHMACSHA1_80.rawValue, SRTPProfile.aeadAES128GCM.rawValue].map { [UInt8](bigEndian: $0) }
    }
}
