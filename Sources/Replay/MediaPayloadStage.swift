import RTP

/// A media codec whose RTP payloads the replay checker can judge. Dynamic payload types (96–127) mean
/// nothing without the SDP that mapped them, so the user names them (`--payload-type 111=opus`).
public enum MediaCodec: String, Hashable, Sendable, Codable, CaseIterable {
    /// RFC 7587: one Opus packet (RFC 6716 §3) per RTP payload, 48 kHz RTP clock.
    case opus
    /// RFC 7741: a VP8 payload descriptor, then a piece of a VP8 frame; frames end at the marker bit.
    case vp8

    /// The RTP clock rate (RFC 7587 §4.1, RFC 7741 §4.1).
    public var clockRate: Int { self == .opus ? 48000 : 90000 }
}

/// One `--payload-type PT=CODEC` assignment.
public struct PayloadTypeAssignment: Hashable, Sendable {
    public let payloadType: UInt8
    public let codec: MediaCodec

    public init(payloadType: UInt8, codec: MediaCodec) {
        self.payloadType = payloadType
        self.codec = codec
    }

    /// Parses `111=opus` or `96=vp8`; nil when the text is neither.
    public init?(parsing text: String) {
        let parts = text.split(separator: "=", omittingEmptySubsequences: false)
        guard parts.count == 2, let payloadType = UInt8(parts[0]), payloadType < 128,
            let codec = MediaCodec(rawValue: parts[1].lowercased())
        else { return nil }
        self.init(payloadType: payloadType, codec: codec)
    }
}

/// What the media stage saw, for the report.
public struct MediaSummary: Hashable, Sendable, Codable {
    /// Opus packets that parsed.
    public var opusPackets = 0
    /// VP8 frames reassembled, and how many of them were key frames.
    public var vp8Frames = 0
    public var vp8KeyFrames = 0
    /// Clear RTP packets whose payload type had no codec assigned: payload type → packets.
    public var uncheckedPayloadTypes: [UInt8: Int] = [:]
    /// Retransmissions (RFC 4588) decrypted: compared with their original, whose original was not in
    /// the capture, and padding-only probes.
    public var rtxCompared = 0
    public var rtxOriginalMissing = 0
    public var rtxPadding = 0

    public init() {}
}

/// Judges the payloads of clear RTP packets — plaintext captures, or what SRTP decryption exposed —
/// by their codec: every Opus payload is a valid Opus packet (RFC 6716 §3.4, RFC 7587 §4.2), and VP8
/// payloads reassemble into frames (RFC 7741 §4.2–4.5) whose key frames carry a valid frame header
/// (RFC 6386 §9.1). Loss in the capture is told apart from a sender's mistake: a frame broken right
/// after a sequence gap is a warning, one broken without a gap is an error.
struct MediaPayloadStage {
    static let rules = [
        vp8FrameStart, vp8FrameMarker, vp8FrameTimestamp, vp8FrameIncomplete, vp8KeyFrameHeader, opusTimestampStep,
        rtxPayload,
    ]

    static let rtxPayload = ReplayRule(
        id: "RTX.payload", reference: "RFC 4588 §4, §8.6", severity: .error,
        summary: "a retransmission carries the original sequence number (OSN) and the original packet's payload and timestamp")

    static let vp8FrameStart = ReplayRule(
        id: "VP8.frame-start", reference: "RFC 7741 §4.2, §4.5", severity: .error,
        summary: "a VP8 frame's first packet has S = 1 and PID = 0; no packet continues a frame that never started")
    static let vp8FrameMarker = ReplayRule(
        id: "VP8.frame-marker", reference: "RFC 7741 §4.1, RFC 3550 §5.1", severity: .error,
        summary: "the last packet of a VP8 frame carries the marker bit, before the next frame starts")
    static let vp8FrameTimestamp = ReplayRule(
        id: "VP8.frame-timestamp", reference: "RFC 7741 §4.1", severity: .error,
        summary: "every packet of a VP8 frame carries the frame's RTP timestamp")
    static let vp8FrameIncomplete = ReplayRule(
        id: "VP8.frame-incomplete", reference: "RFC 7741 §4.5", severity: .warning,
        summary: "a VP8 frame is complete in the capture (loss before the capture point, or a capture that starts mid-frame)")
    static let vp8KeyFrameHeader = ReplayRule(
        id: "VP8.key-frame-header", reference: "RFC 6386 §9.1, RFC 7741 §4.3", severity: .error,
        summary: "a reassembled VP8 key frame starts with a frame tag, the start code 9d 01 2a and its dimensions")
    static let opusTimestampStep = ReplayRule(
        id: "Opus.timestamp-step", reference: "RFC 7587 §4.1", severity: .warning,
        summary: "consecutive Opus packets' RTP timestamps (48 kHz) advance by at least the previous packet's duration")

