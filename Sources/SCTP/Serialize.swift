import Wire

extension SCTPPacket {
    /// The packet's bytes, with the checksum field computed (CRC-32c, little-endian on the wire as RFC 9260
    /// Appendix A's reflected algorithm leaves it) or zero when `checksum == .zero` (RFC 9653).
    ///
    /// Length fields are 16 bits: a model whose chunk, parameter or cause exceeds 65535 bytes cannot be
    /// represented and its length wraps (the generators and the parser never produce one). Counts that the
    /// wire derives (SACK blocks, Missing Mandatory Parameter types) are written from the arrays.
    public func serialize() -> [UInt8] { serialize(withChecksum: true) }

    /// The packet's bytes, with the checksum field left zero unless `withChecksum` and the model's
    /// checksum is CRC-32c.
    func serialize(withChecksum: Bool) -> [UInt8] {
        var writer = ByteWriter(capacity: 12 + chunks.reduce(0) { $0 + $1.serializedCountEstimate })
        writer.writeUInt16(sourcePort)
        writer.writeUInt16(destinationPort)
        writer.writeUInt32(verificationTag)
        writer.writeUInt32(0)
        for (index, chunk) in chunks.enumerated() {
            let isLast = index == chunks.count - 1
            chunk.write(into: &writer, padded: !isLast || lastChunkPadded)
        }
        if withChecksum && checksum == .crc32c {
            let crc = CRC32C.checksum(writer.bytes)
            // The CRC register is transmitted least significant byte first (RFC 9260 Appendix A).
            writer.setUInt32(crc.byteSwapped, at: 8)
        }
        return writer.bytes
    }
}

extension SCTPChunk {
    /// Room enough for most chunks once serialised (header, fixed fields, padding), so that a packet's
    /// buffer is allocated once: the data chunks that fill bulk packets are counted exactly.
    var serializedCountEstimate: Int {
        switch self {
        case .data(let chunk): 16 + chunk.userData.count + 3
        case .iData(let chunk): 20 + chunk.userData.count + 3
        default: 64
        }
    }

    /// The chunk's bytes alone (header, value and its padding), as an ERROR cause or tests want them.
    public func serialize(padded: Bool = true) -> [UInt8] {
        var writer = ByteWriter()
        write(into: &writer, padded: padded)
        return writer.bytes
    }

    /// Appends type, flags, length and value, then the zero padding to a multiple of 4 when `padded`.
    func write(into writer: inout ByteWriter, padded: Bool) {
        let start = writer.count
        writer.writeUInt8(type)
        writer.writeUInt8(flags)
        writer.writeUInt16(0)
        writeValue(into: &writer)
        let length = writer.count - start
        writer.setUInt16(UInt16(truncatingIfNeeded: length), at: start + 2)
        if padded { writer.writeZeros(paddingLength(length)) }
    }

    /// The Chunk Flags byte as it goes on the wire.
    var flags: UInt8 {
        switch self {
        case .data(let chunk): chunk.flags.rawValue
        case .iData(let chunk): chunk.flags.rawValue
        case .initiation(let chunk), .initiationAck(let chunk): chunk.flags
        case .selectiveAck(let chunk): chunk.flags
        case .heartbeat(let chunk), .heartbeatAck(let chunk): chunk.flags
        case .abort(let chunk): chunk.reservedFlags & 0xFE | (chunk.reflectedTag ? 1 : 0)
        case .shutdownComplete(let chunk): chunk.reservedFlags & 0xFE | (chunk.reflectedTag ? 1 : 0)
        case .shutdown(let chunk): chunk.flags
        case .shutdownAck(let chunk), .cookieAck(let chunk): chunk.flags
        case .error(let chunk): chunk.flags
        case .cookieEcho(let chunk): chunk.flags
        case .forwardTSN(let chunk): chunk.flags
        case .iForwardTSN(let chunk): chunk.flags
        case .reconfig(let chunk): chunk.flags
        case .pad(let chunk): chunk.flags
        case .unknown(let chunk): chunk.flags
        }
    }

