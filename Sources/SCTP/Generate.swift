import Wire

// Random valid values for property tests and the fuzz runner's structure-aware mutations. Every value
// generated here serialises to bytes that parse back to the same value: the byte-level choices the model
// keeps (final padding) are only set where they make a difference on the wire.

extension SCTPPacket {
    /// A random packet of one to four chunks, checksum CRC-32c or zero.
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> SCTPPacket {
        let chunkCount = Int.random(in: 1...4, using: &rng)
        let chunks = (0..<chunkCount).map { _ in SCTPChunk.random(using: &rng) }
        var packet = SCTPPacket(
            sourcePort: .random(in: 0...UInt16.max, using: &rng), destinationPort: .random(in: 0...UInt16.max, using: &rng),
            verificationTag: .random(in: 0...UInt32.max, using: &rng),
            checksum: Int.random(in: 0..<8, using: &rng) == 0 ? .zero : .crc32c, chunks: chunks)
        if let last = chunks.last, last.serialize(padded: false).count % 4 != 0 {
            packet.lastChunkPadded = Bool.random(using: &rng)
        }
        return packet
    }
}

extension SCTPChunk {
    /// A random chunk of any type the codec models, or an unknown one.
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> SCTPChunk {
        func u8() -> UInt8 { .random(in: 0...UInt8.max, using: &rng) }
        func u16() -> UInt16 { .random(in: 0...UInt16.max, using: &rng) }
        func u32() -> UInt32 { .random(in: 0...UInt32.max, using: &rng) }
        // Reserved flag bits are zero most of the time, as senders send them.
        func reserved(_ mask: UInt8) -> UInt8 { Int.random(in: 0..<4, using: &rng) == 0 ? u8() & mask : 0 }
        switch Int.random(in: 0..<19, using: &rng) {
        case 0:
            return .data(DataChunk(
                flags: DataChunkFlags(rawValue: u8() & 0x0F | reserved(0xF0)), tsn: u32(), streamIdentifier: u16(),
                streamSequenceNumber: u16(), payloadProtocol: .random(using: &rng),
                userData: randomBytes(1...64, using: &rng)[...]))
        case 1: return .initiation(.random(using: &rng))
        case 2: return .initiationAck(.random(using: &rng))
        case 3:
            return .selectiveAck(SelectiveAckChunk(
                cumulativeTSNAck: u32(), advertisedReceiverWindowCredit: u32(),
                gapAckBlocks: (0..<Int.random(in: 0...4, using: &rng)).map { _ in GapAckBlock(start: u16(), end: u16()) },
                duplicateTSNs: (0..<Int.random(in: 0...3, using: &rng)).map { _ in u32() }, flags: reserved(0xFF)))
        case 4:
            return .heartbeat(HeartbeatChunk(
                parameters: TLVList.random([.heartbeatInfo(randomBytes(0...40, using: &rng))], using: &rng), flags: reserved(0xFF)))
        case 5:
            return .heartbeatAck(HeartbeatChunk(
                parameters: TLVList.random([.heartbeatInfo(randomBytes(0...40, using: &rng))], using: &rng), flags: reserved(0xFF)))
        case 6:
            let causes = (0..<Int.random(in: 0...3, using: &rng)).map { _ in SCTPErrorCause.random(using: &rng) }
            return .abort(AbortChunk(
                reflectedTag: Bool.random(using: &rng), reservedFlags: reserved(0xFE), causes: .random(causes, using: &rng)))
        case 7: return .shutdown(ShutdownChunk(cumulativeTSNAck: u32(), flags: reserved(0xFF)))
        case 8: return .shutdownAck(EmptyChunk(flags: reserved(0xFF)))
        case 9:
            let causes = (0..<Int.random(in: 1...3, using: &rng)).map { _ in SCTPErrorCause.random(using: &rng) }
            return .error(ErrorChunk(causes: .random(causes, using: &rng), flags: reserved(0xFF)))
        case 10: return .cookieEcho(CookieEchoChunk(cookie: randomBytes(0...64, using: &rng), flags: reserved(0xFF)))
        case 11: return .cookieAck(EmptyChunk(flags: reserved(0xFF)))
        case 12: return .shutdownComplete(ShutdownCompleteChunk(reflectedTag: Bool.random(using: &rng), reservedFlags: reserved(0xFE)))
        case 13:
            return .forwardTSN(ForwardTSNChunk(
                newCumulativeTSN: u32(),
                streams: (0..<Int.random(in: 0...4, using: &rng)).map { _ in .init(identifier: u16(), sequenceNumber: u16()) },
                flags: reserved(0xFF)))
        case 14:
            let parameters = (0..<Int.random(in: 1...2, using: &rng)).map { _ in SCTPParameter.randomReconfiguration(using: &rng) }
            return .reconfig(ReconfigChunk(parameters: .random(parameters, using: &rng), flags: reserved(0xFF)))
        case 15:
            let flags = DataChunkFlags(rawValue: u8() & 0x0F | reserved(0xF0))
            return .iData(IDataChunk(
                flags: flags, tsn: u32(), streamIdentifier: u16(), reserved: Bool.random(using: &rng) ? 0 : u16(),
                messageIdentifier: u32(),
                payloadProtocolOrFragmentSequence: flags.contains(.beginning) ? PayloadProtocolIdentifier.random(using: &rng).rawValue : u32(),
                userData: randomBytes(1...64, using: &rng)[...]))
        case 16:
            return .iForwardTSN(IForwardTSNChunk(
                newCumulativeTSN: u32(),
                streams: (0..<Int.random(in: 0...3, using: &rng)).map { _ in
                    .init(identifier: u16(), reservedAndUnordered: UInt16(reserved(0xFF)) << 8 | UInt16(u8() & 1), messageIdentifier: u32())
                },
                flags: reserved(0xFF)))
        case 17: return .pad(PadChunk(padding: randomBytes(0...32, using: &rng), flags: reserved(0xFF)))
        default:
            return .unknown(UnknownChunk(type: randomUnknownChunkType(using: &rng), flags: u8(), value: randomBytes(0...24, using: &rng)))
        }
    }