    /// Packets a stream may arrive out of order by before the reorder buffer gives up waiting.
    static let reorderWindow = 64

    private struct Key: Hashable { let flow: Int; let ssrc: UInt32 }
    private struct Pending { let extendedSequence: Int64; let header: RTPHeader; let payload: [UInt8]; let frame: Int; let flow: Int }
    private struct VP8Stream {
        var depacketizer = VP8Depacketizer()
        /// Packets waiting for an earlier sequence number, in sequence order.
        var pending: [Pending] = []
        var highestExtended: Int64?
        /// The extended sequence number last handed to the depacketizer.
        var released: Int64?
    }
    private struct OpusStream { var lastSequence: UInt16; var lastTimestamp: UInt32; var lastDurationSamples: UInt32 }

    private let codecs: [UInt8: MediaCodec]
    /// RTX payload type → the payload type it repairs (`a=fmtp:<rtx> apt=`, RFC 4588 §8.6).
    private let repairs: [UInt8: UInt8]
    private let signalling: ReplaySignalling
    private var vp8Streams: [Key: VP8Stream] = [:]
    private var opusStreams: [Key: OpusStream] = [:]
    /// Recent media packets of repairable payload types, for the retransmissions that repeat them.
    private var originals: [Key: RecentPayloads] = [:]
    private(set) var summary = MediaSummary()
    /// The first clear packet whose payload type had no codec.
    private(set) var firstUncheckedFrame: Int?
    /// Opus packets and VP8 frames per stream, for the inventory.
    private(set) var perStream: [StreamKey: (opusPackets: Int, vp8Frames: Int)] = [:]

    /// A stream as the inventory names it.
    struct StreamKey: Hashable { let flow: Int; let ssrc: UInt32 }

    /// The last packets of a stream by sequence number: payload and timestamp. The payload is a slice of
    /// the clear packet the decryption stage made, kept rather than copied.
    private struct RecentPayloads {
        var payloads = RecentDictionary<UInt16, (timestamp: UInt32, payload: ArraySlice<UInt8>)>(capacity: 1024)
        var payloadType: UInt8

        mutating func remember(_ sequence: UInt16, timestamp: UInt32, payload: ArraySlice<UInt8>) {
            payloads.store((timestamp, payload), for: sequence)
        }
    }

    /// Codecs come from `--payload-type` and from the descriptions (by encoding name); the command line wins.
    init(_ assignments: [PayloadTypeAssignment], signalling: ReplaySignalling = ReplaySignalling()) {
        var codecs: [UInt8: MediaCodec] = [:]
        var repairs: [UInt8: UInt8] = [:]
        for (payloadType, codec) in signalling.payloadTypes {
            if let known = MediaCodec(rawValue: codec.name.lowercased()) { codecs[payloadType] = known }
            if codec.isRTX, let repaired = codec.associatedPayloadType { repairs[payloadType] = repaired }
        }
        for assignment in assignments { codecs[assignment.payloadType] = assignment.codec }
        self.codecs = codecs
        self.repairs = repairs
        self.signalling = signalling
    }

    /// Judges the payload of one clear RTP packet (`clear` is the whole RTP packet).
    mutating func observe(clearRTP clear: [UInt8], frame: Int, flow: Int) -> [ReplayFinding] {
        guard let packet = try? RTPCodec.parse(clear) else { return [] }
        let header = packet.header
        if let repaired = repairs[header.payloadType] {
            return observeRetransmission(header, Array(packet.payload), repairs: repaired, frame: frame, flow: flow)
        }
        if repairs.values.contains(header.payloadType) {
            originals[Key(flow: flow, ssrc: header.ssrc), default: RecentPayloads(payloadType: header.payloadType)]
                .remember(header.sequenceNumber, timestamp: header.timestamp, payload: packet.payload)
        }
        guard let codec = codecs[header.payloadType] else {
            if StaticPayloadTypes.unstructured.contains(header.payloadType) { return [] }
            summary.uncheckedPayloadTypes[header.payloadType, default: 0] += 1
            firstUncheckedFrame = firstUncheckedFrame ?? frame
            return []
        }
        let key = Key(flow: flow, ssrc: header.ssrc)
        switch codec {
        case .opus: return observeOpus(header, Array(packet.payload), key: key, frame: frame)
        case .vp8: return enqueueVP8(Pending(extendedSequence: 0, header: header, payload: Array(packet.payload), frame: frame, flow: flow), key: key)
        }
    }

