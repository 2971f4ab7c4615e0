extension TransportFeedback {
    static func parse(_ reader: inout RTCPReader, format: UInt8) throws(RTCPError) -> TransportFeedback {
        try reader.require(4, .feedbackLength, "feedback needs the sender's SSRC")
        let sender = try reader.u32()
        if format == 11 {
            return TransportFeedback(senderSSRC: sender, message: .congestionControl(try CongestionControlFeedback.parse(&reader)))
        }
        // RFC 4585 §6.1: every other transport-layer FB message has the media source's SSRC.
        try reader.require(4, .feedbackLength, "feedback needs the media source's SSRC")
        switch format {
        case 1:
            let media = try reader.u32()
            try entries(&reader, size: 4, minimum: 1, "generic NACK")
            var pairs: [NACKPair] = []
            while !reader.isAtEnd { pairs.append(NACKPair(packetID: try reader.u16(), lostBitmask: try reader.u16())) }
            return TransportFeedback(senderSSRC: sender, message: .nack(mediaSSRC: media, pairs))
        case 3, 4:
            let media = try reader.u32()
            try entries(&reader, size: 8, minimum: format == 3 ? 1 : 0, format == 3 ? "TMMBR" : "TMMBN")
            var items: [TMMBItem] = []
            while !reader.isAtEnd {
                let ssrc = try reader.u32()
                let word = try reader.u32()
                items.append(
                    TMMBItem(ssrc: ssrc, exponent: UInt8(word >> 26), mantissa: (word >> 9) & 0x1FFFF,
                             overhead: UInt16(word & 0x1FF)))
            }
            return TransportFeedback(
                senderSSRC: sender, message: format == 3 ? .tmmbr(mediaSSRC: media, items) : .tmmbn(mediaSSRC: media, items))
        case 15:
            let media = try reader.u32()
            return TransportFeedback(senderSSRC: sender, message: .transportWideCC(mediaSSRC: media, try TransportWideCC.parse(&reader)))
        default:
            return TransportFeedback(senderSSRC: sender, message: .other(format: format, fci: reader.rest()))
        }
    }
}

/// Checks that the rest of the FCI is whole entries of `size` bytes, at least `minimum` of them.
private func entries(_ reader: inout RTCPReader, size: Int, minimum: Int, _ what: String) throws(RTCPError) {
    guard reader.remaining % size == 0, reader.remaining / size >= minimum else {
        throw RTCPError(
            .feedbackLength, at: reader.offset,
            "\(what) FCI of \(reader.remaining) byte(s): needs \(minimum == 0 ? "" : "at least \(minimum) ")\(size)-byte entries")
    }
}

extension TransportWideCC {
    static func parse(_ reader: inout RTCPReader) throws(RTCPError) -> TransportWideCC {
        try reader.require(8, .feedbackLength, "transport-wide CC header")
        let base = try reader.u16()
        let statusCount = try reader.u16()
        let reference = try reader.u24()
        let feedbackCount = try reader.u8()
        var chunks: [TWCCChunk] = []
        var symbols: [UInt8] = []
        while symbols.count < Int(statusCount) {
            let at = reader.offset
            guard reader.remaining >= 2 else {
                throw RTCPError(
                    .twccStatus, at: at, "status chunks end after \(symbols.count) of \(statusCount) packets")
            }
            let chunk = TWCCChunk(rawValue: try reader.u16())
            let chunkSymbols = chunk.symbols.prefix(Int(statusCount) - symbols.count)
            if chunkSymbols.contains(3) {
                throw RTCPError(.twccStatus, at: at, "status symbol 3 is reserved")
            }
            if case .runLength(_, let length) = chunk, length == 0 {
                throw RTCPError(.twccStatus, at: at, "run-length chunk of length 0")
            }
            chunks.append(chunk)
            symbols += chunkSymbols
        }
        var deltas: [Int16] = []
        for symbol in symbols where symbol != 0 {
            let at = reader.offset
            guard reader.remaining >= Int(symbol) else {
                throw RTCPError(.twccDeltas, at: at, "receive delta \(deltas.count + 1) cut by the end of the packet")
            }
            deltas.append(symbol == 1 ? Int16(try reader.u8()) : Int16(bitPattern: try reader.u16()))
        }
        guard reader.remaining < 4 else {
            throw RTCPError(.twccDeltas, at: reader.offset, "\(reader.remaining) byte(s) after the last receive delta")
        }
        return TransportWideCC(
            baseSequence: base, statusCount: statusCount, referenceTime: reference, feedbackCount: feedbackCount,
            chunks: chunks, deltas: deltas, trailing: reader.rest())
    }
}

