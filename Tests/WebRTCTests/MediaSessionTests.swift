import DTLS
import JSEP
import Media
import RTP
import SansIO
import SDP
import Simulation
import Testing
import Wire
@testable import WebRTC

/// A whole audio and video session between two engines: statistics, pushed frames, determinism and
/// hostile input (issue #15's proof list).
@Suite("Media sessions")
struct MediaSessionTests {
    /// A caller sending a tone and a 320×240 pattern to a callee, negotiated; the callee's two remote tracks.
    static func call(_ bench: Bench, audio: TrackSource? = nil, video: TrackSource? = nil) async throws
        -> (caller: PeerConnection, callee: PeerConnection, audio: RemoteTrack, video: RemoteTrack, tracks: [MediaTrack]) {
        let caller = try await bench.client.createPeerConnection()
        let callee = try await bench.client.createPeerConnection()
        let tone = try bench.client.createAudioTrack(source: audio)
        let pattern = try bench.client.createVideoTrack(.init(width: 320, height: 240), source: video)
        try await caller.addTrack(tone, streamIDs: ["call"])
        try await caller.addTrack(pattern, streamIDs: ["call"])
        try await MediaTrackTests.negotiate(caller, callee)
        let tracks = try await MediaTrackTests.trackEvents(callee, count: 2).map(\.track)
        let remoteAudio = try #require(tracks.first { $0.kind == .audio })
        let remoteVideo = try #require(tracks.first { $0.kind == .video })
        return (caller, callee, remoteAudio, remoteVideo, [tone, pattern])
    }

    @Test("Statistics hold peer-connection and a media-source of kind audio once a track is added (Ktor)", arguments: Runtime.allCases)
    func mediaSourceStatistics(_ runtime: Runtime) async throws {
        let bench = Bench(runtime)
        let connection = try await bench.client.createPeerConnection()
        try await connection.addTrack(try bench.client.createAudioTrack())
        let report = try await connection.statistics()
        #expect(report.entries(ofType: "peer-connection").count == 1, bench.replay)
        #expect(report.entries(ofType: "media-source").first?["kind"] == .string("audio"), bench.replay)
        await connection.close()
    }