    /// Ends the capture: flushes the reorder buffers and reports frames left open.
    mutating func finish() -> [ReplayFinding] {
        var findings: [ReplayFinding] = []
        for key in vp8Streams.keys.sorted(by: { ($0.flow, $0.ssrc) < ($1.flow, $1.ssrc) }) {
            guard var stream = vp8Streams[key] else { continue }
            let lastFrame = stream.pending.last?.frame
            while !stream.pending.isEmpty { findings += release(&stream) }
            for event in stream.depacketizer.finish() {
                if case .dropped(let timestamp, _) = event {
                    findings.append(
                        ReplayFinding(
                            Self.vp8FrameIncomplete, frame: lastFrame ?? 0, flow: key.flow,
                            "SSRC 0x\(String(key.ssrc, radix: 16)): the frame at timestamp \(timestamp) has no marker when the capture ends"))
                }
            }
            vp8Streams[key] = stream
        }
        return findings
    }

    // MARK: RTX

    /// RFC 4588 §4: an RTX payload is the original sequence number, then the original payload; the RTP
    /// timestamp is the original's. Compared with the original when the capture holds it. A payload
    /// with nothing in it is padding (a bandwidth probe), which RTX streams carry too.
    private mutating func observeRetransmission(
        _ header: RTPHeader, _ payload: [UInt8], repairs repaired: UInt8, frame: Int, flow: Int
    ) -> [ReplayFinding] {
        guard !payload.isEmpty else {
            summary.rtxPadding += 1
            return []
        }
        let ssrc = "SSRC 0x\(String(header.ssrc, radix: 16))"
        guard payload.count >= 2 else {
            return [ReplayFinding(Self.rtxPayload, frame: frame, flow: flow, "\(ssrc): a \(payload.count)-byte RTX payload has no room for the OSN")]
        }
        let originalSequence = UInt16(payload[0]) << 8 | UInt16(payload[1])
        // The media stream it repairs: the a=ssrc-group:FID partner, else a stream of the repaired type on the flow.
        let partner = signalling.repairedSSRC(ofRTX: header.ssrc)
        let candidates = originals.filter { key, recent in
            key.flow == flow && (partner.map { key.ssrc == $0 } ?? (recent.payloadType == repaired))
        }
        guard let original = candidates.values.lazy.compactMap({ $0.payloads[originalSequence] }).first else {
            summary.rtxOriginalMissing += 1
            return []
        }
        summary.rtxCompared += 1
        var problems: [String] = []
        if !original.payload.elementsEqual(payload.dropFirst(2)) { problems.append("its payload differs from the original's") }
        if original.timestamp != header.timestamp { problems.append("timestamp \(header.timestamp), the original's is \(original.timestamp)") }
        guard !problems.isEmpty else { return [] }
        return [
            ReplayFinding(
                Self.rtxPayload, frame: frame, flow: flow,
                "\(ssrc): the retransmission of sequence \(originalSequence): " + problems.joined(separator: "; "))
        ]
    }

    // MARK: Opus

    private mutating func observeOpus(_ header: RTPHeader, _ payload: [UInt8], key: Key, frame: Int) -> [ReplayFinding] {
        let opus: OpusPacket
        do {
            opus = try OpusPayloadCodec.parse(payload)
        } catch {
            return [ReplayFinding(ReplayRules.codecRule(error.rule, codec: "opus"), frame: frame, flow: key.flow, "opus: offset \(error.offset): \(error.detail)")]
        }
        summary.opusPackets += 1
        perStream[StreamKey(flow: key.flow, ssrc: key.ssrc), default: (0, 0)].opusPackets += 1
        // RFC 7587 §4.1: the RTP clock is 48 kHz whatever the audio bandwidth.
        let samples = UInt32(opus.duration * 48 / 1000)
        defer { opusStreams[key] = OpusStream(lastSequence: header.sequenceNumber, lastTimestamp: header.timestamp, lastDurationSamples: samples) }
        guard let previous = opusStreams[key], header.sequenceNumber == previous.lastSequence &+ 1 else { return [] }
        // A backwards step is RTP.timestamp-monotonic's to report; DTX makes longer steps legitimate.
        let step = Int32(bitPattern: header.timestamp &- previous.lastTimestamp)
        guard step >= 0, step < Int32(previous.lastDurationSamples) else { return [] }
        return [
            ReplayFinding(
                Self.opusTimestampStep, frame: frame, flow: key.flow,
                "SSRC 0x\(String(header.ssrc, radix: 16)): timestamp advances by \(step) after a packet of \(previous.lastDurationSamples) samples")
        ]
    }

    // MARK: VP8