    private static let knownTypes: Set<UInt8> = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 64, 130, 132, 192, 194]

    static func randomUnknownChunkType<R: RandomNumberGenerator>(using rng: inout R) -> UInt8 {
        while true {
            let type = UInt8.random(in: 0...UInt8.max, using: &rng)
            if !knownTypes.contains(type) { return type }
        }
    }
}

extension InitChunk {
    /// An INIT or INIT ACK with a handful of the parameters WebRTC stacks send.
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> InitChunk {
        let parameters = (0..<Int.random(in: 0...5, using: &rng)).map { _ in SCTPParameter.randomInit(using: &rng) }
        return InitChunk(
            initiateTag: .random(in: 1...UInt32.max, using: &rng),
            advertisedReceiverWindowCredit: .random(in: 0...UInt32.max, using: &rng),
            outboundStreams: .random(in: 1...UInt16.max, using: &rng), inboundStreams: .random(in: 1...UInt16.max, using: &rng),
            initialTSN: .random(in: 0...UInt32.max, using: &rng), parameters: .random(parameters, using: &rng),
            flags: Int.random(in: 0..<8, using: &rng) == 0 ? .random(in: 0...UInt8.max, using: &rng) : 0)
    }
}

extension TLVList where Element: TLVEntry {
    /// The list, with the final padding counted at random when the last entry has padding at all.
    static func random<R: RandomNumberGenerator>(_ elements: [Element], using rng: inout R) -> TLVList {
        var list = TLVList(elements)
        if let last = elements.last {
            var writer = ByteWriter()
            last.writeValue(into: &writer)
            if writer.count % 4 != 0 { list.finalPaddingCounted = Bool.random(using: &rng) }
        }
        return list
    }
}

