public import Wire

extension RTCPCompound {
    public func serialize() -> [UInt8] {
        var writer = ByteWriter(capacity: 128)
        for packet in packets { packet.write(to: &writer) }
        return writer.bytes
    }
}

extension RTCPPacket {
    /// Writes the packet: header with P set exactly when `padding` is not empty, the length field
    /// computed from the body, and the padding count in the last padding octet.
    public func write(to writer: inout ByteWriter) {
        var content = ByteWriter(capacity: 64)
        let count = writeBody(into: &content)
        let total = 4 + content.count + padding.count
        writer.writeUInt8(0x80 | (padding.isEmpty ? 0 : 0x20) | (count & 0x1F))
        writer.writeUInt8(self.body.packetType)
        writer.writeUInt16(UInt16(truncatingIfNeeded: (total + 3) / 4 - 1))
        writer.writeBytes(content.bytes)
        if !padding.isEmpty {
            writer.writeBytes(padding.dropLast())
            writer.writeUInt8(UInt8(truncatingIfNeeded: padding.count))
        }
    }

    public func serialize() -> [UInt8] {
        var writer = ByteWriter()
        write(to: &writer)
        return writer.bytes
    }

    /// Writes the body and returns the header's 5-bit count/format field.
    private func writeBody(into writer: inout ByteWriter) -> UInt8 {
        switch self.body {
        case .senderReport(let report):
            writer.writeUInt32(report.ssrc)
            writer.writeUInt64(report.ntpTimestamp)
            writer.writeUInt32(report.rtpTimestamp)
            writer.writeUInt32(report.packetCount)
            writer.writeUInt32(report.octetCount)
            for block in report.reports { block.write(to: &writer) }
            writer.writeBytes(report.profileExtension)
            return UInt8(truncatingIfNeeded: report.reports.count)
        case .receiverReport(let report):
            writer.writeUInt32(report.ssrc)
            for block in report.reports { block.write(to: &writer) }
            writer.writeBytes(report.profileExtension)
            return UInt8(truncatingIfNeeded: report.reports.count)
        case .sourceDescription(let description):
            for chunk in description.chunks {
                let start = writer.count
                writer.writeUInt32(chunk.source)
                for item in chunk.items {
                    writer.writeUInt8(item.type)
                    writer.writeUInt8(UInt8(truncatingIfNeeded: item.value.count))
                    writer.writeBytes(item.value.prefix(255))
                }
                writer.writeUInt8(0)
                while (writer.count - start) % 4 != 0 { writer.writeUInt8(0) }
            }
            return UInt8(truncatingIfNeeded: description.chunks.count)
        case .goodbye(let goodbye):
            for source in goodbye.sources { writer.writeUInt32(source) }
            if let reason = goodbye.reason {
                let length = min(255, reason.count)
                writer.writeUInt8(UInt8(length))
                writer.writeBytes(reason.prefix(length))
                writer.writeZeros((4 - (1 + length) % 4) % 4)
            }
            return UInt8(truncatingIfNeeded: goodbye.sources.count)
        case .applicationDefined(let app):
            writer.writeUInt32(app.ssrc)
            writer.writeUInt32(app.name)
            writer.writeBytes(app.data)
            return app.subtype
        case .transportFeedback(let feedback):
            feedback.write(to: &writer)
            return feedback.format
        case .payloadFeedback(let feedback):
            feedback.write(to: &writer)
            return feedback.format
        case .extendedReport(let report):
            writer.writeUInt32(report.ssrc)
            for block in report.blocks { block.write(to: &writer) }
            return report.reserved
        case .unknown(let packet):
            writer.writeBytes(packet.body)
            return packet.count
        }
    }
}

extension ReportBlock {
    func write(to writer: inout ByteWriter) {
        writer.writeUInt32(ssrc)
        writer.writeUInt8(fractionLost)
        writer.writeUInt24(cumulativeLost & 0xFF_FFFF)
        writer.writeUInt32(highestSequence)
        writer.writeUInt32(jitter)
        writer.writeUInt32(lastSenderReport)
        writer.writeUInt32(delaySinceLastSenderReport)
    }
}

