import Conformance
import RTP
import Testing
import Wire

@Suite("RTP vectors (rtp_rtcp_packets.txt: aiortc and pion/rtp test data)")
struct RTPVectorTests {
    static let file = "rtp_rtcp_packets.txt"

    /// Every RTP vector of the file (those whose second byte is not an RTCP packet type).
    static func rtpVectors() throws -> [HexVector] {
        try SharedFolder.hexVectors(file).filter { RTPMultiplexKind(datagram: $0.bytes) == .rtp }
    }

    @Test("Every RTP vector parses and re-serialises byte for byte")
    func everyVectorRoundTrips() throws {
        let vectors = try Self.rtpVectors()
        #expect(vectors.count == 11)
        for vector in vectors {
            let packet = try RTPCodec.parse(vector.bytes)
            #expect(RTPCodec.serialize(packet) == vector.bytes, "\(vector.name)")
        }
    }

    @Test("aiortc rtp.bin: PCMU, seq 15743, ts 3937035252, 160-byte payload")
    func pcmu() throws {
        let bytes = try #require(vector(try Self.rtpVectors(), "aiortc rtp.bin")).bytes
        let packet = try RTPCodec.parse(bytes)
        #expect(packet.header.payloadType == 0)
        #expect(packet.header.sequenceNumber == 15743)
        #expect(packet.header.timestamp == 3_937_035_252)
        #expect(packet.payload.count == 160)
        #expect(!packet.header.marker && packet.padding.isEmpty && packet.header.csrcs.isEmpty)
    }

    @Test("aiortc rtp_dtmf.bin: marker set, PT 101, seq 24152")
    func dtmf() throws {
        let packet = try RTPCodec.parse(try #require(vector(try Self.rtpVectors(), "rtp_dtmf")).bytes)
        #expect(packet.header.marker)
        #expect(packet.header.payloadType == 101)
        #expect(packet.header.sequenceNumber == 24152)
        #expect(packet.payload.count == 4)
    }

    @Test("aiortc padding-only probe: the last octet (224) counts the whole padding, itself included (RFC 3550 §5.1)")
    func paddingOnly() throws {
        let bytes = try #require(vector(try Self.rtpVectors(), "rtp_only_padding.bin")).bytes
        let packet = try RTPCodec.parse(bytes)
        #expect(packet.header.payloadType == 120)
        #expect(packet.payload.isEmpty)
        #expect(packet.padding.count == 224)
    }

    @Test("aiortc padding-only probe with a one-byte extension: element 2 of 3 bytes (abs-send-time size)")
    func paddingWithExtension() throws {
        let bytes = try #require(vector(try Self.rtpVectors(), "padding_with_header_extensions")).bytes
        let packet = try RTPCodec.parse(bytes)
        #expect(packet.payload.isEmpty)
        #expect(packet.padding.count == 224)
        let elements = try extensionElements(of: packet)
        #expect(elements.elements == [RTPExtensionElement(id: 2, data: [0xF1, 0xCC, 0x8C])])
        let map = ExtensionMap([2: RTPExtensionURI.absSendTime])
        #expect(try map.values(of: elements) == [.absSendTime(0xF1CC8C)])
    }

    @Test("aiortc rtp_with_csrc.bin: CC = 2 gives two CSRCs")
    func csrcs() throws {
        let packet = try RTPCodec.parse(try #require(vector(try Self.rtpVectors(), "rtp_with_csrc")).bytes)
        #expect(packet.header.csrcs == [0xABCD_EF01, 0xDEAD_BEEF])
    }

    @Test("aiortc rtp_with_sdes_mid.bin: one-byte element 9 carries the MID \"0\" (RFC 8843 §15)")
    func sdesMid() throws {
        let packet = try RTPCodec.parse(try #require(vector(try Self.rtpVectors(), "rtp_with_sdes_mid")).bytes)
        let elements = try extensionElements(of: packet)
        #expect(elements.elements == [RTPExtensionElement(id: 9, data: Array("0".utf8))])
        #expect(try ExtensionMap([9: RTPExtensionURI.mid]).values(of: elements) == [.mid(Array("0".utf8))])
    }

    @Test("pion TestBasic: a non-RFC 8285 profile (0x0001) is kept as one opaque word")
    func opaqueProfile() throws {
        let packet = try RTPCodec.parse(try #require(vector(try Self.rtpVectors(), "TestBasic")).bytes)
        #expect(packet.header.marker && packet.header.payloadType == 96)
        #expect(packet.header.headerExtension == RTPHeaderExtension(profile: 1, data: [0xFF, 0xFF, 0xFF, 0xFF]))
        #expect(try RTPExtensionElements.decode(try #require(packet.header.headerExtension)) == nil)
        #expect(Array(packet.payload) == [0x98, 0x36, 0xBE, 0x88, 0x9E])
    }

    @Test("pion RFC 8285 vectors: elements and the padding between them are decoded and re-encoded exactly")
    func rfc8285Elements() throws {
        let vectors = try Self.rtpVectors()
        let cases: [(String, RTPExtensionElements)] = [
            ("TestRFC8285OneByteExtension", .init(form: .oneByte, items: [.element(.init(id: 5, data: [0xAA])), .padding(2)])),
            ("OneByteMultipleExtensionsWithPadding", .init(form: .oneByte, items: [
                .element(.init(id: 1, data: [0xAA])), .element(.init(id: 2, data: [0xBB, 0xBB])), .padding(2),
                .element(.init(id: 3, data: [0xCC, 0xCC, 0xCC, 0xCC])),
            ])),
            ("TestRFC8285TwoByteExtension", .init(form: .twoByte(appBits: 0), items: [
                .element(.init(id: 5, data: Array(repeating: 0xAA, count: 24))), .padding(2),
            ])),
            ("TwoByteMultipleExtensionsWithPadding", .init(form: .twoByte(appBits: 0), items: [
                .element(.init(id: 1, data: [])), .element(.init(id: 2, data: [0xBB])), .padding(1),
                .element(.init(id: 3, data: [0xCC, 0xCC, 0xCC, 0xCC])),
            ])),
        ]
        for (fragment, expected) in cases {
            let packet = try RTPCodec.parse(try #require(vector(vectors, fragment)).bytes)
            let headerExtension = try #require(packet.header.headerExtension)
            let elements = try RTPExtensionElements.decode(headerExtension)
            #expect(elements == expected, "\(fragment)")
            #expect(expected.encode() == headerExtension, "\(fragment)")
        }
    }
}
