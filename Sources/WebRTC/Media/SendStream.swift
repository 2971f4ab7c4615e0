import Foundation
import JSEP
public import Media
import RTP
import SansIO

/// A frame an application hands a track whose source is ``TrackSource/pushed``: raw PCM or I420 to be
/// encoded here, or a frame already encoded by the application's own codec.
public enum PushedFrame: Hashable, Sendable {
    case audio(AudioFrame)
    case video(I420Frame)
    /// An Opus packet or a VP8 frame, sent as it is; `duration` advances the RTP timestamp.
    case encoded([UInt8], duration: Duration)
}

/// What one sender counted (W3C `RTCOutboundRtpStreamStats` and `RTCMediaSourceStats`).
public struct SendStreamStatistics: Hashable, Sendable {
    public var framesEncoded = 0
    public var keyFramesEncoded = 0
    public var frameWidth: Int?
    public var frameHeight: Int?
    /// Frames the source gave (media-source `frames`), and audio samples (`totalSamplesDuration` × rate).
    public var framesFromSource = 0
    public var nackCount = 0
    public var pliCount = 0
    public var firCount = 0
    public var retransmittedPackets = 0
    public var retransmittedBytes = 0
    /// Frames the encoder refused (a libvpx or libopus error), each dropped.
    public var encoderErrors = 0
    /// The last audio level sent, 0 … 1 (W3C `audioLevel`).
    public var audioLevel: Double?
    /// The last REMB estimate the receiver sent for this stream, bits per second.
    public var remoteEstimate: Int?
}

/// The encoder a sender runs: the only pieces of the pipeline with C libraries in them (DESIGN §4a).
enum StreamEncoder {
    case opus(OpusEncoder)
    case vp8(VP8Encoder)
}

/// One transceiver's sending half (DESIGN §4a): source → encoder → packetizer → RTP sender. SRTP and
/// the transport are the machine's; this only makes RTP packets.
struct SendStream {
    let transceiver: TransceiverID
    let kind: MediaKind
    let mid: String
    var track: LocalTrackDescription
    var rtp: RTPStreamSender
    /// RTX (RFC 4588 §4): its own SSRC and sequence numbers, the payload type that repairs ours.
    var rtx: (ssrc: UInt32, payloadType: UInt8, nextSequence: UInt16)?
    var encoder: StreamEncoder?
    let midExtensionID: UInt8?
    let absSendTimeID: UInt8?
    let audioLevelID: UInt8?
    let ntpClock: NTPClock
    /// The next frame number a synthetic source makes, and when.
    var frameNumber = 0
    var nextFrameAt: Instant?
    var startedAt: Instant?
    var keyFrameRequested = true
    /// Where the media clock of pushed frames stands: the next frame's capture time.
    var pushedMediaTime: Instant?
    /// The encoding `RtpSender.setParameters` set (W3C `RTCRtpEncodingParameters`).
    var encoding = RtpEncodingParameters()
    /// The capture time of the last frame sent, for `maxFramerate`.
    var lastSentCapture: Instant?
    var statistics = SendStreamStatistics()
    /// The largest RTP payload, so a packet with its headers and the SRTP tag fits a 1200-byte datagram.
    static let maximumPayloadSize = 1_100

    /// The interval between frames of a synthetic source: 20 ms of audio (RFC 7587 §4.2), or 1/frameRate.
    var frameInterval: Duration {
        switch track.source {
        case .testPattern(_, _, let frameRate): .microseconds(1_000_000 / max(1, min(frameRate, 120)))
        case .tone, .pushed: .milliseconds(20)
        }
    }

    /// Starts the synthetic source's clock at `now`; pushed sources wait for frames.
    mutating func start(at now: Instant) {
        guard startedAt == nil else { return }
        startedAt = now
        if track.source != .pushed { nextFrameAt = now }
    }

    /// Makes and sends every synthetic frame due by `now`. Each frame is stamped with its nominal
    /// capture time (start + number × interval), so RTP timestamps advance evenly even when a wall-clock
    /// timer fires late. A source more than a second behind skips ahead rather than bursting.
    mutating func tick(at now: Instant) throws(MediaCodecError) -> [RTPPacket] {
        var packets: [RTPPacket] = []
        while let due = nextFrameAt, due <= now {
            if now - due > .seconds(1) {
                let behind = Int((now - due) / frameInterval)
                frameNumber += behind
                nextFrameAt = due + frameInterval * behind
                continue
            }
            packets += try syntheticFrame(captureTime: due)
            frameNumber += 1
            nextFrameAt = due + frameInterval
        }
        return packets
    }

