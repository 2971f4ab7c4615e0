// Random valid values, for property tests and the fuzz runner's structure-aware seeds.
// Every value made here satisfies parse(serialize(v)) == v.

private func bytes<R: RandomNumberGenerator>(_ count: Int, using rng: inout R) -> [UInt8] {
    (0..<max(0, count)).map { _ in UInt8.random(in: 0...255, using: &rng) }
}

private func smallCount<R: RandomNumberGenerator>(_ upper: Int, using rng: inout R) -> Int {
    // Mostly small, sometimes up to `upper`: cases near zero are where length bugs live.
    Bool.random(using: &rng) ? Int.random(in: 0...min(3, upper), using: &rng) : Int.random(in: 0...upper, using: &rng)
}

extension RTPExtensionElements {
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> RTPExtensionElements {
        let oneByte = Bool.random(using: &rng)
        let form: Form = oneByte ? .oneByte : .twoByte(appBits: UInt8.random(in: 0...15, using: &rng))
        var items: [Item] = []
        for _ in 0..<smallCount(6, using: &rng) {
            if Int.random(in: 0..<4, using: &rng) == 0 { items.append(.padding(Int.random(in: 1...3, using: &rng))) }
            let id = oneByte ? UInt8.random(in: 1...14, using: &rng) : UInt8.random(in: 1...255, using: &rng)
            let length = oneByte ? Int.random(in: 1...16, using: &rng) : smallCount(40, using: &rng)
            items.append(.element(RTPExtensionElement(id: id, data: bytes(length, using: &rng))))
        }
        if oneByte, Int.random(in: 0..<8, using: &rng) == 0 {
            items.append(.stopped([0xF0 | UInt8.random(in: 0...15, using: &rng)] + bytes(Int.random(in: 0...5, using: &rng), using: &rng)))
        }
        // Normalise through the wire form, so padding items are merged and the word padding is explicit.
        let encoded = RTPExtensionElements(form: form, items: items).encode()
        return (try? RTPExtensionElements.decode(encoded)) ?? RTPExtensionElements(form: form, items: [])
    }
}

extension RTPHeader {
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> RTPHeader {
        var headerExtension: RTPHeaderExtension?
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: headerExtension = RTPExtensionElements.random(using: &rng).encode()
        case 1:
            headerExtension = RTPHeaderExtension(
                profile: UInt16.random(in: 0...0xBEDD, using: &rng), data: bytes(4 * smallCount(4, using: &rng), using: &rng))
        default: break
        }
        return RTPHeader(
            marker: Bool.random(using: &rng), payloadType: UInt8.random(in: 0...127, using: &rng),
            sequenceNumber: UInt16.random(in: 0...UInt16.max, using: &rng),
            timestamp: UInt32.random(in: 0...UInt32.max, using: &rng), ssrc: UInt32.random(in: 0...UInt32.max, using: &rng),
            csrcs: (0..<smallCount(15, using: &rng)).map { _ in UInt32.random(in: 0...UInt32.max, using: &rng) },
            headerExtension: headerExtension)
    }
}

extension RTPPacket {
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> RTPPacket {
        var header = RTPHeader.random(using: &rng)
        var padding: [UInt8] = []
        if Int.random(in: 0..<3, using: &rng) == 0 {
            let count = Int.random(in: 1...255, using: &rng)
            padding = bytes(count - 1, using: &rng) + [UInt8(count)]
        }
        header.hasPadding = !padding.isEmpty
        return RTPPacket(header: header, payload: bytes(smallCount(200, using: &rng), using: &rng), padding: padding)
    }
}

extension ReportBlock {
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> ReportBlock {
        ReportBlock(
            ssrc: .random(in: 0...UInt32.max, using: &rng), fractionLost: .random(in: 0...255, using: &rng),
            cumulativeLost: .random(in: 0...0xFF_FFFF, using: &rng), highestSequence: .random(in: 0...UInt32.max, using: &rng),
            jitter: .random(in: 0...UInt32.max, using: &rng), lastSenderReport: .random(in: 0...UInt32.max, using: &rng),
            delaySinceLastSenderReport: .random(in: 0...UInt32.max, using: &rng))
    }
}