    @Test("After 3 s of a call the W3C media entries have their figures: about 50 audio packets/s, video decoded at 320×240, RTT")
    func callStatistics() async throws {
        let bench = Bench(.simulated)
        let call = try await Self.call(bench)
        await bench.network?.run(for: .seconds(3))
        let received = try await call.callee.statistics()
        let inbound = received.entries(ofType: "inbound-rtp")
        let audio = try #require(inbound.first { $0["kind"] == .string("audio") })
        let video = try #require(inbound.first { $0["kind"] == .string("video") })
        guard case .int(let audioPackets) = audio["packetsReceived"] else { Issue.record("no packetsReceived"); return }
        #expect((130...160).contains(audioPackets), "audio packets in 3 s: \(audioPackets); \(bench.replay)")
        #expect(video["frameWidth"] == .int(320) && video["frameHeight"] == .int(240), bench.replay)
        if case .int(let decoded) = video["framesDecoded"] { #expect(decoded >= 80, bench.replay) }
        if case .double(let rate) = video["framesPerSecond"] { #expect(abs(rate - 30) < 2, "\(rate) fps; \(bench.replay)") }
        else { Issue.record("no framesPerSecond on inbound video") }
        #expect(audio["packetsLost"] == .int(0), bench.replay)
        #expect(received.entries(ofType: "remote-outbound-rtp").count == 2, bench.replay)
        #expect(received.entries(ofType: "codec").contains { $0["mimeType"] == .string("video/VP8") }, bench.replay)

        let sent = try await call.caller.statistics()
        let outbound = sent.entries(ofType: "outbound-rtp")
        #expect(outbound.count == 2, bench.replay)
        #expect(outbound.contains { $0["keyFramesEncoded"] == .int(1) }, "\(outbound); \(bench.replay)")
        let remoteInbound = sent.entries(ofType: "remote-inbound-rtp")
        #expect(remoteInbound.count == 2, bench.replay)
        #expect(remoteInbound.allSatisfy { if case .double(let rtt) = $0["roundTripTime"] { rtt >= 0 && rtt < 0.1 } else { false } },
                "\(remoteInbound); \(bench.replay)")
        await call.caller.close()
        await call.callee.close()
    }

    @Test("The stats sequence yields a report every statsRefreshRate of the connection's clock")
    func statsSequence() async throws {
        let bench = Bench(.simulated)
        let connection = try await bench.client.createPeerConnection { $0.statsRefreshRate = .milliseconds(250) }
        var timestamps: [Double] = []
        for await report in connection.stats {
            timestamps.append(report.entries.first?.timestamp ?? -1)
            if timestamps.count == 3 { break }
        }
        #expect(zip(timestamps, timestamps.dropFirst()).allSatisfy { abs(($1 - $0) - 250) < 1 }, "\(timestamps)")
        await connection.close()
    }

    @Test("Encoded Opus and VP8 frames pushed through a sender arrive byte-identical at the encoded-frame sink, none dropped")
    func encodedFramesPassThrough() async throws {
        let bench = Bench(.simulated)
        let call = try await Self.call(bench, audio: .pushed, video: .pushed)
        await bench.network?.run(for: .milliseconds(200))
        let opus = try OpusEncoder(OpusEncoderConfiguration(channels: 1))
        let vp8 = try VP8Encoder(VP8EncoderConfiguration(width: 160, height: 120))
        let tone = ToneSource(frequency: 600)
        let pattern = TestPatternSource(width: 160, height: 120)
        var sentAudio: [[UInt8]] = []
        var sentVideo: [[UInt8]] = []
        for number in 0..<30 {
            let packet = try opus.encode(tone.frame(number: number))
            sentAudio.append(packet)
            try await call.tracks[0].push(.encoded(packet, duration: .milliseconds(20)))
            if number % 2 == 0, let frame = try vp8.encode(pattern.frame(number: UInt32(number))) {
                sentVideo.append(frame.data)
                try await call.tracks[1].push(.encoded(frame.data, duration: .milliseconds(40)))
            }
            await bench.network?.run(for: .milliseconds(20))
        }
        var receivedAudio: [[UInt8]] = []
        while receivedAudio.count < sentAudio.count, let frame = try await call.audio.nextFrame(timeout: .seconds(2)) {
            receivedAudio.append(frame.encoded)
            #expect(frame.framesLostBefore == 0)
            #expect(frame.duration == .milliseconds(20), "Opus TOC duration")
        }
        var receivedVideo: [[UInt8]] = []
        while receivedVideo.count < sentVideo.count, let frame = try await call.video.nextFrame(timeout: .seconds(2)) {
            // Each pushed frame advanced the RTP clock by its 40 ms; the first has no predecessor.
            #expect(frame.duration == (receivedVideo.isEmpty ? nil : .milliseconds(40)))
            receivedVideo.append(frame.encoded)
        }
        #expect(receivedAudio == sentAudio, bench.replay)
        #expect(receivedVideo == sentVideo, bench.replay)
        await call.caller.close()
        await call.callee.close()
    }

    @Test("The same seed gives the same trace for a two-second audio and video call")
    func deterministic() async throws {
        var hashes: [String] = []
        for _ in 0..<2 {
            let bench = Bench(.simulated, seed: 42)
            let call = try await Self.call(bench)
            await bench.network?.run(for: .seconds(2))
            hashes.append(bench.network?.traceHash ?? "")
            await call.caller.close()
            await call.callee.close()
        }
        #expect(hashes[0] == hashes[1] && !hashes[0].isEmpty, "\(hashes)")
    }

    @Test("A disabled track sends silence and black pictures: the stream goes on, the level and the mark are gone")
    func disabledTrack() async throws {
        let bench = Bench(.simulated)
        let call = try await Self.call(bench)
        await bench.network?.run(for: .milliseconds(500))
        for track in call.tracks { await track.enable(false) }
        await bench.network?.run(for: .milliseconds(500))
        // Frames from before the switch (and the encoder's catching up) are read and set aside.
        for track in [call.video, call.audio] {
            for _ in 0..<track.pendingFrames { _ = try await track.nextFrame() }
        }
        await bench.network?.run(for: .milliseconds(500))
        #expect(call.video.pendingFrames > 10 && call.audio.pendingFrames > 20, bench.replay)
        var lastPicture: I420Frame?
        for _ in 0..<call.video.pendingFrames { lastPicture = try await call.video.nextFrame()?.video ?? lastPicture }
        var lastAudio: AudioFrame?
        for _ in 0..<call.audio.pendingFrames { lastAudio = try await call.audio.nextFrame()?.audio ?? lastAudio }
        let picture = try #require(lastPicture)
        #expect(FrameNumberMark.read(from: picture) == nil, bench.replay)
        let samples = try #require(lastAudio)
        #expect(samples.samples.allSatisfy { abs(Int($0)) < 64 }, bench.replay)
        await call.caller.close()
        await call.callee.close()
    }

    @Test("Datagrams that look like SRTP but are not (wrong key, cut short) are dropped, counted per reason, and deliver no frame")
    func forgedSRTP() async throws {
        let bench = Bench(.simulated)
        let call = try await Self.call(bench)
        await bench.network?.run(for: .milliseconds(300))
        let host = try call.callee.core.host
        let injected: Bool? = await host.perform { machine, now in
            guard let pair = machine.selectedPair else { return false }
            var generator = SeededGenerator(seed: 9)
            for length in [40, 200, 1_100] {
                var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                bytes[0] = 0x80
                bytes[1] = 96
                machine.handle(.received(Datagram(from: pair.remote.address, to: pair.local.address, payload: bytes)), at: now)
            }
            // Too short for a header and a tag (RFC 3711 §3.1): 3 and 11 bytes, and 12 with no room for the tag.
            for length in [3, 11, 12] {
                machine.handle(.received(Datagram(from: pair.remote.address, to: pair.local.address, payload: [0x80] + [UInt8](repeating: 0, count: length - 1))), at: now)
            }
            return true
        }
        #expect(injected == true)
        let transport = try #require(try await call.callee.statistics().entries(ofType: "transport").first)
        #expect(transport["crucibleSRTPDropped-authenticationFailed"] == .int(3), "\(transport.values); \(bench.replay)")
        #expect(transport["crucibleSRTPDropped-malformed"] == .int(3), "\(transport.values); \(bench.replay)")
        await call.caller.close()
        await call.callee.close()
    }
}

/// The media pipeline alone (DESIGN §1.1: a machine piece driven by hand): RFC 8843 §9.2 routing and
/// what it drops.
@Suite("Media pipeline")
struct MediaPipelineTests {
    static let negotiated = RTPSectionParameters(
        direction: .sendrecv, codecs: [MediaCapabilities.vp8, MediaCapabilities.vp8RTX],
        headerExtensions: MediaCapabilities.headerExtensions(for: .video))

