public import Wire

// Serialisation writes lengths from the values' contents; values whose vectors exceed their wire
// limits (a fragment over 65535 bytes, a session id over 255) are truncated to the field width, which
// no parsed value can reach.

extension DTLSDatagram {
    /// The records back to back.
    public func serialize() -> [UInt8] {
        var writer = ByteWriter(capacity: records.reduce(0) { $0 + $1.serializedCountEstimate })
        for record in records { record.write(to: &writer) }
        return writer.bytes
    }
}

extension DTLSRecord {
    var serializedCountEstimate: Int {
        switch self {
        case .classic(let record): ClassicRecord.headerLength + (record.connectionID?.count ?? 0) + record.fragment.count
        case .unified(let record): 5 + (record.connectionID?.count ?? 0) + record.encryptedRecord.count
        }
    }

    public func write(to writer: inout ByteWriter) {
        switch self {
        case .classic(let record): record.write(to: &writer)
        case .unified(let record): record.write(to: &writer)
        }
    }
}

extension ClassicRecord {
    public func write(to writer: inout ByteWriter) {
        writer.writeUInt8(contentType.rawValue)
        writer.writeUInt16(version.rawValue)
        writer.writeUInt16(epoch)
        writer.writeUInt48(sequenceNumber & 0xFFFF_FFFF_FFFF)
        if let connectionID { writer.writeBytes(connectionID) }
        writer.writeUInt16(UInt16(truncatingIfNeeded: fragment.count))
        writer.writeBytes(fragment)
    }
}

extension UnifiedRecord {
    public func write(to writer: inout ByteWriter) {
        var flags: UInt8 = 0x20 | (epochLowBits & 0x03)
        if connectionID != nil { flags |= 0x10 }
        if hasLongSequenceNumber { flags |= 0x08 }
        if hasLength { flags |= 0x04 }
        writer.writeUInt8(flags)
        if let connectionID { writer.writeBytes(connectionID) }
        if hasLongSequenceNumber {
            writer.writeUInt16(sequenceNumber)
        } else {
            writer.writeUInt8(UInt8(truncatingIfNeeded: sequenceNumber))
        }
        if hasLength { writer.writeUInt16(UInt16(truncatingIfNeeded: encryptedRecord.count)) }
        writer.writeBytes(encryptedRecord)
    }
}

extension Alert {
    public func serialize() -> [UInt8] { [level.rawValue, description.rawValue] }
}

extension HandshakeHeader {
    public func write(to writer: inout ByteWriter) {
        writer.writeUInt8(type.rawValue)
        writer.writeUInt24(length & 0xFF_FFFF)
        writer.writeUInt16(messageSequence)
        writer.writeUInt24(fragmentOffset & 0xFF_FFFF)
        writer.writeUInt24(fragmentLength & 0xFF_FFFF)
    }
}

extension HandshakeFragment {
    public func write(to writer: inout ByteWriter) {
        header.write(to: &writer)
        writer.writeBytes(body)
    }

    /// Fragments back to back, as in a handshake record's body.
    public static func serialize(_ fragments: [HandshakeFragment]) -> [UInt8] {
        var writer = ByteWriter()
        for fragment in fragments { fragment.write(to: &writer) }
        return writer.bytes
    }
}

extension HandshakeMessage {
    /// Header then body. The header is written as stored: for a parsed message it matches the body.
    public func write(to writer: inout ByteWriter) {
        header.write(to: &writer)
        writer.writeBytes(body.serialize())
    }

    /// A message whose header lengths are computed from `body` (unfragmented).
    public init(type: HandshakeType, messageSequence: UInt16, body: HandshakeBody) {
        let length = UInt32(truncatingIfNeeded: body.serialize().count)
        self.init(
            header: HandshakeHeader(type: type, length: length, messageSequence: messageSequence, fragmentOffset: 0, fragmentLength: length),
            body: body)
    }
}

extension HandshakeBody {
    public func serialize() -> [UInt8] {
        var writer = ByteWriter()
        switch self {
        case .clientHello(let hello): hello.write(to: &writer)
        case .serverHello(let hello): hello.write(to: &writer)
        case .helloVerifyRequest(let request): request.write(to: &writer)
        case .certificate(let message): message.write(to: &writer)
        case .opaque(let bytes): writer.writeBytes(bytes)
        }
        return writer.bytes
    }
}

