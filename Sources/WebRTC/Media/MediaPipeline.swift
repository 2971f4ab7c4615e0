import DTLS
import JSEP
import Media
import RTP
import SansIO
import SDP
import Wire

/// What the media pipeline hands the machine.
enum MediaOutput {
    /// A plaintext RTP packet or RTCP compound packet to protect with SRTP and send.
    case rtp([UInt8])
    case rtcp([UInt8])
    case frame(TransceiverID, ReceivedMediaFrame)
}

/// Why an RTP or RTCP packet that SRTP accepted went no further (counted in ``MediaCounters``).
public struct MediaCounters: Hashable, Sendable {
    /// RTP that parsed but belongs to no negotiated receiver: no mid, SSRC or payload type matched
    /// (RFC 8843 §9.2).
    public var unroutableRTP = 0
    /// Plaintext that is not RTP or RTCP (after SRTP, so only a broken peer sends it).
    public var malformedRTP = 0
    public var malformedRTCP = 0
    /// Encoder failures (the frame is dropped).
    public var encoderErrors = 0
}

/// The media half of the peer connection machine (DESIGN §4a): one send stream and one receive stream
/// per transceiver, routing of incoming RTP by mid, then SSRC, then payload type (RFC 8843 §9.2), and the
/// RTCP that flows between them (SR/RR with SDES, NACK, PLI, BYE). Everything below SRTP is the machine's.
struct MediaPipeline {
    var senders: [TransceiverID: SendStream] = [:]
    var receivers: [TransceiverID: ReceiveStream] = [:]
    /// Tracks attached to transceivers, kept while negotiation has not yet made their stream.
    var tracks: [TransceiverID: LocalTrackDescription] = [:]
    /// Encodings `setParameters` set, kept across streams made again by renegotiation.
    var encodings: [TransceiverID: RtpEncodingParameters] = [:]
    /// RFC 8843 §9.2 routing tables, filled from signalling and from packets carrying the mid.
    var ssrcRoutes: [UInt32: TransceiverID] = [:]
    var midRoutes: [String: TransceiverID] = [:]
    var midExtensionID: UInt8?
    var rtcpSchedule: RTCPSchedule?
    var ntpClock: NTPClock
    var cname: String
    /// Our SSRC for RTCP when nothing is sent (RFC 3550 §6.4.2: a receiver reports with its own SSRC).
    var receiverSSRC: UInt32
    var generator: SeededGenerator
    var outputs: [MediaOutput] = []
    var counters = MediaCounters()
    /// What we tell video senders they may send (REMB), in bits per second: a loss-based estimate.
    var receiveEstimate = ReceiveEstimate()
    var isTransportReady = false

    init(ntpClock: NTPClock, cname: String, receiverSSRC: UInt32, generator: SeededGenerator) {
        self.ntpClock = ntpClock
        self.cname = cname
        self.receiverSSRC = receiverSSRC
        self.generator = generator
    }

    // MARK: Tracks

    mutating func attach(_ track: LocalTrackDescription, to transceiver: TransceiverID) {
        tracks[transceiver] = track
        senders[transceiver]?.track = track
        senders[transceiver]?.encoder = nil
        senders[transceiver]?.keyFrameRequested = true
    }

    mutating func detach(from transceiver: TransceiverID, at now: Instant) {
        tracks[transceiver] = nil
        if let sender = senders.removeValue(forKey: transceiver) { sendGoodbye([sender.rtp.ssrc]) }
    }

    mutating func setEncoding(_ encoding: RtpEncodingParameters, on transceiver: TransceiverID) {
        encodings[transceiver] = encoding
        senders[transceiver]?.setEncoding(encoding)
    }

    mutating func setEnabled(_ enabled: Bool, on transceiver: TransceiverID) {
        tracks[transceiver]?.isEnabled = enabled
        senders[transceiver]?.track.isEnabled = enabled
    }

    mutating func receiverRemoved(_ transceiver: TransceiverID) {
        receivers[transceiver] = nil
        ssrcRoutes = ssrcRoutes.filter { $0.value != transceiver }
    }

