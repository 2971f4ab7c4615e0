import Wire

/// How a list of TLVs reports its failures: parameters and error causes have rules of their own.
struct TLVRules {
    let length: SCTPRule
    let valueLength: SCTPRule
    let entry: String
}

/// Reads type–length–value entries up to the end of `reader` (a chunk's value), checking lengths and
/// padding (RFC 9260 §3.2, §3.2.1), and decodes each with `decode(type, length, start, value)`.
func readTLVs<Element>(
    from reader: inout ByteReader, rules: TLVRules,
    decode: (UInt16, Int, Int, inout ByteReader) throws(SCTPError) -> Element
) throws(SCTPError) -> TLVList<Element> {
    var elements: [Element] = []
    var finalPaddingCounted = false
    while !reader.isAtEnd {
        let start = reader.offset
        guard reader.remaining >= 4 else {
            throw SCTPError(rules.length, at: start, "\(reader.remaining) byte(s) left, too few for a \(rules.entry) header")
        }
        let type = try reader.take16()
        let length = Int(try reader.take16())
        guard length >= 4, length - 4 <= reader.remaining else {
            throw SCTPError(
                rules.length, at: start + 2,
                "\(rules.entry) length \(length) must be at least 4 and fit the \(reader.remaining + 4) byte(s) left in the chunk")
        }
        var value = try reader.takeSubReader(length - 4)
        elements.append(try decode(type, length, start, &value))
        let padding = paddingLength(length)
        finalPaddingCounted = false
        if padding > 0 && !reader.isAtEnd {
            try readPadding(padding, from: &reader, after: rules.entry)
            finalPaddingCounted = reader.isAtEnd
        }
    }
    return TLVList(elements, finalPaddingCounted: finalPaddingCounted)
}

extension SCTPParameter {
    static let rules = TLVRules(length: .parameterLength, valueLength: .parameterValueLength, entry: "parameter")

    static func readList(from reader: inout ByteReader) throws(SCTPError) -> TLVList<SCTPParameter> {
        try readTLVs(from: &reader, rules: rules, decode: decode)
    }

    static func decode(type: UInt16, length: Int, start: Int, value: inout ByteReader) throws(SCTPError) -> SCTPParameter {
        func fail(_ layout: String) -> SCTPError {
            SCTPError(.parameterValueLength, at: start + 2, "parameter type \(type) length \(length) must be \(layout)")
        }
        func expect(_ size: Int) throws(SCTPError) {
            guard value.remaining == size else { throw fail(String(size + 4)) }
        }
        switch type {
        case 1: return .heartbeatInfo(Array(value.readRemaining()))
        case 5:
            try expect(4)
            return .ipv4Address(try value.take32())
        case 6:
            try expect(16)
            return .ipv6Address(IPv6Address(high: try value.take64(), low: try value.take64()))
        case 7: return .stateCookie(Array(value.readRemaining()))
        case 8: return .unrecognizedParameter(Array(value.readRemaining()))
        case 9:
            try expect(4)
            return .cookiePreservative(try value.take32())
        case 11: return .hostName(Array(value.readRemaining()))
        case 12:
            guard value.remaining % 2 == 0 else { throw fail("4 plus 2 per address type") }
            return .supportedAddressTypes(try value.take16List())
        case 13:
            guard value.remaining >= 12, value.remaining % 2 == 0 else { throw fail("16 plus 2 per stream") }
            return .outgoingSSNResetRequest(OutgoingSSNResetRequest(
                requestSequenceNumber: try value.take32(), responseSequenceNumber: try value.take32(),
                senderLastAssignedTSN: try value.take32(), streams: try value.take16List()))
        case 14:
            guard value.remaining >= 4, value.remaining % 2 == 0 else { throw fail("8 plus 2 per stream") }
            return .incomingSSNResetRequest(IncomingSSNResetRequest(
                requestSequenceNumber: try value.take32(), streams: try value.take16List()))
        case 15:
            try expect(4)
            return .ssnTSNResetRequest(try value.take32())
        case 16:
            guard value.remaining == 8 || value.remaining == 16 else { throw fail("12 or 20") }
            let sequence = try value.take32()
            let result = try value.take32()
            var next: ReconfigurationResponse.NextTSNs?
            if !value.isAtEnd { next = .init(sender: try value.take32(), receiver: try value.take32()) }
            return .reconfigurationResponse(ReconfigurationResponse(responseSequenceNumber: sequence, result: result, nextTSNs: next))
        case 17, 18:
            try expect(8)
            let request = AddStreamsRequest(
                requestSequenceNumber: try value.take32(), newStreams: try value.take16(), reserved: try value.take16())
            return type == 17 ? .addOutgoingStreams(request) : .addIncomingStreams(request)
        case 0x8000:
            try expect(0)
            return .ecnCapable
        case 0x8001:
            try expect(4)
            return .zeroChecksumAcceptable(edmid: try value.take32())
        case 0x8002: return .random(Array(value.readRemaining()))
        case 0x8003: return .chunkList(Array(value.readRemaining()))
        case 0x8004: return .requestedHMACAlgorithms(Array(value.readRemaining()))
        case 0x8005: return .padding(Array(value.readRemaining()))
        case 0x8008: return .supportedExtensions(Array(value.readRemaining()))
        case 0xC000:
            try expect(0)
            return .forwardTSNSupported
        default: return .unknown(type: type, value: Array(value.readRemaining()))
        }
    }
}

extension SCTPErrorCause {
    static let rules = TLVRules(length: .causeLength, valueLength: .causeValueLength, entry: "error cause")

    static func readList(from reader: inout ByteReader) throws(SCTPError) -> TLVList<SCTPErrorCause> {
        try readTLVs(from: &reader, rules: rules, decode: decode)
    }

    static func decode(code: UInt16, length: Int, start: Int, value: inout ByteReader) throws(SCTPError) -> SCTPErrorCause {
        func expect(_ size: Int) throws(SCTPError) {
            guard value.remaining == size else {
                throw SCTPError(.causeValueLength, at: start + 2, "cause \(code) length \(length) must be \(size + 4)")
            }
        }
        switch code {
        case 1:
            try expect(4)
            return .invalidStreamIdentifier(stream: try value.take16(), reserved: try value.take16())
        case 2:
            guard value.remaining >= 4 else {
                throw SCTPError(.causeValueLength, at: start + 2, "cause 2 length \(length) must be at least 8")
            }
            let count = Int(try value.take32())
            guard value.remaining == count * 2 else {
                throw SCTPError(
                    .causeValueLength, at: start + 2,
                    "Missing Mandatory Parameter lists \(count) type(s) but length \(length) holds \(value.remaining / 2)")
            }
            return .missingMandatoryParameter(try value.take16List())
        case 3:
            try expect(4)
            return .staleCookie(stalenessMicroseconds: try value.take32())
        case 4:
            try expect(0)
            return .outOfResource
        case 5: return .unresolvableAddress(Array(value.readRemaining()))
        case 6: return .unrecognizedChunkType(Array(value.readRemaining()))
        case 7:
            try expect(0)
            return .invalidMandatoryParameter
        case 8: return .unrecognizedParameters(Array(value.readRemaining()))
        case 9:
            try expect(4)
            return .noUserData(tsn: try value.take32())
        case 10:
            try expect(0)
            return .cookieReceivedWhileShuttingDown
        case 11: return .restartWithNewAddresses(Array(value.readRemaining()))
        case 12: return .userInitiatedAbort(Array(value.readRemaining()))
        case 13: return .protocolViolation(Array(value.readRemaining()))
        default: return .unknown(code: code, value: Array(value.readRemaining()))
        }
    }
}
