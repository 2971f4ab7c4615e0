public import Wire

// Structure-aware mutation (DESIGN §4): one change to a parsed packet. `serialize` rewrites every chunk,
// parameter and cause length and padding (RFC 9260 §3.2), and the fuzz target's repair hook recomputes
// the CRC-32c (§6.8), so the mutant reaches the chunk parsers behind those gates.

extension SCTPChunkType {
    /// Every chunk type this codec decodes into a typed chunk (RFC 9260 §3.2, RFC 3758, 6525, 8260, 4820).
    public static let known: [UInt8] = [
        data, initiation, initiationAck, selectiveAck, heartbeat, heartbeatAck, abort, shutdown, shutdownAck,
        error, cookieEcho, cookieAck, shutdownComplete, iData, reconfig, pad, forwardTSN, iForwardTSN,
    ]
}

extension SCTPParameter {
    /// One value of every typed parameter: their type codes are the dictionary's parameter tokens.
    static let representatives: [SCTPParameter] = [
        .heartbeatInfo([]), .ipv4Address(0), .ipv6Address(IPv6Address(high: 0, low: 0)), .stateCookie([]),
        .unrecognizedParameter([]), .cookiePreservative(0), .hostName([]), .supportedAddressTypes([]),
        .ssnTSNResetRequest(0), .ecnCapable, .zeroChecksumAcceptable(edmid: 0), .random([]), .chunkList([]),
        .requestedHMACAlgorithms([]), .padding([]), .supportedExtensions([]), .forwardTSNSupported,
    ]
}

extension SCTPCodec {
    /// The largest byte string (user data, cookie, raw chunk value) a mutation writes: a chunk's length
    /// must stay within its 16-bit field.
    static let maxMutatedBytes = 1024
    static let maxMutatedChunks = 16

    /// Changes one thing: a common-header field (ports, verification tag), the chunk list (remove,
    /// duplicate, swap, move, insert a random chunk), whether the last chunk is padded, or one chunk
    /// (see `mutate(_:using:)` on a chunk).
    public static func mutate(_ value: inout SCTPPacket, using generator: inout SeededGenerator) -> Bool {
        switch generator.below(10) {
        case 0: FieldMutator.mutate(&value.sourcePort, using: &generator)
        case 1: FieldMutator.mutate(&value.destinationPort, using: &generator)
        case 2: FieldMutator.mutate(&value.verificationTag, using: &generator)
        case 3: value.lastChunkPadded.toggle()
        case 4, 5:
            FieldMutator.mutate(&value.chunks, maxCount: maxMutatedChunks, using: &generator) { SCTPChunk.random(using: &$0) }
        default:
            if value.chunks.isEmpty { value.chunks.append(SCTPChunk.random(using: &generator)) }
            else { mutate(&value.chunks[generator.below(value.chunks.count)], using: &generator) }
        }
        return true
    }

    /// One change to one chunk: a typed field, or its raw form (flags, value bytes, or **type confusion**:
    /// the same body under another known chunk type, so the INIT parser meets a SACK's bytes).
    static func mutate(_ chunk: inout SCTPChunk, using generator: inout SeededGenerator) {
        switch generator.below(8) {
        case 0, 1, 2:
            let bytes = chunk.serialize(padded: false)
            guard bytes.count >= 4 else { return }
            var raw = UnknownChunk(type: bytes[0], flags: bytes[1], value: Array(bytes[4...]))
            switch generator.below(3) {
            case 0: raw.type = generator.element(of: SCTPChunkType.known) ?? SCTPChunkType.data
            case 1: FieldMutator.mutate(&raw.flags, using: &generator)
            default: FieldMutator.mutate(&raw.value, maxLength: maxMutatedBytes, using: &generator)
            }
            chunk = .unknown(raw)
        default:
            mutateFields(&chunk, using: &generator)
        }
    }

