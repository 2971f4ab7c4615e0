public import Wire

/// What a record parser must know that the wire does not say.
public struct DTLSParseOptions: Hashable, Sendable {
    /// Length of the connection id negotiated for unified-header records (RFC 9147 §9), or nil when
    /// none was negotiated; a unified header with the C bit set is then refused.
    public var connectionIDLength: Int?

    public init(connectionIDLength: Int? = nil) { self.connectionIDLength = connectionIDLength }
}

extension DTLSDatagram {
    /// Splits a datagram into records (RFC 6347 §4.1.1). Record bodies are slices of `bytes`.
    ///
    /// Only the framing is checked here; `DTLSCodec.parse` also checks the plaintext contents.
    public static func parse(_ bytes: ArraySlice<UInt8>, options: DTLSParseOptions = .init()) throws(DTLSError) -> DTLSDatagram {
        var reader = ByteReader(bytes)
        var records: [DTLSRecord] = []
        repeat {
            records.append(try DTLSRecord.parse(from: &reader, options: options))
        } while !reader.isAtEnd
        return DTLSDatagram(records: records)
    }

    public static func parse(_ bytes: [UInt8], options: DTLSParseOptions = .init()) throws(DTLSError) -> DTLSDatagram {
        try parse(bytes[...], options: options)
    }
}

extension DTLSRecord {
    /// Reads one record of either header form from `reader`.
    public static func parse(from reader: inout ByteReader, options: DTLSParseOptions = .init()) throws(DTLSError) -> DTLSRecord {
        let first = try reading { () throws(TruncatedInput) in try reader.peekUInt8() }
        if UnifiedRecord.isUnifiedHeader(firstByte: first) {
            return .unified(try UnifiedRecord.parse(from: &reader, options: options))
        }
        // RFC 9147 §4.1: 0–31 are content types in the classic header (20–26 assigned; others kept).
        guard first < 0x20 else {
            throw DTLSError(.recordContentType, at: reader.offset, "first byte 0x\(String(first, radix: 16)) is neither a content type nor 001xxxxx")
        }
        return .classic(try ClassicRecord.parse(from: &reader, options: options))
    }
}

extension ClassicRecord {
    /// Reads one record with the 13-byte header (RFC 6347 §4.1), or a `tls12_cid` record whose
    /// connection id sits before the length (RFC 9146 §4).
    public static func parse(from reader: inout ByteReader, options: DTLSParseOptions = .init()) throws(DTLSError) -> ClassicRecord {
        let start = reader.offset
        let (type, version, epoch, sequence) = try reading { () throws(TruncatedInput) in
            (try reader.readUInt8(), try reader.readUInt16(), try reader.readUInt16(), try reader.readUInt48())
        }
        var connectionID: [UInt8]?
        if type == ContentType.tls12CID.rawValue {
            // The id's length was negotiated, not sent: without it the length field cannot be found.
            guard let cidLength = options.connectionIDLength else {
                throw DTLSError(.connectionIDLength, at: start, "tls12_cid record but no connection id length was negotiated")
            }
            connectionID = Array(try reading { () throws(TruncatedInput) in try reader.readBytes(cidLength) })
        }
        let lengthOffset = reader.offset
        let length = try reading { () throws(TruncatedInput) in try reader.readUInt16() }
        guard version >> 8 == 0xFE else {
            throw DTLSError(.recordVersion, at: start + 1, "version 0x\(String(version, radix: 16)) is not a DTLS version (major byte 0xFE)")
        }
        let cap = epoch == 0 ? maxPlaintextLength : maxCiphertextLength
        guard Int(length) <= cap else {
            throw DTLSError(.recordLength, at: lengthOffset, "length \(length) exceeds \(cap) for epoch \(epoch)")
        }
        guard Int(length) <= reader.remaining else {
            throw DTLSError(.recordLength, at: lengthOffset, "length \(length) runs past the datagram (\(reader.remaining) byte(s) left)")
        }
        let fragment = try reading { () throws(TruncatedInput) in try reader.readBytes(Int(length)) }
        return ClassicRecord(
            contentType: ContentType(rawValue: type), version: ProtocolVersion(rawValue: version), epoch: epoch,
            sequenceNumber: sequence, connectionID: connectionID, fragment: fragment)
    }
}

