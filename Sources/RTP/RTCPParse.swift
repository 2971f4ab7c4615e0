public import Wire

extension RTCPCompound {
    /// Parses every RTCP packet of a datagram (RFC 3550 §6.1). The compound rules are not errors:
    /// read them from `violations`.
    public static func parse(_ bytes: [UInt8]) throws(RTCPError) -> RTCPCompound {
        var reader = RTCPReader(ByteReader(bytes))
        var packets: [RTCPPacket] = []
        repeat {
            packets.append(try RTCPPacket.parse(from: &reader))
        } while !reader.isAtEnd
        return RTCPCompound(packets: packets)
    }
}

extension RTCPPacket {
    /// Parses one RTCP packet from the front of `reader`, consuming exactly its length.
    static func parse(from outer: inout RTCPReader) throws(RTCPError) -> RTCPPacket {
        let start = outer.offset
        try outer.require(4, .truncated, "RTCP header")
        let first = try outer.u8()
        guard first >> 6 == 2 else {
            throw RTCPError(.version, at: start, "version \(first >> 6), expected 2")
        }
        let packetType = try outer.u8()
        let words = Int(try outer.u16())
        let bodyLength = 4 * words
        guard outer.remaining >= bodyLength else {
            throw RTCPError(
                .length, at: start + 2,
                "length \(words) says \(bodyLength + 4) bytes, \(outer.remaining + 4) left in the datagram")
        }
        var packet: ByteReader
        do { packet = try outer.reader.subReader(bodyLength) } catch { throw RTCPError(error) }
        var padding: [UInt8] = []
        if first & 0x20 != 0 {
            // RFC 3550 §6.4.1: the last octet counts the padding, itself included.
            let all = packet.buffer[packet.position..<packet.limit]
            guard let count = all.last, count >= 1, Int(count) <= all.count else {
                throw RTCPError(
                    .padding, at: start + 4 + max(0, bodyLength - 1),
                    "padding count \(all.last.map(String.init) ?? "missing"), body is \(all.count) byte(s)")
            }
            padding = Array(all.suffix(Int(count)))
            do { packet = try packet.subReader(all.count - Int(count)) } catch { throw RTCPError(error) }
        }
        var body = RTCPReader(packet)
        let count = first & 0x1F
        let parsed: RTCPBody
        switch packetType {
        case 200: parsed = .senderReport(try SenderReport.parse(&body, count: count))
        case 201: parsed = .receiverReport(try ReceiverReport.parse(&body, count: count))
        case 202: parsed = .sourceDescription(try SourceDescription.parse(&body, count: count))
        case 203: parsed = .goodbye(try Goodbye.parse(&body, count: count))
        case 204:
            try body.require(8, .length, "APP needs SSRC and name")
            let ssrc = try body.u32()
            let name = try body.u32()
            guard body.remaining % 4 == 0 else {
                throw RTCPError(.appData, at: body.offset, "\(body.remaining) byte(s) of application data")
            }
            parsed = .applicationDefined(ApplicationDefined(subtype: count, ssrc: ssrc, name: name, data: body.rest()))
        case 205: parsed = .transportFeedback(try TransportFeedback.parse(&body, format: count))
        case 206: parsed = .payloadFeedback(try PayloadFeedback.parse(&body, format: count))
        case 207: parsed = .extendedReport(try ExtendedReport.parse(&body, reserved: count))
        default: parsed = .unknown(UnknownRTCP(packetType: packetType, count: count, body: body.rest()))
        }
        return RTCPPacket(parsed, padding: padding)
    }
}

extension ReportBlock {
    static func parse(_ reader: inout RTCPReader) throws(RTCPError) -> ReportBlock {
        let ssrc = try reader.u32()
        let fractionLost = try reader.u8()
        return ReportBlock(
            ssrc: ssrc, fractionLost: fractionLost, cumulativeLost: try reader.u24(),
            highestSequence: try reader.u32(), jitter: try reader.u32(), lastSenderReport: try reader.u32(),
            delaySinceLastSenderReport: try reader.u32())
    }

    static func parseList(_ reader: inout RTCPReader, count: UInt8) throws(RTCPError) -> [ReportBlock] {
        try reader.require(24 * Int(count), .reportCount, "RC = \(count) report blocks")
        var blocks: [ReportBlock] = []
        for _ in 0..<count { blocks.append(try parse(&reader)) }
        return blocks
    }
}

extension SenderReport {
    static func parse(_ reader: inout RTCPReader, count: UInt8) throws(RTCPError) -> SenderReport {
        try reader.require(24, .length, "SR needs SSRC and sender info")
        let ssrc = try reader.u32()
        let ntp = try reader.u64()
        let rtp = try reader.u32()
        let packets = try reader.u32()
        let octets = try reader.u32()
        let reports = try ReportBlock.parseList(&reader, count: count)
        return SenderReport(
            ssrc: ssrc, ntpTimestamp: ntp, rtpTimestamp: rtp, packetCount: packets, octetCount: octets,
            reports: reports, profileExtension: reader.rest())
    }
}

