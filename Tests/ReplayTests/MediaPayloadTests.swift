import COpus
import CVPX
import Conformance
import Decryption
import Pcap
import RTP
import Replay
import Testing

/// `--payload-type PT=CODEC`: clear RTP payloads are judged by their codec — Opus packets parse
/// (RFC 6716 §3.4), VP8 payloads reassemble into frames (RFC 7741 §4.5). The verdicts on the shared
/// captures are checked against libopus and libvpx, which no one here wrote (issue 5, "Checking").
@Suite("Replay judges media payloads")
struct MediaPayloadTests {
    static let vp8Capture = "str0m_vp8.pcap"
    static let vp8 = PayloadTypeAssignment(payloadType: 96, codec: .vp8)
    static let opus = PayloadTypeAssignment(payloadType: 111, codec: .opus)

    static func check(_ datagrams: [ReplayDatagram], _ options: ReplayOptions) -> ReplayReport {
        ReplayChecker.check(datagrams, capture: "test", options: options)
    }

    static let plainVP8 = ReplayOptions(protection: .plain, payloadTypes: [vp8])

    /// The capture with one datagram's RTP packet rewritten.
    static func editing(_ datagrams: [ReplayDatagram], at index: Int, _ edit: (inout RTPPacket) -> Void) throws -> [ReplayDatagram] {
        var copy = datagrams
        var packet = try RTPCodec.parse(datagrams[index].payload)
        edit(&packet)
        let original = datagrams[index]
        copy[index] = ReplayDatagram(
            frame: original.frame, timestampNanoseconds: original.timestampNanoseconds, source: original.source,
            destination: original.destination, payload: packet.serialize())
        return copy
    }

    @Test("str0m's VP8 capture reassembles into 101 frames, 3 of them key frames, breaking no rule (tshark counts 101 marker bits)")
    func str0mReassembles() throws {
        let report = Self.check(try SRTPReplayTests.datagrams(Self.vp8Capture), Self.plainVP8)
        #expect(report.media.vp8Frames == 101)
        #expect(report.media.vp8KeyFrames == 3)
        #expect(report.findings.isEmpty, "\(report.brokenRules)")
    }

    @Test("Every VP8 frame the depacketizer rebuilds from str0m's capture decodes in libvpx, key frames at the size their header says")
    func libvpxDecodesEveryFrame() throws {
        var depacketizer = VP8Depacketizer()
        var frames: [VP8Frame] = []
        for datagram in try SRTPReplayTests.datagrams(Self.vp8Capture) {
            let packet = try RTPCodec.parse(datagram.payload)
            for case .frame(let frame) in depacketizer.push(
                sequenceNumber: packet.header.sequenceNumber, timestamp: packet.header.timestamp, marker: packet.header.marker,
                payload: Array(packet.payload))
            {
                frames.append(frame)
            }
        }
        #expect(frames.count == 101)
        var decoder = vpx_codec_ctx_t()
        try #require(crucible_vp8_decoder_init(&decoder) == VPX_CODEC_OK)
        defer { vpx_codec_destroy(&decoder) }
        for frame in frames {
            let status = frame.data.withUnsafeBufferPointer { vpx_codec_decode(&decoder, $0.baseAddress, UInt32($0.count), nil, 0) }
            #expect(status == VPX_CODEC_OK, "timestamp \(frame.timestamp): \(String(cString: vpx_codec_err_to_string(status)))")
            var iterator: vpx_codec_iter_t?
            let image = try #require(vpx_codec_get_frame(&decoder, &iterator))
            if let header = frame.keyFrameHeader {
                #expect(image.pointee.d_w == UInt32(header.width) && image.pointee.d_h == UInt32(header.height))
            }
        }
    }

