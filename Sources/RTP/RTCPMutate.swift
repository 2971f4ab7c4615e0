public import Wire

// Structure-aware mutation (DESIGN §4) for RTCP compound packets and SRTCP. `serialize` derives each
// packet's count field, length and padding count (RFC 3550 §6.4.1), so mutants keep their framing and
// reach the per-type parsers.

extension RTCPPacket {
    /// The packet types this codec decodes into a typed body (RFC 3550 §12.1, RFC 4585 §6.1, RFC 3611).
    public static let knownTypes: [UInt8] = Array(200...207)

    /// The same bytes as an unknown packet: type, count and body as raw fields, so a mutation can
    /// change the type while keeping the body (type confusion) or change bytes the typed model fixes.
    var raw: UnknownRTCP {
        let bytes = serialize()
        let end = Swift.max(4, bytes.count - padding.count)
        return UnknownRTCP(packetType: bytes[1], count: bytes[0] & 0x1F, body: bytes.count >= end ? Array(bytes[4..<end]) : [])
    }

    /// One change to one packet: its type (keeping the body), count or raw body, its padding, or a typed
    /// field (report blocks, SDES chunks and items, BYE sources and reason, APP fields, XR blocks).
    mutating func mutate(using generator: inout SeededGenerator) {
        switch generator.below(10) {
        case 0, 1:
            var raw = raw
            switch generator.below(3) {
            case 0: raw.packetType = generator.chance(4) ? FieldMutator.mutated(raw.packetType, using: &generator)
                : generator.element(of: Self.knownTypes) ?? 200
            case 1: FieldMutator.mutate(&raw.count, bits: 5, using: &generator)
            default:
                FieldMutator.mutate(&raw.body, maxLength: 512, using: &generator)
                if !generator.chance(4) { raw.body.append(contentsOf: repeatElement(0, count: (4 - raw.body.count % 4) % 4)) }
            }
            body = .unknown(raw)
        case 2:
            if padding.isEmpty || generator.chance(3) {
                let count = 4 * (1 + generator.below(8))
                padding = (0..<count).map { _ in generator.chance(2) ? 0 : generator.byte() }
            } else {
                padding = []
            }
        default:
            mutateBody(using: &generator)
        }
    }

