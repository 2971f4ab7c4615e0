import Conformance
import RTP
import Testing
import Wire

@Suite("Captures (../shared/captures): every RTP and RTCP datagram's clear part parses and round-trips")
struct CaptureTests {
    static func datagrams() throws -> [CaptureDatagram] {
        try CaptureDatagrams.all(.rtp, in: try SharedFolder.locate(from: #filePath))
    }

    /// The one plaintext capture: str0m's test data is already decrypted.
    static let plaintext = "str0m_vp8.pcap"

    @Test("Every RTP datagram's clear header (SRTP: RFC 3711 §3.1) parses and round-trips; RFC 8285 extensions decode")
    func rtpHeaders() throws {
        var counts: [String: Int] = [:]
        for datagram in try Self.datagrams() where RTPMultiplexKind(datagram: datagram.datagram.payload) == .rtp {
            let bytes = datagram.datagram.payload
            let srtp = try SRTPPacket.parse(bytes[...])
            #expect(srtp.serialize() == bytes, "\(datagram.name)")
            if let headerExtension = srtp.header.headerExtension, headerExtension.profile == 0xBEDE || headerExtension.profile & 0xFFF0 == 0x1000 {
                #expect(throws: Never.self, "\(datagram.name)") { _ = try RTPExtensionElements.decode(headerExtension) }
            }
            if datagram.capture == Self.plaintext {
                let packet = try RTPCodec.parse(bytes)
                #expect(RTPCodec.serialize(packet) == bytes, "\(datagram.name)")
            }
            counts[datagram.capture, default: 0] += 1
        }
        #expect(counts == [
            "gteissier_marseillaise-srtp.pcap": 11888, "ndpi_stun.pcap": 6, "ndpi_stun_dtls_rtp.pcapng": 11,
            "str0m_vp8.pcap": 104, "veondigital_webrtc_opus_p2p.pcap": 999,
        ])
    }

    @Test("Every SRTCP datagram: clear first header and SSRC, E bit set, index, tag (RFC 3711 §3.4, RFC 7714 §9)")
    func srtcp() throws {
        var seen = 0
        for datagram in try Self.datagrams() where RTPMultiplexKind(datagram: datagram.datagram.payload) == .rtcp {
            let bytes = datagram.datagram.payload
            // ndpi_stun_dtls_rtp negotiated AEAD_AES_256_GCM (see captures/README.md); the others use the
            // 80-bit HMAC-SHA1 tag.
            let aead = datagram.capture == "ndpi_stun_dtls_rtp.pcapng"
            let packet = try SRTCPPacket.parse(bytes, trailerLength: 10, aead: aead)
            #expect(packet.serialize() == bytes, "\(datagram.name)")
            #expect(packet.encrypted, "\(datagram.name)")
            #expect((200...207).contains(packet.packetType), "\(datagram.name)")
            let firstLength = 4 * (Int(packet.firstHeader[2]) << 8 | Int(packet.firstHeader[3])) + 4
            #expect(firstLength <= 8 + packet.protected.count - (aead ? 16 : 0), "\(datagram.name)")
            seen += 1
        }
        #expect(seen == 12)
    }

    @Test("str0m_vp8.pcap: VP8 (PT 96, SSRC 0xeedf3944) reassembles into whole frames, key frames carry their size")
    func vp8Frames() throws {
        var depacketizer = VP8Depacketizer()
        var events: [VP8DepacketizerEvent] = []
        for datagram in try Self.datagrams() where datagram.capture == Self.plaintext {
            let packet = try RTPCodec.parse(datagram.datagram.payload)
            #expect(packet.header.ssrc == 0xEEDF_3944 && packet.header.payloadType == 96)
            events += depacketizer.push(
                sequenceNumber: packet.header.sequenceNumber, timestamp: packet.header.timestamp,
                marker: packet.header.marker, payload: Array(packet.payload))
        }
        events += depacketizer.finish()
        let frames = events.compactMap { if case .frame(let frame) = $0 { frame } else { nil } }
        let dropped = events.filter { if case .dropped = $0 { true } else { false } }
        #expect(frames.count == 101)
        #expect(dropped.isEmpty)
        // Every one of the 104 packets ends up in a frame.
        #expect(frames.reduce(0) { $0 + Int($1.lastSequence &- $1.firstSequence) + 1 } == 104)
        let keyFrames = frames.filter(\.isKeyFrame)
        #expect(keyFrames.count == 3)
        #expect(keyFrames.allSatisfy { $0.keyFrameHeader?.width == 240 && $0.keyFrameHeader?.height == 180 })
        #expect(frames.allSatisfy { VP8Payload(descriptor: .init(startOfPartition: true), data: $0.data).isKeyFrame == $0.isKeyFrame })
    }
}