    private mutating func syntheticFrame(captureTime: Instant) throws(MediaCodecError) -> [RTPPacket] {
        statistics.framesFromSource += 1
        switch track.source {
        case .tone(let frequency, let level, let channels):
            let source = ToneSource(frequency: frequency, level: level, sampleRate: 48_000, channels: channels)
            var frame = source.frame(number: frameNumber)
            if !track.isEnabled { frame = .silence(samplesPerChannel: frame.samplesPerChannel, sampleRate: 48_000, channels: channels) }
            return try encode(.audio(frame), captureTime: captureTime)
        case .testPattern(let width, let height, _):
            var frame = TestPatternSource(width: width, height: height).frame(number: UInt32(truncatingIfNeeded: frameNumber))
            if !track.isEnabled { frame = .black(width: width, height: height) }
            return try encode(.video(frame), captureTime: captureTime)
        case .pushed:
            return []
        }
    }

    /// A frame the application pushed. Audio and encoded frames carry their duration, so their RTP
    /// timestamps advance by it (RFC 3550 §5.1: the timestamp is the sampling instant) even when they are
    /// pushed faster than real time; a clock that falls 100 ms behind `now` resynchronises to it.
    mutating func pushed(_ frame: PushedFrame, at now: Instant) throws(MediaCodecError) -> [RTPPacket] {
        var captureTime = now
        if let media = pushedMediaTime, media + .milliseconds(100) >= now { captureTime = media }
        let duration: Duration? =
            switch frame {
            case .audio(let audio): .microseconds(audio.durationMicroseconds)
            case .encoded(_, let duration): duration
            case .video: nil
            }
        pushedMediaTime = duration.map { captureTime + $0 }
        statistics.framesFromSource += 1
        return try encode(frame, captureTime: captureTime)
    }

    /// The bitrate cap in force: the encoding's `maxBitrate`, else the track's.
    var maximumBitrate: Int? { encoding.maxBitrate ?? track.maxBitrate }

    /// A new encoding from `setParameters`: the bitrate reaches the encoder at once; `active`,
    /// `maxFramerate` and `scaleResolutionDownBy` apply from the next frame (W3C webrtc-pc §5.2).
    mutating func setEncoding(_ encoding: RtpEncodingParameters) {
        self.encoding = encoding
        guard let bitrate = maximumBitrate else { return }
        switch encoder {
        case .opus(let opus): try? opus.setBitrate(min(510_000, max(6_000, bitrate)))
        case .vp8(let vp8): try? vp8.setTargetBitrate(max(100_000, bitrate))
        case nil: break
        }
    }

    /// Whether the encoding lets this frame go: an inactive encoding sends nothing, and `maxFramerate`
    /// skips frames that come sooner than its interval after the last one sent.
    private mutating func admits(captureTime: Instant) -> Bool {
        guard encoding.active else { return false }
        if kind == .video, let rate = encoding.maxFramerate, rate > 0, let last = lastSentCapture,
            captureTime - last < .nanoseconds(Int64(1e9 / rate * 0.95)) {
            return false
        }
        lastSentCapture = captureTime
        return true
    }

    /// Encodes (unless already encoded) and packetizes one frame.
    mutating func encode(_ frame: PushedFrame, captureTime: Instant) throws(MediaCodecError) -> [RTPPacket] {
        guard admits(captureTime: captureTime) else { return [] }
        switch frame {
        case .audio(var audio):
            let encoder = try opusEncoder(channels: audio.channels)
            if !track.isEnabled, track.source == .pushed {
                audio = .silence(samplesPerChannel: audio.samplesPerChannel, sampleRate: audio.sampleRate, channels: audio.channels)
            }
            let data = try encoder.encode(audio)
            statistics.framesEncoded += 1
            statistics.audioLevel = Self.level(of: audio)
            return packetize(frame: data, captureTime: captureTime, isKeyFrame: false)
        case .video(let picture):
            var input = !track.isEnabled && track.source == .pushed ? I420Frame.black(width: picture.width, height: picture.height) : picture
            if let scale = encoding.scaleResolutionDownBy, scale > 1, let scaled = input.scaledDown(by: scale) { input = scaled }
            let encoder = try vp8Encoder(for: input)
            guard let encoded = try encoder.encode(input, forceKeyFrame: keyFrameRequested) else { return [] }
            keyFrameRequested = false
            statistics.framesEncoded += 1
            if encoded.isKeyFrame { statistics.keyFramesEncoded += 1 }
            statistics.frameWidth = encoded.width
            statistics.frameHeight = encoded.height
            return packetize(frame: encoded.data, captureTime: captureTime, isKeyFrame: encoded.isKeyFrame)
        case .encoded(let data, _):
            statistics.framesEncoded += 1
            let isKeyFrame = kind == .video && (data.first.map { $0 & 0x01 == 0 } ?? false)
            if isKeyFrame { statistics.keyFramesEncoded += 1 }
            return packetize(frame: data, captureTime: captureTime, isKeyFrame: isKeyFrame)
        }
    }