    mutating func mutateBody(using generator: inout SeededGenerator) {
        func reports(_ list: inout [ReportBlock]) {
            FieldMutator.mutate(&list, maxCount: 31, using: &generator, fresh: { ReportBlock.random(using: &$0) }, element: { block, generator in
                switch generator.below(6) {
                case 0: FieldMutator.mutate(&block.ssrc, using: &generator)
                case 1: FieldMutator.mutate(&block.fractionLost, using: &generator)
                case 2: FieldMutator.mutate(&block.cumulativeLost, bits: 24, using: &generator)
                case 3: FieldMutator.mutate(&block.highestSequence, using: &generator)
                case 4: FieldMutator.mutate(&block.jitter, using: &generator)
                default: FieldMutator.mutate(&block.delaySinceLastSenderReport, using: &generator)
                }
                return true
            })
        }
        func words(_ bytes: inout [UInt8]) {
            FieldMutator.mutate(&bytes, maxLength: 64, using: &generator)
            bytes.append(contentsOf: repeatElement(0, count: (4 - bytes.count % 4) % 4))
        }
        switch body {
        case .senderReport(var sr):
            switch generator.below(5) {
            case 0: FieldMutator.mutate(&sr.ssrc, using: &generator)
            case 1: FieldMutator.mutate(&sr.ntpTimestamp, using: &generator)
            case 2: if generator.chance(2) { FieldMutator.mutate(&sr.packetCount, using: &generator) } else { FieldMutator.mutate(&sr.octetCount, using: &generator) }
            case 3: words(&sr.profileExtension)
            default: reports(&sr.reports)
            }
            body = .senderReport(sr)
        case .receiverReport(var rr):
            switch generator.below(3) {
            case 0: FieldMutator.mutate(&rr.ssrc, using: &generator)
            case 1: words(&rr.profileExtension)
            default: reports(&rr.reports)
            }
            body = .receiverReport(rr)
        case .sourceDescription(var sdes):
            FieldMutator.mutate(&sdes.chunks, maxCount: 31, using: &generator, fresh: {
                SDESChunk(source: UInt32(truncatingIfNeeded: $0.next()), items: [SDESItem(type: SDESItem.cname, text: "crucible")])
            }, element: { chunk, generator in
                if generator.chance(4) { FieldMutator.mutate(&chunk.source, using: &generator); return true }
                return FieldMutator.mutate(&chunk.items, maxCount: 16, using: &generator, fresh: {
                    SDESItem(type: UInt8(1 + $0.below(8)), text: "x")
                }, element: { item, generator in
                    if generator.chance(3) { FieldMutator.mutate(&item.type, using: &generator) }
                    else { FieldMutator.mutate(&item.value, maxLength: 255, using: &generator) }
                    return true
                })
            })
            body = .sourceDescription(sdes)
        case .goodbye(var bye):
            if generator.chance(2) {
                FieldMutator.mutate(&bye.sources, maxCount: 31, using: &generator, fresh: { UInt32(truncatingIfNeeded: $0.next()) })
            } else if var reason = bye.reason, !generator.chance(4) {
                FieldMutator.mutate(&reason, maxLength: 255, using: &generator)
                bye.reason = reason
            } else {
                bye.reason = bye.reason == nil ? Array("left".utf8) : nil
            }
            body = .goodbye(bye)
        case .applicationDefined(var app):
            switch generator.below(4) {
            case 0: FieldMutator.mutate(&app.subtype, bits: 5, using: &generator)
            case 1: FieldMutator.mutate(&app.name, using: &generator)
            case 2: FieldMutator.mutate(&app.ssrc, using: &generator)
            default: words(&app.data)
            }
            body = .applicationDefined(app)
        case .extendedReport(var xr):
            FieldMutator.mutate(&xr.blocks, maxCount: 8, using: &generator, fresh: {
                .receiverReferenceTime(typeSpecific: 0, ntpTimestamp: $0.next())
            }, element: { block, generator in
                switch block {
                case .receiverReferenceTime(let typeSpecific, let ntp):
                    block = .receiverReferenceTime(typeSpecific: typeSpecific, ntpTimestamp: FieldMutator.mutated(ntp, using: &generator))
                case .dlrr(let typeSpecific, var items):
                    FieldMutator.mutate(&items, maxCount: 8, using: &generator, fresh: {
                        DLRRItem(ssrc: UInt32(truncatingIfNeeded: $0.next()), lastReceiverReport: 0, delaySinceLastReceiverReport: 0)
                    })
                    block = .dlrr(typeSpecific: typeSpecific, items: items)
                case .other(let blockType, let typeSpecific, var body):
                    FieldMutator.mutate(&body, maxLength: 64, using: &generator)
                    body.append(contentsOf: repeatElement(0, count: (4 - body.count % 4) % 4))
                    block = .other(blockType: generator.chance(3) ? FieldMutator.mutated(blockType, using: &generator) : blockType,
                                   typeSpecific: typeSpecific, body: body)
                }
                return true
            })
            body = .extendedReport(xr)
        case .transportFeedback(var feedback):
            if generator.chance(3) { FieldMutator.mutate(&feedback.senderSSRC, using: &generator); body = .transportFeedback(feedback) }
            else { mutateRawBody(using: &generator) }
        case .payloadFeedback(var feedback):
            switch generator.below(3) {
            case 0: FieldMutator.mutate(&feedback.senderSSRC, using: &generator); body = .payloadFeedback(feedback)
            case 1: FieldMutator.mutate(&feedback.mediaSSRC, using: &generator); body = .payloadFeedback(feedback)
            default: mutateRawBody(using: &generator)
            }
        case .unknown:
            mutateRawBody(using: &generator)
        }
    }

