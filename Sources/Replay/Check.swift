public import Decryption
public import Pcap

/// What the caller knows about a capture that the capture itself does not say.
public struct ReplayOptions: Hashable, Sendable {
    /// ICE passwords (`--ice-pwd`): MESSAGE-INTEGRITY is verified when at least one is given.
    public var icePasswords: [String]
    /// Whether RTP/RTCP are SRTP/SRTCP or plaintext.
    public var protection: RTPProtection
    /// SRTP master keys by SSRC (`--srtp-key`): those streams are decrypted and must authenticate.
    public var srtpKeys: [SRTPKeyAssignment]
    /// An NSS key log (`--keylog`): DTLS 1.2 records are decrypted, SCTP and DCEP judged, SRTP keys exported.
    public var keyLog: KeyLog?
    /// Codecs of RTP payload types (`--payload-type 111=opus`): clear payloads of those types are judged.
    public var payloadTypes: [PayloadTypeAssignment]
    /// The session's offer and answer (`--sdp`): payload types, ICE credentials, fingerprints, roles,
    /// SCTP limits and streams, learned and enforced.
    public var signalling: ReplaySignalling
    /// Judge every UDP flow (`--all-udp`), not only those shown to be WebRTC (``FlowClassifier``).
    public var allUDP: Bool

    public init(
        icePasswords: [String] = [], protection: RTPProtection = .automatic, srtpKeys: [SRTPKeyAssignment] = [],
        payloadTypes: [PayloadTypeAssignment] = [], keyLog: KeyLog? = nil, signalling: ReplaySignalling = ReplaySignalling(),
        allUDP: Bool = false
    ) {
        self.allUDP = allUDP
        self.signalling = signalling
        self.keyLog = keyLog
        self.icePasswords = icePasswords
        self.protection = protection
        self.srtpKeys = srtpKeys
        self.payloadTypes = payloadTypes
    }
}

/// The replay checker: demultiplexes datagrams into flows and classifies each (a first pass: is it
/// WebRTC, a well-known other protocol, or unrecognised), then decodes every packet of the WebRTC flows
/// with its codec, runs the stateful rules in capture order and assembles the report. Pure apart from
/// `check(capturePath:)`.
public enum ReplayChecker {
    /// The stateful packet rules, fresh, for one capture: every rule but the RTCP ones, which run with the
    /// protected layers (``rtcpRules(_:)``) because decrypted SRTCP reaches them there.
    public static func rules(_ options: ReplayOptions) -> [any PacketRule] {
        let retransmissions = Set(options.signalling.payloadTypes.filter { $0.value.isRTX }.keys)
        return [
            STUNTransactionRule(), STUNFingerprintPresenceRule(), STUNIntegrityRule(passwords: options.icePasswords, signalling: options.signalling),
            ICECheckRule(), ICEConsentRule(), RTPSequenceRule(retransmissionPayloadTypes: retransmissions),
            DTLSRecordSequenceRule(), DTLSHandshakeOrderRule(), DTLSUseSRTPRule(),
        ]
    }

    /// The RTCP rules, fresh, for one capture: they judge plain RTCP and decrypted SRTCP alike.
    public static func rtcpRules(_ options: ReplayOptions) -> [any PacketRule] {
        [RTCPCompoundRule(reducedSizeNegotiated: options.signalling.reducedSizeRTCP), RTCPReportRule()]
    }

    /// Packets per batch handed to the protected layers' thread: large enough that the hand-over costs
    /// nothing beside the packets' work, small enough that both threads start at once.
    static let pipelineBatch = 256

    /// Judges datagrams given in capture order.
    public static func check(
        _ datagrams: [ReplayDatagram], capture: String, skippedFrames: Int = 0, options: ReplayOptions = .init()
    ) -> ReplayReport {
        run(datagrams, capture: capture, skippedFrames: skippedFrames, options: options, ladder: false).report
    }

    /// Judges datagrams and also labels every judged packet for the ladder diagram by what was found
    /// inside it: the SCTP chunks and DCEP messages of decrypted records, the codec of decrypted RTP.
    public static func checkWithLadder(
        _ datagrams: [ReplayDatagram], capture: String, skippedFrames: Int = 0, options: ReplayOptions = .init()
    ) -> (report: ReplayReport, events: [LadderEvent]) {
        let result = run(datagrams, capture: capture, skippedFrames: skippedFrames, options: options, ladder: true)
        return (result.report, result.events)
    }