    @Test("The keyed Opus stream: all 501 decrypted payloads parse, and agree with libopus on frame count and frame sizes")
    func opusAgreesWithLibopus() throws {
        let datagrams = try SRTPReplayTests.datagrams(SRTPReplayTests.opus.0)
        let key = try SRTPKeyAssignment(parsing: SRTPReplayTests.opus.1)
        let report = Self.check(datagrams, ReplayOptions(srtpKeys: [key], payloadTypes: [Self.opus]))
        #expect(report.media.opusPackets == 501)
        #expect(!report.brokenRules.keys.contains { $0.hasPrefix("Opus.") })

        let keyring = SRTPKeyring([key])
        var compared = 0
        for datagram in datagrams where datagram.payload.count >= 12 && (datagram.payload[1] & 0x7F) == 111 {
            guard let clear = try? keyring.unprotectRTP(datagram.payload) else { continue }
            let payload = Array(try RTPCodec.parse(clear).payload)
            let ours = try OpusPacket.parse(payload)
            var toc: UInt8 = 0
            var frameSizes = [Int16](repeating: 0, count: 48)
            var payloadOffset: Int32 = 0
            let count = payload.withUnsafeBufferPointer { bytes in
                frameSizes.withUnsafeMutableBufferPointer { sizes in
                    opus_packet_parse(bytes.baseAddress!, Int32(bytes.count), &toc, nil, sizes.baseAddress!, &payloadOffset)
                }
            }
            #expect(Int(count) == ours.frameCount)
            #expect(toc == ours.toc)
            #expect(frameSizes.prefix(Int(max(count, 0))).map(Int.init) == ours.framing.frames.map(\.count))
            compared += 1
        }
        #expect(compared == 501)
    }

    @Test("A frame whose last packet lost its marker bit breaks VP8.frame-marker where the next frame starts")
    func missingMarker() throws {
        let datagrams = try SRTPReplayTests.datagrams(Self.vp8Capture)
        let index = try #require(datagrams.firstIndex { (try? RTPCodec.parse($0.payload))?.header.marker == true })
        let report = Self.check(try Self.editing(datagrams, at: index) { $0.header.marker = false }, Self.plainVP8)
        #expect(report.brokenRules == ["VP8.frame-marker": 1])
        #expect(report.findings.first?.occurrences.first?.frame == datagrams[index + 1].frame)
    }

    @Test("A frame's first packet without S = 1 breaks VP8.frame-start")
    func missingStart() throws {
        let datagrams = try SRTPReplayTests.datagrams(Self.vp8Capture)
        // A frame start that follows a complete frame, so no loss can explain it.
        let index = try #require((1..<datagrams.count).first { (try? RTPCodec.parse(datagrams[$0 - 1].payload))?.header.marker == true })
        let report = Self.check(
            try Self.editing(datagrams, at: index) { $0.payload[$0.payload.startIndex] &= ~0x10 }, Self.plainVP8)
        #expect(report.brokenRules["VP8.frame-start"] == 1, "\(report.brokenRules)")
        #expect(report.exitCode == 1)
    }