    // MARK: Negotiation

    /// Makes the streams one completed exchange calls for: a sender where we send, a receiver where we
    /// receive, each with the negotiated payload types and extension ids; streams no longer called for go.
    mutating func configure(_ transceivers: [Transceiver], dtlsRole: DTLSRole?, at now: Instant) {
        midRoutes = [:]
        for transceiver in transceivers {
            guard let mid = transceiver.mid, let negotiated = transceiver.negotiated else { continue }
            midExtensionID = midExtensionID ?? negotiated.extensionID(MediaCapabilities.midURI)
            if transceiver.receives {
                midRoutes[mid] = transceiver.id
                if receivers[transceiver.id] == nil {
                    let source = transceiver.remote?.sources.first
                    receivers[transceiver.id] = ReceiveStream(
                        transceiver: transceiver.id, kind: transceiver.kind, negotiated: negotiated, remoteSource: source)
                }
                for source in transceiver.remote?.sources ?? [] {
                    ssrcRoutes[source.ssrc] = transceiver.id
                    if let rtx = source.rtxSSRC { ssrcRoutes[rtx] = transceiver.id }
                }
            } else if receivers[transceiver.id] != nil {
                receiverRemoved(transceiver.id)
            }
            if transceiver.sends, let track = tracks[transceiver.id] {
                if senders[transceiver.id] == nil {
                    makeSender(transceiver, mid: mid, negotiated: negotiated, track: track, at: now)
                }
            } else if let sender = senders.removeValue(forKey: transceiver.id) {
                sendGoodbye([sender.rtp.ssrc])
            }
        }
        if isTransportReady { startSenders(at: now) }
    }

    private mutating func makeSender(
        _ transceiver: Transceiver, mid: String, negotiated: RTPSectionParameters, track: LocalTrackDescription, at now: Instant
    ) {
        guard let codec = negotiated.codec(transceiver.kind == .audio ? .opus : .vp8) else { return }
        var rtx: (ssrc: UInt32, payloadType: UInt8, nextSequence: UInt16)?
        if let rtxType = negotiated.rtxPayloadType(for: codec.payloadType) {
            rtx = (transceiver.rtxSSRC, rtxType, UInt16.random(in: 0...UInt16.max, using: &generator))
        }
        senders[transceiver.id] = SendStream(
            transceiver: transceiver.id, kind: transceiver.kind, mid: mid, track: track,
            rtp: RTPStreamSender(ssrc: transceiver.ssrc, payloadType: codec.payloadType, clockRate: codec.clockRate, using: &generator),
            rtx: rtx, encoder: nil, midExtensionID: negotiated.extensionID(MediaCapabilities.midURI),
            absSendTimeID: negotiated.extensionID(MediaCapabilities.absSendTimeURI),
            audioLevelID: negotiated.extensionID(MediaCapabilities.audioLevelURI), ntpClock: ntpClock)
        if let encoding = encodings[transceiver.id] { senders[transceiver.id]?.setEncoding(encoding) }
    }

    /// SRTP is keyed: senders start their sources, RTCP its schedule.
    mutating func transportReady(at now: Instant) {
        isTransportReady = true
        startSenders(at: now)
    }

    private mutating func startSenders(at now: Instant) {
        for id in senders.keys { senders[id]?.start(at: now) }
        if rtcpSchedule == nil { rtcpSchedule = RTCPSchedule(start: now, using: &generator) }
    }

    // MARK: Sending

    /// A frame the application pushed for `trackID`: encoded and sent on each sender of that track.
    mutating func push(_ frame: PushedFrame, trackID: String, at now: Instant) {
        guard isTransportReady else { return }
        for id in senders.keys.sorted() where senders[id]?.track.id == trackID {
            do {
                if let packets = try senders[id]?.pushed(frame, at: now) { send(packets) }
            } catch {
                counters.encoderErrors += 1
                senders[id]?.statistics.encoderErrors += 1
            }
        }
    }

    private mutating func send(_ packets: [RTPPacket]) {
        for packet in packets { outputs.append(.rtp(packet.serialize())) }
    }

