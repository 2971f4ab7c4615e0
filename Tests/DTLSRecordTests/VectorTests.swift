import CrucibleTestSupport
import DTLSRecord
import SRTP
import Testing
import Wire

/// `../shared/vectors/dtls_clienthello_use_srtp.txt`: real ClientHellos from nDPI and Zeek captures, a
/// ServerHello from pion/dtls's tests, and a minimal ClientHello body from pion/dtls. Every field is
/// checked against the decode in the vector file's notes (tshark 4.0.17), and every vector round-trips.
@Suite("DTLS vectors: dtls_clienthello_use_srtp.txt")
struct VectorTests {
    static let file = "dtls_clienthello_use_srtp.txt"

    /// Parses a one-record datagram holding one complete handshake message.
    func handshake(_ bytes: [UInt8]) throws -> (ClassicRecord, HandshakeMessage) {
        let datagram = try DTLSCodec.parse(bytes)
        #expect(DTLSCodec.serialize(datagram) == bytes)
        let record = try onlyClassicRecord(datagram)
        let messages = try DTLSHandshakeCodec.parse(Array(record.fragment))
        try #require(messages.count == 1)
        #expect(DTLSHandshakeCodec.serialize(messages) == Array(record.fragment))
        return (record, messages[0])
    }

    func clientHello(_ message: HandshakeMessage) throws -> ClientHello {
        guard case .clientHello(let hello) = message.body else {
            Issue.record("expected a ClientHello, got \(message.body)")
            throw CancellationError()
        }
        return hello
    }