    @Test("A frame that lost its last packet is a warning (VP8.frame-incomplete), not an error")
    func lostPacket() throws {
        let datagrams = try SRTPReplayTests.datagrams(Self.vp8Capture)
        // The second packet of a two-packet frame (str0m's key frames span two packets).
        let index = try #require(
            (1..<datagrams.count).first { index in
                guard let packet = try? RTPCodec.parse(datagrams[index].payload), let before = try? RTPCodec.parse(datagrams[index - 1].payload)
                else { return false }
                return packet.header.marker && !before.header.marker
            })
        var lossy = datagrams
        lossy.remove(at: index)
        let report = Self.check(lossy, Self.plainVP8)
        #expect(report.brokenRules["VP8.frame-incomplete"] == 1, "\(report.brokenRules)")
        #expect(report.brokenRules["RTP.sequence-gap"] == 1)
        #expect(report.exitCode == 0)
        #expect(report.media.vp8Frames == 100)
    }

    @Test("A packet inside a frame with another timestamp breaks VP8.frame-timestamp")
    func timestampInsideFrame() throws {
        let datagrams = try SRTPReplayTests.datagrams(Self.vp8Capture)
        let index = try #require(
            (1..<datagrams.count).first { index in
                guard let packet = try? RTPCodec.parse(datagrams[index].payload), let before = try? RTPCodec.parse(datagrams[index - 1].payload)
                else { return false }
                return !before.header.marker && packet.header.timestamp == before.header.timestamp
            })
        let report = Self.check(try Self.editing(datagrams, at: index) { $0.header.timestamp &+= 1 }, Self.plainVP8)
        #expect(report.brokenRules["VP8.frame-timestamp"] == 1, "\(report.brokenRules)")
    }

    @Test("A key frame whose start code is damaged breaks VP8.key-frame-header")
    func damagedKeyFrame() throws {
        let datagrams = try SRTPReplayTests.datagrams(Self.vp8Capture)
        let index = try #require(
            datagrams.firstIndex { datagram in
                guard let packet = try? RTPCodec.parse(datagram.payload), let payload = try? VP8Payload.parse(Array(packet.payload)) else { return false }
                return payload.startsFrame && payload.data.first.map { $0 & 1 == 0 } == true
            })
        let report = Self.check(
            try Self.editing(datagrams, at: index) { packet in
                let descriptor = try! VP8Payload.parse(Array(packet.payload)).descriptor.encodedLength
                packet.payload[packet.payload.startIndex + descriptor + 3] ^= 0xFF  // 0x9d of the start code
            }, Self.plainVP8)
        #expect(report.brokenRules == ["VP8.key-frame-header": 1])
    }

    @Test("Two packets swapped in transit still reassemble (a reorder warning, no VP8 finding)")
    func reorderedPackets() throws {
        var datagrams = try SRTPReplayTests.datagrams(Self.vp8Capture)
        datagrams.swapAt(10, 11)
        let report = Self.check(datagrams, Self.plainVP8)
        #expect(report.media.vp8Frames == 101)
        #expect(!report.brokenRules.keys.contains { $0.hasPrefix("VP8.") })
        #expect(report.brokenRules["RTP.sequence-reorder"] == 1)
    }

    @Test("An Opus payload that breaks RFC 6716 §3.4 is reported under the Opus codec's rule")
    func malformedOpus() {
        // TOC code 1 (two equal frames) needs an odd total length (R3); this one has two bytes.
        let bad = RTPPacket(header: RTPHeader(payloadType: 111, sequenceNumber: 1, timestamp: 0, ssrc: 7), payload: [0x79, 1]).serialize()
        let report = Traffic.report([Traffic.aliceToBob(bad)], options: ReplayOptions(protection: .plain, payloadTypes: [Self.opus]))
        #expect(report.brokenRules == ["Opus.code1-length": 1])
    }

    @Test("Opus timestamps that advance by less than the previous packet's duration break Opus.timestamp-step")
    func opusTimestampStep() {
        // Config 1 = SILK narrowband 20 ms: 960 samples at the 48 kHz RTP clock.
        func packet(_ sequence: UInt16, _ timestamp: UInt32) -> Traffic.Sent {
            Traffic.aliceToBob(
                RTPPacket(header: RTPHeader(payloadType: 111, sequenceNumber: sequence, timestamp: timestamp, ssrc: 7), payload: [0x08, 0xAA]).serialize())
        }
        let options = ReplayOptions(protection: .plain, payloadTypes: [Self.opus])
        #expect(Traffic.report([packet(1, 0), packet(2, 960), packet(3, 2880)], options: options).findings.isEmpty)
        #expect(Traffic.report([packet(1, 0), packet(2, 960), packet(3, 1400)], options: options).brokenRules == ["Opus.timestamp-step": 1])
    }

    @Test("Payload types without a codec are counted, not judged")
    func uncheckedPayloadTypes() {
        let report = Traffic.report([Traffic.aliceToBob(Traffic.rtp(sequence: 1, timestamp: 0))], options: ReplayOptions(protection: .plain))
        #expect(report.media.uncheckedPayloadTypes == [111: 1])
    }

    @Test("--payload-type assignments parse PT=CODEC and refuse anything else", arguments: [
        ("111=opus", PayloadTypeAssignment(payloadType: 111, codec: .opus)),
        ("96=VP8", PayloadTypeAssignment(payloadType: 96, codec: .vp8)),
        ("128=opus", nil), ("96", nil), ("x=vp8", nil), ("96=h264", nil), ("96=vp8=1", nil),
    ])
    func assignments(text: String, expected: PayloadTypeAssignment?) {
        #expect(PayloadTypeAssignment(parsing: text) == expected)
    }
}