    // MARK: Time

    var nextDeadline: Instant? {
        guard isTransportReady else { return nil }
        let frames = senders.values.compactMap(\.nextFrameAt)
        let reorders = receivers.values.compactMap(\.nextDeadline)
        return (frames + reorders + [rtcpSchedule?.nextDeadline].compactMap { $0 }).min()
    }

    mutating func handleTimeout(at now: Instant) {
        guard isTransportReady else { return }
        for id in senders.keys.sorted() {
            do {
                if let packets = try senders[id]?.tick(at: now) { send(packets) }
            } catch {
                counters.encoderErrors += 1
                senders[id]?.statistics.encoderErrors += 1
                senders[id]?.nextFrameAt = nil
            }
        }
        for id in receivers.keys.sorted() {
            if let frames = receivers[id]?.flush(at: now) { deliver(frames, from: id) }
        }
        requestKeyFrames(at: now)
        if let schedule = rtcpSchedule, schedule.isDue(at: now) {
            sendReports(at: now)
            rtcpSchedule?.fired(at: now, using: &generator)
        }
    }

    // MARK: Receiving RTP

    /// An authenticated RTP packet: routed by mid (when the header carries it), then SSRC, then payload
    /// type (RFC 8843 §9.2); a packet for nothing negotiated is dropped and counted.
    mutating func receiveRTP(_ bytes: [UInt8], at now: Instant) {
        guard let packet = try? RTPPacket.parse(bytes[...]) else {
            counters.malformedRTP += 1
            return
        }
        guard let id = route(packet), receivers[id]?.accepts(payloadType: packet.header.payloadType) == true else {
            counters.unroutableRTP += 1
            return
        }
        ssrcRoutes[packet.header.ssrc] = id
        if let frames = receivers[id]?.receive(packet, at: now) { deliver(frames, from: id) }
        requestKeyFrames(at: now)
    }

    private func route(_ packet: RTPPacket) -> TransceiverID? {
        if let midExtensionID, let headerExtension = packet.header.headerExtension,
            let decoded = try? RTPExtensionElements.decode(headerExtension), let value = decoded.element(id: midExtensionID),
            let mid = String(validating: value, as: UTF8.self), let id = midRoutes[mid] {
            return id
        }
        if let id = ssrcRoutes[packet.header.ssrc] { return id }
        let byType = receivers.values.filter { $0.accepts(payloadType: packet.header.payloadType) }
        return byType.count == 1 ? byType.first?.transceiver : nil
    }

    private mutating func deliver(_ frames: [ReceivedMediaFrame], from id: TransceiverID) {
        for frame in frames { outputs.append(.frame(id, frame)) }
    }

    // MARK: RTCP

    /// An authenticated RTCP compound packet: SR and RR blocks update the statistics and round-trip
    /// times, NACK asks for retransmission, PLI and FIR for a key frame (RFC 4585 §6.3.1, RFC 5104 §4.3.1).
    mutating func receiveRTCP(_ bytes: [UInt8], at now: Instant) {
        guard let compound = try? RTCPCompound.parse(bytes) else {
            counters.malformedRTCP += 1
            return
        }
        for packet in compound.packets {
            switch packet.body {
            case .senderReport(let report):
                if let id = ssrcRoutes[report.ssrc] { receivers[id]?.receiver?.senderReportReceived(report, at: now) }
                reportBlocksReceived(report.reports, at: now)
            case .receiverReport(let report):
                reportBlocksReceived(report.reports, at: now)
            case .transportFeedback(let feedback):
                if case .nack(let mediaSSRC, let pairs) = feedback.message, let id = senderID(ssrc: mediaSSRC) {
                    let packets = senders[id]?.retransmissions(of: pairs.flatMap(\.lostSequenceNumbers)) ?? []
                    send(packets)
                }
            case .payloadFeedback(let feedback):
                if case .remb(let estimate) = feedback.message {
                    // The receiver's estimate caps our video encoders (draft-alvestrand-rmcat-remb-03 §2).
                    for target in senders.keys.sorted() where estimate.ssrcs.contains(senders[target]?.rtp.ssrc ?? 0) {
                        senders[target]?.applyEstimate(estimate.bitrate)
                    }
                    continue
                }
                guard let id = senderID(ssrc: feedback.mediaSSRC) else { continue }
                switch feedback.message {
                case .pictureLoss:
                    senders[id]?.statistics.pliCount += 1
                    senders[id]?.keyFrameRequested = true
                case .fullIntraRequest(let entries):
                    guard entries.contains(where: { $0.ssrc == senders[id]?.rtp.ssrc }) || entries.isEmpty else { continue }
                    senders[id]?.statistics.firCount += 1
                    senders[id]?.keyFrameRequested = true
                default:
                    break
                }
            default:
                break
            }
        }
    }

