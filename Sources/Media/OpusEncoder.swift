import COpus

/// How an Opus encoder is set up. The defaults are WebRTC's: 48 kHz (RFC 7587 §4.1), 20 ms frames,
/// in-band FEC on (the `useinbandfec=1` a browser offers), the VoIP application.
public struct OpusEncoderConfiguration: Hashable, Sendable {
    /// What libopus tunes for (`OPUS_APPLICATION_*`).
    public enum Application: Hashable, Sendable {
        /// Speech: favours intelligibility, the WebRTC default.
        case voip
        /// Music and general audio: favours fidelity to the input.
        case audio
        /// The lowest delay: CELT only, no speech modes.
        case restrictedLowDelay
    }

    /// Samples per second per channel: 8 000, 12 000, 16 000, 24 000 or 48 000 (RFC 6716 §2).
    public var sampleRate: Int
    /// 1 (mono) or 2 (stereo).
    public var channels: Int
    /// Target bitrate in bits per second, 6 000 … 510 000 (RFC 7587 §3.1.1).
    public var bitrate: Int
    /// Each frame's length: 2 500, 5 000, 10 000, 20 000, 40 000 or 60 000 µs (RFC 6716 §2.1.4).
    public var frameDurationMicroseconds: Int
    /// Whether each packet carries a low-bitrate copy of the previous frame (RFC 6716 §2.1.7), which a
    /// receiver recovers a lost packet from with ``OpusDecoder/recoverFromFEC(_:samplesPerChannel:)``.
    public var useInbandFEC: Bool
    /// The loss libopus plans its FEC for, 0 … 100 percent. FEC is only spent when this is above zero,
    /// so the default assumes a little loss; a sender should update it from RTCP receiver reports.
    public var expectedPacketLossPercentage: Int
    /// What the encoder tunes for: `.voip` (speech) by default.
    public var application: Application

    /// A configuration; `bitrate` nil means 32 kbit/s for mono and 64 kbit/s for stereo.
    public init(
        sampleRate: Int = 48_000, channels: Int = 1, bitrate: Int? = nil, frameDurationMicroseconds: Int = 20_000,
        useInbandFEC: Bool = true, expectedPacketLossPercentage: Int = 5, application: Application = .voip
    ) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.bitrate = bitrate ?? (channels == 2 ? 64_000 : 32_000)
        self.frameDurationMicroseconds = frameDurationMicroseconds
        self.useInbandFEC = useInbandFEC
        self.expectedPacketLossPercentage = expectedPacketLossPercentage
        self.application = application
    }

    /// Samples in each channel of one frame.
    public var samplesPerChannel: Int { sampleRate * frameDurationMicroseconds / 1_000_000 }

    /// The sample rates libopus runs at (RFC 6716 §2).
    static let sampleRates: Set<Int> = [8_000, 12_000, 16_000, 24_000, 48_000]
    /// The frame lengths one Opus frame can have, in µs (RFC 6716 §2.1.4).
    static let frameDurations: Set<Int> = [2_500, 5_000, 10_000, 20_000, 40_000, 60_000]
    /// RFC 7587 §3.1.1: "Opus supports all bitrates from 6 kbit/s to 510 kbit/s".
    static let bitrates = 6_000...510_000

    /// Checks every field against the rule it comes from.
    func validate() throws(MediaCodecError) {
        guard Self.sampleRates.contains(sampleRate) else {
            throw .invalidConfiguration("Opus sample rate \(sampleRate) is not one of 8000, 12000, 16000, 24000, 48000 (RFC 6716 §2)")
        }
        guard channels == 1 || channels == 2 else {
            throw .invalidConfiguration("Opus channel count \(channels) is not 1 or 2 (RFC 7587 §7)")
        }
        try Self.check(bitrate: bitrate)
        guard Self.frameDurations.contains(frameDurationMicroseconds) else {
            throw .invalidConfiguration("Opus frame duration \(frameDurationMicroseconds) µs is not 2.5, 5, 10, 20, 40 or 60 ms (RFC 6716 §2.1.4)")
        }
        guard (0...100).contains(expectedPacketLossPercentage) else {
            throw .invalidConfiguration("expected packet loss \(expectedPacketLossPercentage)% is outside 0…100")
        }
    }

    static func check(bitrate: Int) throws(MediaCodecError) {
        guard bitrates.contains(bitrate) else {
            throw .invalidConfiguration("Opus bitrate \(bitrate) bit/s is outside 6000…510000 (RFC 7587 §3.1.1)")
        }
    }

    var libraryApplication: Int32 {
        switch application {
        case .voip: OPUS_APPLICATION_VOIP
        case .audio: OPUS_APPLICATION_AUDIO
        case .restrictedLowDelay: OPUS_APPLICATION_RESTRICTED_LOWDELAY
        }
    }
}

/// An Opus encoder over libopus: PCM frames in, one Opus packet (an RTP payload, RFC 7587 §4.2) out.
///
/// It keeps libopus's state between frames, so feed it one stream's frames in order. It is not safe to
/// use from two threads at once (not `Sendable`), like ``VP8Encoder`` and the SRTP module's sessions.
public final class OpusEncoder {
    /// The configuration in force: the bitrate and expected loss follow the last change.
    public private(set) var configuration: OpusEncoderConfiguration
    private let state: OpaquePointer

