public import Wire

extension SCTPPacket {
    /// Decodes a packet: verifies the checksum, then reads every chunk.
    ///
    /// - Parameter checksum: `.required` (default) accepts only a correct CRC-32c; `.zeroAllowed` also
    ///   accepts a zero checksum field, for associations that agreed on RFC 9653.
    /// - Throws: `SCTPError` naming the rule and the byte offset. Rules a well-formed packet can still
    ///   break (bundling, tags, unknown types) are not thrown: see `findings`.
    public static func parse(_ bytes: [UInt8], checksum policy: ChecksumPolicy = .required) throws(SCTPError) -> SCTPPacket {
        try parse(bytes[...], checksum: policy)
    }

    /// As `parse(_:checksum:)`, over a slice (a DTLS record's payload, say) without copying it.
    public static func parse(_ bytes: ArraySlice<UInt8>, checksum policy: ChecksumPolicy = .required) throws(SCTPError) -> SCTPPacket {
        var reader = ByteReader(bytes)
        let sourcePort = try reader.take16()
        let destinationPort = try reader.take16()
        let verificationTag = try reader.take32()
        let checksumOffset = reader.offset
        // RFC 9260 Appendix A: the reflected CRC register goes on the wire least significant byte first.
        let received = try reader.take32().byteSwapped
        let checksumField: ChecksumField
        let computed = computeChecksum(bytes)
        if received == computed {
            checksumField = .crc32c
        } else if received == 0 && policy == .zeroAllowed {
            checksumField = .zero
        } else if received == 0 {
            throw SCTPError(.checksum, at: checksumOffset, "checksum is zero but zero checksum (RFC 9653) was not agreed")
        } else {
            throw SCTPError(.checksum, at: checksumOffset, "CRC-32c is \(hex32(computed)), packet says \(hex32(received))")
        }

        guard !reader.isAtEnd else { throw SCTPError(.noChunks, at: reader.offset, "common header only") }
        var chunks: [SCTPChunk] = []
        var lastChunkPadded = true
        while !reader.isAtEnd {
            let (chunk, needsPadding) = try SCTPChunk.read(from: &reader)
            chunks.append(chunk)
            if needsPadding > 0 {
                if reader.isAtEnd {
                    lastChunkPadded = false
                } else {
                    try readPadding(needsPadding, from: &reader, after: "chunk")
                }
            }
        }
        return SCTPPacket(
            sourcePort: sourcePort, destinationPort: destinationPort, verificationTag: verificationTag,
            checksum: checksumField, chunks: chunks, lastChunkPadded: lastChunkPadded)
    }
}

func hex32(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
}

/// Reads `count` padding bytes, which must be there and be zero (RFC 9260 §3.2).
func readPadding(_ count: Int, from reader: inout ByteReader, after what: String) throws(SCTPError) {
    guard reader.remaining >= count else {
        throw SCTPError(.padding, at: reader.offset, "\(what) needs \(count) padding byte(s), \(reader.remaining) left")
    }
    let start = reader.offset
    let padding = try reader.takeBytes(count)
    guard padding.allSatisfy({ $0 == 0 }) else {
        throw SCTPError(.padding, at: start, "padding after a \(what) must be zero bytes")
    }
}