extension UnifiedRecord {
    /// Reads one DTLS 1.3 unified-header record (RFC 9147 §4).
    public static func parse(from reader: inout ByteReader, options: DTLSParseOptions = .init()) throws(DTLSError) -> UnifiedRecord {
        let start = reader.offset
        let flags = try reading { () throws(TruncatedInput) in try reader.readUInt8() }
        var connectionID: [UInt8]?
        if flags & 0x10 != 0 {
            guard let length = options.connectionIDLength else {
                throw DTLSError(.connectionIDLength, at: start, "C bit set but no connection id length was negotiated")
            }
            connectionID = Array(try reading { () throws(TruncatedInput) in try reader.readBytes(length) })
        }
        let long = flags & 0x08 != 0
        let sequence = try reading { () throws(TruncatedInput) in
            long ? try reader.readUInt16() : UInt16(try reader.readUInt8())
        }
        let hasLength = flags & 0x04 != 0
        let body: ArraySlice<UInt8>
        if hasLength {
            let lengthOffset = reader.offset
            let length = Int(try reading { () throws(TruncatedInput) in try reader.readUInt16() })
            guard length <= ClassicRecord.maxCiphertextLength else {
                throw DTLSError(.recordLength, at: lengthOffset, "length \(length) exceeds \(ClassicRecord.maxCiphertextLength)")
            }
            guard length <= reader.remaining else {
                throw DTLSError(.recordLength, at: lengthOffset, "length \(length) runs past the datagram (\(reader.remaining) byte(s) left)")
            }
            body = try reading { () throws(TruncatedInput) in try reader.readBytes(length) }
        } else {
            // RFC 9147 §4: without a length the record takes the rest of the datagram.
            body = reader.readRemaining()
            guard body.count <= ClassicRecord.maxCiphertextLength else {
                throw DTLSError(.recordLength, at: start, "implicit length \(body.count) exceeds \(ClassicRecord.maxCiphertextLength)")
            }
        }
        return UnifiedRecord(
            connectionID: connectionID, hasLongSequenceNumber: long, sequenceNumber: sequence, hasLength: hasLength,
            epochLowBits: flags & 0x03, encryptedRecord: body)
    }
}

extension Alert {
    /// An alert record's body: exactly one level byte and one description byte (RFC 5246 §7.2).
    public static func parse(_ bytes: ArraySlice<UInt8>) throws(DTLSError) -> Alert {
        guard bytes.count == 2, let level = bytes.first, let description = bytes.last else {
            throw DTLSError(.alertLength, at: 0, "alert body has \(bytes.count) byte(s), expected 2")
        }
        return Alert(level: AlertLevel(rawValue: level), description: AlertDescription(rawValue: description))
    }
}

extension HandshakeFragment {
    /// Reads one handshake fragment (RFC 6347 §4.2.2): the 12-byte header and `fragment_length` bytes.
    public static func parse(from reader: inout ByteReader) throws(DTLSError) -> HandshakeFragment {
        let start = reader.offset
        let (type, length, sequence, offset, fragmentLength) = try reading { () throws(TruncatedInput) in
            (try reader.readUInt8(), try reader.readUInt24(), try reader.readUInt16(), try reader.readUInt24(), try reader.readUInt24())
        }
        // RFC 6347 §4.2.3: a fragment covers bytes [offset, offset + fragment_length) of the message.
        guard UInt64(offset) + UInt64(fragmentLength) <= UInt64(length) else {
            throw DTLSError(
                .handshakeFragmentRange, at: start + 6,
                "fragment \(offset)+\(fragmentLength) exceeds message length \(length)")
        }
        guard Int(fragmentLength) <= reader.remaining else {
            throw DTLSError(
                .handshakeFragmentLength, at: start + 9,
                "fragment_length \(fragmentLength) runs past the record (\(reader.remaining) byte(s) left)")
        }
        let body = try reading { () throws(TruncatedInput) in try reader.readBytes(Int(fragmentLength)) }
        let header = HandshakeHeader(
            type: HandshakeType(rawValue: type), length: length, messageSequence: sequence, fragmentOffset: offset,
            fragmentLength: fragmentLength)
        return HandshakeFragment(header: header, body: body)
    }

    /// Every fragment of a plaintext handshake record's body (a record may carry several).
    public static func parseAll(_ bytes: ArraySlice<UInt8>) throws(DTLSError) -> [HandshakeFragment] {
        var reader = ByteReader(bytes)
        var fragments: [HandshakeFragment] = []
        while !reader.isAtEnd {
            fragments.append(try parse(from: &reader))
        }
        return fragments
    }
}

extension HandshakeMessage {
    /// A handshake message with its body parsed when it is complete and of a type modelled here.
    public init(_ fragment: HandshakeFragment) throws(DTLSError) {
        let body: HandshakeBody
        if fragment.header.isComplete {
            body = try HandshakeBody.parse(type: fragment.header.type, fragment.body)
        } else {
            body = .opaque(Array(fragment.body))
        }
        self.init(header: fragment.header, body: body)
    }
}

extension HandshakeBody {
    /// Whether bodies of `type` have a model (and rules); the others stay `.opaque`.
    public static func models(_ type: HandshakeType) -> Bool {
        [.clientHello, .serverHello, .helloVerifyRequest, .certificate].contains(type)
    }

    /// Parses a complete message body of `type`; types not modelled stay `.opaque`.
    ///
    /// Errors count offsets from the start of `bytes`.
    public static func parse(type: HandshakeType, _ bytes: ArraySlice<UInt8>) throws(DTLSError) -> HandshakeBody {
        var reader = ByteReader(bytes)
        let body: HandshakeBody
        switch type {
        case .clientHello: body = .clientHello(try ClientHello.parse(from: &reader))
        case .serverHello: body = .serverHello(try ServerHello.parse(from: &reader))
        case .helloVerifyRequest: body = .helloVerifyRequest(try HelloVerifyRequest.parse(from: &reader))
        case .certificate: body = .certificate(try CertificateMessage.parse(from: &reader))
        default: return .opaque(Array(bytes))
        }
        guard reader.isAtEnd else {
            throw DTLSError(.handshakeBodyLength, at: reader.offset, "\(reader.remaining) byte(s) after the \(type) body")
        }
        return body
    }
}