extension RTCPPacket {
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> RTCPPacket {
        func u32() -> UInt32 { .random(in: 0...UInt32.max, using: &rng) }
        func words(_ upper: Int) -> [UInt8] { bytes(4 * smallCount(upper, using: &rng), using: &rng) }
        func reports() -> [ReportBlock] { (0..<smallCount(31, using: &rng)).map { _ in ReportBlock.random(using: &rng) } }
        let body: RTCPBody
        switch Int.random(in: 0..<9, using: &rng) {
        case 0:
            body = .senderReport(
                SenderReport(ssrc: u32(), ntpTimestamp: .random(in: 0...UInt64.max, using: &rng), rtpTimestamp: u32(),
                             packetCount: u32(), octetCount: u32(), reports: reports(), profileExtension: words(3)))
        case 1:
            body = .receiverReport(ReceiverReport(ssrc: u32(), reports: reports(), profileExtension: words(3)))
        case 2:
            body = .sourceDescription(SourceDescription(chunks: (0..<smallCount(31, using: &rng)).map { _ in
                SDESChunk(source: u32(), items: (0..<smallCount(6, using: &rng)).map { _ in
                    let type = UInt8.random(in: 1...8, using: &rng)
                    if type == SDESItem.priv {
                        let prefix = bytes(smallCount(20, using: &rng), using: &rng)
                        return SDESItem(type: type, value: [UInt8(prefix.count)] + prefix + bytes(smallCount(30, using: &rng), using: &rng))
                    }
                    return SDESItem(type: type, value: bytes(smallCount(255, using: &rng), using: &rng))
                })
            }))
        case 3:
            body = .goodbye(
                Goodbye(sources: (0..<smallCount(31, using: &rng)).map { _ in u32() },
                        reason: Bool.random(using: &rng) ? bytes(smallCount(255, using: &rng), using: &rng) : nil))
        case 4:
            body = .applicationDefined(
                ApplicationDefined(subtype: .random(in: 0...31, using: &rng), ssrc: u32(), name: u32(), data: words(8)))
        case 5: body = .transportFeedback(TransportFeedback.random(using: &rng))
        case 6: body = .payloadFeedback(PayloadFeedback.random(using: &rng))
        case 7:
            body = .extendedReport(ExtendedReport(reserved: .random(in: 0...31, using: &rng), ssrc: u32(), blocks: (0..<smallCount(4, using: &rng)).map { _ in
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: return .receiverReferenceTime(typeSpecific: .random(in: 0...255, using: &rng), ntpTimestamp: .random(in: 0...UInt64.max, using: &rng))
                case 1:
                    return .dlrr(typeSpecific: .random(in: 0...255, using: &rng), items: (0..<smallCount(4, using: &rng)).map { _ in
                        DLRRItem(ssrc: u32(), lastReceiverReport: u32(), delaySinceLastReceiverReport: u32())
                    })
                default:
                    return .other(blockType: [1, 2, 3, 6, 7, 42].randomElement(using: &rng) ?? 1, typeSpecific: .random(in: 0...255, using: &rng), body: words(4))
                }
            }))
        default:
            body = .unknown(
                UnknownRTCP(packetType: [192, 195, 199, 208, 210, 223].randomElement(using: &rng) ?? 195,
                            count: .random(in: 0...31, using: &rng), body: words(6)))
        }
        var padding: [UInt8] = []
        if Int.random(in: 0..<5, using: &rng) == 0 {
            let count = 4 * Int.random(in: 1...8, using: &rng)
            padding = bytes(count - 1, using: &rng) + [UInt8(count)]
        }
        return RTCPPacket(body, padding: padding)
    }
}

extension RTCPCompound {
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> RTCPCompound {
        RTCPCompound(packets: (0..<Int.random(in: 1...5, using: &rng)).map { _ in RTCPPacket.random(using: &rng) })
    }
}

