import JSEP
public import Media
import RTP
public import SansIO

/// A frame a remote track received: the encoded bytes as they arrived (for an encoded-frame sink) and,
/// when the decoder took them, the decoded picture or samples.
public struct ReceivedMediaFrame: Hashable, Sendable {
    public var kind: MediaKind
    /// The RTP timestamp all its packets carried.
    public var rtpTimestamp: UInt32
    /// The Opus packet or the VP8 frame.
    public var encoded: [UInt8]
    public var isKeyFrame: Bool
    /// How long the frame plays: an Opus packet's duration from its TOC byte (RFC 6716 §3.1), a video
    /// frame's the RTP time since the previous frame delivered (nil for the first one).
    public var duration: Duration?
    /// Frames known lost since the previous one delivered (gaps the reorder buffer gave up on, or VP8
    /// frames that could not be completed).
    public var framesLostBefore: Int
    /// Decoded samples (audio) or picture (video): one of the two is always there (a frame the decoder
    /// refuses is counted in the statistics and never delivered).
    public var audio: AudioFrame?
    public var video: I420Frame?
    /// When its last packet arrived (the machine's clock).
    public var receivedAt: Instant
}

/// What one receiver counted (W3C `RTCInboundRtpStreamStats`, with the RTP receiver's own figures).
public struct ReceiveStreamStatistics: Hashable, Sendable {
    public var framesReceived = 0
    public var framesDecoded = 0
    public var keyFramesDecoded = 0
    public var framesDropped = 0
    public var frameWidth: Int?
    public var frameHeight: Int?
    public var totalSamplesReceived = 0
    public var concealedSamples = 0
    public var nackCount = 0
    public var pliCount = 0
    public var firCount = 0
    /// Frames or packets the decoder refused (garbled payloads), each dropped.
    public var decoderErrors = 0
    /// RTX packets taken back to their original sequence numbers (RFC 4588 §4).
    public var retransmissionsReceived = 0
    public var audioLevel: Double?
}

/// One transceiver's receiving half (DESIGN §4a): RTP receiver (statistics) → reorder buffer →
/// depacketizer → decoder → frames. Nothing reaches it that SRTP did not authenticate.
struct ReceiveStream {
    let transceiver: TransceiverID
    let kind: MediaKind
    /// Negotiated payload types: the media one and the RTX one repairing it.
    let payloadTypes: Set<UInt8>
    let rtxPayloadTypes: [UInt8: UInt8]
    let clockRate: Int
    /// The sender asked for REMB (`a=rtcp-fb:<pt> goog-remb`): our bitrate estimate goes to it.
    let usesREMB: Bool
    var ssrc: UInt32?
    var rtxSSRC: UInt32?
    var receiver: RTPStreamReceiver?
    var reorder = RTPReorderBuffer<RTPPacket>(capacity: 512, maximumDelay: .milliseconds(150))
    var depacketizer = VP8Depacketizer()
    var opus: OpusDecoder?
    var vp8: VP8Decoder?
    /// Decoding waits for a key frame: at the start, and after a loss.
    var needsKeyFrame = true
    /// A key frame should be asked for: a frame was lost, or the stream started on an inter frame.
    var keyFrameWanted = false
    var lastKeyFrameRequest: Instant?
    var lostSinceLastFrame = 0
    var lastNACK: Instant?
    /// The RTP timestamp of the last video frame delivered, for the next one's duration.
    var lastVideoTimestamp: UInt32?
    /// When the first frame was decoded, for the frame rate.
    var firstDecodedAt: Instant?
    var statistics = ReceiveStreamStatistics()

