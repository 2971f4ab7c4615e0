public import Wire

private func hex32(_ value: UInt32) -> Structure { .text("0x" + String(value, radix: 16)) }

extension RTPHeader {
    public var structure: Structure {
        var fields: [Structure.Field] = [
            .init("padding", .flag(hasPadding)),
            .init("marker", .flag(marker)),
            .init("payload type", .unsigned(UInt64(payloadType))),
            .init("sequence number", .unsigned(UInt64(sequenceNumber))),
            .init("timestamp", .unsigned(UInt64(timestamp))),
            .init("ssrc", hex32(ssrc)),
        ]
        if !csrcs.isEmpty { fields.append(.init("csrcs", .list(csrcs.map(hex32)))) }
        if let headerExtension {
            var extensionFields: [Structure.Field] = [.init("profile", .text("0x" + String(headerExtension.profile, radix: 16)))]
            if let elements = try? RTPExtensionElements.decode(headerExtension) {
                extensionFields.append(
                    .init("elements", .list(elements.elements.map { .fields(["id": .unsigned(UInt64($0.id)), "data": .bytes($0.data)]) })))
            } else {
                extensionFields.append(.init("data", .bytes(Array(headerExtension.data))))
            }
            fields.append(.init("header extension", .record(extensionFields)))
        }
        return .record(fields)
    }
}

extension RTPPacket {
    public var structure: Structure {
        var fields: [Structure.Field] = [.init("header", header.structure), .init("payload", .bytes(Array(payload)))]
        if !padding.isEmpty { fields.append(.init("padding length", .unsigned(UInt64(padding.count)))) }
        return .record(fields)
    }
}

extension RTCPCompound {
    public var structure: Structure {
        var fields: [Structure.Field] = [.init("packets", .list(packets.map(\.structure)))]
        if isReducedSize { fields.append(.init("reduced size", .flag(true))) }
        let violations = violations
        if !violations.isEmpty { fields.append(.init("violations", .list(violations.map { .text($0.description) }))) }
        return .record(fields)
    }
}

extension ReportBlock {
    var structure: Structure {
        .fields([
            "ssrc": hex32(ssrc), "fraction lost": .unsigned(UInt64(fractionLost)),
            "cumulative lost": .number(Int64(signedCumulativeLost)), "highest sequence": .unsigned(UInt64(highestSequence)),
            "jitter": .unsigned(UInt64(jitter)), "last SR": .unsigned(UInt64(lastSenderReport)),
            "delay since last SR": .unsigned(UInt64(delaySinceLastSenderReport)),
        ])
    }
}