    @Test("A: the libwebrtc/BoringSSL ClientHello decodes field by field and round-trips")
    func chromeClientHello() throws {
        let vector = try #require(try sharedVectors(Self.file)["A"])
        #expect(vector.bytes.count == 157)
        let (record, message) = try handshake(vector.bytes)
        #expect(record.contentType == .handshake)
        #expect(record.version == .dtls10)
        #expect(record.epoch == 0)
        #expect(record.sequenceNumber == 0)
        #expect(record.fragment.count == 0x90)
        #expect(message.header == HandshakeHeader(type: .clientHello, length: 0x84, messageSequence: 0, fragmentOffset: 0, fragmentLength: 0x84))

        let hello = try clientHello(message)
        #expect(hello.clientVersion == .dtls12)
        #expect(hello.random == Hex.literal("4bf46b94af3b20dcb7ca52337eef1b8b3b149996c9b35800d1e92a7fa8ab407d"))
        #expect(hello.sessionID.isEmpty)
        #expect(hello.cookie.isEmpty)
        #expect(hello.cipherSuites == [0xC02B, 0xC02F, 0xCCA9, 0xCCA8, 0xC009, 0xC013, 0xC00A, 0xC014, 0x009C, 0x002F, 0x0035])
        #expect(hello.compressionMethods == [0])
        #expect(hello.extensions == [
            .extendedMasterSecret,
            .renegotiationInfo([]),
            .supportedGroups([0x001D, 0x0017, 0x0018]),
            .ecPointFormats([0]),
            .sessionTicket([]),
            .signatureAlgorithms([0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601, 0x0201]),
            .useSRTP(UseSRTP(profiles: [SRTPProfile.aes128CounterHMACSHA1_80.rawValue, SRTPProfile.aeadAES256GCM.rawValue, SRTPProfile.aeadAES128GCM.rawValue], mki: [])),
        ])
    }

    @Test("B: the Firefox/NSS ClientHello carries ALPN webrtc/c-webrtc, record_size_limit and four SRTP profiles")
    func firefoxClientHello() throws {
        let vector = try #require(try sharedVectors(Self.file)["B"])
        #expect(vector.bytes.count == 189)
        let (record, message) = try handshake(vector.bytes)
        #expect(record.version == .dtls10)
        #expect(record.epoch == 0)
        #expect(record.sequenceNumber == 1)
        #expect(record.fragment.count == 0xB0)
        #expect(message.header == HandshakeHeader(type: .clientHello, length: 0xA4, messageSequence: 0, fragmentOffset: 0, fragmentLength: 0xA4))

        let hello = try clientHello(message)
        #expect(hello.clientVersion == .dtls12)
        #expect(hello.random == Hex.literal("fc338fd99f2c1b3e32197038 66514ef73387a590ed0a4ae2ecf926fff707dd93"))
        #expect(hello.sessionID.isEmpty)
        #expect(hello.cookie.isEmpty)
        #expect(hello.cipherSuites == [0xC02B, 0xC02F, 0xCCA9, 0xCCA8, 0xC00A, 0xC009, 0xC013, 0xC014])
        #expect(hello.compressionMethods == [0])
        #expect(hello.extensions == [
            .extendedMasterSecret,
            .renegotiationInfo([]),
            .supportedGroups([0x001D, 0x0017, 0x0018]),
            .ecPointFormats([0]),
            .applicationLayerProtocolNegotiation([Array("webrtc".utf8), Array("c-webrtc".utf8)]),
            .signatureAlgorithms([
                0x0403, 0x0503, 0x0603, 0x0203, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201, 0x0402, 0x0502,
                0x0602, 0x0202,
            ]),
            .recordSizeLimit(0x4000),
            .useSRTP(UseSRTP(profiles: [0x0007, 0x0008, 0x0001, 0x0002], mki: [])),
        ])
    }

    @Test("C: the DTLS 1.0 OpenSSL ClientHello keeps its 73 suites and the unmodelled heartbeat extension byte-exact")
    func openSSLClientHello() throws {
        let vector = try #require(try sharedVectors(Self.file)["C"])
        #expect(vector.bytes.count == 297)
        let (record, message) = try handshake(vector.bytes)
        #expect(record.version == .dtls10)
        #expect(record.sequenceNumber == 0)
        #expect(record.fragment.count == 0x11C)
        #expect(message.header.length == 0x110)
        #expect(message.header.isComplete)

        let hello = try clientHello(message)
        #expect(hello.clientVersion == .dtls10)
        #expect(hello.random == Hex.literal("b509517d8e76fa20bf84d05bdd51e8cedb21df8fa66b57c37a43b4a07a096f7e"))
        #expect(hello.sessionID.isEmpty)
        #expect(hello.cookie.isEmpty)
        #expect(hello.cipherSuites.count == 0x92 / 2)
        #expect(hello.cipherSuites.first == 0xC014)
        #expect(hello.cipherSuites.last == 0x00FF)  // TLS_EMPTY_RENEGOTIATION_INFO_SCSV
        #expect(hello.compressionMethods == [0])
        let groups: [UInt16] = [
            0x0E, 0x0D, 0x19, 0x1C, 0x0B, 0x0C, 0x1B, 0x18, 0x09, 0x0A, 0x1A, 0x16, 0x17, 0x08, 0x06, 0x07, 0x14, 0x15,
            0x04, 0x05, 0x12, 0x13, 0x01, 0x02, 0x03, 0x0F, 0x10, 0x11,
        ]
        #expect(hello.extensions == [
            .ecPointFormats([0, 1, 2]),
            .supportedGroups(groups),
            .unknown(type: 15, data: [0x01]),  // heartbeat (RFC 6520), not modelled: kept as is
            .useSRTP(UseSRTP(profiles: [SRTPProfile.aes128CounterHMACSHA1_80.rawValue], mki: [])),
        ])
    }

    @Test("D: the pion/dtls ServerHello (no record header) selects AEAD_AES_128_GCM with a 32-byte session id")
    func serverHello() throws {
        let vector = try #require(try sharedVectors(Self.file)["D"])
        let messages = try DTLSHandshakeCodec.parse(vector.bytes)
        #expect(DTLSHandshakeCodec.serialize(messages) == vector.bytes)
        try #require(messages.count == 1)
        #expect(messages[0].header == HandshakeHeader(type: .serverHello, length: 0x62, messageSequence: 0, fragmentOffset: 0, fragmentLength: 0x62))
        guard case .serverHello(let hello) = messages[0].body else {
            Issue.record("expected a ServerHello")
            return
        }
        #expect(hello.serverVersion == .dtls12)
        #expect(hello.random == Hex.literal("0746b7bfde78ab3869367410a650677b4b85df7171623ab1d7a4796a38135ea1"))
        #expect(hello.sessionID == Hex.literal("bd64afb33677738a6275b264bef62ab16e7bf600d624d5b11e54a376b3ac768f"))
        #expect(hello.cipherSuite == 0xC02F)
        #expect(hello.compressionMethod == 0)
        #expect(hello.extensions == [
            .renegotiationInfo([]),
            .ecPointFormats([0, 1, 2]),
            .useSRTP(UseSRTP(profiles: [SRTPProfile.aeadAES128GCM.rawValue], mki: [])),
            .extendedMasterSecret,
        ])
    }

    @Test("E: the minimal pion/dtls ClientHello body has a 20-byte cookie and one supported group")
    func minimalClientHelloBody() throws {
        let vector = try #require(try sharedVectors(Self.file)["E"])
        let body = try HandshakeBody.parse(type: .clientHello, vector.bytes[...])
        #expect(body.serialize() == vector.bytes)
        guard case .clientHello(let hello) = body else {
            Issue.record("expected a ClientHello")
            return
        }
        #expect(hello.clientVersion == .dtls12)
        #expect(hello.random == Array(vector.bytes[2..<34]))
        #expect(hello.sessionID.isEmpty)
        #expect(hello.cookie == Hex.literal("e6143a1b04ea9e7a14d66c57d00e32857618ded8"))
        #expect(hello.cipherSuites == [0xC02B, 0xC00A])
        #expect(hello.compressionMethods == [0])
        #expect(hello.extensions == [.supportedGroups([0x001D])])
    }

    @Test("Every vector in the file round-trips byte-exact through the codec that fits it")
    func everyVectorRoundTrips() throws {
        for (letter, vector) in try sharedVectors(Self.file) {
            let bytes = vector.bytes
            switch letter {
            case "D": #expect(DTLSHandshakeCodec.serialize(try DTLSHandshakeCodec.parse(bytes)) == bytes, "\(vector.name)")
            case "E": #expect(try HandshakeBody.parse(type: .clientHello, bytes[...]).serialize() == bytes, "\(vector.name)")
            default: #expect(DTLSCodec.serialize(try DTLSCodec.parse(bytes)) == bytes, "\(vector.name)")
            }
        }
    }

    @Test("Record bodies are slices of the datagram, not copies")
    func recordBodiesAreSlices() throws {
        let bytes = try #require(try sharedVectors(Self.file)["A"]).bytes
        let record = try onlyClassicRecord(try DTLSCodec.parse(bytes))
        #expect(record.fragment.startIndex == ClassicRecord.headerLength)
        #expect(record.fragment.endIndex == bytes.count)
    }

    @Test("describe shows the record, the handshake header and the parsed ClientHello with use_srtp names")
    func describeShowsHello() throws {
        let bytes = try #require(try sharedVectors(Self.file)["A"]).bytes
        let text = DTLSCodec.describe(try DTLSCodec.parse(bytes)).renderText()
        #expect(text.contains("content_type: handshake"))
        #expect(text.contains("type: client_hello"))
        #expect(text.contains("SRTP_AEAD_AES_256_GCM"))
        #expect(text.contains("type: use_srtp"))
    }
}
