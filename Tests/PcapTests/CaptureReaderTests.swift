import Conformance
import Pcap
import Testing

/// Frame counts from ../shared/captures/README.md (tshark 4.0.17's reading of the same files).
@Suite("Reading the shared captures through libpcap")
struct CaptureReaderTests {
    struct Known: Sendable, CustomTestStringConvertible {
        let file: String
        let frames: Int
        let linkType: LinkType
        var testDescription: String { file }
    }

    static let captures: [Known] = [
        Known(file: "zeek_webrtc-stun.pcap", frames: 14, linkType: .ethernet),
        Known(file: "ndpi_stun_dtls_rtp.pcapng", frames: 102, linkType: .ethernet),
        Known(file: "ndpi_stun.pcap", frames: 201, linkType: .ethernet),
        Known(file: "veondigital_webrtc_opus_p2p.pcap", frames: 1331, linkType: .ethernet),
        Known(file: "gteissier_marseillaise-srtp.pcap", frames: 11888, linkType: .ethernet),
        Known(file: "str0m_vp8.pcap", frames: 104, linkType: .ethernet),
    ]

    @Test("Every capture has the frame count tshark reports, numbered from 1", arguments: captures)
    func frameCounts(_ known: Known) throws {
        let shared = try SharedFolder.locate(from: #filePath)
        let frames = try CaptureReader(path: shared.capture(known.file).path).frames()
        #expect(frames.count == known.frames)
        #expect(frames.first?.number == 1)
        #expect(frames.last?.number == known.frames)
        #expect(frames.allSatisfy { $0.bytes.count <= $0.originalLength })
    }

    /// `forEachFrame` refills one buffer; a frame someone keeps must keep its own bytes.
    @Test("Frames kept from the streaming reader keep their own bytes", arguments: captures)
    func keptFrames(_ known: Known) throws {
        let path = try SharedFolder.locate(from: #filePath).capture(known.file).path
        var streamed: [[UInt8]] = []
        try CaptureReader(path: path).forEachFrame { streamed.append(Array($0.bytes)) }
        let kept = try CaptureReader(path: path).frames()
        #expect(kept.map(\.bytes) == streamed)
        #expect(Set(kept.prefix(50).map(\.bytes)).count > 1)
    }

    @Test("A file that is not a capture is a CaptureError, not a trap")
    func notACapture() throws {
        let shared = try SharedFolder.locate(from: #filePath)
        #expect(throws: CaptureError.self) {
            try CaptureReader(path: shared.vectors.appendingPathComponent("README.md").path).frames()
        }
        #expect(throws: CaptureError.self) { try CaptureReader(path: "/nonexistent/capture.pcap").frames() }
    }

    @Test("UDP datagrams of the single-flow SRTP capture all go between the same two endpoints")
    func udpFlows() throws {
        let shared = try SharedFolder.locate(from: #filePath)
        let (datagrams, skipped) = try CaptureReader(path: shared.capture("gteissier_marseillaise-srtp.pcap").path).udpDatagrams()
        #expect(datagrams.count + skipped == 11888)
        let pairs = Set(datagrams.map { [$0.source, $0.destination] })
        #expect(pairs.count == 1, "flows: \(pairs)")
        // RTP version 2 in every payload (RFC 3550 §5.1): the first two bits are 10.
        #expect(datagrams.allSatisfy { $0.payload.first.map { $0 >> 6 == 2 } ?? false })
    }
}

@Suite("Link, IP and UDP headers")
struct LinkLayerTests {
    /// An Ethernet + IPv4 + UDP frame built by hand: 10.0.0.1:1234 → 10.0.0.2:5678, payload "hi".
    static let ethernetIPv4: [UInt8] =
        [UInt8](repeating: 0, count: 12) + [0x08, 0x00]
        + [0x45, 0, 0, 30, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]
        + [0x04, 0xD2, 0x16, 0x2E, 0, 10, 0, 0, 0x68, 0x69]

    func frame(_ bytes: [UInt8], _ linkType: LinkType = .ethernet) -> CapturedFrame {
        CapturedFrame(number: 1, timestampNanoseconds: 0, linkType: linkType, bytes: bytes, originalLength: bytes.count)
    }

    @Test("Ethernet/IPv4/UDP gives endpoints and payload")
    func ethernetUDP() {
        let datagram = LinkLayer.udpDatagram(in: frame(Self.ethernetIPv4))
        #expect(datagram?.source.description == "10.0.0.1:1234")
        #expect(datagram?.destination.description == "10.0.0.2:5678")
        #expect(datagram?.payload == [0x68, 0x69])
    }

    @Test("Raw IPv6/UDP is decoded")
    func rawIPv6() {
        let ipv6: [UInt8] = [0x60, 0, 0, 0, 0, 9, 17, 64] + [UInt8](repeating: 0, count: 15) + [1]
            + [UInt8](repeating: 0, count: 15) + [1] + [0, 7, 0, 9, 0, 9, 0, 0, 0x2A]
        let datagram = LinkLayer.udpDatagram(in: frame(ipv6, .raw))
        #expect(datagram?.source.description == "[0:0:0:0:0:0:0:1]:7")
        #expect(datagram?.payload == [0x2A])
    }

    @Test("Every truncation of a frame gives nil, never a trap")
    func truncations() {
        for length in 0..<Self.ethernetIPv4.count {
            #expect(LinkLayer.udpDatagram(in: frame(Array(Self.ethernetIPv4.prefix(length)))) == nil)
        }
    }

    @Test("IPv4 fragments are not taken for whole datagrams (RFC 791 §3.2)")
    func fragments() {
        var fragmented = Self.ethernetIPv4
        fragmented[20] = 0x20  // more fragments
        #expect(LinkLayer.udpDatagram(in: frame(fragmented)) == nil)
    }
}
