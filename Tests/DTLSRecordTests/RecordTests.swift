import CrucibleTestSupport
import DTLSRecord
import Testing
import Wire

/// Record framing rules, one test per rule, with hand-made datagrams.
@Suite("DTLS records")
struct RecordTests {
    /// change_cipher_spec (epoch 0, seq 5), then an encrypted Finished (epoch 1, seq 0), as one datagram.
    static let twoRecords = Hex.literal(
        """
        14 fe fd 0000 000000000005 0001 01
        16 fe fd 0001 000000000000 0004 de ad be ef
        """)

    @Test("Several records in one datagram are split in order; bodies are slices of the datagram")
    func severalRecordsPerDatagram() throws {
        let datagram = try DTLSCodec.parse(Self.twoRecords)
        #expect(datagram.records == [
            .classic(ClassicRecord(contentType: .changeCipherSpec, version: .dtls12, epoch: 0, sequenceNumber: 5, fragment: [1][...])),
            .classic(ClassicRecord(contentType: .handshake, version: .dtls12, epoch: 1, sequenceNumber: 0, fragment: [0xDE, 0xAD, 0xBE, 0xEF][...])),
        ])
        guard case .classic(let second) = datagram.records[1] else { return }
        #expect(second.fragment.startIndex == 27)
        #expect(DTLSCodec.serialize(datagram) == Self.twoRecords)
    }

    @Test("Epoch 0 is DTLSPlaintext; a later epoch is DTLSCiphertext whose handshake body stays opaque")
    func plaintextAndCiphertextApart() throws {
        let datagram = try DTLSCodec.parse(Self.twoRecords)
        #expect(datagram.records.map(\.isEncrypted) == [false, true])
        // The encrypted "handshake" record is not a handshake header: parsing it as one would fail,
        // and the codec does not try.
        let text = DTLSCodec.describe(datagram).renderText()
        #expect(text.contains("encrypted: true"))
        #expect(text.contains("de ad be ef"))
    }

    @Test("The 48-bit sequence number keeps all its bits")
    func sequenceNumber48Bits() throws {
        let bytes = Hex.literal("17 fe fd 0003 fedcba987654 0000")
        let record = try onlyClassicRecord(try DTLSCodec.parse(bytes))
        #expect(record.sequenceNumber == 0xFEDC_BA98_7654)
        #expect(record.epoch == 3)
    }

    @Test("Unknown content types below 32 are kept, not refused")
    func unknownContentTypeKept() throws {
        let bytes = Hex.literal("1f fe fd 0000 000000000000 0001 aa")
        let record = try onlyClassicRecord(try DTLSCodec.parse(bytes))
        #expect(record.contentType.rawValue == 0x1F)
        #expect(record.contentType.description == "unknown(31)")
        #expect(DTLSCodec.serialize(try DTLSCodec.parse(bytes)) == bytes)
    }

    @Test("A DTLS 1.3 unified header (001CSLEE) is parsed: 16-bit sequence, length, epoch bits, opaque body")
    func unifiedHeader() throws {
        // 0x2E = 001 0 1 1 10: no CID, 16-bit sequence, length present, epoch low bits 2.
        let bytes = Hex.literal("2e 1234 0003 aabbcc")
        let datagram = try DTLSCodec.parse(bytes)
        #expect(datagram.records == [
            .unified(UnifiedRecord(hasLongSequenceNumber: true, sequenceNumber: 0x1234, hasLength: true, epochLowBits: 2, encryptedRecord: [0xAA, 0xBB, 0xCC][...]))
        ])
        #expect(datagram.records[0].isEncrypted)
        #expect(DTLSCodec.serialize(datagram) == bytes)
    }

    @Test("A unified header without length takes the rest of the datagram; one with length lets a record follow")
    func unifiedHeaderLengths() throws {
        // 0x25 = 8-bit sequence, length present, epoch 1; then 0x21 = 8-bit sequence, no length, epoch 1.
        let bytes = Hex.literal("25 07 0002 0102   21 08 030405")
        let datagram = try DTLSCodec.parse(bytes)
        #expect(datagram.records == [
            .unified(UnifiedRecord(hasLongSequenceNumber: false, sequenceNumber: 7, hasLength: true, epochLowBits: 1, encryptedRecord: [1, 2][...])),
            .unified(UnifiedRecord(hasLongSequenceNumber: false, sequenceNumber: 8, hasLength: false, epochLowBits: 1, encryptedRecord: [3, 4, 5][...])),
        ])
        #expect(DTLSCodec.serialize(datagram) == bytes)
    }

    @Test("A unified header's connection id is read when its negotiated length is given")
    func unifiedHeaderConnectionID() throws {
        let bytes = Hex.literal("3c c1c2c3c4 0001 0001 ff")
        #expect(throws: DTLSError(.connectionIDLength, at: 0, "C bit set but no connection id length was negotiated")) {
            try DTLSDatagram.parse(bytes)
        }
        let datagram = try DTLSDatagram.parse(bytes, options: DTLSParseOptions(connectionIDLength: 4))
        #expect(datagram.records == [
            .unified(UnifiedRecord(
                connectionID: [0xC1, 0xC2, 0xC3, 0xC4], hasLongSequenceNumber: true, sequenceNumber: 1, hasLength: true,
                epochLowBits: 0, encryptedRecord: [0xFF][...]))
        ])
        #expect(datagram.serialize() == bytes)
    }

    @Test("A tls12_cid record (RFC 9146) carries its connection id before the length, given the negotiated length")
    func tls12ConnectionID() throws {
        let bytes = Hex.literal("19 fe fd 0001 000000000009 abcd 0002 0102")
        #expect(throws: DTLSError(.connectionIDLength, at: 0, "tls12_cid record but no connection id length was negotiated")) {
            try DTLSDatagram.parse(bytes)
        }
        let datagram = try DTLSDatagram.parse(bytes, options: DTLSParseOptions(connectionIDLength: 2))
        #expect(datagram.records == [
            .classic(ClassicRecord(contentType: .tls12CID, version: .dtls12, epoch: 1, sequenceNumber: 9, connectionID: [0xAB, 0xCD], fragment: [1, 2][...]))
        ])
        #expect(datagram.serialize() == bytes)
    }

    @Test("A plaintext alert names its level and description; unknown codes are kept")
    func alerts() throws {
        #expect(try Alert.parse([2, 40][...]) == Alert(level: .fatal, description: .handshakeFailure))
        let odd = try Alert.parse([7, 201][...])
        #expect(odd.level.description == "unknown(7)")
        #expect(odd.description.description == "unknown(201)")
        #expect(odd.serialize() == [7, 201])
        let bytes = Hex.literal("15 fe fd 0000 000000000002 0002 01 00")
        let text = DTLSCodec.describe(try DTLSCodec.parse(bytes)).renderText()
        #expect(text.contains("level: warning"))
        #expect(text.contains("description: close_notify"))
    }

    @Test("Several handshake messages in one record (ServerHelloDone after a fragment) are framed one by one")
    func severalHandshakeMessagesPerRecord() throws {
        let body = Hex.literal(
            """
            0b 000010 0002 000000 000004 00000c 30
            0e 000000 0003 000000 000000
            """)
        let messages = try DTLSHandshakeCodec.parse(body)
        #expect(messages.map(\.header.type) == [.certificate, .serverHelloDone])
        #expect(messages[0].body == .opaque([0x00, 0x00, 0x0C, 0x30]))  // a fragment stays opaque
        #expect(messages[1].body == .opaque([]))
        #expect(DTLSHandshakeCodec.serialize(messages) == body)
    }

    @Test("A Certificate message yields one upper-case colon-separated SHA-256 fingerprint per certificate")
    func fingerprintFormat() throws {
        // SHA-256("abc") is the FIPS 180-2 example digest.
        let message = CertificateMessage(certificates: [Array("abc".utf8)])
        #expect(message.fingerprints.map(\.hexPairs) == [
            "BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD"
        ])
        let body = HandshakeBody.certificate(message).serialize()
        #expect(body == [0, 0, 6, 0, 0, 3] + Array("abc".utf8))
        #expect(try HandshakeBody.parse(type: .certificate, body[...]) == .certificate(message))
    }

    @Test("describe of a plaintext Certificate record shows each certificate's fingerprint; a fragment stays bytes")
    func describeCertificate() throws {
        let whole = HandshakeMessage(type: .certificate, messageSequence: 2, body: .certificate(CertificateMessage(certificates: [Array("abc".utf8)])))
        let fragment = HandshakeMessage(
            header: HandshakeHeader(type: .certificate, length: 9, messageSequence: 3, fragmentOffset: 0, fragmentLength: 3),
            body: .opaque([0, 0, 6]))
        let datagram = DTLSDatagram(records: [
            .classic(ClassicRecord(
                contentType: .handshake, version: .dtls12, epoch: 0, sequenceNumber: 1,
                fragment: DTLSHandshakeCodec.serialize([whole, fragment])[...]))
        ])
        let parsed = try DTLSCodec.parse(DTLSCodec.serialize(datagram))
        let text = DTLSCodec.describe(parsed).renderText()
        #expect(text.contains("sha-256: BA:78:16:BF"))
        #expect(text.contains("fragment_length: 3"))
        #expect(text.contains("body: 00 00 06"))
        #expect(DTLSCodec.describe(parsed).renderJSON().hasPrefix("{\"records\":[{\"header\":\"classic\""))
    }

    @Test("HelloVerifyRequest carries its version and cookie")
    func helloVerifyRequest() throws {
        let body = Hex.literal("fe ff 04 01020304")
        #expect(try HandshakeBody.parse(type: .helloVerifyRequest, body[...]) == .helloVerifyRequest(HelloVerifyRequest(serverVersion: .dtls10, cookie: [1, 2, 3, 4])))
    }

    @Test("DTLS 1.3 extensions take their ClientHello or ServerHello form")
    func helloSidedExtensions() throws {
        let client = ClientHello(
            clientVersion: .dtls12, random: [UInt8](repeating: 1, count: 32), cipherSuites: [0x1301],
            extensions: [
                .supportedVersions([.dtls13, .dtls12]), .keyShares([KeyShareEntry(group: 0x1D, keyExchange: [9, 9])]),
                .cookie([7]),
            ])
        let server = ServerHello(
            serverVersion: .dtls12, random: [UInt8](repeating: 2, count: 32), cipherSuite: 0x1301,
            extensions: [.selectedVersion(.dtls13), .serverKeyShare(KeyShareEntry(group: 0x1D, keyExchange: [8]))])
        let retry = ServerHello(
            serverVersion: .dtls12, random: [UInt8](repeating: 3, count: 32), cipherSuite: 0x1301, extensions: [.keyShareSelectedGroup(0x17)])
        for body in [HandshakeBody.clientHello(client), .serverHello(server), .serverHello(retry)] {
            let type: HandshakeType = if case .clientHello = body { .clientHello } else { .serverHello }
            #expect(try HandshakeBody.parse(type: type, body.serialize()[...]) == body)
        }
    }

    @Test("Rule identifiers are unique, prefixed DTLS., and each cites an RFC")
    func ruleCatalogue() {
        let ids = DTLSRule.allCases.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.hasPrefix("DTLS.") })
        #expect(DTLSRule.allCases.allSatisfy { $0.reference.hasPrefix("RFC ") })
    }
}