    /// A typed field of the chunk: TSNs, stream numbers, PPIDs, user data, INIT's fields and parameters,
    /// SACK gap blocks and duplicate TSNs, FORWARD TSN streams, error causes.
    static func mutateFields(_ chunk: inout SCTPChunk, using generator: inout SeededGenerator) {
        func parameters(_ list: inout TLVList<SCTPParameter>, reconfiguration: Bool = false) {
            if generator.chance(8) { list.finalPaddingCounted.toggle(); return }
            FieldMutator.mutate(&list.elements, maxCount: 16, using: &generator) {
                reconfiguration ? SCTPParameter.randomReconfiguration(using: &$0) : SCTPParameter.randomInit(using: &$0)
            }
        }
        func causes(_ list: inout TLVList<SCTPErrorCause>) {
            if generator.chance(8) { list.finalPaddingCounted.toggle(); return }
            FieldMutator.mutate(&list.elements, maxCount: 16, using: &generator) { SCTPErrorCause.random(using: &$0) }
        }
        switch chunk {
        case .data(var c):
            switch generator.below(6) {
            case 0: FieldMutator.mutate(&c.tsn, using: &generator)
            case 1: FieldMutator.mutate(&c.streamIdentifier, using: &generator)
            case 2: FieldMutator.mutate(&c.streamSequenceNumber, using: &generator)
            case 3: c.payloadProtocol = generator.chance(2) ? .random(using: &generator)
                : PayloadProtocolIdentifier(rawValue: FieldMutator.mutated(c.payloadProtocol.rawValue, using: &generator))
            case 4: c.flags = DataChunkFlags(rawValue: FieldMutator.mutated(c.flags.rawValue, using: &generator))
            default: FieldMutator.mutate(&c.userData, maxLength: maxMutatedBytes, using: &generator)
            }
            chunk = .data(c)
        case .iData(var c):
            switch generator.below(6) {
            case 0: FieldMutator.mutate(&c.tsn, using: &generator)
            case 1: FieldMutator.mutate(&c.streamIdentifier, using: &generator)
            case 2: FieldMutator.mutate(&c.messageIdentifier, using: &generator)
            case 3: FieldMutator.mutate(&c.payloadProtocolOrFragmentSequence, using: &generator)
            case 4: c.flags = DataChunkFlags(rawValue: FieldMutator.mutated(c.flags.rawValue, using: &generator))
            default: FieldMutator.mutate(&c.userData, maxLength: maxMutatedBytes, using: &generator)
            }
            chunk = .iData(c)
        case .initiation(var c), .initiationAck(var c):
            let isAck = if case .initiationAck = chunk { true } else { false }
            switch generator.below(7) {
            case 0: FieldMutator.mutate(&c.initiateTag, using: &generator)
            case 1: FieldMutator.mutate(&c.advertisedReceiverWindowCredit, using: &generator)
            case 2: FieldMutator.mutate(&c.outboundStreams, using: &generator)
            case 3: FieldMutator.mutate(&c.inboundStreams, using: &generator)
            case 4: FieldMutator.mutate(&c.initialTSN, using: &generator)
            default: parameters(&c.parameters)
            }
            chunk = isAck ? .initiationAck(c) : .initiation(c)
        case .selectiveAck(var c):
            switch generator.below(4) {
            case 0: FieldMutator.mutate(&c.cumulativeTSNAck, using: &generator)
            case 1: FieldMutator.mutate(&c.advertisedReceiverWindowCredit, using: &generator)
            case 2:
                FieldMutator.mutate(&c.gapAckBlocks, maxCount: 32, using: &generator, fresh: {
                    let start = UInt16(truncatingIfNeeded: $0.below(64) + 1)
                    return GapAckBlock(start: start, end: start &+ UInt16(truncatingIfNeeded: $0.below(8)))
                }, element: { block, generator in
                    if generator.chance(2) { FieldMutator.mutate(&block.start, using: &generator) }
                    else { FieldMutator.mutate(&block.end, using: &generator) }
                    return true
                })
            default:
                FieldMutator.mutate(&c.duplicateTSNs, maxCount: 32, using: &generator, fresh: { UInt32(truncatingIfNeeded: $0.next()) },
                                    element: { FieldMutator.mutate(&$0, using: &$1); return true })
            }
            chunk = .selectiveAck(c)
        case .heartbeat(var c):
            parameters(&c.parameters)
            chunk = .heartbeat(c)
        case .heartbeatAck(var c):
            parameters(&c.parameters)
            chunk = .heartbeatAck(c)
        case .reconfig(var c):
            parameters(&c.parameters, reconfiguration: true)
            chunk = .reconfig(c)
        case .abort(var c):
            if generator.chance(3) { c.reflectedTag.toggle() } else { causes(&c.causes) }
            chunk = .abort(c)
        case .error(var c):
            causes(&c.causes)
            chunk = .error(c)
        case .shutdown(var c):
            FieldMutator.mutate(&c.cumulativeTSNAck, using: &generator)
            chunk = .shutdown(c)
        case .shutdownComplete(var c):
            c.reflectedTag.toggle()
            chunk = .shutdownComplete(c)
        case .cookieEcho(var c):
            FieldMutator.mutate(&c.cookie, maxLength: maxMutatedBytes, using: &generator)
            chunk = .cookieEcho(c)
        case .pad(var c):
            FieldMutator.mutate(&c.padding, maxLength: maxMutatedBytes, using: &generator)
            chunk = .pad(c)
        case .forwardTSN(var c):
            if generator.chance(3) { FieldMutator.mutate(&c.newCumulativeTSN, using: &generator) }
            else {
                FieldMutator.mutate(&c.streams, maxCount: 32, using: &generator, fresh: {
                    ForwardTSNChunk.Stream(identifier: UInt16(truncatingIfNeeded: $0.below(8)), sequenceNumber: UInt16(truncatingIfNeeded: $0.next()))
                }, element: { stream, generator in FieldMutator.mutate(&stream.sequenceNumber, using: &generator); return true })
            }
            chunk = .forwardTSN(c)
        case .iForwardTSN(var c):
            if generator.chance(3) { FieldMutator.mutate(&c.newCumulativeTSN, using: &generator) }
            else {
                FieldMutator.mutate(&c.streams, maxCount: 32, using: &generator, fresh: {
                    IForwardTSNChunk.Stream(identifier: UInt16(truncatingIfNeeded: $0.below(8)), unordered: $0.chance(2),
                                            messageIdentifier: UInt32(truncatingIfNeeded: $0.next()))
                }, element: { stream, generator in FieldMutator.mutate(&stream.reservedAndUnordered, using: &generator); return true })
            }
            chunk = .iForwardTSN(c)
        case .shutdownAck(var c):
            FieldMutator.mutate(&c.flags, using: &generator)
            chunk = .shutdownAck(c)
        case .cookieAck(var c):
            FieldMutator.mutate(&c.flags, using: &generator)
            chunk = .cookieAck(c)
        case .unknown(var c):
            if generator.chance(2) { FieldMutator.mutate(&c.type, using: &generator) }
            else { FieldMutator.mutate(&c.value, maxLength: maxMutatedBytes, using: &generator) }
            chunk = .unknown(c)
        }
    }