    /// The largest packet libopus writes for one frame (its documentation's recommended buffer).
    static let maximumPacketBytes = 4_000

    /// An encoder for `configuration`.
    ///
    /// - Throws: `MediaCodecError.invalidConfiguration` when a field is outside its range;
    ///   `.libraryFailure` when libopus cannot make the encoder.
    public init(_ configuration: OpusEncoderConfiguration) throws(MediaCodecError) {
        try configuration.validate()
        var status: Int32 = OPUS_OK
        guard let state = opus_encoder_create(
            Int32(configuration.sampleRate), Int32(configuration.channels), configuration.libraryApplication, &status),
            status == OPUS_OK
        else {
            throw OpusStatus.failure(status, operation: "opus_encoder_create")
        }
        self.state = state
        self.configuration = configuration
        // From here on deinit frees the state, so a failing setting cannot leak it.
        try OpusStatus.check(crucible_opus_set_bitrate(state, Int32(configuration.bitrate)), operation: "OPUS_SET_BITRATE")
        try OpusStatus.check(crucible_opus_set_inband_fec(state, configuration.useInbandFEC ? 1 : 0), operation: "OPUS_SET_INBAND_FEC")
        try OpusStatus.check(
            crucible_opus_set_packet_loss_percentage(state, Int32(configuration.expectedPacketLossPercentage)),
            operation: "OPUS_SET_PACKET_LOSS_PERC")
    }

    deinit {
        opus_encoder_destroy(state)
    }

    /// The Opus packet for one frame of PCM.
    ///
    /// - Throws: `MediaCodecError.frameMismatch` unless the frame has the configured sample rate,
    ///   channel count and exactly one frame duration of samples; `.libraryFailure` if libopus fails.
    public func encode(_ frame: AudioFrame) throws(MediaCodecError) -> [UInt8] {
        let expected = configuration.samplesPerChannel
        guard frame.sampleRate == configuration.sampleRate, frame.channels == configuration.channels else {
            throw .frameMismatch(
                "\(frame.sampleRate) Hz × \(frame.channels) channels given, \(configuration.sampleRate) Hz × \(configuration.channels) configured")
        }
        guard frame.samples.count == expected * configuration.channels else {
            throw .frameMismatch("\(frame.samples.count) samples given, \(expected) per channel × \(configuration.channels) expected")
        }
        var packet = [UInt8](repeating: 0, count: Self.maximumPacketBytes)
        let written = frame.samples.withUnsafeBufferPointer { pcm in
            packet.withUnsafeMutableBufferPointer { output in
                // Both buffers are non-empty (a valid configuration has at least 120 samples per frame).
                guard let input = pcm.baseAddress, let output = output.baseAddress else { return OPUS_BAD_ARG }
                return opus_encode(state, input, Int32(expected), output, Int32(Self.maximumPacketBytes))
            }
        }
        guard written > 0 else { throw OpusStatus.failure(written, operation: "opus_encode") }
        return Array(packet.prefix(Int(written)))
    }

    /// Changes the target bitrate from the next frame on (a sender follows its bandwidth estimate).
    ///
    /// - Throws: `MediaCodecError.invalidConfiguration` outside 6 000 … 510 000 bit/s (RFC 7587 §3.1.1).
    public func setBitrate(_ bps: Int) throws(MediaCodecError) {
        try OpusEncoderConfiguration.check(bitrate: bps)
        try OpusStatus.check(crucible_opus_set_bitrate(state, Int32(bps)), operation: "OPUS_SET_BITRATE")
        configuration.bitrate = bps
    }

    /// Changes the loss the in-band FEC is planned for (from RTCP receiver reports' fraction lost).
    ///
    /// - Throws: `MediaCodecError.invalidConfiguration` outside 0 … 100.
    public func setExpectedPacketLoss(percentage: Int) throws(MediaCodecError) {
        guard (0...100).contains(percentage) else {
            throw .invalidConfiguration("expected packet loss \(percentage)% is outside 0…100")
        }
        try OpusStatus.check(crucible_opus_set_packet_loss_percentage(state, Int32(percentage)), operation: "OPUS_SET_PACKET_LOSS_PERC")
        configuration.expectedPacketLossPercentage = percentage
    }

    /// Samples per channel the encoder delays its input by (its look-ahead), at the configured rate.
    public var lookaheadSamples: Int {
        var samples: Int32 = 0
        guard crucible_opus_get_lookahead(state, &samples) == OPUS_OK else { return 0 }
        return Int(samples)
    }
}

/// libopus status codes as typed errors, with the library's own text (`opus_strerror`).
enum OpusStatus {
    static func check(_ status: Int32, operation: String) throws(MediaCodecError) {
        guard status == OPUS_OK else { throw failure(status, operation: operation) }
    }

    static func failure(_ status: Int32, operation: String) -> MediaCodecError {
        let message = String(cString: opus_strerror(status))
        // OPUS_INVALID_PACKET is the input's fault; every other status is the library's or ours.
        if status == OPUS_INVALID_PACKET {
            return .malformedInput("libopus \(operation): \(message)")
        }
        return .libraryFailure(codec: "libopus", operation: operation, status: Int(status), message: message)
    }
}
