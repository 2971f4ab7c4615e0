public import Wire

extension SCTPPacket {
    /// The packet as named fields, chunks in order, with the findings a reader should see.
    public var structure: Structure {
        var fields: [Structure.Field] = [
            .init("source port", .unsigned(UInt64(sourcePort))),
            .init("destination port", .unsigned(UInt64(destinationPort))),
            .init("verification tag", .text(hex32(verificationTag))),
            .init("checksum", .text(checksum == .crc32c ? "CRC-32c (verified)" : "zero (RFC 9653)")),
            .init("chunks", .list(chunks.map(\.structure))),
        ]
        if !lastChunkPadded { fields.append(.init("last chunk padded", .flag(false))) }
        let findings = findings
        if !findings.isEmpty { fields.append(.init("findings", .list(findings.map { .text($0.description) }))) }
        return .record(fields)
    }
}

private func number<T: BinaryInteger>(_ value: T) -> Structure { .unsigned(UInt64(value)) }

extension SCTPChunk {
    public var structure: Structure {
        var fields: [Structure.Field] = [.init("type", .text(name))]
        func add(_ name: String, _ value: Structure) { fields.append(.init(name, value)) }
        func addFlags(_ flags: UInt8) { if flags != 0 { add("flags", .text("0x" + String(flags, radix: 16))) } }
        switch self {
        case .data(let chunk):
            add("flags", .text(dataFlagNames(chunk.flags)))
            add("tsn", number(chunk.tsn))
            add("stream", number(chunk.streamIdentifier))
            add("ssn", number(chunk.streamSequenceNumber))
            add("ppid", .text(chunk.payloadProtocol.description))
            add("user data", .bytes(Array(chunk.userData)))
        case .iData(let chunk):
            add("flags", .text(dataFlagNames(chunk.flags)))
            add("tsn", number(chunk.tsn))
            add("stream", number(chunk.streamIdentifier))
            if chunk.reserved != 0 { add("reserved", number(chunk.reserved)) }
            add("mid", number(chunk.messageIdentifier))
            if let ppid = chunk.payloadProtocol { add("ppid", .text(ppid.description)) } else {
                add("fsn", number(chunk.fragmentSequenceNumber))
            }
            add("user data", .bytes(Array(chunk.userData)))
        case .initiation(let chunk), .initiationAck(let chunk):
            addFlags(chunk.flags)
            add("initiate tag", .text(hex32(chunk.initiateTag)))
            add("a_rwnd", number(chunk.advertisedReceiverWindowCredit))
            add("outbound streams", number(chunk.outboundStreams))
            add("inbound streams", number(chunk.inboundStreams))
            add("initial tsn", number(chunk.initialTSN))
            add("parameters", .list(chunk.parameters.elements.map(\.structure)))
        case .selectiveAck(let chunk):
            addFlags(chunk.flags)
            add("cumulative tsn ack", number(chunk.cumulativeTSNAck))
            add("a_rwnd", number(chunk.advertisedReceiverWindowCredit))
            add("gap ack blocks", .list(chunk.gapAckBlocks.map { .text("\($0.start)-\($0.end)") }))
            add("duplicate tsns", .list(chunk.duplicateTSNs.map(number)))
        case .heartbeat(let chunk), .heartbeatAck(let chunk):
            addFlags(chunk.flags)
            add("parameters", .list(chunk.parameters.elements.map(\.structure)))
        case .abort(let chunk):
            add("t bit", .flag(chunk.reflectedTag))
            addFlags(chunk.reservedFlags)
            add("causes", .list(chunk.causes.elements.map(\.structure)))
        case .error(let chunk):
            addFlags(chunk.flags)
            add("causes", .list(chunk.causes.elements.map(\.structure)))
        case .shutdown(let chunk):
            addFlags(chunk.flags)
            add("cumulative tsn ack", number(chunk.cumulativeTSNAck))
        case .shutdownAck(let chunk), .cookieAck(let chunk):
            addFlags(chunk.flags)
        case .shutdownComplete(let chunk):
            add("t bit", .flag(chunk.reflectedTag))
            addFlags(chunk.reservedFlags)
        case .cookieEcho(let chunk):
            addFlags(chunk.flags)
            add("cookie", .bytes(chunk.cookie))
        case .forwardTSN(let chunk):
            addFlags(chunk.flags)
            add("new cumulative tsn", number(chunk.newCumulativeTSN))
            add("streams", .list(chunk.streams.map { .text("stream \($0.identifier) ssn \($0.sequenceNumber)") }))
        case .iForwardTSN(let chunk):
            addFlags(chunk.flags)
            add("new cumulative tsn", number(chunk.newCumulativeTSN))
            add("streams", .list(chunk.streams.map {
                .text("stream \($0.identifier) mid \($0.messageIdentifier)\($0.unordered ? " unordered" : "")")
            }))
        case .reconfig(let chunk):
            addFlags(chunk.flags)
            add("parameters", .list(chunk.parameters.elements.map(\.structure)))
        case .pad(let chunk):
            addFlags(chunk.flags)
            add("padding length", number(chunk.padding.count))
        case .unknown(let chunk):
            add("action", .text(chunk.action.name))
            addFlags(chunk.flags)
            add("value", .bytes(chunk.value))
        }
        return .record(fields)
    }

    private func dataFlagNames(_ flags: DataChunkFlags) -> String {
        var names: [String] = []
        if flags.contains(.immediate) { names.append("I") }
        if flags.contains(.unordered) { names.append("U") }
        if flags.contains(.beginning) { names.append("B") }
        if flags.contains(.ending) { names.append("E") }
        if flags.rawValue & 0xF0 != 0 { names.append("reserved 0x" + String(flags.rawValue & 0xF0, radix: 16)) }
        return names.isEmpty ? "none" : names.joined(separator: " ")
    }
}