extension ReceiverReport {
    static func parse(_ reader: inout RTCPReader, count: UInt8) throws(RTCPError) -> ReceiverReport {
        try reader.require(4, .length, "RR needs the reporter's SSRC")
        let ssrc = try reader.u32()
        let reports = try ReportBlock.parseList(&reader, count: count)
        return ReceiverReport(ssrc: ssrc, reports: reports, profileExtension: reader.rest())
    }
}

extension SourceDescription {
    static func parse(_ reader: inout RTCPReader, count: UInt8) throws(RTCPError) -> SourceDescription {
        var chunks: [SDESChunk] = []
        for _ in 0..<count {
            let chunkStart = reader.offset
            try reader.require(4, .sdesItem, "SDES chunk SSRC")
            let source = try reader.u32()
            var items: [SDESItem] = []
            while true {
                guard !reader.isAtEnd else {
                    throw RTCPError(.sdesTerminator, at: reader.offset, "SDES chunk ends without a null octet")
                }
                let type = try reader.u8()
                if type == 0 { break }
                try reader.require(1, .sdesItem, "SDES item \(type) length")
                let length = Int(try reader.u8())
                try reader.require(length, .sdesItem, "SDES item \(type) of \(length) byte(s)")
                let itemOffset = reader.offset
                let value = try reader.bytes(length)
                let item = SDESItem(type: type, value: value)
                if type == SDESItem.priv, item.privateExtension == nil {
                    throw RTCPError(.sdesItem, at: itemOffset, "PRIV prefix length exceeds the item")
                }
                items.append(item)
            }
            // The null octet that ended the list is followed by more nulls up to a word boundary.
            while (reader.offset - chunkStart) % 4 != 0 {
                let at = reader.offset
                guard !reader.isAtEnd, try reader.u8() == 0 else {
                    throw RTCPError(.sdesTerminator, at: at, "SDES chunk not null-padded to a 32-bit boundary")
                }
            }
            chunks.append(SDESChunk(source: source, items: items))
        }
        guard reader.isAtEnd else {
            throw RTCPError(.reportCount, at: reader.offset, "\(reader.remaining) byte(s) after SC = \(count) chunks")
        }
        return SourceDescription(chunks: chunks)
    }
}

extension Goodbye {
    static func parse(_ reader: inout RTCPReader, count: UInt8) throws(RTCPError) -> Goodbye {
        try reader.require(4 * Int(count), .reportCount, "SC = \(count) sources")
        var sources: [UInt32] = []
        for _ in 0..<count { sources.append(try reader.u32()) }
        guard !reader.isAtEnd else { return Goodbye(sources: sources) }
        let length = Int(try reader.u8())
        try reader.require(length, .byeReason, "reason of \(length) byte(s)")
        let reason = try reader.bytes(length)
        let pad = (4 - (1 + length) % 4) % 4
        let rest = reader.rest()
        guard rest.count == pad, rest.allSatisfy({ $0 == 0 }) else {
            throw RTCPError(
                .byeReason, at: reader.offset - rest.count,
                "\(rest.count) byte(s) after the reason, expected \(pad) null octet(s)")
        }
        return Goodbye(sources: sources, reason: reason)
    }
}

extension ExtendedReport {
    static func parse(_ reader: inout RTCPReader, reserved: UInt8) throws(RTCPError) -> ExtendedReport {
        try reader.require(4, .length, "XR needs the sender's SSRC")
        let ssrc = try reader.u32()
        var blocks: [XRBlock] = []
        while !reader.isAtEnd {
            let start = reader.offset
            try reader.require(4, .xrBlock, "XR block header")
            let blockType = try reader.u8()
            let typeSpecific = try reader.u8()
            let words = Int(try reader.u16())
            try reader.require(4 * words, .xrBlock, "XR block type \(blockType) of \(words) word(s)")
            switch blockType {
            case 4:
                guard words == 2 else {
                    throw RTCPError(.xrBlock, at: start + 2, "receiver reference time block of \(words) words, expected 2")
                }
                blocks.append(.receiverReferenceTime(typeSpecific: typeSpecific, ntpTimestamp: try reader.u64()))
            case 5:
                guard words % 3 == 0 else {
                    throw RTCPError(.xrBlock, at: start + 2, "DLRR block of \(words) words, not a multiple of 3")
                }
                var items: [DLRRItem] = []
                for _ in 0..<(words / 3) {
                    items.append(
                        DLRRItem(ssrc: try reader.u32(), lastReceiverReport: try reader.u32(),
                                 delaySinceLastReceiverReport: try reader.u32()))
                }
                blocks.append(.dlrr(typeSpecific: typeSpecific, items: items))
            default:
                blocks.append(.other(blockType: blockType, typeSpecific: typeSpecific, body: try reader.bytes(4 * words)))
            }
        }
        return ExtendedReport(reserved: reserved, ssrc: ssrc, blocks: blocks)
    }
}