    /// Puts a packet in its stream's reorder buffer and releases what is ready, in sequence order.
    private mutating func enqueueVP8(_ incoming: Pending, key: Key) -> [ReplayFinding] {
        // Taken out, not copied, so the buffers are not duplicated on write.
        var stream = vp8Streams.removeValue(forKey: key) ?? VP8Stream()
        defer { vp8Streams[key] = stream }
        // Extend the 16-bit sequence number against the highest seen so far (RFC 3550 §A.1).
        let extended: Int64
        if let highest = stream.highestExtended {
            let delta = Int64(Int16(bitPattern: incoming.header.sequenceNumber &- UInt16(truncatingIfNeeded: highest)))
            extended = highest + delta
        } else {
            extended = Int64(incoming.header.sequenceNumber) + (1 << 16)
        }
        // Too late for the buffer, or a duplicate: the sequence rule reports it; reassembly ignores it.
        if let released = stream.released, extended <= released { return [] }
        if stream.pending.contains(where: { $0.extendedSequence == extended }) { return [] }
        stream.highestExtended = max(stream.highestExtended ?? extended, extended)
        let packet = Pending(extendedSequence: extended, header: incoming.header, payload: incoming.payload, frame: incoming.frame, flow: incoming.flow)
        let position = stream.pending.firstIndex { $0.extendedSequence > extended } ?? stream.pending.endIndex
        stream.pending.insert(packet, at: position)
        var findings: [ReplayFinding] = []
        while let first = stream.pending.first,
            stream.pending.count > Self.reorderWindow || first.extendedSequence == (stream.released ?? first.extendedSequence - 1) + 1
        {
            findings += release(&stream)
        }
        return findings
    }

    /// Feeds the oldest buffered packet to the depacketizer and judges what comes out.
    private mutating func release(_ stream: inout VP8Stream) -> [ReplayFinding] {
        let packet = stream.pending.removeFirst()
        let gap = stream.released.map { packet.extendedSequence != $0 + 1 } ?? true
        stream.released = packet.extendedSequence
        let header = packet.header
        let ssrc = "SSRC 0x\(String(header.ssrc, radix: 16))"
        var findings: [ReplayFinding] = []
        func finding(_ rule: ReplayRule, _ detail: String) {
            findings.append(ReplayFinding(rule, frame: packet.frame, flow: packet.flow, "\(ssrc): " + detail))
        }
        let events = stream.depacketizer.push(
            sequenceNumber: header.sequenceNumber, timestamp: header.timestamp, marker: header.marker, payload: packet.payload)
        for event in events {
            switch event {
            case .frame(let vp8Frame):
                summary.vp8Frames += 1
                perStream[StreamKey(flow: packet.flow, ssrc: header.ssrc), default: (0, 0)].vp8Frames += 1
                if vp8Frame.isKeyFrame {
                    summary.vp8KeyFrames += 1
                    if vp8Frame.keyFrameHeader == nil {
                        finding(Self.vp8KeyFrameHeader, "the key frame at timestamp \(vp8Frame.timestamp) (\(vp8Frame.data.count) bytes) has no valid key frame header")
                    }
                }
            case .dropped(let timestamp, let reason):
                switch reason {
                case .malformed(let rule):
                    findings.append(ReplayFinding(ReplayRules.codecRule(rule, codec: "vp8"), frame: packet.frame, flow: packet.flow, "\(ssrc): the VP8 payload descriptor does not parse"))
                case .noMarker where gap:
                    finding(Self.vp8FrameIncomplete, "the frame at timestamp \(timestamp) lost its last packet before sequence \(header.sequenceNumber)")
                case .noMarker:
                    finding(Self.vp8FrameMarker, "a new frame starts at sequence \(header.sequenceNumber) but the frame at timestamp \(timestamp) never had the marker bit")
                case .missingStart where gap:
                    finding(Self.vp8FrameIncomplete, "the frame at timestamp \(timestamp) lost its first packet before sequence \(header.sequenceNumber)")
                case .missingStart:
                    finding(Self.vp8FrameStart, "sequence \(header.sequenceNumber) continues a frame (timestamp \(timestamp)) that no S = 1, PID = 0 packet started")
                case .gap(let expected, let received) where received == expected && header.timestamp != timestamp:
                    finding(Self.vp8FrameTimestamp, "sequence \(received) carries timestamp \(header.timestamp) inside the frame at \(timestamp)")
                case .gap(let expected, let received):
                    finding(Self.vp8FrameIncomplete, "the frame at timestamp \(timestamp) misses packets from sequence \(expected) to before \(received)")
                case .tooLarge:
                    finding(Self.vp8FrameIncomplete, "the frame at timestamp \(timestamp) grew past \(stream.depacketizer.maximumFrameSize) bytes without a marker")
                }
            }
        }
        return findings
    }
}