extension SCTPParameter {
    /// A parameter of the kinds INIT and INIT ACK carry, or an unknown one.
    public static func randomInit<R: RandomNumberGenerator>(using rng: inout R) -> SCTPParameter {
        switch Int.random(in: 0..<18, using: &rng) {
        case 0: .ipv4Address(.random(in: 0...UInt32.max, using: &rng))
        case 1: .ipv6Address(IPv6Address(high: .random(in: 0...UInt64.max, using: &rng), low: .random(in: 0...UInt64.max, using: &rng)))
        case 2: .stateCookie(randomBytes(1...64, using: &rng))
        case 3: .unrecognizedParameter(SCTPParameter.unknown(type: 0xC123, value: randomBytes(0...6, using: &rng)).serialize())
        case 4: .cookiePreservative(.random(in: 0...UInt32.max, using: &rng))
        case 5: .hostName(randomBytes(1...16, using: &rng))
        case 6: .supportedAddressTypes((0..<Int.random(in: 1...3, using: &rng)).map { _ in [5, 6, 11][Int.random(in: 0..<3, using: &rng)] })
        case 7: .ecnCapable
        case 8: .zeroChecksumAcceptable(edmid: Bool.random(using: &rng) ? edmidDTLS : .random(in: 0...UInt32.max, using: &rng))
        case 9: .random(randomBytes(32...32, using: &rng))
        case 10: .chunkList([0x80, 0xC1])
        case 11: .requestedHMACAlgorithms([0, 1])
        case 12: .supportedExtensions(randomBytes(0...6, using: &rng))
        case 13: .forwardTSNSupported
        case 14: .heartbeatInfo(randomBytes(0...8, using: &rng))
        case 15: .padding(randomBytes(0...9, using: &rng))
        default: .unknown(type: randomUnknownType(using: &rng), value: randomBytes(0...12, using: &rng))
        }
    }

    /// One of the six re-configuration parameters of RFC 6525 §4.
    public static func randomReconfiguration<R: RandomNumberGenerator>(using rng: inout R) -> SCTPParameter {
        func u32() -> UInt32 { .random(in: 0...UInt32.max, using: &rng) }
        func streams() -> [UInt16] { (0..<Int.random(in: 0...4, using: &rng)).map { _ in .random(in: 0...UInt16.max, using: &rng) } }
        switch Int.random(in: 0..<6, using: &rng) {
        case 0:
            return .outgoingSSNResetRequest(OutgoingSSNResetRequest(
                requestSequenceNumber: u32(), responseSequenceNumber: u32(), senderLastAssignedTSN: u32(), streams: streams()))
        case 1: return .incomingSSNResetRequest(IncomingSSNResetRequest(requestSequenceNumber: u32(), streams: streams()))
        case 2: return .ssnTSNResetRequest(u32())
        case 3:
            return .reconfigurationResponse(ReconfigurationResponse(
                responseSequenceNumber: u32(), result: .random(in: 0...7, using: &rng),
                nextTSNs: Bool.random(using: &rng) ? .init(sender: u32(), receiver: u32()) : nil))
        case 4: return .addOutgoingStreams(AddStreamsRequest(requestSequenceNumber: u32(), newStreams: .random(in: 0...UInt16.max, using: &rng)))
        default: return .addIncomingStreams(AddStreamsRequest(requestSequenceNumber: u32(), newStreams: .random(in: 0...UInt16.max, using: &rng)))
        }
    }

    private static let knownTypes: Set<UInt16> = [1, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 0x8000, 0x8001, 0x8002, 0x8003, 0x8004, 0x8005, 0x8008, 0xC000]

    static func randomUnknownType<R: RandomNumberGenerator>(using rng: inout R) -> UInt16 {
        while true {
            let type = UInt16.random(in: 0...UInt16.max, using: &rng)
            if !knownTypes.contains(type) { return type }
        }
    }
}