extension SCTPParameter {
    public var structure: Structure {
        let name: String
        var value: Structure
        switch self {
        case .heartbeatInfo(let bytes): (name, value) = ("Heartbeat Info", .bytes(bytes))
        case .ipv4Address(let address):
            let octets = (0..<4).map { String(UInt8(truncatingIfNeeded: address >> UInt32(24 - 8 * $0))) }
            (name, value) = ("IPv4 Address", .text(octets.joined(separator: ".")))
        case .ipv6Address(let address):
            (name, value) = ("IPv6 Address", .bytes((0..<16).map {
                UInt8(truncatingIfNeeded: ($0 < 8 ? address.high : address.low) >> UInt64(56 - 8 * ($0 % 8)))
            }))
        case .stateCookie(let bytes): (name, value) = ("State Cookie", .bytes(bytes))
        case .unrecognizedParameter(let bytes): (name, value) = ("Unrecognized Parameter", .bytes(bytes))
        case .cookiePreservative(let increment): (name, value) = ("Cookie Preservative", number(increment))
        case .hostName(let bytes): (name, value) = ("Host Name Address", .bytes(bytes))
        case .supportedAddressTypes(let types): (name, value) = ("Supported Address Types", .list(types.map(number)))
        case .outgoingSSNResetRequest(let request):
            (name, value) = ("Outgoing SSN Reset Request", .fields([
                "request sequence number": number(request.requestSequenceNumber),
                "response sequence number": number(request.responseSequenceNumber),
                "sender last assigned tsn": number(request.senderLastAssignedTSN),
                "streams": .list(request.streams.map(number)),
            ]))
        case .incomingSSNResetRequest(let request):
            (name, value) = ("Incoming SSN Reset Request", .fields([
                "request sequence number": number(request.requestSequenceNumber),
                "streams": .list(request.streams.map(number)),
            ]))
        case .ssnTSNResetRequest(let sequence): (name, value) = ("SSN/TSN Reset Request", number(sequence))
        case .reconfigurationResponse(let response):
            var fields: [Structure.Field] = [
                .init("response sequence number", number(response.responseSequenceNumber)),
                .init("result", .text("\(response.result)" + (response.resultName.map { " (\($0))" } ?? ""))),
            ]
            if let next = response.nextTSNs {
                fields.append(.init("sender next tsn", number(next.sender)))
                fields.append(.init("receiver next tsn", number(next.receiver)))
            }
            (name, value) = ("Re-configuration Response", .record(fields))
        case .addOutgoingStreams(let request), .addIncomingStreams(let request):
            (name, value) = (
                type == 17 ? "Add Outgoing Streams Request" : "Add Incoming Streams Request",
                .fields([
                    "request sequence number": number(request.requestSequenceNumber),
                    "new streams": number(request.newStreams),
                ])
            )
        case .ecnCapable: (name, value) = ("ECN Capable", .flag(true))
        case .zeroChecksumAcceptable(let edmid):
            (name, value) = ("Zero Checksum Acceptable", .text(edmid == Self.edmidDTLS ? "EDMID 1 (DTLS)" : "EDMID \(edmid)"))
        case .random(let bytes): (name, value) = ("Random", .bytes(bytes))
        case .chunkList(let bytes): (name, value) = ("Chunk List", .bytes(bytes))
        case .requestedHMACAlgorithms(let bytes): (name, value) = ("Requested HMAC Algorithm", .bytes(bytes))
        case .padding(let bytes): (name, value) = ("Padding", .unsigned(UInt64(bytes.count)))
        case .supportedExtensions(let types): (name, value) = ("Supported Extensions", .list(types.map(number)))
        case .forwardTSNSupported: (name, value) = ("Forward-TSN-Supported", .flag(true))
        case .unknown(let type, let bytes):
            (name, value) = ("unknown(\(hex16(type)), \(UnrecognizedTypeAction(parameterType: type).name))", .bytes(bytes))
        }
        return .record([.init("parameter", .text(name)), .init("value", value)])
    }
}

extension SCTPErrorCause {
    public var structure: Structure {
        var value: Structure?
        switch self {
        case .invalidStreamIdentifier(let stream, _): value = number(stream)
        case .missingMandatoryParameter(let types): value = .list(types.map(number))
        case .staleCookie(let staleness): value = .text("\(staleness) µs")
        case .noUserData(let tsn): value = number(tsn)
        case .outOfResource, .invalidMandatoryParameter, .cookieReceivedWhileShuttingDown: value = nil
        case .unresolvableAddress(let bytes), .unrecognizedChunkType(let bytes), .unrecognizedParameters(let bytes),
            .restartWithNewAddresses(let bytes), .unknown(_, let bytes):
            value = .bytes(bytes)
        case .userInitiatedAbort(let bytes), .protocolViolation(let bytes):
            value = String(validating: bytes.prefix { $0 != 0 }, as: UTF8.self).map(Structure.text) ?? .bytes(bytes)
        }
        var fields: [Structure.Field] = [.init("cause", .text("\(code) \(name)"))]
        if let value { fields.append(.init("value", value)) }
        return .record(fields)
    }
}

extension DCEPMessage {
    public var structure: Structure {
        switch self {
        case .ack: .fields(["message type": .text("DATA_CHANNEL_ACK")])
        case .unknown(let type, let body):
            .fields(["message type": .text("unknown(\(type))"), "body": .bytes(body)])
        case .open(let open):
            .fields([
                "message type": .text("DATA_CHANNEL_OPEN"),
                "channel type": .text(open.channelType.description),
                "priority": number(open.priority),
                "reliability parameter": number(open.reliabilityParameter),
                "label": .text(open.label),
                "protocol": .text(open.protocol),
            ])
        }
    }
}