    static func pipeline() -> MediaPipeline {
        var pipeline = MediaPipeline(
            ntpClock: NTPClock(ntpAtZero: 1 << 32), cname: "test", receiverSSRC: 7, generator: SeededGenerator(seed: 1))
        var transceiver = Transceiver(
            id: TransceiverID(value: 0), kind: .video, mid: "0", direction: .recvonly, streamIDs: [], ssrc: 11, rtxSSRC: 12,
            createdByRemote: true)
        transceiver.currentDirection = .recvonly
        transceiver.negotiated = negotiated
        transceiver.remote = RTPSectionParameters(sources: [.init(ssrc: 5000, rtxSSRC: 5001)])
        pipeline.configure([transceiver], dtlsRole: .client, at: .zero)
        pipeline.transportReady(at: .zero)
        return pipeline
    }

    static func packet(ssrc: UInt32, payloadType: UInt8, sequence: UInt16, marker: Bool = true, payload: [UInt8]) -> [UInt8] {
        RTPPacket(header: RTPHeader(marker: marker, payloadType: payloadType, sequenceNumber: sequence, timestamp: 1_000, ssrc: ssrc),
                  payload: payload).serialize()
    }

    static func frames(_ pipeline: inout MediaPipeline) -> [ReceivedMediaFrame] {
        var frames: [ReceivedMediaFrame] = []
        while let output = pipeline.poll() { if case .frame(_, let frame) = output { frames.append(frame) } }
        return frames
    }

    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let ssrc: UInt32
        let payloadType: UInt8
        let unroutable: Int
        var testDescription: String { name }
    }