    init(transceiver: TransceiverID, kind: MediaKind, negotiated: RTPSectionParameters, remoteSource: RTPSectionParameters.Source?) {
        self.transceiver = transceiver
        self.kind = kind
        let media = negotiated.codecs.filter { $0.format == (kind == .audio ? .opus : .vp8) }
        payloadTypes = Set(media.map(\.payloadType))
        var rtx: [UInt8: UInt8] = [:]
        for codec in negotiated.codecs where codec.format == .rtx {
            if let primary = codec.associatedPayloadType, payloadTypes.contains(primary) { rtx[codec.payloadType] = primary }
        }
        rtxPayloadTypes = rtx
        clockRate = kind == .audio ? 48_000 : 90_000
        usesREMB = media.contains { $0.accepts(.remb) }
        ssrc = remoteSource?.ssrc
        rtxSSRC = remoteSource?.rtxSSRC
    }

    /// Whether this stream takes a packet of `payloadType` (media or RTX).
    func accepts(payloadType: UInt8) -> Bool { payloadTypes.contains(payloadType) || rtxPayloadTypes[payloadType] != nil }

    /// One authenticated packet for this stream; returns the frames it completed.
    mutating func receive(_ packet: RTPPacket, at now: Instant) -> [ReceivedMediaFrame] {
        var packet = packet
        if let primary = rtxPayloadTypes[packet.header.payloadType] {
            // RFC 4588 §4: the original sequence number leads the payload; the rest is the original payload.
            guard packet.payload.count >= 2, let media = ssrc else { return [] }
            let original = UInt16(packet.payload[packet.payload.startIndex]) << 8 | UInt16(packet.payload[packet.payload.startIndex + 1])
            rtxSSRC = packet.header.ssrc
            packet.header.ssrc = media
            packet.header.payloadType = primary
            packet.header.sequenceNumber = original
            packet.payload = packet.payload.dropFirst(2)
            statistics.retransmissionsReceived += 1
        }
        if ssrc == nil { ssrc = packet.header.ssrc }
        guard packet.header.ssrc == ssrc else { return [] }
        if receiver == nil { receiver = RTPStreamReceiver(ssrc: packet.header.ssrc, clockRate: clockRate) }
        let verdict = receiver?.received(packet.header, payloadBytes: packet.payload.count, at: now)
        guard let verdict, verdict.isDeliverable else { return [] }
        if case .resynchronized = verdict {
            reorder.reset()
            _ = depacketizer.finish()
        }
        return deliver(reorder.insert(sequence: packet.header.sequenceNumber, packet, at: now), at: now)
    }

    /// Gives up on gaps whose wait is over.
    mutating func flush(at now: Instant) -> [ReceivedMediaFrame] {
        deliver(reorder.flush(at: now), at: now)
    }

    var nextDeadline: Instant? { reorder.nextDeadline }

    private mutating func deliver(_ outputs: [RTPReorderOutput<RTPPacket>], at now: Instant) -> [ReceivedMediaFrame] {
        var frames: [ReceivedMediaFrame] = []
        for output in outputs {
            switch output {
            case .element(let packet, _, _):
                frames += kind == .audio ? decodeAudio(packet, at: now) : assembleVideo(packet, at: now)
            case .skipped(_, let count):
                lostSinceLastFrame += kind == .audio ? count : 1
                if kind == .video { loseReference() }
            case .discarded:
                break
            }
        }
        return frames
    }

    /// Decodes one Opus packet; a packet the decoder refuses is counted and not delivered (nothing a
    /// decoder cannot read reaches a sink as if it were media).
    private mutating func decodeAudio(_ packet: RTPPacket, at now: Instant) -> [ReceivedMediaFrame] {
        let data = Array(packet.payload)
        statistics.framesReceived += 1
        let lost = lostSinceLastFrame
        do {
            let decoder = try opus ?? OpusDecoder(channels: 2)
            opus = decoder
            if lost > 0 {
                // RFC 6716 §4.4: conceal what was lost before decoding on.
                let concealed = try decoder.concealLoss(samplesPerChannel: 960 * min(lost, 5))
                statistics.concealedSamples += concealed.samplesPerChannel
                statistics.totalSamplesReceived += concealed.samplesPerChannel
            }
            let audio = try decoder.decode(data)
            lostSinceLastFrame = 0
            statistics.framesDecoded += 1
            statistics.totalSamplesReceived += audio.samplesPerChannel
            statistics.audioLevel = SendStream.level(of: audio)
            let duration = (try? OpusPacket.parse(data)).map { Duration.microseconds($0.duration) }
            return [ReceivedMediaFrame(
                kind: .audio, rtpTimestamp: packet.header.timestamp, encoded: data, isKeyFrame: false, duration: duration,
                framesLostBefore: lost, audio: audio, receivedAt: now)]
        } catch {
            statistics.decoderErrors += 1
            lostSinceLastFrame += 1
            return []
        }
    }