    /// Feedback messages (RFC 4585, RFC 5104, TWCC, REMB, RFC 8888) have many layouts: their bytes
    /// after the SSRCs are mutated raw, in whole words, and re-typed by the parser.
    mutating func mutateRawBody(using generator: inout SeededGenerator) {
        var raw = raw
        if generator.chance(4) { FieldMutator.mutate(&raw.count, bits: 5, using: &generator) }
        else {
            FieldMutator.mutate(&raw.body, maxLength: 512, using: &generator)
            raw.body.append(contentsOf: repeatElement(0, count: (4 - raw.body.count % 4) % 4))
        }
        body = .unknown(raw)
    }
}

extension RTCPCompound {
    static let maxMutatedPackets = 16
}

extension RTCPCodec {
    /// Changes one thing: the compound list (reorder, duplicate, remove, insert a random packet, RFC 3550
    /// §6.1) or one packet (type confusion, count, padding, typed fields).
    public static func mutate(_ value: inout RTCPCompound, using generator: inout SeededGenerator) -> Bool {
        if value.packets.isEmpty || generator.chance(4) {
            FieldMutator.mutate(&value.packets, maxCount: RTCPCompound.maxMutatedPackets, using: &generator) { RTCPPacket.random(using: &$0) }
        } else {
            value.packets[generator.below(value.packets.count)].mutate(using: &generator)
        }
        return true
    }

    /// The first two bytes of every known packet type with V=2 and counts 0 and 1, and SDES item types.
    public static var dictionary: [[UInt8]] { rtcpHeaderTokens }

    static var rtcpHeaderTokens: [[UInt8]] {
        var tokens: [[UInt8]] = []
        for type in RTCPPacket.knownTypes { tokens += [[0x80, type], [0x81, type], [type]] }
        tokens += (1...8).map { [UInt8($0)] }  // SDES item types, RFC 3550 §6.5
        tokens.append(Array("REMB".utf8))
        return tokens
    }
}

extension SRTCPCodec {
    /// The length of the clear header SRTCP keeps: V/P/RC, PT, length and sender SSRC (RFC 3711 §3.4).
    static let clearHeaderLength = 8

    /// Changes one thing: a clear header field, the protected bytes, the E flag, the SRTCP index, or
    /// the authentication tag's bytes (RFC 3711 §3.4).
    public static func mutate(_ value: inout SRTCPPacket, using generator: inout SeededGenerator) -> Bool {
        switch generator.below(6) {
        case 0:
            guard value.firstHeader.count == clearHeaderLength else {
                value.firstHeader = [0x80, 200, 0, 6, 0, 0, 0, 1]
                return true
            }
            switch generator.below(4) {
            case 0: FieldMutator.mutate(&value.firstHeader[0], bits: 6, using: &generator); value.firstHeader[0] |= 0x80
            case 1: value.firstHeader[1] = generator.chance(2) ? UInt8(192 + generator.below(32)) : generator.element(of: RTCPPacket.knownTypes) ?? 200
            case 2: FieldMutator.mutate(&value.firstHeader[2 + generator.below(2)], using: &generator)
            default: FieldMutator.mutate(&value.firstHeader[4 + generator.below(4)], using: &generator)
            }
        case 1, 2: FieldMutator.mutate(&value.protected, maxLength: 1200, using: &generator)
        case 3: value.encrypted.toggle()
        case 4: FieldMutator.mutate(&value.index, bits: 31, using: &generator)
        default:
            if value.trailer.isEmpty { value.encrypted.toggle() }
            else { FieldMutator.mutate(&value.trailer[generator.below(value.trailer.count)], using: &generator) }
        }
        return true
    }

    /// The RTCP header tokens and the E flag.
    public static var dictionary: [[UInt8]] { RTCPCodec.rtcpHeaderTokens + [[0x80, 0, 0, 0]] }
}
