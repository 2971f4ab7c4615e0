public import Wire

/// Which hello an extension sits in: supported_versions and key_share have one grammar per side.
public enum HelloContext: Hashable, Sendable {
    case clientHello
    case serverHello
}

extension HelloExtension {
    /// The optional extensions block that ends a hello (RFC 5246 §7.4.1.2: absent when the hello ends
    /// right after the compression methods). Nil means absent.
    static func parseBlock(from reader: inout ByteReader, context: HelloContext) throws(DTLSError) -> [HelloExtension]? {
        if reader.isAtEnd { return nil }
        var block = try reader.readVector16(rule: .extensionLength, "extensions")
        var extensions: [HelloExtension] = []
        while !block.isAtEnd {
            extensions.append(try parse(from: &block, context: context))
        }
        return extensions
    }

    /// One extension: type, 16-bit length, body. Known types get their grammar checked.
    public static func parse(from reader: inout ByteReader, context: HelloContext) throws(DTLSError) -> HelloExtension {
        let type = try reading { () throws(TruncatedInput) in try reader.readUInt16() }
        var body = try reader.readVector16(rule: .extensionLength, "extension \(type)")
        let bodyAt = body.offset
        let value = try parseBody(type: type, &body, context: context)
        guard body.isAtEnd else {
            throw DTLSError(.extensionBody, at: bodyAt, "\(body.remaining) byte(s) left over in \(ExtensionType.name(of: type) ?? "extension \(type)")")
        }
        return value
    }

    private static func parseBody(type: UInt16, _ body: inout ByteReader, context: HelloContext) throws(DTLSError) -> HelloExtension {
        let name = ExtensionType.name(of: type) ?? "extension \(type)"
        switch type {
        case ExtensionType.useSRTP:
            // RFC 5764 §4.1.1: SRTPProtectionProfile SRTPProtectionProfiles<2..2^16-1>; opaque srtp_mki<0..255>.
            let profiles = try body.readUInt16List(nonEmpty: true, name)
            let mki = try body.readVector8(max: 255, rule: .extensionBody, "srtp_mki")
            return .useSRTP(UseSRTP(profiles: profiles, mki: Array(mki)))
        case ExtensionType.supportedGroups:
            return .supportedGroups(try body.readUInt16List(nonEmpty: true, name))
        case ExtensionType.signatureAlgorithms:
            return .signatureAlgorithms(try body.readUInt16List(nonEmpty: true, name))
        case ExtensionType.extendedMasterSecret:
            // RFC 7627 §5.1: the extension_data field is empty; leftovers are caught by the caller.
            return .extendedMasterSecret
        case ExtensionType.renegotiationInfo:
            return .renegotiationInfo(Array(try body.readVector8(max: 255, rule: .extensionBody, name)))
        case ExtensionType.applicationLayerProtocolNegotiation:
            // RFC 7301 §3.1: ProtocolName protocol_name_list<2..2^16-1>, each opaque ProtocolName<1..2^8-1>.
            let listAt = body.offset
            var list = try body.readVector16(rule: .extensionBody, name)
            guard !list.isAtEnd else { throw DTLSError(.extensionBody, at: listAt, "empty protocol_name_list") }
            var names: [[UInt8]] = []
            while !list.isAtEnd {
                let nameAt = list.offset
                let protocolName = try list.readVector8(max: 255, rule: .extensionBody, "protocol name")
                guard !protocolName.isEmpty else { throw DTLSError(.extensionBody, at: nameAt, "empty protocol name") }
                names.append(Array(protocolName))
            }
            return .applicationLayerProtocolNegotiation(names)
        case ExtensionType.recordSizeLimit:
            return .recordSizeLimit(try body.readExtensionUInt16(name))
        case ExtensionType.ecPointFormats:
            let at = body.offset
            let formats = try body.readVector8(max: 255, rule: .extensionBody, name)
            guard !formats.isEmpty else { throw DTLSError(.extensionBody, at: at, "empty ec_point_format_list") }
            return .ecPointFormats(Array(formats))
        case ExtensionType.sessionTicket:
            return .sessionTicket(Array(body.readRemaining()))
        case ExtensionType.supportedVersions:
            switch context {
            case .clientHello:
                // RFC 8446 §4.2.1: ProtocolVersion versions<2..254>.
                let at = body.offset
                let list = try body.readVector8(max: 254, rule: .extensionBody, name)
                guard list.count >= 2, list.count % 2 == 0 else {
                    throw DTLSError(.extensionBody, at: at, "versions length \(list.count) is odd or zero")
                }
                var versions: [ProtocolVersion] = []
                var index = list.startIndex
                while index < list.endIndex {
                    versions.append(ProtocolVersion(rawValue: UInt16(list[index]) << 8 | UInt16(list[index + 1])))
                    index += 2
                }
                return .supportedVersions(versions)
            case .serverHello:
                return .selectedVersion(ProtocolVersion(rawValue: try body.readExtensionUInt16(name)))
            }
        case ExtensionType.cookie:
            // RFC 8446 §4.2.2: opaque cookie<1..2^16-1>.
            let at = body.offset
            var cookie = try body.readVector16(rule: .extensionBody, name)
            guard !cookie.isAtEnd else { throw DTLSError(.extensionBody, at: at, "empty cookie") }
            return .cookie(Array(cookie.readRemaining()))
        case ExtensionType.keyShare:
            switch context {
            case .clientHello:
                var list = try body.readVector16(rule: .extensionBody, name)
                var entries: [KeyShareEntry] = []
                while !list.isAtEnd { entries.append(try list.readKeyShareEntry()) }
                return .keyShares(entries)
            case .serverHello:
                // A HelloRetryRequest carries only the selected group (RFC 8446 §4.2.8).
                if body.remaining == 2 { return .keyShareSelectedGroup(try body.readExtensionUInt16(name)) }
                return .serverKeyShare(try body.readKeyShareEntry())
            }
        default:
            return .unknown(type: type, data: Array(body.readRemaining()))
        }
    }
}

extension ByteReader {
    /// A 16-bit-length list of 16-bit values, the shape of supported_groups, signature_algorithms, use_srtp.
    mutating func readUInt16List(nonEmpty: Bool, _ name: String) throws(DTLSError) -> [UInt16] {
        let at = offset
        var list = try readVector16(rule: .extensionBody, name)
        guard list.remaining % 2 == 0, !nonEmpty || list.remaining > 0 else {
            throw DTLSError(.extensionBody, at: at, "\(name) list length \(list.remaining) is odd or zero")
        }
        var values: [UInt16] = []
        values.reserveCapacity(list.remaining / 2)
        while !list.isAtEnd { values.append(try reading { () throws(TruncatedInput) in try list.readUInt16() }) }
        return values
    }

    mutating func readExtensionUInt16(_ name: String) throws(DTLSError) -> UInt16 {
        let at = offset
        do { return try readUInt16() } catch { throw DTLSError(.extensionBody, at: at, "\(name) needs 2 bytes, \(error.available) left") }
    }

    mutating func readKeyShareEntry() throws(DTLSError) -> KeyShareEntry {
        let at = offset
        let group = try reading { () throws(TruncatedInput) in try readUInt16() }
        var key = try readVector16(rule: .extensionBody, "key_exchange")
        guard !key.isAtEnd else { throw DTLSError(.extensionBody, at: at, "empty key_exchange") }
        return KeyShareEntry(group: group, keyExchange: Array(key.readRemaining()))
    }
}
