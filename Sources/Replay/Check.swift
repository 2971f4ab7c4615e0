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
    /// The stateful rules, fresh, for one capture.
    public static func rules(_ options: ReplayOptions) -> [any PacketRule] {
        let retransmissions = Set(options.signalling.payloadTypes.filter { $0.value.isRTX }.keys)
        return [
            STUNTransactionRule(), STUNFingerprintPresenceRule(), STUNIntegrityRule(passwords: options.icePasswords, signalling: options.signalling),
            ICECheckRule(), ICEConsentRule(), RTPSequenceRule(retransmissionPayloadTypes: retransmissions),
            RTCPCompoundRule(reducedSizeNegotiated: options.signalling.reducedSizeRTCP),
            RTCPReportRule(), DTLSRecordSequenceRule(), DTLSHandshakeOrderRule(), DTLSUseSRTPRule(),
        ]
    }

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
        var decryption = SRTPDecryptionStage(options.srtpKeys)
        var media = MediaPayloadStage(options.payloadTypes, signalling: options.signalling)
        var dtls = options.keyLog.map(DTLSDecryptionStage.init)
        // Asked per packet; `dtls != nil` would copy the stage (and its tables) each time to ask.
        let dtlsStageRuns = dtls != nil
        var sctp = SCTPAssociationRule(signalling: options.signalling)
        var handshakes = HandshakeReassemblyStage()
        // Which peer sends each way on each flow, learned once from ICE for the rules that need it.
        var sides = SideAttribution()
        var rtpSignalling = RTPSignallingRule(signalling: options.signalling)
        var certificates = DTLSSignallingRule(signalling: options.signalling)
        var inventory = InventoryStages(signalling: options.signalling, assignments: options.payloadTypes)
        var unjudged = UnjudgedLayers(keyLogGiven: options.keyLog != nil)
        var findings: [ReplayFinding] = []
        var summaries: [ReplayReport.FlowSummary] = []
        var events: [LadderEvent] = []
        // Packets per flow and kind, counted in place and named once at the end.
        var kindCounts: [[Int]] = []
        let kinds = PacketKind.allCases
        let start = datagrams.first?.timestampNanoseconds ?? 0
        let codecs = options.signalling.payloadTypes
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
            var insideLabel: String?
            findings += packetFindings
            for index in rules.indices { findings += rules[index].observe(decoded) }
            sides.learn(from: decoded, options.signalling)
            findings += rtpSignalling.observe(decoded, sides: sides)
            findings += certificates.observe(decoded, sides: sides)
            inventory.observe(decoded)
            // Optional chaining mutates the stage in place; a `var` copy would share its tables and
            // copy them on the first write, every packet.
            if let output = dtls?.observe(decoded) {
                findings += output.findings
                if let keys = output.srtpKeys, let client = output.clientDirection {
                    decryption.add(keys, flow: packet.flow, clientDirection: client)
                }
                if let alias = output.adopted { decryption.alias(flow: packet.flow, to: alias) }
                // An association ICE moved to another 5-tuple is judged as one, on the flow it began on.
                let association = output.association
                if ladder, !output.applicationData.isEmpty, case .dtls(let datagram) = decoded.content {
                    // Other records in the datagram (a Finished beside the first DATA) keep their names.
                    insideLabel = Ladder.dtlsLabel(datagram, inside: output.applicationData.map(Ladder.sctpLabel))
                }
                for data in output.applicationData {
                    findings += sctp.observe(
                        data, frame: packet.frame, flow: association.flow, direction: association.direction,
                        clientDirection: output.clientDirection)
                }
            }
            var clearRTP: [UInt8]?
            var decrypted = false
            defer {
                if ladder {
                    let label = insideLabel ?? clearRTP.flatMap { Ladder.clearRTPLabel($0, codecs: codecs) } ?? Ladder.label(packet)
                    events.append(Ladder.event(packet, flow: flows[packet.flow], start: start, label: label))
                }
            }
            if decryption.isActive {
                let output = decryption.observe(decoded)
                findings += output.findings
                clearRTP = output.clearRTP
                decrypted = output.clearRTP != nil || output.clearRTCP != nil || !output.findings.isEmpty
                // Decrypted SRTCP is judged by the RTCP rules like plaintext RTCP.
                if let compound = output.clearRTCP {
                    let clear = DecodedPacket(packet: packet, content: .rtcp(compound))
                    for index in rules.indices { findings += rules[index].observe(clear) }
                }
            }
            if options.protection == .plain, case .rtp = decoded.content { clearRTP = packet.payload }
            if let clearRTP { findings += media.observe(clearRTP: clearRTP, frame: packet.frame, flow: packet.flow) }
            unjudged.observe(decoded, decrypted: decrypted || clearRTP != nil, dtlsStageRan: dtlsStageRuns)
        }
        for index in rules.indices { findings += rules[index].finish() }
        findings += media.finish()
        findings += sctp.finish()
        findings += dtls?.finish() ?? []
        for frame in demultiplexer.unboundChannelFrames {
            findings.append(ReplayFinding(ReplayRules.turnChannelBound, frame: frame, flow: nil, "ChannelData on a channel bound before the capture or never"))
        }
        for (flow, counts) in kindCounts.enumerated() {
            summaries[flow].packets = Dictionary(uniqueKeysWithValues: zip(kinds, counts).filter { $0.1 > 0 }.map { ($0.0.rawValue, $0.1) })
        }
        findings.sort { $0.frame < $1.frame }
        var sessionInventory = inventory.inventory(
            flows: flows, sides: sides, payloadCounts: media.perStream, certificates: certificates.certificates)
        sessionInventory.dataChannels = sctp.dataChannels
        let report = ReplayReport(
            capture: capture, udpDatagrams: datagrams.count, skippedFrames: skippedFrames, flows: summaries, findings: findings,
            decryption: decryption.isActive ? decryption.summary : nil, media: media.summary, dtls: dtls?.summary,
            sctpPackets: sctp.packets, inventory: sessionInventory, unjudged: unjudged.finish(uncheckedPayloads: media.summary.uncheckedPayloadTypes, firstUncheckedFrame: media.firstUncheckedFrame))
        return (report, events)
    }

    /// Reads a pcap or pcapng file and judges it.
    public static func check(capturePath: String, name: String? = nil, options: ReplayOptions = .init()) throws(CaptureError) -> ReplayReport {
        let (datagrams, skipped) = try CaptureReader(path: capturePath).udpDatagrams()
        return check(datagrams, capture: name ?? capturePath, skippedFrames: skipped, options: options)
    }
}