    private static func run(
        _ datagrams: [ReplayDatagram], capture: String, skippedFrames: Int, options: ReplayOptions, ladder: Bool
    ) -> (report: ReplayReport, events: [LadderEvent]) {
        // First pass: flows, and what each is. Evidence may come late in a flow (a capture that starts
        // mid-call), so no packet is judged before the whole capture was seen.
        var demultiplexer = Demultiplexer()
        var classifier = FlowClassifier(
            iceUfrags: Set(SessionSide.allCases.flatMap(options.signalling.iceUfrags)), candidates: options.signalling.candidateEndpoints)
        var packets: [ReplayPacket] = []
        packets.reserveCapacity(datagrams.count)
        for datagram in datagrams {
            for packet in demultiplexer.packets(for: datagram) {
                classifier.observe(packet)
                packets.append(packet)
            }
        }
        let flows = demultiplexer.flows
        let classes = flows.map { classifier.classification(of: $0) }
        let decoder = PacketDecoder(protection: options.protection)
        var rules = rules(options)
        var handshakes = HandshakeReassemblyStage()
        // Which peer sends each way on each flow, learned once from ICE for the rules that need it.
        var sides = SideAttribution()
        var rtpSignalling = RTPSignallingRule(signalling: options.signalling)
        var certificates = DTLSSignallingRule(signalling: options.signalling)
        var inventory = InventoryStages(signalling: options.signalling, assignments: options.payloadTypes)
        var findings: [ReplayFinding] = []
        var summaries: [ReplayReport.FlowSummary] = []
        var events: [LadderEvent] = []
        // Packets per flow and kind, counted in place and named once at the end.
        var kindCounts: [[Int]] = []
        let kinds = PacketKind.allCases
        let start = datagrams.first?.timestampNanoseconds ?? 0
        let codecs = options.signalling.payloadTypes

        // The protected layers (DTLS and SRTP decryption, SCTP, media) need nothing the packet rules
        // learn, so without a ladder to label they run on a second thread, fed decoded packets in
        // order: a two-stage pipeline over the capture. The ladder labels each packet by what those
        // layers found inside it, so it runs them in line.
        var inline = ladder ? ProtectedLayers(options: options) : nil
        let pipeline = ladder ? nil : PipelineStage<DecodedPacket, ProtectedLayers.Outcome>(capacity: 8) { next in
            var layers = ProtectedLayers(options: options)
            while let batch = next() {
                for decoded in batch { _ = layers.observe(decoded) }
            }
            return layers.finish()
        }
        var batch: [DecodedPacket] = []
        batch.reserveCapacity(pipelineBatch)

        for packet in packets {
            if packet.flow == summaries.count {
                let flow = flows[packet.flow]
                summaries.append(
                    .init(
                        id: flow.id, a: flow.a.description, b: flow.b.description, relayedThrough: flow.relayedThrough,
                        packets: [:], firstFrame: packet.frame, lastFrame: packet.frame,
                        firstTime: packet.timestampNanoseconds, lastTime: packet.timestampNanoseconds,
                        classification: classes[packet.flow]))
                kindCounts.append(Array(repeating: 0, count: kinds.count))
            }
            if summaries.indices.contains(packet.flow) {
                kindCounts[packet.flow][kinds.firstIndex(of: packet.kind) ?? 0] += 1
                summaries[packet.flow].lastFrame = packet.frame
                summaries[packet.flow].lastTime = packet.timestampNanoseconds
            }
            guard options.allUDP || classes[packet.flow].isJudged else { continue }
            let (single, packetFindings) = decoder.decode(packet, flow: flows[packet.flow])
            let decoded = handshakes.attach(to: single)
            findings += packetFindings
            for index in rules.indices { findings += rules[index].observe(decoded) }
            sides.learn(from: decoded, options.signalling)
            findings += rtpSignalling.observe(decoded, sides: sides)
            findings += certificates.observe(decoded, sides: sides)
            inventory.observe(decoded)
            if let pipeline {
                batch.append(decoded)
                if batch.count == pipelineBatch {
                    pipeline.send(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            } else if let labels = inline?.observe(decoded, labelling: true) {
                let label = labels.inside ?? labels.clearRTP.flatMap { Ladder.clearRTPLabel($0, codecs: codecs) } ?? Ladder.label(packet)
                events.append(Ladder.event(packet, flow: flows[packet.flow], start: start, label: label))
            }
        }
        for index in rules.indices { findings += rules[index].finish() }
        let protected: ProtectedLayers.Outcome
        if let pipeline {
            if !batch.isEmpty { pipeline.send(batch) }
            protected = pipeline.finish()
        } else {
            guard let result = inline?.finish() else { preconditionFailure("no protected layers in line") }
            protected = result
        }
        findings += protected.findings
        for frame in demultiplexer.unboundChannelFrames {
            findings.append(ReplayFinding(ReplayRules.turnChannelBound, frame: frame, flow: nil, "ChannelData on a channel bound before the capture or never"))
        }
        for (flow, counts) in kindCounts.enumerated() {
            summaries[flow].packets = Dictionary(uniqueKeysWithValues: zip(kinds, counts).filter { $0.1 > 0 }.map { ($0.0.rawValue, $0.1) })
        }
        findings.sort { $0.frame < $1.frame }
        var sessionInventory = inventory.inventory(
            flows: flows, sides: sides, payloadCounts: protected.payloadCounts, certificates: certificates.certificates)
        sessionInventory.dataChannels = protected.dataChannels
        let report = ReplayReport(
            capture: capture, udpDatagrams: datagrams.count, skippedFrames: skippedFrames, flows: summaries, findings: findings,
            decryption: protected.decryption, media: protected.media, dtls: protected.dtls,
            sctpPackets: protected.sctpPackets, inventory: sessionInventory, unjudged: protected.unjudged)
        return (report, events)
    }

    /// Reads a pcap or pcapng file and judges it.
    public static func check(capturePath: String, name: String? = nil, options: ReplayOptions = .init()) throws(CaptureError) -> ReplayReport {
        let (datagrams, skipped) = try CaptureReader(path: capturePath).udpDatagrams()
        return check(datagrams, capture: name ?? capturePath, skippedFrames: skipped, options: options)
    }
}