extension SCTPChunk {
    /// Reads one chunk (header and value, not its padding) and says how much padding should follow.
    static func read(from reader: inout ByteReader) throws(SCTPError) -> (SCTPChunk, padding: Int) {
        let start = reader.offset
        let type = try reader.take8()
        let flags = try reader.take8()
        let length = Int(try reader.take16())
        guard length >= 4 else {
            throw SCTPError(.chunkLength, at: start + 2, "chunk length \(length) is below the 4-byte header")
        }
        guard length - 4 <= reader.remaining else {
            throw SCTPError(.chunkLength, at: start + 2, "chunk length \(length) runs past the packet (\(reader.remaining + 4) byte(s) left)")
        }
        var value = try reader.takeSubReader(length - 4)
        let chunk = try parseValue(type: type, flags: flags, length: length, start: start, value: &value)
        return (chunk, paddingLength(length))
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private static func parseValue(
        type: UInt8, flags: UInt8, length: Int, start: Int, value: inout ByteReader
    ) throws(SCTPError) -> SCTPChunk {
        /// Throws unless the value has exactly `size` bytes (or at least, with `minimum`).
        func expect(_ size: Int, minimum: Bool = false) throws(SCTPError) {
            let actual = value.remaining
            if minimum ? actual >= size : actual == size { return }
            throw SCTPError(
                .chunkValueLength, at: start + 2,
                "\(chunkName(type)) length \(length) must be \(minimum ? "at least " : "")\(size + 4)")
        }
        switch type {
        case SCTPChunkType.data:
            try expect(12, minimum: true)
            return .data(DataChunk(
                flags: DataChunkFlags(rawValue: flags), tsn: try value.take32(), streamIdentifier: try value.take16(),
                streamSequenceNumber: try value.take16(),
                payloadProtocol: PayloadProtocolIdentifier(rawValue: try value.take32()),
                userData: value.readRemaining()))
        case SCTPChunkType.iData:
            try expect(16, minimum: true)
            return .iData(IDataChunk(
                flags: DataChunkFlags(rawValue: flags), tsn: try value.take32(), streamIdentifier: try value.take16(),
                reserved: try value.take16(), messageIdentifier: try value.take32(),
                payloadProtocolOrFragmentSequence: try value.take32(), userData: value.readRemaining()))
        case SCTPChunkType.initiation, SCTPChunkType.initiationAck:
            try expect(16, minimum: true)
            let chunk = InitChunk(
                initiateTag: try value.take32(), advertisedReceiverWindowCredit: try value.take32(),
                outboundStreams: try value.take16(), inboundStreams: try value.take16(), initialTSN: try value.take32(),
                parameters: try SCTPParameter.readList(from: &value), flags: flags)
            return type == SCTPChunkType.initiation ? .initiation(chunk) : .initiationAck(chunk)
        case SCTPChunkType.selectiveAck:
            try expect(12, minimum: true)
            let cumulative = try value.take32()
            let window = try value.take32()
            let gapCount = Int(try value.take16())
            let duplicateCount = Int(try value.take16())
            guard value.remaining == gapCount * 4 + duplicateCount * 4 else {
                throw SCTPError(
                    .chunkValueLength, at: start + 2,
                    "SACK with \(gapCount) gap block(s) and \(duplicateCount) duplicate TSN(s) must be \(16 + 4 * (gapCount + duplicateCount)) bytes, length says \(length)")
            }
            var blocks: [GapAckBlock] = []
            blocks.reserveCapacity(gapCount)
            for _ in 0..<gapCount { blocks.append(GapAckBlock(start: try value.take16(), end: try value.take16())) }
            var duplicates: [UInt32] = []
            duplicates.reserveCapacity(duplicateCount)
            for _ in 0..<duplicateCount { duplicates.append(try value.take32()) }
            return .selectiveAck(SelectiveAckChunk(
                cumulativeTSNAck: cumulative, advertisedReceiverWindowCredit: window, gapAckBlocks: blocks,
                duplicateTSNs: duplicates, flags: flags))
        case SCTPChunkType.heartbeat:
            return .heartbeat(HeartbeatChunk(parameters: try SCTPParameter.readList(from: &value), flags: flags))
        case SCTPChunkType.heartbeatAck:
            return .heartbeatAck(HeartbeatChunk(parameters: try SCTPParameter.readList(from: &value), flags: flags))
        case SCTPChunkType.abort:
            return .abort(AbortChunk(
                reflectedTag: flags & 1 != 0, reservedFlags: flags & 0xFE, causes: try SCTPErrorCause.readList(from: &value)))
        case SCTPChunkType.error:
            return .error(ErrorChunk(causes: try SCTPErrorCause.readList(from: &value), flags: flags))
        case SCTPChunkType.shutdown:
            try expect(4)
            return .shutdown(ShutdownChunk(cumulativeTSNAck: try value.take32(), flags: flags))
        case SCTPChunkType.shutdownAck:
            try expect(0)
            return .shutdownAck(EmptyChunk(flags: flags))
        case SCTPChunkType.cookieEcho:
            return .cookieEcho(CookieEchoChunk(cookie: Array(value.readRemaining()), flags: flags))
        case SCTPChunkType.cookieAck:
            try expect(0)
            return .cookieAck(EmptyChunk(flags: flags))
        case SCTPChunkType.shutdownComplete:
            try expect(0)
            return .shutdownComplete(ShutdownCompleteChunk(reflectedTag: flags & 1 != 0, reservedFlags: flags & 0xFE))
        case SCTPChunkType.forwardTSN:
            try expect(4, minimum: true)
            guard value.remaining % 4 == 0 else {
                throw SCTPError(.chunkValueLength, at: start + 2, "FORWARD TSN length \(length) must be 8 plus 4 per stream")
            }
            let cumulative = try value.take32()
            var streams: [ForwardTSNChunk.Stream] = []
            streams.reserveCapacity(value.remaining / 4)
            while !value.isAtEnd {
                streams.append(ForwardTSNChunk.Stream(identifier: try value.take16(), sequenceNumber: try value.take16()))
            }
            return .forwardTSN(ForwardTSNChunk(newCumulativeTSN: cumulative, streams: streams, flags: flags))
        case SCTPChunkType.iForwardTSN:
            try expect(4, minimum: true)
            guard (value.remaining - 4) % 8 == 0 else {
                throw SCTPError(.chunkValueLength, at: start + 2, "I-FORWARD-TSN length \(length) must be 8 plus 8 per stream")
            }
            let cumulative = try value.take32()
            var streams: [IForwardTSNChunk.Stream] = []
            streams.reserveCapacity(value.remaining / 8)
            while !value.isAtEnd {
                streams.append(IForwardTSNChunk.Stream(
                    identifier: try value.take16(), reservedAndUnordered: try value.take16(),
                    messageIdentifier: try value.take32()))
            }
            return .iForwardTSN(IForwardTSNChunk(newCumulativeTSN: cumulative, streams: streams, flags: flags))
        case SCTPChunkType.reconfig:
            return .reconfig(ReconfigChunk(parameters: try SCTPParameter.readList(from: &value), flags: flags))
        case SCTPChunkType.pad:
            return .pad(PadChunk(padding: Array(value.readRemaining()), flags: flags))
        default:
            return .unknown(UnknownChunk(type: type, flags: flags, value: Array(value.readRemaining())))
        }
    }

    static func chunkName(_ type: UInt8) -> String {
        switch type {
        case SCTPChunkType.data: "DATA"
        case SCTPChunkType.iData: "I-DATA"
        case SCTPChunkType.initiation: "INIT"
        case SCTPChunkType.initiationAck: "INIT ACK"
        case SCTPChunkType.selectiveAck: "SACK"
        case SCTPChunkType.shutdown: "SHUTDOWN"
        case SCTPChunkType.shutdownAck: "SHUTDOWN ACK"
        case SCTPChunkType.cookieAck: "COOKIE ACK"
        case SCTPChunkType.shutdownComplete: "SHUTDOWN COMPLETE"
        case SCTPChunkType.forwardTSN: "FORWARD TSN"
        case SCTPChunkType.iForwardTSN: "I-FORWARD-TSN"
        default: "chunk type \(type)"
        }
    }
}

/// How a list of TLVs reports its failures: parameters and error causes have rules of their own.
struct TLVRules {
    let length: SCTPRule
    let valueLength: SCTPRule
    let entry: String
}

/// Reads type–length–value entries up to the end of `reader` (a chunk's value), checking lengths and
/// padding (RFC 9260 §3.2, §3.2.1), and decodes each with `decode(type, length, start, value)`.
func readTLVs<Element>(
    from reader: inout ByteReader, rules: TLVRules,
    decode: (UInt16, Int, Int, inout ByteReader) throws(SCTPError) -> Element
) throws(SCTPError) -> TLVList<Element> {
    var elements: [Element] = []
    var finalPaddingCounted = false
    while !reader.isAtEnd {
        let start = reader.offset
        guard reader.remaining >= 4 else {
            throw SCTPError(rules.length, at: start, "\(reader.remaining) byte(s) left, too few for a \(rules.entry) header")
        }
        let type = try reader.take16()
        let length = Int(try reader.take16())
        guard length >= 4, length - 4 <= reader.remaining else {
            throw SCTPError(
                rules.length, at: start + 2,
                "\(rules.entry) length \(length) must be at least 4 and fit the \(reader.remaining + 4) byte(s) left in the chunk")
        }
        var value = try reader.takeSubReader(length - 4)
        elements.append(try decode(type, length, start, &value))
        let padding = paddingLength(length)
        finalPaddingCounted = false
        if padding > 0 && !reader.isAtEnd {
            try readPadding(padding, from: &reader, after: rules.entry)
            finalPaddingCounted = reader.isAtEnd
        }
    }
    return TLVList(elements, finalPaddingCounted: finalPaddingCounted)
}

extension SCTPParameter {
    static let rules = TLVRules(length: .parameterLength, valueLength: .parameterValueLength, entry: "parameter")

