import Media
import Testing

/// Encoder and decoder settings outside their codec's range are refused with a typed reason before
/// libopus or libvpx sees them.
@Suite("Codec configuration errors")
struct ConfigurationErrorTests {
    @Test("Opus encoder configurations outside RFC 6716 / RFC 7587 are refused", arguments: [
        ("0 channels", OpusEncoderConfiguration(channels: 0)),
        ("3 channels", OpusEncoderConfiguration(channels: 3)),
        ("-1 channels", OpusEncoderConfiguration(channels: -1)),
        ("44.1 kHz", OpusEncoderConfiguration(sampleRate: 44_100)),
        ("0 Hz", OpusEncoderConfiguration(sampleRate: 0)),
        ("5 999 bit/s", OpusEncoderConfiguration(bitrate: 5_999)),
        ("510 001 bit/s", OpusEncoderConfiguration(bitrate: 510_001)),
        ("0 bit/s", OpusEncoderConfiguration(bitrate: 0)),
        ("negative bitrate", OpusEncoderConfiguration(bitrate: -32_000)),
        ("15 ms frames", OpusEncoderConfiguration(frameDurationMicroseconds: 15_000)),
        ("0 ms frames", OpusEncoderConfiguration(frameDurationMicroseconds: 0)),
        ("101% expected loss", OpusEncoderConfiguration(expectedPacketLossPercentage: 101)),
    ])
    func opusEncoder(name: String, configuration: OpusEncoderConfiguration) {
        #expect(thrown { () throws(MediaCodecError) in try OpusEncoder(configuration) }?.reason == "invalid-configuration", "\(name)")
    }

    @Test("Opus decoders for other rates or channel counts are refused", arguments: [(48_000, 0), (48_000, 3), (44_100, 1), (96_000, 2), (0, 1)])
    func opusDecoder(sampleRate: Int, channels: Int) {
        #expect(thrown { () throws(MediaCodecError) in try OpusDecoder(sampleRate: sampleRate, channels: channels) }?.reason == "invalid-configuration")
    }

    @Test("The edges of every Opus range are accepted", arguments: [
        OpusEncoderConfiguration(channels: 2, bitrate: 6_000), OpusEncoderConfiguration(bitrate: 510_000),
        OpusEncoderConfiguration(sampleRate: 8_000, frameDurationMicroseconds: 2_500), OpusEncoderConfiguration(frameDurationMicroseconds: 60_000),
        OpusEncoderConfiguration(expectedPacketLossPercentage: 0), OpusEncoderConfiguration(application: .restrictedLowDelay),
    ])
    func opusEdges(configuration: OpusEncoderConfiguration) throws {
        #expect(try OpusEncoder(configuration).configuration == configuration)
    }

    @Test("Opus defaults: 48 kHz, 20 ms, FEC on, VoIP, 32 kbit/s mono and 64 kbit/s stereo")
    func opusDefaults() {
        let mono = OpusEncoderConfiguration()
        #expect(mono.sampleRate == 48_000 && mono.frameDurationMicroseconds == 20_000 && mono.useInbandFEC && mono.application == .voip)
        #expect(mono.bitrate == 32_000 && mono.samplesPerChannel == 960)
        #expect(OpusEncoderConfiguration(channels: 2).bitrate == 64_000)
    }

    @Test("An Opus bitrate change out of range is refused and leaves the bitrate as it was", arguments: [0, 5_999, 510_001, Int.max])
    func opusBitrateChange(bps: Int) throws {
        let encoder = try OpusEncoder(OpusEncoderConfiguration())
        #expect(thrown { () throws(MediaCodecError) in try encoder.setBitrate(bps) }?.reason == "invalid-configuration")
        #expect(encoder.configuration.bitrate == 32_000)
    }

    @Test("Audio frames that do not match the Opus encoder are refused", arguments: [
        Named("stereo into mono", AudioFrame.silence(samplesPerChannel: 960, sampleRate: 48_000, channels: 2)),
        Named("16 kHz into 48 kHz", AudioFrame.silence(samplesPerChannel: 320, sampleRate: 16_000, channels: 1)),
        Named("10 ms into 20 ms", AudioFrame.silence(samplesPerChannel: 480, sampleRate: 48_000, channels: 1)),
        Named("one sample short", AudioFrame(samples: [Int16](repeating: 0, count: 959), sampleRate: 48_000, channels: 1)),
        Named("empty", AudioFrame(samples: [], sampleRate: 48_000, channels: 1)),
    ])
    func opusFrameMismatch(frame: Named<AudioFrame>) throws {
        let encoder = try OpusEncoder(OpusEncoderConfiguration())
        #expect(thrown { () throws(MediaCodecError) in try encoder.encode(frame.value) }?.reason == "frame-mismatch")
    }

    @Test("VP8 encoder configurations outside their ranges are refused", arguments: [
        ("0×0", VP8EncoderConfiguration(width: 0, height: 0)),
        ("0 wide", VP8EncoderConfiguration(width: 0, height: 480)),
        ("negative height", VP8EncoderConfiguration(width: 640, height: -480)),
        ("16384 wide (RFC 6386 §9.1's 14 bits)", VP8EncoderConfiguration(width: 16_384, height: 480)),
        ("0 fps", VP8EncoderConfiguration(width: 640, height: 480, frameRate: 0)),
        ("241 fps", VP8EncoderConfiguration(width: 640, height: 480, frameRate: 241)),
        ("9 999 bit/s", VP8EncoderConfiguration(width: 640, height: 480, targetBitrate: 9_999)),
        ("negative bitrate", VP8EncoderConfiguration(width: 640, height: 480, targetBitrate: -1)),
        ("50 000 001 bit/s", VP8EncoderConfiguration(width: 640, height: 480, targetBitrate: 50_000_001)),
        ("key frame interval 0", VP8EncoderConfiguration(width: 640, height: 480, keyFrameInterval: 0)),
    ])
    func vp8Encoder(name: String, configuration: VP8EncoderConfiguration) {
        #expect(thrown { () throws(MediaCodecError) in try VP8Encoder(configuration) }?.reason == "invalid-configuration", "\(name)")
    }

    @Test("The VP8 default bitrate scales with the picture: 1 Mbit/s at 640×480", arguments: [
        (640, 480, 1_000_000), (320, 240, 250_000), (1_280, 720, 3_000_000), (160, 120, 100_000), (3_840, 2_160, 8_000_000),
    ])
    func vp8DefaultBitrate(width: Int, height: Int, bitrate: Int) {
        let configuration = VP8EncoderConfiguration(width: width, height: height)
        #expect(configuration.targetBitrate == bitrate)
        #expect(configuration.frameRate == 30 && configuration.keyFrameInterval == 3_000)
    }

    @Test("A VP8 decoder limit outside 1…16383 is refused", arguments: [0, -1, 16_384])
    func vp8DecoderLimit(limit: Int) {
        #expect(thrown { () throws(MediaCodecError) in try VP8Decoder(maximumDimension: limit) }?.reason == "invalid-configuration")
    }
}
