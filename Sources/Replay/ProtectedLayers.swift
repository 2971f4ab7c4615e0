/// The layers of a replay that live behind the DTLS and SRTP protection, with the RTCP rules that
/// also judge what the SRTCP decryption opens: DTLS decryption (key log) and the SCTP and DCEP inside
/// its records, SRTP/SRTCP decryption, the media payloads, and what was left unjudged.
///
/// They depend on the decoded packets and on nothing the packet rules learn, so a replay can run them
/// on a second thread (``ReplayChecker``'s pipeline) or in line (the ladder, which labels each packet
/// by what these layers found in it): the same code, in the same packet order, either way.
struct ProtectedLayers {
    private let options: ReplayOptions
    /// RFC 3550 §6.4 / RFC 5506: run here, not with the packet rules, because decrypted SRTCP reaches
    /// them from this side; they also see every plain packet, in capture order, as before.
    private var rtcpRules: [any PacketRule]
    private var dtls: DTLSDecryptionStage?
    /// Asked per packet; `dtls != nil` would copy the stage (and its tables) each time to ask.
    private let dtlsStageRuns: Bool
    private var decryption: SRTPDecryptionStage
    private var media: MediaPayloadStage
    private var sctp: SCTPAssociationRule
    private var unjudged: UnjudgedLayers
    private var findings: [ReplayFinding] = []

    init(options: ReplayOptions) {
        self.options = options
        rtcpRules = ReplayChecker.rtcpRules(options)
        dtls = options.keyLog.map(DTLSDecryptionStage.init)
        dtlsStageRuns = options.keyLog != nil
        decryption = SRTPDecryptionStage(options.srtpKeys)
        media = MediaPayloadStage(options.payloadTypes, signalling: options.signalling)
        sctp = SCTPAssociationRule(signalling: options.signalling)
        unjudged = UnjudgedLayers(keyLogGiven: options.keyLog != nil)
    }

    /// What the ladder shows of one packet: the SCTP chunks inside its records, or its clear RTP.
    struct Labels {
        var inside: String?
        var clearRTP: [UInt8]?
    }

    /// Judges one decoded packet's protected layers. `labelling` asks for the ladder's labels.
    mutating func observe(_ decoded: DecodedPacket, labelling: Bool = false) -> Labels {
        let packet = decoded.packet
        var labels = Labels()
        for index in rtcpRules.indices { findings += rtcpRules[index].observe(decoded) }
        // Optional chaining mutates the stage in place; a `var` copy would share its tables and copy
        // them on the first write, every packet.
        if let output = dtls?.observe(decoded) {
            findings += output.findings
            if let keys = output.srtpKeys, let client = output.clientDirection {
                decryption.add(keys, flow: packet.flow, clientDirection: client)
            }
            if let alias = output.adopted { decryption.alias(flow: packet.flow, to: alias) }
            // An association ICE moved to another 5-tuple is judged as one, on the flow it began on.
            let association = output.association
            if labelling, !output.applicationData.isEmpty, case .dtls(let datagram) = decoded.content {
                // Other records in the datagram (a Finished beside the first DATA) keep their names.
                labels.inside = Ladder.dtlsLabel(datagram, inside: output.applicationData.map(Ladder.sctpLabel))
            }
            for data in output.applicationData {
                findings += sctp.observe(
                    data, frame: packet.frame, flow: association.flow, direction: association.direction,
                    clientDirection: output.clientDirection)
            }
        }
        var decrypted = false
        if decryption.isActive {
            let output = decryption.observe(decoded)
            findings += output.findings
            labels.clearRTP = output.clearRTP
            decrypted = output.clearRTP != nil || output.clearRTCP != nil || !output.findings.isEmpty
            // Decrypted SRTCP is judged by the RTCP rules like plaintext RTCP.
            if let compound = output.clearRTCP {
                let clear = DecodedPacket(packet: packet, content: .rtcp(compound))
                for index in rtcpRules.indices { findings += rtcpRules[index].observe(clear) }
            }
        }
        if options.protection == .plain, case .rtp = decoded.content { labels.clearRTP = packet.payload }
        if let clearRTP = labels.clearRTP { findings += media.observe(clearRTP: clearRTP, frame: packet.frame, flow: packet.flow) }
        unjudged.observe(decoded, decrypted: decrypted || labels.clearRTP != nil, dtlsStageRan: dtlsStageRuns)
        return labels
    }

    /// Everything these layers found and counted, once the capture ends.
    struct Outcome: Sendable {
        var findings: [ReplayFinding]
        var decryption: DecryptionSummary?
        var media: MediaSummary
        var dtls: DTLSDecryptionSummary?
        var sctpPackets: Int
        var dataChannels: [DataChannelEntry]
        var payloadCounts: [MediaPayloadStage.StreamKey: (opusPackets: Int, vp8Frames: Int)]
        var unjudged: [String]
    }

    mutating func finish() -> Outcome {
        for index in rtcpRules.indices { findings += rtcpRules[index].finish() }
        findings += media.finish()
        findings += sctp.finish()
        findings += dtls?.finish() ?? []
        return Outcome(
            findings: findings, decryption: decryption.isActive ? decryption.summary : nil, media: media.summary,
            dtls: dtls?.summary, sctpPackets: sctp.packets, dataChannels: sctp.dataChannels, payloadCounts: media.perStream,
            unjudged: unjudged.finish(uncheckedPayloads: media.summary.uncheckedPayloadTypes, firstUncheckedFrame: media.firstUncheckedFrame))
    }
}