    private func writeValue(into writer: inout ByteWriter) {
        switch self {
        case .data(let chunk):
            writer.writeUInt32(chunk.tsn)
            writer.writeUInt16(chunk.streamIdentifier)
            writer.writeUInt16(chunk.streamSequenceNumber)
            writer.writeUInt32(chunk.payloadProtocol.rawValue)
            writer.writeBytes(chunk.userData)
        case .iData(let chunk):
            writer.writeUInt32(chunk.tsn)
            writer.writeUInt16(chunk.streamIdentifier)
            writer.writeUInt16(chunk.reserved)
            writer.writeUInt32(chunk.messageIdentifier)
            writer.writeUInt32(chunk.payloadProtocolOrFragmentSequence)
            writer.writeBytes(chunk.userData)
        case .initiation(let chunk), .initiationAck(let chunk):
            writer.writeUInt32(chunk.initiateTag)
            writer.writeUInt32(chunk.advertisedReceiverWindowCredit)
            writer.writeUInt16(chunk.outboundStreams)
            writer.writeUInt16(chunk.inboundStreams)
            writer.writeUInt32(chunk.initialTSN)
            chunk.parameters.write(into: &writer)
        case .selectiveAck(let chunk):
            writer.writeUInt32(chunk.cumulativeTSNAck)
            writer.writeUInt32(chunk.advertisedReceiverWindowCredit)
            writer.writeUInt16(UInt16(truncatingIfNeeded: chunk.gapAckBlocks.count))
            writer.writeUInt16(UInt16(truncatingIfNeeded: chunk.duplicateTSNs.count))
            for block in chunk.gapAckBlocks {
                writer.writeUInt16(block.start)
                writer.writeUInt16(block.end)
            }
            for tsn in chunk.duplicateTSNs { writer.writeUInt32(tsn) }
        case .heartbeat(let chunk), .heartbeatAck(let chunk):
            chunk.parameters.write(into: &writer)
        case .abort(let chunk):
            chunk.causes.write(into: &writer)
        case .error(let chunk):
            chunk.causes.write(into: &writer)
        case .shutdown(let chunk):
            writer.writeUInt32(chunk.cumulativeTSNAck)
        case .shutdownAck, .cookieAck, .shutdownComplete:
            break
        case .cookieEcho(let chunk):
            writer.writeBytes(chunk.cookie)
        case .forwardTSN(let chunk):
            writer.writeUInt32(chunk.newCumulativeTSN)
            for stream in chunk.streams {
                writer.writeUInt16(stream.identifier)
                writer.writeUInt16(stream.sequenceNumber)
            }
        case .iForwardTSN(let chunk):
            writer.writeUInt32(chunk.newCumulativeTSN)
            for stream in chunk.streams {
                writer.writeUInt16(stream.identifier)
                writer.writeUInt16(stream.reservedAndUnordered)
                writer.writeUInt32(stream.messageIdentifier)
            }
        case .reconfig(let chunk):
            chunk.parameters.write(into: &writer)
        case .pad(let chunk):
            writer.writeBytes(chunk.padding)
        case .unknown(let chunk):
            writer.writeBytes(chunk.value)
        }
    }
}

/// Zero bytes that bring `length` to a multiple of 4 (RFC 9260 §3.2).
@inline(__always)
func paddingLength(_ length: Int) -> Int { (4 - length & 3) & 3 }

/// Something written as a type–length–value entry of a chunk.
protocol TLVEntry {
    var tlvType: UInt16 { get }
    func writeValue(into writer: inout ByteWriter)
}

