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
        } else if received == 0 && policy != .required {
            checksumField = .zero
        } else if received == 0 {
            throw SCTPError(.checksum, at: checksumOffset, "checksum is zero but zero checksum (RFC 9653) was not agreed")
        } else if policy.acceptsAnyChecksum {
            // A fuzzing build's bypassed association: the field is kept as the CRC it is not.
            checksumField = .crc32c
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

func hex32(_ value: UInt32) -> String { Hex.integer(value) }

extension SCTPPacket.ChecksumPolicy {
    /// True only for `.unverified`, which exists only in a fuzzing build.
    var acceptsAnyChecksum: Bool {
        #if CRUCIBLE_FUZZING_UNSAFE
        self == .unverified
        #else
        false
        #endif
    }
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
