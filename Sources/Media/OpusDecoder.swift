import COpus

/// An Opus decoder over libopus: Opus packets (RTP payloads, RFC 7587 §4.2) in, PCM out; loss concealed
/// (PLC) or recovered from the next packet's in-band FEC.
///
/// One decoder per stream, fed in order; not safe to use from two threads at once (not `Sendable`).
public final class OpusDecoder {
    /// Samples per second per channel of the output.
    public let sampleRate: Int
    /// Channels of the output: 1 or 2, whatever the packets carry (libopus up- or down-mixes).
    public let channels: Int
    private let state: OpaquePointer

    /// A decoder giving `channels` channels at `sampleRate`.
    ///
    /// - Throws: `MediaCodecError.invalidConfiguration` for a rate libopus does not run at (RFC 6716 §2)
    ///   or a channel count other than 1 or 2; `.libraryFailure` if libopus cannot make the decoder.
    public init(sampleRate: Int = 48_000, channels: Int) throws(MediaCodecError) {
        guard OpusEncoderConfiguration.sampleRates.contains(sampleRate) else {
            throw .invalidConfiguration("Opus sample rate \(sampleRate) is not one of 8000, 12000, 16000, 24000, 48000 (RFC 6716 §2)")
        }
        guard channels == 1 || channels == 2 else {
            throw .invalidConfiguration("Opus channel count \(channels) is not 1 or 2 (RFC 7587 §7)")
        }
        var status: Int32 = OPUS_OK
        guard let state = opus_decoder_create(Int32(sampleRate), Int32(channels), &status), status == OPUS_OK else {
            throw OpusStatus.failure(status, operation: "opus_decoder_create")
        }
        self.state = state
        self.sampleRate = sampleRate
        self.channels = channels
    }

    deinit {
        opus_decoder_destroy(state)
    }

    /// The longest audio one packet can hold: 120 ms (RFC 6716 §3.2.5), in samples per channel.
    public var maximumSamplesPerChannel: Int { sampleRate * 120 / 1_000 }

    /// The PCM of one Opus packet.
    ///
    /// - Throws: `MediaCodecError.malformedInput` for an empty packet (an RTP payload always holds at
    ///   least the TOC byte, RFC 6716 §3.1) or one libopus finds invalid (RFC 6716 §3.4's rules).
    public func decode(_ packet: [UInt8]) throws(MediaCodecError) -> AudioFrame {
        // libopus reads an empty packet as "lost" and conceals; a peer's empty payload is not loss.
        guard !packet.isEmpty else { throw .malformedInput("an empty Opus packet has no TOC byte (RFC 6716 §3.1)") }
        return try run(packet, samplesPerChannel: maximumSamplesPerChannel, fec: false, operation: "opus_decode")
    }

    /// Audio for `samplesPerChannel` of lost packets, extrapolated from what came before (libopus's
    /// packet loss concealment, RFC 6716 §4.4), so playout keeps its timing across a gap.
    ///
    /// - Throws: `MediaCodecError.invalidConfiguration` unless the length is a positive multiple of
    ///   2.5 ms of at most 120 ms (the frame sizes libopus conceals in).
    public func concealLoss(samplesPerChannel: Int) throws(MediaCodecError) -> AudioFrame {
        try checkLossLength(samplesPerChannel)
        return try run(nil, samplesPerChannel: samplesPerChannel, fec: false, operation: "opus_decode (PLC)")
    }

    /// The lost frame before `nextPacket`, rebuilt from the copy `nextPacket` carries in its in-band FEC
    /// (RFC 6716 §2.1.7), or concealed by libopus when `nextPacket` has none. Decode `nextPacket`
    /// itself afterwards as usual.
    ///
    /// - Parameter samplesPerChannel: the lost frame's length (the RTP timestamp gap); the same limits
    ///   as ``concealLoss(samplesPerChannel:)``.
    public func recoverFromFEC(_ nextPacket: [UInt8], samplesPerChannel: Int) throws(MediaCodecError) -> AudioFrame {
        guard !nextPacket.isEmpty else { throw .malformedInput("an empty Opus packet has no TOC byte (RFC 6716 §3.1)") }
        try checkLossLength(samplesPerChannel)
        return try run(nextPacket, samplesPerChannel: samplesPerChannel, fec: true, operation: "opus_decode (FEC)")
    }

    private func checkLossLength(_ samplesPerChannel: Int) throws(MediaCodecError) {
        let step = sampleRate / 400  // 2.5 ms, the shortest Opus frame (RFC 6716 §2.1.4)
        guard samplesPerChannel > 0, samplesPerChannel <= maximumSamplesPerChannel, samplesPerChannel % step == 0 else {
            throw .invalidConfiguration(
                "\(samplesPerChannel) samples is not a multiple of 2.5 ms (\(step) samples) between 2.5 and 120 ms at \(sampleRate) Hz")
        }
    }

    private func run(_ packet: [UInt8]?, samplesPerChannel: Int, fec: Bool, operation: String) throws(MediaCodecError) -> AudioFrame {
        if let packet, packet.count > Int(Int32.max) {
            throw .malformedInput("an Opus packet of \(packet.count) bytes is longer than libopus takes")
        }
        var pcm = [Int16](repeating: 0, count: samplesPerChannel * channels)
        let decoded = pcm.withUnsafeMutableBufferPointer { output in
            // Non-empty: every caller checked samplesPerChannel > 0.
            guard let output = output.baseAddress else { return OPUS_BAD_ARG }
            if let packet {
                return packet.withUnsafeBufferPointer { input in
                    opus_decode(state, input.baseAddress, Int32(input.count), output, Int32(samplesPerChannel), fec ? 1 : 0)
                }
            } else {
                return opus_decode(state, nil, 0, output, Int32(samplesPerChannel), 0)
            }
        }
        guard decoded >= 0 else { throw OpusStatus.failure(decoded, operation: operation) }
        // libopus never writes more than it was given room for; the bound keeps that an invariant here.
        pcm.removeSubrange(min(Int(decoded), samplesPerChannel) * channels..<pcm.count)
        return AudioFrame(samples: pcm, sampleRate: sampleRate, channels: channels)
    }
}