extension ByteWriter {
    mutating func writeVector8<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        writeUInt8(UInt8(truncatingIfNeeded: bytes.count))
        writeBytes(bytes)
    }

    /// Writes a 16-bit length, then whatever `content` writes, then patches the length.
    mutating func writeLengthPrefixed16(_ content: (inout ByteWriter) -> Void) {
        let at = count
        writeUInt16(0)
        content(&self)
        setUInt16(UInt16(truncatingIfNeeded: count - at - 2), at: at)
    }

    mutating func writeUInt16List(_ values: [UInt16]) {
        writeUInt16(UInt16(truncatingIfNeeded: values.count * 2))
        for value in values { writeUInt16(value) }
    }
}

extension ClientHello {
    public func write(to writer: inout ByteWriter) {
        writer.writeUInt16(clientVersion.rawValue)
        writer.writeBytes(random)
        writer.writeVector8(sessionID)
        writer.writeVector8(cookie)
        writer.writeUInt16List(cipherSuites)
        writer.writeVector8(compressionMethods)
        HelloExtension.writeBlock(extensions, to: &writer)
    }
}

extension ServerHello {
    public func write(to writer: inout ByteWriter) {
        writer.writeUInt16(serverVersion.rawValue)
        writer.writeBytes(random)
        writer.writeVector8(sessionID)
        writer.writeUInt16(cipherSuite)
        writer.writeUInt8(compressionMethod)
        HelloExtension.writeBlock(extensions, to: &writer)
    }
}

extension HelloVerifyRequest {
    public func write(to writer: inout ByteWriter) {
        writer.writeUInt16(serverVersion.rawValue)
        writer.writeVector8(cookie)
    }
}

extension CertificateMessage {
    public func write(to writer: inout ByteWriter) {
        let total = certificates.reduce(0) { $0 + 3 + $1.count }
        writer.writeUInt24(UInt32(truncatingIfNeeded: total) & 0xFF_FFFF)
        for certificate in certificates {
            writer.writeUInt24(UInt32(truncatingIfNeeded: certificate.count) & 0xFF_FFFF)
            writer.writeBytes(certificate)
        }
    }
}

extension HelloExtension {
    static func writeBlock(_ extensions: [HelloExtension]?, to writer: inout ByteWriter) {
        guard let extensions else { return }
        writer.writeLengthPrefixed16 { block in
            for item in extensions { item.write(to: &block) }
        }
    }

    public func write(to writer: inout ByteWriter) {
        writer.writeUInt16(type)
        writer.writeLengthPrefixed16 { body in
            switch self {
            case .useSRTP(let srtp):
                body.writeUInt16List(srtp.profiles)
                body.writeVector8(srtp.mki)
            case .supportedGroups(let groups): body.writeUInt16List(groups)
            case .signatureAlgorithms(let schemes): body.writeUInt16List(schemes)
            case .extendedMasterSecret: break
            case .renegotiationInfo(let data): body.writeVector8(data)
            case .applicationLayerProtocolNegotiation(let names):
                body.writeLengthPrefixed16 { list in
                    for name in names { list.writeVector8(name) }
                }
            case .recordSizeLimit(let limit): body.writeUInt16(limit)
            case .ecPointFormats(let formats): body.writeVector8(formats)
            case .sessionTicket(let ticket): body.writeBytes(ticket)
            case .supportedVersions(let versions):
                body.writeUInt8(UInt8(truncatingIfNeeded: versions.count * 2))
                for version in versions { body.writeUInt16(version.rawValue) }
            case .selectedVersion(let version): body.writeUInt16(version.rawValue)
            case .cookie(let cookie):
                body.writeUInt16(UInt16(truncatingIfNeeded: cookie.count))
                body.writeBytes(cookie)
            case .keyShares(let entries):
                body.writeLengthPrefixed16 { list in
                    for entry in entries { entry.write(to: &list) }
                }
            case .serverKeyShare(let entry): entry.write(to: &body)
            case .keyShareSelectedGroup(let group): body.writeUInt16(group)
            case .unknown(_, let data): body.writeBytes(data)
            }
        }
    }
}

extension KeyShareEntry {
    func write(to writer: inout ByteWriter) {
        writer.writeUInt16(group)
        writer.writeUInt16(UInt16(truncatingIfNeeded: keyExchange.count))
        writer.writeBytes(keyExchange)
    }
}