extension TLVList where Element: TLVEntry {
    /// Each entry with its padding, except the last one's when the chunk length does not count it.
    func write(into writer: inout ByteWriter) {
        for (index, element) in elements.enumerated() {
            let start = writer.count
            writer.writeUInt16(element.tlvType)
            writer.writeUInt16(0)
            element.writeValue(into: &writer)
            let length = writer.count - start
            writer.setUInt16(UInt16(truncatingIfNeeded: length), at: start + 2)
            if index < elements.count - 1 || finalPaddingCounted { writer.writeZeros(paddingLength(length)) }
        }
    }
}

extension SCTPParameter: TLVEntry {
    var tlvType: UInt16 { type }

    /// The parameter's bytes alone (type, length, value, padding), as an Unrecognized Parameter carries them.
    public func serialize() -> [UInt8] {
        var writer = ByteWriter()
        TLVList([self], finalPaddingCounted: true).write(into: &writer)
        return writer.bytes
    }

    func writeValue(into writer: inout ByteWriter) {
        switch self {
        case .heartbeatInfo(let bytes), .stateCookie(let bytes), .unrecognizedParameter(let bytes),
            .hostName(let bytes), .random(let bytes), .chunkList(let bytes), .requestedHMACAlgorithms(let bytes),
            .padding(let bytes), .supportedExtensions(let bytes), .unknown(_, let bytes):
            writer.writeBytes(bytes)
        case .ipv4Address(let address):
            writer.writeUInt32(address)
        case .ipv6Address(let address):
            writer.writeUInt64(address.high)
            writer.writeUInt64(address.low)
        case .cookiePreservative(let increment):
            writer.writeUInt32(increment)
        case .supportedAddressTypes(let types):
            for type in types { writer.writeUInt16(type) }
        case .outgoingSSNResetRequest(let request):
            writer.writeUInt32(request.requestSequenceNumber)
            writer.writeUInt32(request.responseSequenceNumber)
            writer.writeUInt32(request.senderLastAssignedTSN)
            for stream in request.streams { writer.writeUInt16(stream) }
        case .incomingSSNResetRequest(let request):
            writer.writeUInt32(request.requestSequenceNumber)
            for stream in request.streams { writer.writeUInt16(stream) }
        case .ssnTSNResetRequest(let sequenceNumber):
            writer.writeUInt32(sequenceNumber)
        case .reconfigurationResponse(let response):
            writer.writeUInt32(response.responseSequenceNumber)
            writer.writeUInt32(response.result)
            if let next = response.nextTSNs {
                writer.writeUInt32(next.sender)
                writer.writeUInt32(next.receiver)
            }
        case .addOutgoingStreams(let request), .addIncomingStreams(let request):
            writer.writeUInt32(request.requestSequenceNumber)
            writer.writeUInt16(request.newStreams)
            writer.writeUInt16(request.reserved)
        case .ecnCapable, .forwardTSNSupported:
            break
        case .zeroChecksumAcceptable(let edmid):
            writer.writeUInt32(edmid)
        }
    }
}

extension SCTPErrorCause: TLVEntry {
    var tlvType: UInt16 { code }

    func writeValue(into writer: inout ByteWriter) {
        switch self {
        case .invalidStreamIdentifier(let stream, let reserved):
            writer.writeUInt16(stream)
            writer.writeUInt16(reserved)
        case .missingMandatoryParameter(let types):
            writer.writeUInt32(UInt32(truncatingIfNeeded: types.count))
            for type in types { writer.writeUInt16(type) }
        case .staleCookie(let staleness):
            writer.writeUInt32(staleness)
        case .noUserData(let tsn):
            writer.writeUInt32(tsn)
        case .outOfResource, .invalidMandatoryParameter, .cookieReceivedWhileShuttingDown:
            break
        case .unresolvableAddress(let bytes), .unrecognizedChunkType(let bytes), .unrecognizedParameters(let bytes),
            .restartWithNewAddresses(let bytes), .userInitiatedAbort(let bytes), .protocolViolation(let bytes),
            .unknown(_, let bytes):
            writer.writeBytes(bytes)
        }
    }
}
