import RTP

/// The RTP streams of a capture for the inventory: per SSRC, flow and direction, packets, bytes,
/// loss (RFC 3550 §A.3) and interarrival jitter from capture times (§A.8), with what the
/// descriptions say of each stream (mid, codecs, RTX pairing). Headers are in the clear in SRTP, so
/// this needs no keys.
struct MediaInventory: Sendable {
    private struct Key: Hashable { let flow: Int; let direction: FlowDirection; let ssrc: UInt32 }
    private struct Stream: Sendable {
        var payloadTypes: Set<UInt8> = []
        var packets = 0
        var bytes = 0
        var mid: String?
        /// Extended sequence numbers: first, highest (RFC 3550 §A.1).
        var baseSequence: Int64
        var highestSequence: Int64
        /// §A.8: the previous packet's transit time (arrival − timestamp, in clock units) and the jitter.
        var lastTransit: Double?
        var jitter: Double = 0
        var clockRate: Int?
        var firstFrame: Int
        var lastFrame: Int
    }

    let signalling: ReplaySignalling
    private let codecs: [UInt8: SignalledCodec]
    private let midID: UInt8?
    private var streams: [Key: Stream] = [:]
    private var order: [Key] = []

    /// Codecs from the descriptions, then `--payload-type`, then RFC 3551's static payload types.
    init(signalling: ReplaySignalling, assignments: [PayloadTypeAssignment]) {
        self.signalling = signalling
        var codecs = StaticPayloadTypes.codecs.merging(signalling.payloadTypes) { $1 }
        for assignment in assignments where signalling.payloadTypes[assignment.payloadType] == nil {
            codecs[assignment.payloadType] = SignalledCodec(name: assignment.codec.rawValue, clockRate: assignment.codec.clockRate)
        }
        self.codecs = codecs
        midID = signalling.midExtensionID
    }

    /// The RTP clock of a payload type, when its codec is known.
    private func clockRate(_ payloadType: UInt8) -> Int? { codecs[payloadType]?.clockRate }

    mutating func observe(_ decoded: DecodedPacket) {
        guard case .rtp(let header) = decoded.content else { return }
        let packet = decoded.packet
        let key = Key(flow: packet.flow, direction: packet.direction, ssrc: header.ssrc)
        var stream =
            streams.removeValue(forKey: key)
            ?? {
                order.append(key)
                return Stream(
                    baseSequence: Int64(header.sequenceNumber), highestSequence: Int64(header.sequenceNumber),
                    firstFrame: packet.frame, lastFrame: packet.frame)
            }()
        defer { streams[key] = stream }
        stream.packets += 1
        stream.bytes += packet.payload.count
        stream.lastFrame = packet.frame
        stream.payloadTypes.insert(header.payloadType)
        let delta = Int64(Int16(bitPattern: header.sequenceNumber &- UInt16(truncatingIfNeeded: stream.highestSequence)))
        let extended = stream.highestSequence + delta
        if delta > 0 { stream.highestSequence = extended } else if extended < stream.baseSequence { stream.baseSequence = extended }
        if stream.mid == nil, let midID, let headerExtension = header.headerExtension,
            let elements = try? RTPExtensionElements.decode(headerExtension), let value = elements.element(id: midID)
        {
            stream.mid = String(decoding: value, as: UTF8.self)
        }
        // §A.8: jitter only for packets carrying media on the stream's clock (not RTX, not padding).
        let isRepair = codecs[header.payloadType]?.isRTX == true
        if !isRepair, !header.hasPadding, let rate = clockRate(header.payloadType) {
            stream.clockRate = rate
            let arrival = Double(packet.timestampNanoseconds) / 1e9 * Double(rate)
            let transit = arrival - Double(header.timestamp)
            if let last = stream.lastTransit {
                var difference = abs(transit - last)
                // A timestamp wrap (2^32) would look like a huge jump: fold it back.
                if difference > 2_147_483_648 { difference = abs(difference - 4_294_967_296) }
                stream.jitter += (difference - stream.jitter) / 16
            }
            stream.lastTransit = transit
        }
    }

    /// The inventory rows, in order of first packet, with the media stage's per-stream counts.
    func entries(payloadCounts: [MediaPayloadStage.StreamKey: (opusPackets: Int, vp8Frames: Int)]) -> [MediaStreamEntry] {
        order.compactMap { key in
            guard let stream = streams[key] else { return nil }
            var names: [String: String] = [:]
            var isRetransmission = false
            for payloadType in stream.payloadTypes {
                guard let codec = codecs[payloadType] else {
                    names["\(payloadType)"] = "unknown"
                    continue
                }
                isRetransmission = isRetransmission || codec.isRTX
                names["\(payloadType)"] = "\(codec.name)/\(codec.clockRate)" + (codec.associatedPayloadType.map { " apt=\($0)" } ?? "")
            }
            let expected = Int(stream.highestSequence - stream.baseSequence + 1)
            let counts = payloadCounts[MediaPayloadStage.StreamKey(flow: key.flow, ssrc: key.ssrc)]
            return MediaStreamEntry(
                flow: key.flow, direction: key.direction.rawValue, ssrc: key.ssrc,
                mid: stream.mid ?? signalling.mid(ofSSRC: key.ssrc), payloadTypes: names, packets: stream.packets,
                bytes: stream.bytes, lost: max(0, expected - stream.packets),
                jitterMilliseconds: stream.clockRate.flatMap { rate in stream.lastTransit == nil ? nil : stream.jitter / Double(rate) * 1000 },
                repairs: signalling.repairedSSRC(ofRTX: key.ssrc), isRetransmission: isRetransmission,
                opusPackets: counts?.opusPackets ?? 0, vp8Frames: counts?.vp8Frames ?? 0,
                firstFrame: stream.firstFrame, lastFrame: stream.lastFrame)
        }
    }
}