extension SCTPErrorCause {
    /// Any of the thirteen causes of RFC 9260 §3.3.10, or an unknown one.
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> SCTPErrorCause {
        func u32() -> UInt32 { .random(in: 0...UInt32.max, using: &rng) }
        switch Int.random(in: 0..<14, using: &rng) {
        case 0: return .invalidStreamIdentifier(stream: .random(in: 0...UInt16.max, using: &rng), reserved: 0)
        case 1: return .missingMandatoryParameter((0..<Int.random(in: 0...3, using: &rng)).map { _ in .random(in: 0...UInt16.max, using: &rng) })
        case 2: return .staleCookie(stalenessMicroseconds: u32())
        case 3: return .outOfResource
        case 4: return .unresolvableAddress(SCTPParameter.ipv4Address(u32()).serialize())
        case 5: return .unrecognizedChunkType(SCTPChunk.unknown(UnknownChunk(type: 0x4F, value: randomBytes(0...5, using: &rng))).serialize(padded: false))
        case 6: return .invalidMandatoryParameter
        case 7: return .unrecognizedParameters(SCTPParameter.unknown(type: 0x8123, value: randomBytes(0...5, using: &rng)).serialize())
        case 8: return .noUserData(tsn: u32())
        case 9: return .cookieReceivedWhileShuttingDown
        case 10: return .restartWithNewAddresses(SCTPParameter.ipv4Address(u32()).serialize())
        case 11: return .userInitiatedAbort(Array("bye".utf8))
        case 12: return .protocolViolation(randomBytes(0...20, using: &rng))
        default:
            var code = UInt16.random(in: 0...UInt16.max, using: &rng)
            if (1...13).contains(code) { code += 100 }
            return .unknown(code: code, value: randomBytes(0...10, using: &rng))
        }
    }
}

extension PayloadProtocolIdentifier {
    /// Mostly the WebRTC values, sometimes any 32-bit value.
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> PayloadProtocolIdentifier {
        if Int.random(in: 0..<4, using: &rng) == 0 { return PayloadProtocolIdentifier(rawValue: .random(in: 0...UInt32.max, using: &rng)) }
        let known = Known.allCases
        return PayloadProtocolIdentifier(known[Int.random(in: 0..<known.count, using: &rng)])
    }
}

extension DCEPMessage {
    /// An OPEN with random fields and text (any Unicode scalars), an ACK, or an unknown message type.
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> DCEPMessage {
        switch Int.random(in: 0..<8, using: &rng) {
        case 0: return .ack
        case 1:
            var type = UInt8.random(in: 0...UInt8.max, using: &rng)
            if type == openType || type == ackType { type = 0xFF }
            return .unknown(messageType: type, body: randomBytes(0...12, using: &rng))
        default:
            let types = DataChannelType.Known.allCases
            let channelType = Int.random(in: 0..<8, using: &rng) == 0
                ? DataChannelType(rawValue: .random(in: 0...UInt8.max, using: &rng))
                : DataChannelType(types[Int.random(in: 0..<types.count, using: &rng)])
            return .open(DataChannelOpen(
                channelType: channelType, priority: [0, 128, 256, 512, 1024, UInt16.random(in: 0...UInt16.max, using: &rng)][Int.random(in: 0..<6, using: &rng)],
                reliabilityParameter: .random(in: 0...UInt32.max, using: &rng),
                label: randomText(using: &rng), protocol: Bool.random(using: &rng) ? "" : randomText(using: &rng)))
        }
    }

    private static func randomText<R: RandomNumberGenerator>(using rng: inout R) -> String {
        var text = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...12, using: &rng) {
            let value: UInt32 = switch Int.random(in: 0..<4, using: &rng) {
            case 0: .random(in: 0x80...0xD7FF, using: &rng)
            case 1: .random(in: 0xE000...0x10FFFF, using: &rng)
            default: .random(in: 0x20...0x7E, using: &rng)
            }
            if let scalar = Unicode.Scalar(value) { text.append(scalar) }
        }
        return String(text)
    }
}

/// Random bytes with a length in `lengths`.
func randomBytes<R: RandomNumberGenerator>(_ lengths: ClosedRange<Int>, using rng: inout R) -> [UInt8] {
    (0..<Int.random(in: lengths, using: &rng)).map { _ in UInt8.random(in: 0...UInt8.max, using: &rng) }
}
