import Conformance
import RTP
import Testing
import Wire

@Suite("VP8 and Opus payload vectors (vp8_opus_payload.txt: aiortc, pion, mediasoup; RFC 6716 facts)")
struct PayloadVectorTests {
    static let file = "vp8_opus_payload.txt"

    @Test("Every single-packet VP8 vector in the file parses and re-serialises byte for byte")
    func everyVP8VectorRoundTrips() throws {
        // The pion MTU-5 section holds two packets on two lines, which the file reader joins; it is
        // transcribed below instead.
        let vectors = try SharedFolder.hexVectors(Self.file).filter { !$0.heading.contains("mtu 5") }
        #expect(vectors.count == 10)
        for vector in vectors {
            let payload = try VP8PayloadCodec.parse(vector.bytes)
            #expect(VP8PayloadCodec.serialize(payload) == vector.bytes, "\(vector.name)")
        }
    }

    @Test("VP8 descriptor fields (RFC 7741 §4.2; aiortc docstrings cite §4.6.3 and §4.6.5)", arguments: [
        ([0x10], VP8PayloadDescriptor(startOfPartition: true)),
        ([0x90, 0x80, 0x11], VP8PayloadDescriptor(startOfPartition: true, pictureID: .short(17))),
        ([0x90, 0x80, 0x7F], VP8PayloadDescriptor(startOfPartition: true, pictureID: .short(127))),
        ([0x90, 0x80, 0x80, 0x80], VP8PayloadDescriptor(startOfPartition: true, pictureID: .long(128))),
        ([0x90, 0x80, 0x92, 0x67], VP8PayloadDescriptor(startOfPartition: true, pictureID: .long(4711))),
        ([0x90, 0xC0, 0x92, 0x67, 0x81], VP8PayloadDescriptor(startOfPartition: true, pictureID: .long(4711), tl0PictureIndex: 129)),
        ([0x90, 0x20, 0xE0], VP8PayloadDescriptor(startOfPartition: true, hasTemporalLayer: true, temporalLayerIndex: 3, layerSync: true)),
        ([0x90, 0x10, 0x1F], VP8PayloadDescriptor(startOfPartition: true, hasKeyIndex: true, keyIndex: 31)),
        // mediasoup: an R bit set; receivers ignore it (RFC 7741 §4.2) and we keep it for the round trip.
        ([0xD0, 0x80, 0x11], VP8PayloadDescriptor(startOfPartition: true, pictureID: .short(17), reservedBits: 0x40)),
        // pion payloader: continuation packet (S = 0) and a 15-bit picture ID 0x120.
        ([0x80, 0x80, 0x20], VP8PayloadDescriptor(startOfPartition: false, pictureID: .short(0x20))),
        ([0x90, 0x80, 0x81, 0x20], VP8PayloadDescriptor(startOfPartition: true, pictureID: .long(0x120))),
        // pion "witnessed in nature": a one-byte descriptor.
        ([0x00], VP8PayloadDescriptor(startOfPartition: false)),
    ] as [([UInt8], VP8PayloadDescriptor)])
    func descriptors(bytes: [UInt8], expected: VP8PayloadDescriptor) throws {
        let (descriptor, length) = try VP8PayloadDescriptor.parse(prefixOf: bytes[...])
        #expect(descriptor == expected)
        #expect(length == bytes.count)
        #expect(descriptor.serialize() == bytes)
    }

    @Test("pion VP8Payloader at MTU 5 with picture ID 0x20: the two packets of the frame 90 90 90")
    func pionPayloader() throws {
        let first = try VP8PayloadCodec.parse([0x90, 0x80, 0x20, 0x90, 0x90])
        let second = try VP8PayloadCodec.parse([0x80, 0x80, 0x20, 0x90])
        let packetizer = VP8Packetizer(template: VP8PayloadDescriptor(startOfPartition: true, pictureID: .short(0x20)), maximumPayloadSize: 5)
        #expect(packetizer.packetize([0x90, 0x90, 0x90]) == [first, second])
    }

    @Test("Truncated VP8 descriptors are rejected with VP8.truncated (aiortc and pion negatives)", arguments: [
        [], [0x80], [0x80, 0x80], [0x80, 0x80, 0x80], [0x80, 0x40], [0x80, 0x20], [0x80, 0x10],
        [0xFF, 0xFF, 0x00, 0x00], [0x81, 0x81, 0x94],
    ] as [[UInt8]])
    func truncatedVP8(bytes: [UInt8]) {
        #expect(throws: VP8Error.self) { try VP8PayloadCodec.parse(bytes) }
        do { _ = try VP8PayloadCodec.parse(bytes) } catch { #expect(error.rule == .truncated) }
    }

    @Test("pion minimal VP8 payload 00 2a 94: one-byte descriptor, two bytes of VP8 data")
    func minimal() throws {
        let payload = try VP8PayloadCodec.parse([0x00, 0x2A, 0x94])
        #expect(payload.data == [0x2A, 0x94])
        #expect(payload.isKeyFrame == nil)
    }

    @Test("Opus TOC 0x78: config 15 = Hybrid fullband 20 ms, mono, code 0 (RFC 6716 §3.1)")
    func hybridTOC() throws {
        let packet = try OpusPayloadCodec.parse([0x78, 0x01, 0x02])
        #expect(packet.configuration == 15 && packet.mode == .hybrid && packet.bandwidth == .fullband)
        #expect(packet.frameDuration == 20_000 && !packet.stereo && packet.frameCount == 1)
    }

    @Test("Opus TOC 0xfc: config 31 = CELT fullband 20 ms, stereo, code 0")
    func celtTOC() throws {
        let packet = try OpusPayloadCodec.parse([0xFC])
        #expect(packet.mode == .celt && packet.bandwidth == .fullband && packet.stereo)
        // A TOC-only code 0 packet is one empty frame, valid (RFC 6716 §3.2.1: DTX).
        #expect(packet.framing == .one([]))
        #expect(packet.duration == 20_000)
    }

    @Test("pion's Opus pass-through bytes: TOC 0x00 (SILK NB 10 ms) and one 7-byte frame")
    func pionPassThrough() throws {
        let bytes: [UInt8] = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x90]
        let packet = try OpusPayloadCodec.parse(bytes)
        #expect(packet.mode == .silk && packet.bandwidth == .narrowband && packet.frameDuration == 10_000)
        #expect(packet.framing == .one(Array(bytes.dropFirst())))
        #expect(OpusPayloadCodec.serialize(packet) == bytes)
    }

    @Test("Opus code 3: count byte with VBR and padding flags; two-byte frame lengths (RFC 6716 §3.2.1, §3.2.5)")
    func code3() throws {
        // config 1 (SILK NB 20 ms), code 3, v = 1, p = 1, M = 3; padding 2; lengths 1 and 253 (= 253 + 4·0).
        var bytes: [UInt8] = [0x0B, 0xC3, 0x02, 0x01, 0xFD, 0x00, 0xAA]
        bytes += Array(repeating: 0xBB, count: 253) + [0xCC, 0xCC] + [0x00, 0x00]
        let packet = try OpusPayloadCodec.parse(bytes)
        guard case .arbitrary(let code3) = packet.framing else { Issue.record("not code 3"); return }
        #expect(code3.variableBitrate)
        #expect(code3.frames.map(\.count) == [1, 253, 2])
        #expect(code3.padding == OpusPadding(lengthBytes: [2], bytes: [0, 0]))
        #expect(packet.duration == 60_000)
        #expect(OpusPayloadCodec.serialize(packet) == bytes)
    }
}