extension RTCPPacket {
    public var structure: Structure {
        var fields: [Structure.Field] = [.init("type", .unsigned(UInt64(packetType)))]
        switch body {
        case .senderReport(let sr):
            fields += [
                .init("kind", .text("SR")), .init("ssrc", hex32(sr.ssrc)), .init("ntp", .unsigned(sr.ntpTimestamp)),
                .init("rtp timestamp", .unsigned(UInt64(sr.rtpTimestamp))), .init("packets", .unsigned(UInt64(sr.packetCount))),
                .init("octets", .unsigned(UInt64(sr.octetCount))), .init("reports", .list(sr.reports.map(\.structure))),
            ]
        case .receiverReport(let rr):
            fields += [.init("kind", .text("RR")), .init("ssrc", hex32(rr.ssrc)), .init("reports", .list(rr.reports.map(\.structure)))]
        case .sourceDescription(let sdes):
            fields += [
                .init("kind", .text("SDES")),
                .init("chunks", .list(sdes.chunks.map { chunk in
                    .fields([
                        "source": hex32(chunk.source),
                        "items": .list(chunk.items.map { item in
                            .fields(["type": .unsigned(UInt64(item.type)), "value": item.text.map(Structure.text) ?? .bytes(item.value)])
                        }),
                    ])
                })),
            ]
        case .goodbye(let bye):
            fields += [.init("kind", .text("BYE")), .init("sources", .list(bye.sources.map(hex32)))]
            if let reason = bye.reason { fields.append(.init("reason", .bytes(reason))) }
        case .applicationDefined(let app):
            fields += [
                .init("kind", .text("APP")), .init("subtype", .unsigned(UInt64(app.subtype))), .init("ssrc", hex32(app.ssrc)),
                .init("name", hex32(app.name)), .init("data", .bytes(app.data)),
            ]
        case .transportFeedback(let fb):
            fields += [.init("kind", .text("RTPFB")), .init("format", .unsigned(UInt64(fb.format))), .init("sender", hex32(fb.senderSSRC))]
            switch fb.message {
            case .nack(let media, let pairs):
                fields += [.init("media", hex32(media)), .init("lost", .list(pairs.flatMap(\.lostSequenceNumbers).map { .unsigned(UInt64($0)) }))]
            case .tmmbr(let media, let items), .tmmbn(let media, let items):
                fields += [.init("media", hex32(media)), .init("bitrates", .list(items.map { .unsigned($0.bitrate) }))]
            case .congestionControl(let ccfb):
                fields += [
                    .init("blocks", .list(ccfb.blocks.map { .fields(["ssrc": hex32($0.ssrc), "begin": .unsigned(UInt64($0.beginSequence)), "metrics": .unsigned(UInt64($0.metrics.count))]) })),
                    .init("report timestamp", .unsigned(UInt64(ccfb.reportTimestamp))),
                ]
            case .transportWideCC(let media, let twcc):
                fields += [
                    .init("media", hex32(media)), .init("base sequence", .unsigned(UInt64(twcc.baseSequence))),
                    .init("status count", .unsigned(UInt64(twcc.statusCount))), .init("reference time", .unsigned(UInt64(twcc.referenceTime))),
                    .init("feedback count", .unsigned(UInt64(twcc.feedbackCount))),
                    .init("symbols", .list(twcc.symbols.map { .unsigned(UInt64($0)) })),
                    .init("deltas", .list(twcc.deltas.map { .number(Int64($0)) })),
                ]
            case .other(_, let fci):
                fields.append(.init("fci", .bytes(fci)))
            }
        case .payloadFeedback(let fb):
            fields += [
                .init("kind", .text("PSFB")), .init("format", .unsigned(UInt64(fb.format))), .init("sender", hex32(fb.senderSSRC)),
                .init("media", hex32(fb.mediaSSRC)),
            ]
            switch fb.message {
            case .pictureLoss: fields.append(.init("message", .text("PLI")))
            case .sliceLoss(let items):
                fields.append(.init("SLI", .list(items.map { .fields(["first": .unsigned(UInt64($0.first)), "number": .unsigned(UInt64($0.number)), "picture": .unsigned(UInt64($0.pictureID))]) })))
            case .referencePictureSelection(let rpsi):
                fields.append(.init("RPSI", .fields(["payload type": .unsigned(UInt64(rpsi.payloadType)), "padding bits": .unsigned(UInt64(rpsi.paddingBits)), "bits": .bytes(rpsi.bitString)])))
            case .fullIntraRequest(let items):
                fields.append(.init("FIR", .list(items.map { .fields(["ssrc": hex32($0.ssrc), "sequence": .unsigned(UInt64($0.sequenceNumber))]) })))
            case .remb(let remb):
                fields.append(.init("REMB", .fields(["bitrate": .unsigned(remb.bitrate), "ssrcs": .list(remb.ssrcs.map(hex32))])))
            case .applicationLayer(let bytes): fields.append(.init("application", .bytes(bytes)))
            case .other(_, let fci): fields.append(.init("fci", .bytes(fci)))
            }
        case .extendedReport(let xr):
            fields += [
                .init("kind", .text("XR")), .init("ssrc", hex32(xr.ssrc)),
                .init("blocks", .list(xr.blocks.map { block in
                    switch block {
                    case .receiverReferenceTime(_, let ntp): .fields(["receiver reference time": .unsigned(ntp)])
                    case .dlrr(_, let items):
                        .fields(["DLRR": .list(items.map { .fields(["ssrc": hex32($0.ssrc), "last RR": .unsigned(UInt64($0.lastReceiverReport)), "delay": .unsigned(UInt64($0.delaySinceLastReceiverReport))]) })])
                    case .other(let type, _, let body): .fields(["block type": .unsigned(UInt64(type)), "body": .bytes(body)])
                    }
                })),
            ]
        case .unknown(let packet):
            fields += [.init("count", .unsigned(UInt64(packet.count))), .init("body", .bytes(packet.body))]
        }
        if !padding.isEmpty { fields.append(.init("padding length", .unsigned(UInt64(padding.count)))) }
        return .record(fields)
    }
}

extension VP8Payload {
    public var structure: Structure {
        var fields: [Structure.Field] = [
            .init("non-reference", .flag(descriptor.nonReference)),
            .init("start of partition", .flag(descriptor.startOfPartition)),
            .init("partition index", .unsigned(UInt64(descriptor.partitionIndex))),
        ]
        if let pictureID = descriptor.pictureID {
            fields.append(.init("picture id", .unsigned(UInt64(pictureID.value))))
            fields.append(.init("picture id bits", .unsigned(pictureID.isLong ? 15 : 7)))
        }
        if let tl0 = descriptor.tl0PictureIndex { fields.append(.init("tl0picidx", .unsigned(UInt64(tl0)))) }
        if descriptor.hasTemporalLayer {
            fields.append(.init("tid", .unsigned(UInt64(descriptor.temporalLayerIndex))))
            fields.append(.init("layer sync", .flag(descriptor.layerSync)))
        }
        if descriptor.hasKeyIndex { fields.append(.init("keyidx", .unsigned(UInt64(descriptor.keyIndex)))) }
        if let key = isKeyFrame { fields.append(.init("key frame", .flag(key))) }
        fields.append(.init("data length", .unsigned(UInt64(data.count))))
        return .record(fields)
    }
}

extension OpusPacket {
    public var structure: Structure {
        var fields: [Structure.Field] = [
            .init("config", .unsigned(UInt64(configuration))), .init("mode", .text(mode.rawValue)),
            .init("bandwidth", .text(bandwidth.rawValue)), .init("frame duration us", .unsigned(UInt64(frameDuration))),
            .init("stereo", .flag(stereo)), .init("code", .unsigned(UInt64(framing.code))),
            .init("frame lengths", .list(framing.frames.map { .unsigned(UInt64($0.count)) })),
            .init("duration us", .unsigned(UInt64(duration))),
        ]
        if case .arbitrary(let code3) = framing {
            fields.append(.init("vbr", .flag(code3.variableBitrate)))
            if let padding = code3.padding { fields.append(.init("padding", .unsigned(UInt64(padding.bytes.count)))) }
        }
        return .record(fields)
    }
}