    private mutating func packetize(frame data: [UInt8], captureTime: Instant, isKeyFrame: Bool) -> [RTPPacket] {
        let payloads: [[UInt8]]
        switch kind {
        case .audio:
            payloads = [data]
        case .video:
            payloads = VP8Packetizer(maximumPayloadSize: Self.maximumPayloadSize).packetize(data).map { $0.serialize() }
        }
        // RFC 3551 §4.1: the marker starts an audio talkspurt (our first packet); for video it ends the frame.
        let marker = kind == .video || statistics.framesEncoded == 1
        return rtp.packets(payloads: payloads, captureTime: captureTime, marker: marker, extensions: extensions(at: captureTime))
    }

    /// The header extensions each packet carries: mid (RFC 8843 §15.1) always, so the peer can route
    /// before it knows our SSRC; abs-send-time and the audio level when negotiated.
    private func extensions(at time: Instant) -> [RTPExtensionElement] {
        var elements: [RTPExtensionElement] = []
        if let midExtensionID { elements.append(RTPExtensionElement(id: midExtensionID, data: Array(mid.utf8))) }
        if let absSendTimeID {
            // 6.18 fixed-point seconds of the NTP time, 24 bits.
            let value = UInt32(truncatingIfNeeded: ntpClock.ntp(at: time) >> 14) & 0xFF_FFFF
            elements.append(RTPExtensionElement(id: absSendTimeID, data: [UInt8(value >> 16), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]))
        }
        if let audioLevelID, let level = statistics.audioLevel {
            // RFC 6464 §3: -dBov in 0 … 127.
            let dBov = level > 0 ? min(127, max(0, Int((-20 * log10(level)).rounded()))) : 127
            elements.append(RTPExtensionElement(id: audioLevelID, data: [UInt8(dBov)]))
        }
        return elements
    }

    /// W3C audioLevel: the frame's RMS relative to full scale, 0 … 1.
    static func level(of frame: AudioFrame) -> Double {
        guard !frame.samples.isEmpty else { return 0 }
        let sum = frame.samples.reduce(0.0) { $0 + Double($1) * Double($1) }
        return min(1, (sum / Double(frame.samples.count)).squareRoot() / 32_767)
    }

    private mutating func opusEncoder(channels: Int) throws(MediaCodecError) -> OpusEncoder {
        if case .opus(let encoder) = encoder { return encoder }
        let made = try OpusEncoder(OpusEncoderConfiguration(channels: channels))
        if let bitrate = maximumBitrate { try made.setBitrate(min(510_000, max(6_000, bitrate))) }
        encoder = .opus(made)
        return made
    }

    private mutating func vp8Encoder(for picture: I420Frame) throws(MediaCodecError) -> VP8Encoder {
        if case .vp8(let encoder) = encoder { return encoder }
        var frameRate = 30
        if case .testPattern(_, _, let rate) = track.source { frameRate = rate }
        let made = try VP8Encoder(VP8EncoderConfiguration(
            width: picture.width, height: picture.height, frameRate: frameRate, targetBitrate: maximumBitrate.map { max(100_000, $0) }))
        encoder = .vp8(made)
        return made
    }

    /// A receiver's REMB estimate: the VP8 encoder aims at it, never above the track's own cap or the
    /// default for its size.
    mutating func applyEstimate(_ bitrate: UInt64) {
        statistics.remoteEstimate = Int(clamping: bitrate)
        guard case .vp8(let encoder) = encoder else { return }
        let size = encoder.configuration
        let ceiling = maximumBitrate ?? VP8EncoderConfiguration.defaultBitrate(width: size.width, height: size.height)
        let target = max(100_000, min(ceiling, Int(clamping: bitrate)))
        guard target != size.targetBitrate else { return }
        try? encoder.setTargetBitrate(target)
    }

    /// RTX packets repairing the sequence numbers a NACK names (RFC 4588 §4: the original sequence
    /// number first in the payload, the original timestamp and marker kept). Without RTX nothing is resent:
    /// SRTP would refuse the same index twice (RFC 3711 §3.3.2).
    mutating func retransmissions(of sequences: [UInt16]) -> [RTPPacket] {
        statistics.nackCount += 1
        guard var repair = rtx else { return [] }
        var packets: [RTPPacket] = []
        for sequence in sequences {
            guard let original = rtp.retransmission(of: sequence) else { continue }
            var header = original.header
            header.ssrc = repair.ssrc
            header.payloadType = repair.payloadType
            header.sequenceNumber = repair.nextSequence
            repair.nextSequence &+= 1
            let payload = [UInt8(sequence >> 8), UInt8(sequence & 0xFF)] + Array(original.payload)
            packets.append(RTPPacket(header: header, payload: payload))
            statistics.retransmittedPackets += 1
            statistics.retransmittedBytes += payload.count
        }
        rtx = repair
        return packets
    }
}