    /// Chunk types, parameter types and cause codes (RFC 9260 §3.2, §3.3.2.1, §3.3.10), big-endian, and
    /// the WebRTC payload protocol identifiers (RFC 8831 §8).
    public static var dictionary: [[UInt8]] {
        var tokens = SCTPChunkType.known.map { [$0] }
        tokens += SCTPParameter.representatives.map { [UInt8](bigEndian: $0.type) }
        tokens += (1...13).map { [UInt8](bigEndian: UInt16($0)) }  // the cause codes of §3.3.10
        tokens += PayloadProtocolIdentifier.Known.allCases.map { [UInt8](bigEndian: $0.rawValue) }
        tokens.append([0x13, 0x88])  // port 5000, the WebRTC default (RFC 8841 §5)
        return tokens
    }
}

extension DCEPCodec {
    /// Changes one thing: the message type (so an OPEN becomes an ACK or an unknown type carrying the
    /// OPEN's body), or one field of DATA_CHANNEL_OPEN: channel type, priority, reliability parameter,
    /// label or protocol (RFC 8832 §5.1).
    public static func mutate(_ value: inout DCEPMessage, using generator: inout SeededGenerator) -> Bool {
        switch value {
        case .open(var open) where !generator.chance(6):
            switch generator.below(5) {
            case 0:
                open.channelType = generator.chance(2)
                    ? DataChannelType(generator.element(of: DataChannelType.Known.allCases) ?? .reliable)
                    : DataChannelType(rawValue: FieldMutator.mutated(open.channelType.rawValue, using: &generator))
            case 1: FieldMutator.mutate(&open.priority, using: &generator)
            case 2: FieldMutator.mutate(&open.reliabilityParameter, using: &generator)
            case 3: FieldMutator.mutate(&open.label, maxUTF8: 1024, using: &generator)
            default: FieldMutator.mutate(&open.protocol, maxUTF8: 1024, using: &generator)
            }
            value = .open(open)
        case .unknown(let type, var body) where generator.chance(2):
            if generator.chance(2) { FieldMutator.mutate(&body, maxLength: 1024, using: &generator) }
            value = .unknown(messageType: generator.chance(2) ? FieldMutator.mutated(type, using: &generator) : DCEPMessage.openType,
                             body: body)
        default:  // type confusion: the same body under another message type
            let body = Array(serialize(value).dropFirst())
            switch generator.below(3) {
            case 0: value = value == .ack ? .random(using: &generator) : .ack
            case 1: value = .unknown(messageType: DCEPMessage.ackType, body: body)
            default: value = .unknown(messageType: FieldMutator.mutated(value.messageType, using: &generator), body: body)
            }
        }
        return true
    }

    /// Message types and channel types (RFC 8832 §8.2), and the DCEP payload protocol identifier.
    public static var dictionary: [[UInt8]] {
        [[DCEPMessage.openType], [DCEPMessage.ackType]]
            + DataChannelType.Known.allCases.map { [$0.rawValue] }
            + [[UInt8](bigEndian: PayloadProtocolIdentifier.dcep.rawValue)]
    }
}