extension CongestionControlFeedback {
    static func parse(_ reader: inout RTCPReader) throws(RTCPError) -> CongestionControlFeedback {
        var blocks: [Block] = []
        while reader.remaining > 4 {
            let at = reader.offset
            guard reader.remaining >= 8 + 4 else {
                throw RTCPError(.ccfbBlock, at: at, "report block header cut by the end of the packet")
            }
            let ssrc = try reader.u32()
            let begin = try reader.u16()
            let count = Int(try reader.u16())
            let padded = count + count % 2
            try reader.require(2 * padded + 4, .ccfbBlock, "\(count) metric(s) and the report timestamp")
            var metrics: [UInt16] = []
            for _ in 0..<count { metrics.append(try reader.u16()) }
            let padding = count % 2 == 1 ? try reader.u16() : 0
            blocks.append(Block(ssrc: ssrc, beginSequence: begin, metrics: metrics, padding: padding))
        }
        try reader.require(4, .ccfbBlock, "report timestamp")
        return CongestionControlFeedback(blocks: blocks, reportTimestamp: try reader.u32())
    }
}

extension PayloadFeedback {
    static func parse(_ reader: inout RTCPReader, format: UInt8) throws(RTCPError) -> PayloadFeedback {
        try reader.require(8, .feedbackLength, "feedback needs sender and media source SSRCs")
        let sender = try reader.u32()
        let media = try reader.u32()
        let message: Message
        switch format {
        case 1:
            guard reader.isAtEnd else {
                throw RTCPError(.feedbackLength, at: reader.offset, "PLI has no FCI, found \(reader.remaining) byte(s)")
            }
            message = .pictureLoss
        case 2:
            try entries(&reader, size: 4, minimum: 1, "SLI")
            var items: [SLIEntry] = []
            while !reader.isAtEnd {
                let word = try reader.u32()
                items.append(SLIEntry(first: UInt16(word >> 19), number: UInt16((word >> 6) & 0x1FFF), pictureID: UInt8(word & 0x3F)))
            }
            message = .sliceLoss(items)
        case 3:
            guard reader.remaining >= 4 else {
                throw RTCPError(.feedbackLength, at: reader.offset, "RPSI needs at least one word of FCI")
            }
            let padBits = try reader.u8()
            let payloadType = try reader.u8()
            let bits = reader.rest()
            guard Int(padBits) <= 8 * bits.count else {
                throw RTCPError(.rpsiPadding, at: reader.offset - bits.count - 2, "PB = \(padBits) exceeds the \(8 * bits.count)-bit string")
            }
            message = .referencePictureSelection(RPSI(paddingBits: padBits, payloadType: payloadType, bitString: bits))
        case 4:
            try entries(&reader, size: 8, minimum: 1, "FIR")
            var items: [FIREntry] = []
            while !reader.isAtEnd {
                let ssrc = try reader.u32()
                let sequence = try reader.u8()
                items.append(FIREntry(ssrc: ssrc, sequenceNumber: sequence, reserved: try reader.u24()))
            }
            message = .fullIntraRequest(items)
        case 15:
            let rest = reader.rest()
            if rest.starts(with: Array("REMB".utf8)) {
                message = .remb(try REMB.parse(rest, at: reader.offset - rest.count))
            } else {
                message = .applicationLayer(rest)
            }
        default:
            message = .other(format: format, fci: reader.rest())
        }
        return PayloadFeedback(senderSSRC: sender, mediaSSRC: media, message: message)
    }
}

extension REMB {
    /// `bytes` starts at the "REMB" identifier.
    static func parse(_ bytes: [UInt8], at offset: Int) throws(RTCPError) -> REMB {
        guard bytes.count >= 8 else {
            throw RTCPError(.rembFormat, at: offset, "REMB needs 8 bytes before the SSRC list, has \(bytes.count)")
        }
        let count = Int(bytes[4])
        guard bytes.count == 8 + 4 * count else {
            throw RTCPError(.rembFormat, at: offset + 4, "Num SSRC = \(count) but \(bytes.count - 8) byte(s) follow")
        }
        let exponent = bytes[5] >> 2
        let mantissa = UInt32(bytes[5] & 3) << 16 | UInt32(bytes[6]) << 8 | UInt32(bytes[7])
        let ssrcs = (0..<count).map { index in
            bytes[(8 + 4 * index)..<(12 + 4 * index)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        }
        return REMB(exponent: exponent, mantissa: mantissa, ssrcs: ssrcs)
    }
}
