public import Wire

extension DCEPMessage {
    /// Decodes one DCEP message: the whole user message of a DATA chunk with PPID 50. Strict: every rule
    /// of RFC 8832 §5 is enforced.
    public static func parse(_ bytes: [UInt8]) throws(DCEPError) -> DCEPMessage {
        try parse(bytes[...], mode: .strict).value
    }

    /// As `parse(_:)`, over a DATA chunk's user data without copying it.
    public static func parse(_ bytes: ArraySlice<UInt8>) throws(DCEPError) -> DCEPMessage {
        try parse(bytes, mode: .strict).value
    }

    /// Decodes one DCEP message in `mode`: `.tolerant` accepts the deviations ``Wire/Tolerance/all`` lists
    /// for DCEP (Pion's 4-byte DATA_CHANNEL_ACK, ``Wire/Tolerance/dcepAckTrailingBytes``) and reports them
    /// with the value; `.strict` throws their rule. A tolerated message does not round-trip: it
    /// serialises to its conformant form.
    public static func parse(_ bytes: ArraySlice<UInt8>, mode: ParseMode) throws(DCEPError) -> Tolerated<DCEPMessage> {
        var log = DeviationLog(mode)
        var reader = ByteReader(bytes)
        let type = try reader.dcep8()
        let message: DCEPMessage
        switch type {
        case ackType:
            if !reader.isAtEnd {
                try log.tolerate(
                    .dcepAckTrailingBytes, DCEPError(.ackLength, at: 1, "DATA_CHANNEL_ACK is 1 byte, this one has \(bytes.count)"))
            }
            message = .ack
        case openType:
            message = .open(try DataChannelOpen.read(from: &reader))
        default:
            message = .unknown(messageType: type, body: Array(reader.readRemaining()))
        }
        return Tolerated(message, deviations: log.deviations)
    }

    public func serialize() -> [UInt8] {
        var writer = ByteWriter(capacity: 16)
        writer.writeUInt8(messageType)
        switch self {
        case .ack: break
        case .unknown(_, let body): writer.writeBytes(body)
        case .open(let open):
            let label = Array(open.label.utf8)
            let proto = Array(open.protocol.utf8)
            writer.writeUInt8(open.channelType.rawValue)
            writer.writeUInt16(open.priority)
            writer.writeUInt32(open.reliabilityParameter)
            writer.writeUInt16(UInt16(truncatingIfNeeded: label.count))
            writer.writeUInt16(UInt16(truncatingIfNeeded: proto.count))
            writer.writeBytes(label)
            writer.writeBytes(proto)
        }
        return writer.bytes
    }
}

extension DataChannelOpen {
    /// Reads the fields after the message type (RFC 8832 §5.1).
    static func read(from reader: inout ByteReader) throws(DCEPError) -> DataChannelOpen {
        let channelType = DataChannelType(rawValue: try reader.dcep8())
        let priority = try reader.dcep16()
        let reliability = try reader.dcep32()
        let labelLengthOffset = reader.offset
        let labelLength = Int(try reader.dcep16())
        let protocolLengthOffset = reader.offset
        let protocolLength = Int(try reader.dcep16())
        guard labelLength <= reader.remaining else {
            throw DCEPError(.labelLength, at: labelLengthOffset, "Label Length \(labelLength) but \(reader.remaining) byte(s) follow")
        }
        let labelOffset = reader.offset
        let labelBytes = try reader.dcepBytes(labelLength)
        guard protocolLength <= reader.remaining else {
            throw DCEPError(
                .protocolLength, at: protocolLengthOffset, "Protocol Length \(protocolLength) but \(reader.remaining) byte(s) follow the label")
        }
        let protocolOffset = reader.offset
        let protocolBytes = try reader.dcepBytes(protocolLength)
        guard reader.isAtEnd else {
            throw DCEPError(.trailingBytes, at: reader.offset, "\(reader.remaining) byte(s) after the Protocol")
        }
        guard let label = String(validating: labelBytes, as: UTF8.self) else {
            throw DCEPError(.labelUTF8, at: labelOffset, "Label is not valid UTF-8")
        }
        guard let proto = String(validating: protocolBytes, as: UTF8.self) else {
            throw DCEPError(.protocolUTF8, at: protocolOffset, "Protocol is not valid UTF-8")
        }
        return DataChannelOpen(
            channelType: channelType, priority: priority, reliabilityParameter: reliability, label: label, protocol: proto)
    }
}

extension ByteReader {
    mutating func dcep8() throws(DCEPError) -> UInt8 {
        do { return try readUInt8() } catch { throw DCEPError(error) }
    }

    mutating func dcep16() throws(DCEPError) -> UInt16 {
        do { return try readUInt16() } catch { throw DCEPError(error) }
    }

    mutating func dcep32() throws(DCEPError) -> UInt32 {
        do { return try readUInt32() } catch { throw DCEPError(error) }
    }

    mutating func dcepBytes(_ count: Int) throws(DCEPError) -> ArraySlice<UInt8> {
        do { return try readBytes(count) } catch { throw DCEPError(error) }
    }
}
