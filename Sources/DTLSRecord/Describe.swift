public import Wire

extension DTLSDatagram {
    /// Each record; for plaintext handshake records the fragments, and the parsed body of complete
    /// Hello / HelloVerifyRequest / Certificate messages.
    public var structure: Structure {
        .fields(["records": .list(records.map(\.structure))])
    }
}

extension DTLSRecord {
    public var structure: Structure {
        switch self {
        case .classic(let record): record.structure
        case .unified(let record): record.structure
        }
    }
}

extension ClassicRecord {
    public var structure: Structure {
        var fields: [Structure.Field] = [
            .init("header", .text("classic")),
            .init("content_type", .text(contentType.description)),
            .init("version", .text(version.description)),
            .init("epoch", .unsigned(UInt64(epoch))),
            .init("sequence_number", .unsigned(sequenceNumber)),
        ]
        if let connectionID { fields.append(.init("connection_id", .bytes(connectionID))) }
        fields += [
            .init("length", .unsigned(UInt64(fragment.count))),
            .init("encrypted", .flag(isEncrypted)),
        ]
        fields.append(.init("content", contentStructure))
        return .record(fields)
    }

    private var contentStructure: Structure {
        guard !isEncrypted else { return .bytes(Array(fragment)) }
        switch contentType {
        case .handshake:
            guard let fragments = try? HandshakeFragment.parseAll(fragment) else { return .bytes(Array(fragment)) }
            return .list(fragments.map { fragment in
                (try? HandshakeMessage(fragment))?.structure ?? fragment.opaqueStructure
            })
        case .alert:
            guard let alert = try? Alert.parse(fragment) else { return .bytes(Array(fragment)) }
            return alert.structure
        default:
            return .bytes(Array(fragment))
        }
    }
}

extension UnifiedRecord {
    public var structure: Structure {
        var fields: [Structure.Field] = [.init("header", .text("unified (DTLS 1.3)"))]
        if let connectionID { fields.append(.init("connection_id", .bytes(connectionID))) }
        fields += [
            .init("sequence_bits", .unsigned(hasLongSequenceNumber ? 16 : 8)),
            .init("sequence_number", .unsigned(UInt64(sequenceNumber))),
            .init("length_present", .flag(hasLength)),
            .init("epoch_low_bits", .unsigned(UInt64(epochLowBits))),
            .init("encrypted_record", .bytes(Array(encryptedRecord))),
        ]
        return .record(fields)
    }
}

extension Alert {
    public var structure: Structure {
        .fields(["level": .text(level.description), "description": .text(description.description)])
    }
}

extension HandshakeHeader {
    public var structure: Structure {
        .fields([
            "type": .text(type.description),
            "length": .unsigned(UInt64(length)),
            "message_seq": .unsigned(UInt64(messageSequence)),
            "fragment_offset": .unsigned(UInt64(fragmentOffset)),
            "fragment_length": .unsigned(UInt64(fragmentLength)),
        ])
    }
}

extension HandshakeFragment {
    var opaqueStructure: Structure {
        .fields(["header": header.structure, "body": .bytes(Array(body))])
    }
}

extension HandshakeMessage {
    public var structure: Structure {
        .fields(["header": header.structure, "body": body.structure])
    }
}

extension HandshakeBody {
    public var structure: Structure {
        switch self {
        case .clientHello(let hello): hello.structure
        case .serverHello(let hello): hello.structure
        case .helloVerifyRequest(let request):
            .fields(["server_version": .text(request.serverVersion.description), "cookie": .bytes(request.cookie)])
        case .certificate(let message):
            .fields([
                "certificates": .list(zip(message.certificates, message.fingerprints).map { certificate, fingerprint in
                    .fields(["length": .unsigned(UInt64(certificate.count)), "sha-256": .text(fingerprint.hexPairs)])
                })
            ])
        case .opaque(let bytes): .bytes(bytes)
        }
    }
}

private func hex16(_ value: UInt16) -> String { Hex.integer(value) }

extension ClientHello {
    public var structure: Structure {
        var fields: [Structure.Field] = [
            .init("client_version", .text(clientVersion.description)),
            .init("random", .bytes(random)),
            .init("session_id", .bytes(sessionID)),
            .init("cookie", .bytes(cookie)),
            .init("cipher_suites", .list(cipherSuites.map { .text(hex16($0)) })),
            .init("compression_methods", .list(compressionMethods.map { .unsigned(UInt64($0)) })),
        ]
        if let extensions { fields.append(.init("extensions", .list(extensions.map(\.structure)))) }
        return .record(fields)
    }
}

extension ServerHello {
    public var structure: Structure {
        var fields: [Structure.Field] = [
            .init("server_version", .text(serverVersion.description)),
            .init("random", .bytes(random)),
            .init("session_id", .bytes(sessionID)),
            .init("cipher_suite", .text(hex16(cipherSuite))),
            .init("compression_method", .unsigned(UInt64(compressionMethod))),
        ]
        if let extensions { fields.append(.init("extensions", .list(extensions.map(\.structure)))) }
        return .record(fields)
    }
}

extension HelloExtension {
    public var structure: Structure {
        let name = ExtensionType.name(of: type) ?? "unknown(\(type))"
        let value: Structure
        switch self {
        case .useSRTP(let srtp):
            value = .fields([
                "profiles": .list(srtp.profiles.map { .text(UseSRTP.profileName($0) ?? hex16($0)) }),
                "mki": .bytes(srtp.mki),
            ])
        case .supportedGroups(let groups): value = .list(groups.map { .text(hex16($0)) })
        case .signatureAlgorithms(let schemes): value = .list(schemes.map { .text(hex16($0)) })
        case .extendedMasterSecret: value = .flag(true)
        case .renegotiationInfo(let data): value = .bytes(data)
        case .applicationLayerProtocolNegotiation(let names):
            value = .list(names.map { .text(String(decoding: $0, as: UTF8.self)) })
        case .recordSizeLimit(let limit): value = .unsigned(UInt64(limit))
        case .ecPointFormats(let formats): value = .list(formats.map { .unsigned(UInt64($0)) })
        case .sessionTicket(let ticket): value = .bytes(ticket)
        case .supportedVersions(let versions): value = .list(versions.map { .text($0.description) })
        case .selectedVersion(let version): value = .text(version.description)
        case .cookie(let cookie): value = .bytes(cookie)
        case .keyShares(let entries): value = .list(entries.map(\.structure))
        case .serverKeyShare(let entry): value = entry.structure
        case .keyShareSelectedGroup(let group): value = .fields(["selected_group": .text(hex16(group))])
        case .unknown(_, let data): value = .bytes(data)
        }
        return .fields(["type": .text(name), "value": value])
    }
}

extension KeyShareEntry {
    public var structure: Structure {
        .fields(["group": .text(hex16(group)), "key_exchange": .bytes(keyExchange)])
    }
}