extension XRBlock {
    func write(to writer: inout ByteWriter) {
        switch self {
        case .receiverReferenceTime(let typeSpecific, let ntp):
            writer.writeUInt8(4)
            writer.writeUInt8(typeSpecific)
            writer.writeUInt16(2)
            writer.writeUInt64(ntp)
        case .dlrr(let typeSpecific, let items):
            writer.writeUInt8(5)
            writer.writeUInt8(typeSpecific)
            writer.writeUInt16(UInt16(truncatingIfNeeded: 3 * items.count))
            for item in items {
                writer.writeUInt32(item.ssrc)
                writer.writeUInt32(item.lastReceiverReport)
                writer.writeUInt32(item.delaySinceLastReceiverReport)
            }
        case .other(let blockType, let typeSpecific, let body):
            writer.writeUInt8(blockType)
            writer.writeUInt8(typeSpecific)
            writer.writeUInt16(UInt16(truncatingIfNeeded: body.count / 4))
            writer.writeBytes(body)
        }
    }
}

extension TransportFeedback {
    func write(to writer: inout ByteWriter) {
        writer.writeUInt32(senderSSRC)
        switch message {
        case .nack(let media, let pairs):
            writer.writeUInt32(media)
            for pair in pairs {
                writer.writeUInt16(pair.packetID)
                writer.writeUInt16(pair.lostBitmask)
            }
        case .tmmbr(let media, let items), .tmmbn(let media, let items):
            writer.writeUInt32(media)
            for item in items {
                writer.writeUInt32(item.ssrc)
                writer.writeUInt32(
                    UInt32(item.exponent & 0x3F) << 26 | (item.mantissa & 0x1FFFF) << 9 | UInt32(item.overhead & 0x1FF))
            }
        case .congestionControl(let feedback):
            for block in feedback.blocks {
                writer.writeUInt32(block.ssrc)
                writer.writeUInt16(block.beginSequence)
                writer.writeUInt16(UInt16(truncatingIfNeeded: block.metrics.count))
                for metric in block.metrics { writer.writeUInt16(metric) }
                if block.metrics.count % 2 == 1 { writer.writeUInt16(block.padding) }
            }
            writer.writeUInt32(feedback.reportTimestamp)
        case .transportWideCC(let media, let feedback):
            writer.writeUInt32(media)
            writer.writeUInt16(feedback.baseSequence)
            writer.writeUInt16(feedback.statusCount)
            writer.writeUInt24(feedback.referenceTime & 0xFF_FFFF)
            writer.writeUInt8(feedback.feedbackCount)
            for chunk in feedback.chunks { writer.writeUInt16(chunk.rawValue) }
            var deltas = feedback.deltas.makeIterator()
            for symbol in feedback.symbols where symbol != 0 {
                let delta = deltas.next() ?? 0
                if symbol == 1 {
                    writer.writeUInt8(UInt8(truncatingIfNeeded: delta))
                } else {
                    writer.writeUInt16(UInt16(bitPattern: delta))
                }
            }
            writer.writeBytes(feedback.trailing)
        case .other(_, let fci):
            writer.writeBytes(fci)
        }
    }
}

extension PayloadFeedback {
    func write(to writer: inout ByteWriter) {
        writer.writeUInt32(senderSSRC)
        writer.writeUInt32(mediaSSRC)
        switch message {
        case .pictureLoss:
            break
        case .sliceLoss(let items):
            for item in items { writer.writeUInt32(item.rawValue) }
        case .referencePictureSelection(let rpsi):
            writer.writeUInt8(rpsi.paddingBits)
            writer.writeUInt8(rpsi.payloadType)
            writer.writeBytes(rpsi.bitString)
        case .fullIntraRequest(let items):
            for item in items {
                writer.writeUInt32(item.ssrc)
                writer.writeUInt8(item.sequenceNumber)
                writer.writeUInt24(item.reserved & 0xFF_FFFF)
            }
        case .remb(let remb):
            writer.writeBytes(Array("REMB".utf8))
            writer.writeUInt8(UInt8(truncatingIfNeeded: remb.ssrcs.count))
            writer.writeUInt24(UInt32(remb.exponent & 0x3F) << 18 | (remb.mantissa & 0x3FFFF))
            for ssrc in remb.ssrcs { writer.writeUInt32(ssrc) }
        case .applicationLayer(let bytes), .other(_, let bytes):
            writer.writeBytes(bytes)
        }
    }
}