    private func senderID(ssrc: UInt32) -> TransceiverID? {
        senders.first { $0.value.rtp.ssrc == ssrc }?.key
    }

    private mutating func reportBlocksReceived(_ blocks: [ReportBlock], at now: Instant) {
        for block in blocks {
            guard let id = senderID(ssrc: block.ssrc) else { continue }
            _ = senders[id]?.rtp.receiverReportReceived(block, at: now, clock: ntpClock)
        }
    }

    /// The regular report (RFC 3550 §6.4): an SR per sending stream (the first carries the report blocks)
    /// or an RR when we send nothing, then SDES with our CNAME (§6.5.1: every compound packet has one).
    private mutating func sendReports(at now: Instant) {
        var blocks: [ReportBlock] = []
        var videoLoss: [UInt8] = []
        for id in receivers.keys.sorted() {
            guard receivers[id]?.receiver != nil, let block = receivers[id]?.receiver?.reportBlock(at: now) else { continue }
            blocks.append(block)
            if receivers[id]?.kind == .video { videoLoss.append(block.fractionLost) }
        }
        var packets: [RTCPPacket] = []
        var sources: [UInt32] = []
        for id in senders.keys.sorted() {
            guard let sender = senders[id], sender.startedAt != nil else { continue }
            let report = senders[id]?.rtp.senderReport(at: now, clock: ntpClock, reports: packets.isEmpty ? Array(blocks.prefix(31)) : [])
            if let report { packets.append(RTCPPacket(.senderReport(report))) }
            sources.append(sender.rtp.ssrc)
        }
        if packets.isEmpty {
            guard !blocks.isEmpty else { return }
            packets.append(RTCPPacket(.receiverReport(ReceiverReport(ssrc: receiverSSRC, reports: Array(blocks.prefix(31))))))
            sources.append(receiverSSRC)
        }
        let chunks = sources.map { SDESChunk(source: $0, items: [SDESItem(type: SDESItem.cname, text: cname)]) }
        packets.append(RTCPPacket(.sourceDescription(SourceDescription(chunks: chunks))))
        // REMB (draft-alvestrand-rmcat-remb-03) after SDES, as RFC 4585 §3.1 places feedback in a compound.
        let rembSources = receivers.keys.sorted().compactMap { id in receivers[id].flatMap { $0.usesREMB ? $0.ssrc : nil } }
        if !rembSources.isEmpty {
            receiveEstimate.update(fractionsLost: videoLoss)
            packets.append(RTCPPacket(.payloadFeedback(PayloadFeedback(
                senderSSRC: sources[0], mediaSSRC: 0, message: .remb(receiveEstimate.remb(for: rembSources))))))
        }
        outputs.append(.rtcp(RTCPCompound(packets: packets).serialize()))
    }