extension TransportWideCC {
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> TransportWideCC {
        var chunks: [TWCCChunk] = []
        for _ in 0..<smallCount(8, using: &rng) {
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: chunks.append(.runLength(symbol: .random(in: 0...2, using: &rng), length: .random(in: 1...40, using: &rng)))
            case 1: chunks.append(.oneBitVector(.random(in: 0...0x3FFF, using: &rng)))
            default:
                let symbols = (0..<7).map { _ in UInt16.random(in: 0...2, using: &rng) }
                chunks.append(.twoBitVector(symbols.reduce(0) { $0 << 2 | $1 }))
            }
        }
        let all = chunks.flatMap(\.symbols)
        let lastCount = chunks.last?.symbols.count ?? 0
        let statusCount = max(0, all.count - (lastCount > 0 ? Int.random(in: 0..<lastCount, using: &rng) : 0))
        let counted = all.prefix(statusCount)
        let deltas: [Int16] = counted.compactMap { symbol in
            switch symbol {
            case 1: Int16.random(in: 0...255, using: &rng)
            case 2: Int16.random(in: Int16.min...Int16.max, using: &rng)
            default: nil
            }
        }
        let length = 8 + 2 * chunks.count + counted.reduce(0) { $0 + Int($1) }
        return TransportWideCC(
            baseSequence: .random(in: 0...UInt16.max, using: &rng), statusCount: UInt16(statusCount),
            referenceTime: .random(in: 0...0xFF_FFFF, using: &rng), feedbackCount: .random(in: 0...255, using: &rng),
            chunks: chunks, deltas: deltas, trailing: Array(repeating: 0, count: (4 - length % 4) % 4))
    }
}

extension TransportFeedback {
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> TransportFeedback {
        func u32() -> UInt32 { .random(in: 0...UInt32.max, using: &rng) }
        func tmmb() -> TMMBItem {
            TMMBItem(ssrc: u32(), exponent: .random(in: 0...63, using: &rng), mantissa: .random(in: 0...0x1FFFF, using: &rng),
                     overhead: .random(in: 0...0x1FF, using: &rng))
        }
        let message: Message
        switch Int.random(in: 0..<6, using: &rng) {
        case 0:
            message = .nack(mediaSSRC: u32(), (0...smallCount(10, using: &rng)).map { _ in
                NACKPair(packetID: .random(in: 0...UInt16.max, using: &rng), lostBitmask: .random(in: 0...UInt16.max, using: &rng))
            })
        case 1: message = .tmmbr(mediaSSRC: u32(), (0...smallCount(4, using: &rng)).map { _ in tmmb() })
        case 2: message = .tmmbn(mediaSSRC: u32(), (0..<smallCount(4, using: &rng)).map { _ in tmmb() })
        case 3:
            message = .congestionControl(CongestionControlFeedback(blocks: (0..<smallCount(4, using: &rng)).map { _ in
                let metrics = (0..<smallCount(20, using: &rng)).map { _ in UInt16.random(in: 0...UInt16.max, using: &rng) }
                return .init(ssrc: u32(), beginSequence: .random(in: 0...UInt16.max, using: &rng), metrics: metrics,
                             padding: metrics.count % 2 == 1 ? .random(in: 0...UInt16.max, using: &rng) : 0)
            }, reportTimestamp: u32()))
        case 4: message = .transportWideCC(mediaSSRC: u32(), TransportWideCC.random(using: &rng))
        default:
            message = .other(format: [0, 2, 5, 6, 7, 8, 9, 10, 12, 31].randomElement(using: &rng) ?? 5,
                             fci: bytes(4 + 4 * smallCount(4, using: &rng), using: &rng))
        }
        return TransportFeedback(senderSSRC: u32(), message: message)
    }
}

