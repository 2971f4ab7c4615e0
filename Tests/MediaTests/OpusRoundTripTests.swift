import Media
import Testing

/// Opus through libopus both ways (RFC 6716, RFC 7587): a tone goes in, the same tone comes out.
@Suite("Opus round trip")
struct OpusRoundTripTests {
    /// 50 frames (one second) of a tone through a fresh encoder and decoder.
    static func roundTrip(channels: Int, frequency: Double) throws -> [AudioFrame] {
        let source = ToneSource(frequency: frequency, level: -12, channels: channels)
        let encoder = try OpusEncoder(OpusEncoderConfiguration(channels: channels))
        let decoder = try OpusDecoder(channels: channels)
        return try (0..<50).map { number in try decoder.decode(try encoder.encode(source.frame(number: number))) }
    }

    @Test("A tone keeps its frequency and its 20 ms frames keep their length through Opus", arguments: [
        (1, 440.0), (1, 1_000.0), (2, 440.0), (2, 2_500.0),
    ])
    func toneSurvives(channels: Int, frequency: Double) throws {
        let decoded = try Self.roundTrip(channels: channels, frequency: frequency)
        for frame in decoded {
            #expect(frame.samplesPerChannel == 960 && frame.channels == channels && frame.sampleRate == 48_000)
            #expect(frame.samples.count == 960 * channels)
        }
        let candidates = [300.0, 440, 697, 1_000, 1_633, 2_500, 4_000]
        // The encoder's look-ahead delays the first frames; from the fifth on the tone is steady.
        for (number, frame) in decoded.enumerated().dropFirst(4) {
            #expect(ToneDetector.dominantFrequency(in: frame, candidates: candidates) == frequency, "frame \(number)")
            let level = ToneDetector.power(of: frequency, in: frame)
            // −12 dBFS in; Opus at 32–64 kbit/s keeps a pure tone's level within a few dB.
            #expect(level > 0.03 && level < 0.12, "frame \(number): power \(level)")
        }
        let scanned = try #require(ToneDetector.dominantFrequency(in: decoded[25]))
        #expect(abs(scanned - frequency) <= 10)
    }

    @Test("Silence is coded and decodes as near-silence")
    func silence() throws {
        let encoder = try OpusEncoder(OpusEncoderConfiguration())
        let decoder = try OpusDecoder(channels: 1)
        let frame = AudioFrame.silence(samplesPerChannel: 960, sampleRate: 48_000, channels: 1)
        var last = AudioFrame.silence(samplesPerChannel: 0, sampleRate: 48_000, channels: 1)
        for _ in 0..<5 { last = try decoder.decode(try encoder.encode(frame)) }
        #expect(last.samplesPerChannel == 960)
        #expect(last.samples.allSatisfy { abs(Int($0)) < 16 })
        #expect(ToneDetector.dominantFrequency(in: last, candidates: [440, 1_000]) == nil)
    }

    @Test("Loss concealment gives exactly the samples asked for, 2.5 ms to 120 ms", arguments: [120, 480, 960, 1_920, 5_760])
    func concealmentLength(samplesPerChannel: Int) throws {
        let source = ToneSource(channels: 2)
        let encoder = try OpusEncoder(OpusEncoderConfiguration(channels: 2))
        let decoder = try OpusDecoder(channels: 2)
        for number in 0..<3 { _ = try decoder.decode(try encoder.encode(source.frame(number: number))) }
        let concealed = try decoder.concealLoss(samplesPerChannel: samplesPerChannel)
        #expect(concealed.samplesPerChannel == samplesPerChannel)
        #expect(concealed.samples.count == samplesPerChannel * 2)
    }

    @Test("Concealment lengths that are not whole 2.5 ms steps of at most 120 ms are refused", arguments: [0, -960, 100, 961, 5_880])
    func concealmentRefused(samplesPerChannel: Int) throws {
        let decoder = try OpusDecoder(channels: 1)
        #expect(throws: MediaCodecError.self) { try decoder.concealLoss(samplesPerChannel: samplesPerChannel) }
    }

    @Test("A lost frame comes back from the next packet's in-band FEC with its length and its tone")
    func inbandFEC() throws {
        let source = ToneSource(frequency: 440, level: -12)
        let encoder = try OpusEncoder(OpusEncoderConfiguration(expectedPacketLossPercentage: 20))
        let decoder = try OpusDecoder(channels: 1)
        let packets = try (0..<12).map { try encoder.encode(source.frame(number: $0)) }
        for packet in packets.prefix(10) { _ = try decoder.decode(packet) }
        // Packet 10 is lost; packet 11 carries its FEC copy.
        let recovered = try decoder.recoverFromFEC(packets[11], samplesPerChannel: 960)
        #expect(recovered.samplesPerChannel == 960)
        #expect(ToneDetector.dominantFrequency(in: recovered, candidates: [300, 440, 1_000]) == 440)
        #expect(try decoder.decode(packets[11]).samplesPerChannel == 960)
    }

    @Test("A bitrate change is taken and shows in the packet sizes")
    func bitrateChange() throws {
        let source = ToneSource(frequency: 440, level: -6)
        let encoder = try OpusEncoder(OpusEncoderConfiguration(bitrate: 12_000, application: .audio))
        let small = try (0..<20).map { try encoder.encode(source.frame(number: $0)).count }.suffix(10).reduce(0, +)
        try encoder.setBitrate(128_000)
        #expect(encoder.configuration.bitrate == 128_000)
        let large = try (20..<40).map { try encoder.encode(source.frame(number: $0)).count }.suffix(10).reduce(0, +)
        #expect(large > small * 2, "10 packets: \(small) bytes at 12 kbit/s, \(large) at 128 kbit/s")
    }

    @Test("Every frame duration Opus has is encoded and decodes to its length", arguments: [2_500, 5_000, 10_000, 20_000, 40_000, 60_000])
    func frameDurations(microseconds: Int) throws {
        let configuration = OpusEncoderConfiguration(frameDurationMicroseconds: microseconds)
        let encoder = try OpusEncoder(configuration)
        let decoder = try OpusDecoder(channels: 1)
        let frame = ToneSource().frame(number: 0, samplesPerChannel: configuration.samplesPerChannel)
        #expect(try decoder.decode(try encoder.encode(frame)).samplesPerChannel == microseconds * 48 / 1_000)
    }
}