    static func readList(from reader: inout ByteReader) throws(SCTPError) -> TLVList<SCTPParameter> {
        try readTLVs(from: &reader, rules: rules, decode: decode)
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    static func decode(type: UInt16, length: Int, start: Int, value: inout ByteReader) throws(SCTPError) -> SCTPParameter {
        func fail(_ layout: String) -> SCTPError {
            SCTPError(.parameterValueLength, at: start + 2, "parameter type \(type) length \(length) must be \(layout)")
        }
        func expect(_ size: Int) throws(SCTPError) {
            guard value.remaining == size else { throw fail(String(size + 4)) }
        }
        switch type {
        case 1: return .heartbeatInfo(Array(value.readRemaining()))
        case 5:
            try expect(4)
            return .ipv4Address(try value.take32())
        case 6:
            try expect(16)
            return .ipv6Address(IPv6Address(high: try value.take64(), low: try value.take64()))
        case 7: return .stateCookie(Array(value.readRemaining()))
        case 8: return .unrecognizedParameter(Array(value.readRemaining()))
        case 9:
            try expect(4)
            return .cookiePreservative(try value.take32())
        case 11: return .hostName(Array(value.readRemaining()))
        case 12:
            guard value.remaining % 2 == 0 else { throw fail("4 plus 2 per address type") }
            return .supportedAddressTypes(try value.take16List())
        case 13:
            guard value.remaining >= 12, value.remaining % 2 == 0 else { throw fail("16 plus 2 per stream") }
            return .outgoingSSNResetRequest(OutgoingSSNResetRequest(
                requestSequenceNumber: try value.take32(), responseSequenceNumber: try value.take32(),
                senderLastAssignedTSN: try value.take32(), streams: try value.take16List()))
        case 14:
            guard value.remaining >= 4, value.remaining % 2 == 0 else { throw fail("8 plus 2 per stream") }
            return .incomingSSNResetRequest(IncomingSSNResetRequest(
                requestSequenceNumber: try value.take32(), streams: try value.take16List()))
        case 15:
            try expect(4)
            return .ssnTSNResetRequest(try value.take32())
        case 16:
            guard value.remaining == 8 || value.remaining == 16 else { throw fail("12 or 20") }
            let sequence = try value.take32()
            let result = try value.take32()
            var next: ReconfigurationResponse.NextTSNs?
            if !value.isAtEnd { next = .init(sender: try value.take32(), receiver: try value.take32()) }
            return .reconfigurationResponse(ReconfigurationResponse(responseSequenceNumber: sequence, result: result, nextTSNs: next))
        case 17, 18:
            try expect(8)
            let request = AddStreamsRequest(
                requestSequenceNumber: try value.take32(), newStreams: try value.take16(), reserved: try value.take16())
            return type == 17 ? .addOutgoingStreams(request) : .addIncomingStreams(request)
        case 0x8000:
            try expect(0)
            return .ecnCapable
        case 0x8001:
            try expect(4)
            return .zeroChecksumAcceptable(edmid: try value.take32())
        case 0x8002: return .random(Array(value.readRemaining()))
        case 0x8003: return .chunkList(Array(value.readRemaining()))
        case 0x8004: return .requestedHMACAlgorithms(Array(value.readRemaining()))
        case 0x8005: return .padding(Array(value.readRemaining()))
        case 0x8008: return .supportedExtensions(Array(value.readRemaining()))
        case 0xC000:
            try expect(0)
            return .forwardTSNSupported
        default: return .unknown(type: type, value: Array(value.readRemaining()))
        }
    }
}

extension SCTPErrorCause {
    static let rules = TLVRules(length: .causeLength, valueLength: .causeValueLength, entry: "error cause")