    private mutating func assembleVideo(_ packet: RTPPacket, at now: Instant) -> [ReceivedMediaFrame] {
        var frames: [ReceivedMediaFrame] = []
        let events = depacketizer.push(
            sequenceNumber: packet.header.sequenceNumber, timestamp: packet.header.timestamp, marker: packet.header.marker,
            payload: Array(packet.payload))
        for event in events {
            switch event {
            case .dropped:
                lostSinceLastFrame += 1
                statistics.framesDropped += 1
                loseReference()
            case .frame(let assembled):
                statistics.framesReceived += 1
                if let frame = decodeVideo(assembled, at: now) { frames.append(frame) }
            }
        }
        return frames
    }

    /// Decodes one reassembled VP8 frame. After a loss, inter frames would decode against a missing
    /// reference, so they are dropped until a key frame; a frame the decoder refuses is counted, not delivered.
    private mutating func decodeVideo(_ assembled: VP8Frame, at now: Instant) -> ReceivedMediaFrame? {
        guard !needsKeyFrame || assembled.isKeyFrame else {
            statistics.framesDropped += 1
            lostSinceLastFrame += 1
            keyFrameWanted = true
            return nil
        }
        do {
            let decoder = try vp8 ?? VP8Decoder()
            vp8 = decoder
            guard let picture = try decoder.decode(assembled.data) else { return nil }
            // 90 kHz ticks since the previous frame (RFC 7741 §4.1: the timestamp is the frame's sampling instant).
            let duration = lastVideoTimestamp.map { Duration.microseconds(Int64(assembled.timestamp &- $0) * 1_000 / 90) }
            lastVideoTimestamp = assembled.timestamp
            firstDecodedAt = firstDecodedAt ?? now
            let frame = ReceivedMediaFrame(
                kind: .video, rtpTimestamp: assembled.timestamp, encoded: assembled.data, isKeyFrame: assembled.isKeyFrame,
                duration: duration, framesLostBefore: lostSinceLastFrame, video: picture, receivedAt: now)
            lostSinceLastFrame = 0
            statistics.framesDecoded += 1
            if assembled.isKeyFrame { statistics.keyFramesDecoded += 1 }
            statistics.frameWidth = picture.width
            statistics.frameHeight = picture.height
            needsKeyFrame = false
            if assembled.isKeyFrame { keyFrameWanted = false }
            return frame
        } catch {
            statistics.decoderErrors += 1
            statistics.framesDropped += 1
            lostSinceLastFrame += 1
            loseReference()
            return nil
        }
    }

    /// A reference picture is gone: decode nothing until a key frame, and ask for one.
    private mutating func loseReference() {
        needsKeyFrame = true
        keyFrameWanted = true
    }

    /// Whether to ask the sender for a key frame now (RFC 4585 §6.3.1 PLI), at most every 500 ms.
    mutating func wantsKeyFrame(at now: Instant) -> Bool {
        guard kind == .video, keyFrameWanted else { return false }
        if let last = lastKeyFrameRequest, now - last < .milliseconds(500) { return false }
        lastKeyFrameRequest = now
        statistics.pliCount += 1
        return true
    }
}