extension PayloadFeedback {
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> PayloadFeedback {
        func u32() -> UInt32 { .random(in: 0...UInt32.max, using: &rng) }
        let message: Message
        switch Int.random(in: 0..<7, using: &rng) {
        case 0: message = .pictureLoss
        case 1:
            message = .sliceLoss((0...smallCount(4, using: &rng)).map { _ in
                SLIEntry(first: .random(in: 0...0x1FFF, using: &rng), number: .random(in: 0...0x1FFF, using: &rng),
                         pictureID: .random(in: 0...63, using: &rng))
            })
        case 2:
            let length = 2 + 4 * smallCount(3, using: &rng)
            message = .referencePictureSelection(
                RPSI(paddingBits: .random(in: 0...UInt8(min(255, 8 * length)), using: &rng), payloadType: .random(in: 0...127, using: &rng),
                     bitString: bytes(length, using: &rng)))
        case 3:
            message = .fullIntraRequest((0...smallCount(4, using: &rng)).map { _ in
                FIREntry(ssrc: u32(), sequenceNumber: .random(in: 0...255, using: &rng), reserved: .random(in: 0...0xFF_FFFF, using: &rng))
            })
        case 4:
            message = .remb(REMB(exponent: .random(in: 0...63, using: &rng), mantissa: .random(in: 0...0x3FFFF, using: &rng),
                                 ssrcs: (0..<smallCount(8, using: &rng)).map { _ in u32() }))
        case 5: message = .applicationLayer(Array("APPL".utf8) + bytes(4 * smallCount(4, using: &rng), using: &rng))
        default:
            message = .other(format: [0, 5, 6, 7, 8, 14, 31].randomElement(using: &rng) ?? 7, fci: bytes(4 * smallCount(4, using: &rng), using: &rng))
        }
        return PayloadFeedback(senderSSRC: u32(), mediaSSRC: u32(), message: message)
    }
}

extension VP8PayloadDescriptor {
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> VP8PayloadDescriptor {
        let pictureID: VP8PictureID? =
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: .short(.random(in: 0...127, using: &rng))
            case 1: .long(.random(in: 0...0x7FFF, using: &rng))
            default: nil
            }
        return VP8PayloadDescriptor(
            nonReference: .random(using: &rng), startOfPartition: .random(using: &rng), partitionIndex: .random(in: 0...7, using: &rng),
            pictureID: pictureID, tl0PictureIndex: Bool.random(using: &rng) ? .random(in: 0...255, using: &rng) : nil,
            hasTemporalLayer: .random(using: &rng), hasKeyIndex: .random(using: &rng), temporalLayerIndex: .random(in: 0...3, using: &rng),
            layerSync: .random(using: &rng), keyIndex: .random(in: 0...31, using: &rng),
            reservedBits: Int.random(in: 0..<8, using: &rng) == 0 ? 0x40 : 0)
    }
}

extension VP8Payload {
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> VP8Payload {
        VP8Payload(descriptor: .random(using: &rng), data: bytes(smallCount(100, using: &rng), using: &rng))
    }
}

extension OpusPacket {
    public static func random<R: RandomNumberGenerator>(using rng: inout R) -> OpusPacket {
        let configuration = UInt8.random(in: 0...31, using: &rng)
        func frame(_ length: Int? = nil) -> [UInt8] {
            bytes(length ?? (Int.random(in: 0..<6, using: &rng) == 0 ? Int.random(in: 240...300, using: &rng) : smallCount(40, using: &rng)), using: &rng)
        }
        let framing: Framing
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: framing = .one(frame())
        case 1:
            let length = smallCount(40, using: &rng)
            framing = .twoEqual(frame(length), frame(length))
        case 2: framing = .twoDifferent(frame(), frame())
        default:
            let maximum = max(1, min(48, 120_000 / OpusPacket.frameDuration(configuration: configuration)))
            let count = Int.random(in: 1...maximum, using: &rng)
            let vbr = Bool.random(using: &rng)
            let cbrLength = smallCount(20, using: &rng)
            let frames = (0..<count).map { _ in vbr ? frame() : frame(cbrLength) }
            var padding: OpusPadding?
            switch Int.random(in: 0..<4, using: &rng) {
            case 0:
                var sized = OpusPadding(count: smallCount(600, using: &rng))
                sized.bytes = bytes(sized.bytes.count, using: &rng)
                padding = sized
            case 1: padding = OpusPadding(lengthBytes: [255, 0], bytes: bytes(254, using: &rng))
            default: padding = nil
            }
            framing = .arbitrary(OpusCode3(variableBitrate: vbr, frames: frames, padding: padding))
        }
        return OpusPacket(configuration: configuration, stereo: .random(using: &rng), framing: framing)
    }
}