    static func readList(from reader: inout ByteReader) throws(SCTPError) -> TLVList<SCTPErrorCause> {
        try readTLVs(from: &reader, rules: rules, decode: decode)
    }

    static func decode(code: UInt16, length: Int, start: Int, value: inout ByteReader) throws(SCTPError) -> SCTPErrorCause {
        func expect(_ size: Int) throws(SCTPError) {
            guard value.remaining == size else {
                throw SCTPError(.causeValueLength, at: start + 2, "cause \(code) length \(length) must be \(size + 4)")
            }
        }
        switch code {
        case 1:
            try expect(4)
            return .invalidStreamIdentifier(stream: try value.take16(), reserved: try value.take16())
        case 2:
            guard value.remaining >= 4 else {
                throw SCTPError(.causeValueLength, at: start + 2, "cause 2 length \(length) must be at least 8")
            }
            let count = Int(try value.take32())
            guard value.remaining == count * 2 else {
                throw SCTPError(
                    .causeValueLength, at: start + 2,
                    "Missing Mandatory Parameter lists \(count) type(s) but length \(length) holds \(value.remaining / 2)")
            }
            return .missingMandatoryParameter(try value.take16List())
        case 3:
            try expect(4)
            return .staleCookie(stalenessMicroseconds: try value.take32())
        case 4:
            try expect(0)
            return .outOfResource
        case 5: return .unresolvableAddress(Array(value.readRemaining()))
        case 6: return .unrecognizedChunkType(Array(value.readRemaining()))
        case 7:
            try expect(0)
            return .invalidMandatoryParameter
        case 8: return .unrecognizedParameters(Array(value.readRemaining()))
        case 9:
            try expect(4)
            return .noUserData(tsn: try value.take32())
        case 10:
            try expect(0)
            return .cookieReceivedWhileShuttingDown
        case 11: return .restartWithNewAddresses(Array(value.readRemaining()))
        case 12: return .userInitiatedAbort(Array(value.readRemaining()))
        case 13: return .protocolViolation(Array(value.readRemaining()))
        default: return .unknown(code: code, value: Array(value.readRemaining()))
        }
    }
}

/// Reads that turn `ByteReader`'s truncation into an `SCTPError` (callers check lengths first, so these
/// throw only on a bug or on input the checks let through).
extension ByteReader {
    mutating func take8() throws(SCTPError) -> UInt8 {
        do { return try readUInt8() } catch { throw SCTPError(error) }
    }

    mutating func take16() throws(SCTPError) -> UInt16 {
        do { return try readUInt16() } catch { throw SCTPError(error) }
    }

    mutating func take32() throws(SCTPError) -> UInt32 {
        do { return try readUInt32() } catch { throw SCTPError(error) }
    }

    mutating func take64() throws(SCTPError) -> UInt64 {
        do { return try readUInt64() } catch { throw SCTPError(error) }
    }

    mutating func takeBytes(_ count: Int) throws(SCTPError) -> ArraySlice<UInt8> {
        do { return try readBytes(count) } catch { throw SCTPError(error) }
    }

    mutating func takeSubReader(_ count: Int) throws(SCTPError) -> ByteReader {
        do { return try subReader(count) } catch { throw SCTPError(error) }
    }

    /// 16-bit values up to the end (the caller checked the remaining length is even).
    mutating func take16List() throws(SCTPError) -> [UInt16] {
        var values: [UInt16] = []
        values.reserveCapacity(remaining / 2)
        while remaining >= 2 { values.append(try take16()) }
        return values
    }
}