    @Test("RTP for nothing negotiated is dropped and counted (RFC 8843 §9.2)", arguments: [
        Row(name: "unknown SSRC, unknown payload type", ssrc: 99, payloadType: 100, unroutable: 1),
        Row(name: "signalled SSRC, payload type not negotiated", ssrc: 5000, payloadType: 111, unroutable: 1),
    ])
    func unroutable(_ row: Row) {
        var pipeline = Self.pipeline()
        pipeline.receiveRTP(Self.packet(ssrc: row.ssrc, payloadType: row.payloadType, sequence: 1, payload: [0x10, 0, 1, 2]), at: .zero)
        #expect(pipeline.counters.unroutableRTP == row.unroutable)
        #expect(Self.frames(&pipeline).isEmpty)
    }

    @Test("An unsignalled SSRC with the one negotiated payload type is routed by payload type, then bound to it")
    func routedByPayloadType() {
        var pipeline = Self.pipeline()
        pipeline.receiveRTP(Self.packet(ssrc: 77, payloadType: 96, sequence: 1, payload: [0x10, 0x01]), at: .zero)
        #expect(pipeline.counters.unroutableRTP == 0)
        #expect(pipeline.ssrcRoutes[77] == TransceiverID(value: 0))
    }

    @Test("Garbled VP8 payloads never give a frame; they are counted", arguments: 0..<4)
    func garbledVP8(_ seed: Int) {
        var pipeline = Self.pipeline()
        var generator = SeededGenerator(seed: UInt64(seed))
        for sequence in 0..<40 {
            // S = 1 on every packet, then random bytes posing as a key frame.
            let payload = [0x10, 0x00] + (0..<200).map { _ in UInt8.random(in: 0...255, using: &generator) }
            pipeline.receiveRTP(Self.packet(ssrc: 5000, payloadType: 96, sequence: UInt16(sequence), payload: payload), at: .zero)
        }
        pipeline.handleTimeout(at: .zero + .seconds(1))
        #expect(Self.frames(&pipeline).isEmpty)
        let statistics = pipeline.receivers[TransceiverID(value: 0)]?.statistics
        #expect((statistics?.decoderErrors ?? 0) + (statistics?.framesDropped ?? 0) > 0)
    }
}

/// The REMB estimate (draft-ietf-rmcat-gcc-02 §6's loss controller) and its encoding.
@Suite("Receive estimate")
struct ReceiveEstimateTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let fractionLost: UInt8
        let expected: UInt64
        var testDescription: String { "fraction lost \(fractionLost)/256 → \(expected) bit/s" }
    }

    @Test("One interval from 2.5 Mbit/s: under 2 % grows 8 %, 2–10 % holds, over 10 % shrinks by half the loss", arguments: [
        Row(fractionLost: 0, expected: 2_700_000),
        Row(fractionLost: 13, expected: 2_500_000),
        Row(fractionLost: 64, expected: 2_187_500),
    ])
    func oneInterval(_ row: Row) {
        var estimate = ReceiveEstimate()
        estimate.update(fractionsLost: [row.fractionLost])
        #expect(estimate.bitrate == row.expected)
    }

    @Test("The estimate stays within 100 kbit/s … 20 Mbit/s, and its REMB mantissa fits 18 bits")
    func bounds() {
        var estimate = ReceiveEstimate()
        for _ in 0..<100 { estimate.update(fractionsLost: [255]) }
        #expect(estimate.bitrate == ReceiveEstimate.minimum)
        for _ in 0..<200 { estimate.update(fractionsLost: [0]) }
        #expect(estimate.bitrate == ReceiveEstimate.maximum)
        let remb = estimate.remb(for: [1, 2])
        #expect(remb.mantissa <= 0x3FFFF && remb.bitrate <= estimate.bitrate && remb.bitrate > estimate.bitrate * 99 / 100)
    }
}