    /// PLI for every receiver waiting for a key frame (RFC 4585 §6.3.1), and NACK for recent gaps
    /// (§6.2.1) at most every 100 ms per stream; both in reduced-size RTCP (RFC 5506), as negotiated.
    private mutating func requestKeyFrames(at now: Instant) {
        var packets: [RTCPPacket] = []
        for id in receivers.keys.sorted() {
            guard let ssrc = receivers[id]?.ssrc else { continue }
            if receivers[id]?.wantsKeyFrame(at: now) == true {
                packets.append(RTCPPacket(.payloadFeedback(PayloadFeedback(senderSSRC: receiverSSRC, mediaSSRC: ssrc, message: .pictureLoss))))
            }
            if receivers[id]?.kind == .video, let missing = receivers[id]?.receiver?.missing(limit: 64), !missing.isEmpty,
                receivers[id]?.lastNACK.map({ now - $0 >= .milliseconds(100) }) ?? true {
                receivers[id]?.lastNACK = now
                receivers[id]?.statistics.nackCount += 1
                packets.append(RTCPPacket(.transportFeedback(TransportFeedback(
                    senderSSRC: receiverSSRC, message: .nack(mediaSSRC: ssrc, Self.nackPairs(missing))))))
            }
        }
        guard !packets.isEmpty else { return }
        outputs.append(.rtcp(RTCPCompound(packets: packets).serialize()))
    }

    /// Sequence numbers as RFC 4585 §6.2.1 pairs: a packet id and a bitmask of the 16 that follow.
    static func nackPairs(_ missing: [UInt16]) -> [NACKPair] {
        var pairs: [NACKPair] = []
        for sequence in missing {
            if let last = pairs.last, case let offset = sequence &- last.packetID, (1...16).contains(offset) {
                pairs[pairs.count - 1].lostBitmask |= 1 << (offset - 1)
            } else {
                pairs.append(NACKPair(packetID: sequence, lostBitmask: 0))
            }
        }
        return pairs
    }

    /// BYE for sources that stop (RFC 3550 §6.6), with an RR so the compound is valid (§6.1).
    private mutating func sendGoodbye(_ sources: [UInt32]) {
        guard isTransportReady, !sources.isEmpty else { return }
        let packets = [
            RTCPPacket(.receiverReport(ReceiverReport(ssrc: sources[0]))),
            RTCPPacket(.sourceDescription(SourceDescription(chunks: [SDESChunk(source: sources[0], items: [SDESItem(type: SDESItem.cname, text: cname)])]))),
            RTCPPacket(.goodbye(Goodbye(sources: sources))),
        ]
        outputs.append(.rtcp(RTCPCompound(packets: packets).serialize()))
    }

    /// Every sender's BYE, when the connection closes.
    mutating func close() {
        sendGoodbye(senders.values.map(\.rtp.ssrc).sorted())
        senders = [:]
        receivers = [:]
        isTransportReady = false
    }

    mutating func poll() -> MediaOutput? { outputs.isEmpty ? nil : outputs.removeFirst() }
}

/// The receiver-side bandwidth estimate sent in REMB: loss-based, as the loss controller of Google
/// congestion control (draft-ietf-rmcat-gcc-02 §6) reacts to the fraction lost each report interval:
/// under 2 % it grows by 8 %, over 10 % it shrinks by half the loss, in between it holds.
struct ReceiveEstimate: Hashable {
    /// Bits per second; starts where a 640×480 call is comfortable, so a browser's own ramp is not capped.
    private(set) var bitrate: UInt64 = 2_500_000
    static let minimum: UInt64 = 100_000
    static let maximum: UInt64 = 20_000_000

    /// One report interval's loss figures (RFC 3550 fraction lost, /256) of the video streams received.
    mutating func update(fractionsLost: [UInt8]) {
        guard let worst = fractionsLost.max() else { return }
        let loss = Double(worst) / 256
        let next: Double =
            if loss < 0.02 { Double(bitrate) * 1.08 } else if loss > 0.10 { Double(bitrate) * (1 - 0.5 * loss) } else { Double(bitrate) }
        bitrate = min(Self.maximum, max(Self.minimum, UInt64(next)))
    }

    /// The REMB message for `ssrcs`: the bitrate as an 18-bit mantissa and a 6-bit exponent.
    func remb(for ssrcs: [UInt32]) -> REMB {
        var exponent: UInt8 = 0
        while bitrate >> UInt64(exponent) > 0x3FFFF { exponent += 1 }
        return REMB(exponent: exponent, mantissa: UInt32(bitrate >> UInt64(exponent)), ssrcs: ssrcs)
    }
}
