import SCTP

/// The SCTP association inside decrypted DTLS (RFC 8261), and DCEP on top of it (RFC 8832).
///
/// Fed the SCTP packets the DTLS stage decrypted, in capture order, with the direction they went and
/// whether that direction is the DTLS client. A capture may start mid-association: what the INIT and
/// INIT ACK would have said (tags, initial TSNs) is then learned from the first packets instead.
///
/// Public so that SCTP found elsewhere (a decrypted capture, a simulator's trace) can be judged too.
public struct SCTPAssociationRule: Sendable {
    public static let rules = [
        verificationTag, initialTSN, tsnGap, ssnProgression, sackBeyondSent, sackOrder, dcepAckWithoutOpen,
        dcepOpenUnacknowledged, dcepStreamParity, portSignalled, maxMessageSize,
    ]

    static let portSignalled = ReplayRule(
        id: "SCTP.port-signalled", reference: "RFC 8841 §5", severity: .error,
        summary: "each side sends from the SCTP port its a=sctp-port gave, to the port its peer's gave")
    static let maxMessageSize = ReplayRule(
        id: "SCTP.max-message-size", reference: "RFC 8841 §6, RFC 8831 §6.6", severity: .error,
        summary: "no data channel message is larger than the receiver's a=max-message-size")

    static let verificationTag = ReplayRule(
        id: "SCTP.verification-tag", reference: "RFC 9260 §8.5, §8.5.1", severity: .error,
        summary: "every packet carries the Initiate Tag its receiver chose (zero on INIT; its own with the T bit)")
    static let initialTSN = ReplayRule(
        id: "SCTP.initial-tsn", reference: "RFC 9260 §3.3.2, §6.1", severity: .error,
        summary: "the first DATA a side sends after INIT / INIT ACK carries the Initial TSN it announced")
    static let tsnGap = ReplayRule(
        id: "SCTP.tsn-gap", reference: "RFC 9260 §6.1", severity: .warning,
        summary: "new DATA TSNs of a direction advance by one (a gap means loss before the capture point)")
    static let ssnProgression = ReplayRule(
        id: "SCTP.ssn-progression", reference: "RFC 9260 §6.5, RFC 6525 §5.2.2", severity: .error,
        summary: "ordered messages on a stream carry SSNs 0, 1, 2 … (restarting at 0 after a stream reset)")
    static let sackBeyondSent = ReplayRule(
        id: "SCTP.sack-beyond-sent", reference: "RFC 9260 §3.3.4, §6.2", severity: .error,
        summary: "a SACK acknowledges no TSN beyond the highest the peer sent")
    static let sackOrder = ReplayRule(
        id: "SCTP.sack-order", reference: "RFC 9260 §6.2.1", severity: .warning,
        summary: "Cumulative TSN Acks of a direction never go backwards (an older SACK arrived late)")
    static let dcepAckWithoutOpen = ReplayRule(
        id: "DCEP.ack-without-open", reference: "RFC 8832 §5.2, §6", severity: .error,
        summary: "a DATA_CHANNEL_ACK answers a DATA_CHANNEL_OPEN the peer sent on the same stream")
    static let dcepOpenUnacknowledged = ReplayRule(
        id: "DCEP.open-unacknowledged", reference: "RFC 8832 §6", severity: .warning,
        summary: "every DATA_CHANNEL_OPEN is acknowledged on its stream by the capture's end")
    static let dcepStreamParity = ReplayRule(
        id: "DCEP.stream-parity", reference: "RFC 8832 §6", severity: .error,
        summary: "the DTLS client opens channels on even stream identifiers, the server on odd ones")

    /// TSNs remembered per direction to tell retransmissions from new DATA.
    static let memory = 4096

    private struct Direction: Sendable {
        /// The tag packets in this direction must carry (the receiver's Initiate Tag).
        var tag: UInt32?
        /// The Initial TSN announced by this direction's INIT / INIT ACK, until its first DATA.
        var announcedTSN: UInt32?
        var highestTSN: UInt32?
        var recentTSNs = RecentSet<UInt32>(capacity: SCTPAssociationRule.memory)
        /// Next SSN expected per stream.
        var nextSSN: [UInt16: UInt16] = [:]
        /// Whether streams not in `nextSSN` are known to start at SSN 0: the INIT / INIT ACK or a reset
        /// of all streams is in the capture (otherwise it started mid-association).
        var streamsStartAtZero = false
        var highestCumulativeAck: UInt32?

    }

    private struct PendingOpen: Sendable { let direction: FlowDirection; let frame: Int }

    private struct Association: Sendable {
        var directions: [FlowDirection: Direction] = [.aToB: Direction(), .bToA: Direction()]
        var zeroChecksumOffered: [FlowDirection: Bool] = [:]
        /// Open DATA_CHANNEL_OPENs: stream → (direction that sent it, frame).
        var pendingOpens: [UInt16: PendingOpen] = [:]
        var channels: DataChannelLedger
        /// Directions whose ports were judged against the descriptions.
        var portsJudged: Set<FlowDirection> = []

        init(flow: Int) { channels = DataChannelLedger(flow: flow) }

        var zeroChecksumAgreed: Bool { zeroChecksumOffered[.aToB] == true && zeroChecksumOffered[.bToA] == true }
    }

    private var associations: [Int: Association] = [:]
    /// SCTP packets that parsed and were judged.
    public private(set) var packets = 0
    /// The descriptions: each side's a=sctp-port and a=max-message-size, and which side is the DTLS client.
    let signalling: ReplaySignalling
    /// Read once: asked on every packet.
    private let dtlsClient: SessionSide?
    private let maxMessageSizes: [SessionSide: Int]

    public init(signalling: ReplaySignalling = ReplaySignalling()) {
        self.signalling = signalling
        dtlsClient = signalling.dtlsClient
        maxMessageSizes = Dictionary(uniqueKeysWithValues: SessionSide.allCases.compactMap { side in signalling.maxMessageSize(side).map { (side, $0) } })
    }

    /// Every data channel seen, by association flow and stream.
    public var dataChannels: [DataChannelEntry] {
        associations.keys.sorted().flatMap { associations[$0]?.channels.entries ?? [] }
    }

    /// The side sending `direction`, from the DTLS roles and a=setup.
    private func side(_ direction: FlowDirection, clientDirection: FlowDirection?) -> SessionSide? {
        guard let clientDirection, let client = dtlsClient else { return nil }
        return direction == clientDirection ? client : client.other
    }

    /// Judges one decrypted SCTP packet. `clientDirection` is the DTLS client's direction on the flow.
    public mutating func observe(
        _ bytes: [UInt8], frame: Int, flow: Int, direction: FlowDirection, clientDirection: FlowDirection?
    ) -> [ReplayFinding] {
        // Taken out, not copied, so the TSN sets are not duplicated on write.
        var association = associations.removeValue(forKey: flow) ?? Association(flow: flow)
        defer { associations[flow] = association }
        var findings: [ReplayFinding] = []
        let policy: SCTPPacket.ChecksumPolicy = association.zeroChecksumAgreed ? .zeroAllowed : .required
        guard
            let packet = PacketDecoder.decode(
                SCTPCodec.self, bytes, frame: frame, flow: flow, &findings, parse: { bytes throws(SCTPError) in try SCTPPacket.parse(bytes, checksum: policy) })
        else { return findings }
        packets += 1
        func finding(_ rule: ReplayRule, _ detail: String) {
            findings.append(ReplayFinding(rule, frame: frame, flow: flow, detail))
        }
        if let sender = side(direction, clientDirection: clientDirection), association.portsJudged.insert(direction).inserted {
            checkPorts(packet, sender: sender, finding)
        }
        checkTag(packet, direction: direction, &association, finding)
        for chunk in packet.chunks {
            switch chunk {
            case .initiation(let initiation), .initiationAck(let initiation):
                // The receiver of this chunk puts its Initiate Tag on everything it sends (§8.5).
                association.directions[direction.reversed, default: Direction()].tag = initiation.initiateTag
                if case .initiation = chunk {
                    // A new association: forget what the old one said in both directions.
                    association.directions[direction] = Direction()
                    association.directions[direction.reversed] = Direction(tag: initiation.initiateTag)
                    association.pendingOpens = [:]
                    association.channels.associationEnded("association restarted (INIT)")
                    association.zeroChecksumOffered = [:]
                }
                association.directions[direction, default: Direction()].announcedTSN = initiation.initialTSN
                association.directions[direction, default: Direction()].streamsStartAtZero = true
                association.zeroChecksumOffered[direction] = initiation.parameters.elements.contains {
                    if case .zeroChecksumAcceptable = $0 { true } else { false }
                }
            case .data(let data):
                observeData(data, direction: direction, clientDirection: clientDirection, &association, finding, frame: frame)
            case .abort:
                association.channels.associationEnded("association aborted by \(direction.rawValue)")
            case .shutdown:
                association.channels.associationEnded("association shut down by \(direction.rawValue)")
            case .selectiveAck(let sack):
                observeSACK(sack, direction: direction, &association, finding)
            case .reconfig(let reconfig):
                // RFC 6525 §5.2.2: a reset outgoing stream starts again at SSN 0; all streams when none are listed.
                for case .outgoingSSNResetRequest(let request) in reconfig.parameters.elements {
                    association.channels.reset(streams: request.streams, direction: direction)
                    if request.streams.isEmpty {
                        association.directions[direction, default: Direction()].nextSSN = [:]
                        association.directions[direction, default: Direction()].streamsStartAtZero = true
                    } else {
                        for stream in request.streams { association.directions[direction, default: Direction()].nextSSN[stream] = 0 }
                    }
                }
            default:
                continue
            }
        }
        return findings
    }

    /// Ends the capture: channels opened and never acknowledged.
    public mutating func finish() -> [ReplayFinding] {
        var findings: [ReplayFinding] = []
        for flow in associations.keys.sorted() {
            for (stream, open) in associations[flow]?.pendingOpens.sorted(by: { $0.key < $1.key }) ?? [] {
                findings.append(
                    ReplayFinding(Self.dcepOpenUnacknowledged, frame: open.frame, flow: flow, "DATA_CHANNEL_OPEN on stream \(stream) never acknowledged"))
            }
        }
        return findings
    }

    // MARK: Rules

    /// RFC 8841 §5: the SCTP port is the sender's a=sctp-port; the destination its peer's.
    private func checkPorts(_ packet: SCTPPacket, sender: SessionSide, _ finding: (ReplayRule, String) -> Void) {
        let expected = (signalling.sctpPort(sender), signalling.sctpPort(sender.other))
        if let source = expected.0, packet.sourcePort != source {
            finding(Self.portSignalled, "the \(sender.rawValue) sends from SCTP port \(packet.sourcePort); its a=sctp-port is \(source)")
        }
        if let destination = expected.1, packet.destinationPort != destination {
            finding(Self.portSignalled, "the \(sender.rawValue) sends to SCTP port \(packet.destinationPort); the \(sender.other.rawValue)'s a=sctp-port is \(destination)")
        }
    }

    /// RFC 8841 §6: the receiver's a=max-message-size bounds what may be sent to it (0: no limit).
    private func checkMessageSize(
        _ size: Int, stream: UInt16, direction: FlowDirection, clientDirection: FlowDirection?, _ finding: (ReplayRule, String) -> Void
    ) {
        guard let sender = side(direction, clientDirection: clientDirection), let limit = maxMessageSizes[sender.other],
            limit > 0, size > limit
        else { return }
        finding(Self.maxMessageSize, "stream \(stream): the \(sender.rawValue) sends a \(size)-byte message; the \(sender.other.rawValue)'s a=max-message-size is \(limit)")
    }

    private func checkTag(_ packet: SCTPPacket, direction: FlowDirection, _ association: inout Association, _ finding: (ReplayRule, String) -> Void) {
        let tag = packet.verificationTag
        // INIT: the codec already requires tag 0 (§8.5.1 (A)).
        if packet.chunks.contains(where: { if case .initiation = $0 { true } else { false } }) { return }
        // §8.5.1 (B), (C): with the T bit, ABORT and SHUTDOWN COMPLETE carry the sender's own tag, the one
        // the other direction uses.
        let reflected = packet.chunks.contains {
            switch $0 {
            case .abort(let abort): abort.reflectedTag
            case .shutdownComplete(let complete): complete.reflectedTag
            default: false
            }
        }
        let side = reflected ? direction.reversed : direction
        guard let expected = association.directions[side]?.tag else {
            association.directions[side, default: Direction()].tag = tag
            return
        }
        if tag != expected {
            finding(Self.verificationTag, "verification tag 0x\(String(tag, radix: 16)), expected 0x\(String(expected, radix: 16))\(reflected ? " (T bit set)" : "")")
        }
    }

    private func observeData(
        _ data: DataChunk, direction: FlowDirection, clientDirection: FlowDirection?, _ association: inout Association,
        _ finding: (ReplayRule, String) -> Void, frame: Int
    ) {
        var state = association.directions.removeValue(forKey: direction) ?? Direction()
        defer { association.directions[direction] = state }
        let tsn = data.tsn
        // A retransmission: already judged when it was new.
        if state.recentTSNs.contains(tsn) { return }
        if let highest = state.highestTSN, Int32(bitPattern: tsn &- highest) <= 0 { return }
        if let announced = state.announcedTSN, state.highestTSN == nil, tsn != announced {
            finding(Self.initialTSN, "first DATA has TSN \(tsn), the Initial TSN announced was \(announced)")
        } else if let highest = state.highestTSN, tsn != highest &+ 1 {
            finding(Self.tsnGap, "TSN jumps from \(highest) to \(tsn)")
            // The lost DATA may have begun messages: every stream's SSN is unknown until seen again.
            state.nextSSN = [:]
            state.streamsStartAtZero = false
        }
        state.announcedTSN = nil
        state.highestTSN = tsn
        state.recentTSNs.insert(tsn)
        if !data.flags.contains(.unordered), data.flags.contains(.beginning) {
            let stream = data.streamIdentifier
            let expected = state.nextSSN[stream] ?? (state.streamsStartAtZero ? 0 : nil)
            if let expected, data.streamSequenceNumber != expected {
                finding(Self.ssnProgression, "stream \(stream): SSN \(data.streamSequenceNumber), expected \(expected)")
            }
            state.nextSSN[stream] = data.streamSequenceNumber &+ 1
        }
        guard data.payloadProtocol == .dcep else {
            if let size = association.channels.data(data, direction: direction) {
                checkMessageSize(size, stream: data.streamIdentifier, direction: direction, clientDirection: clientDirection, finding)
            }
            return
        }
        guard data.flags.contains(.complete) else { return }
        var findings: [ReplayFinding] = []
        let strict = PacketDecoder.decode(DCEPCodec.self, Array(data.userData), frame: frame, flow: -1, &findings)
        for found in findings { finding(found.rule, found.detail) }
        // DESIGN §1.7: the checker reports a deviation the engine tolerates (Tolerance.all, such as Pion's
        // 4-byte ACK) under its rule, just above, and then follows the session as the engine does, so the
        // OPEN it answers is not also reported as unanswered.
        guard let message = strict ?? (try? DCEPMessage.parse(data.userData, mode: .tolerant))?.value else { return }
        let stream = data.streamIdentifier
        switch message {
        case .open:
            if let clientDirection {
                let fromClient = direction == clientDirection
                if (stream % 2 == 0) != fromClient {
                    finding(Self.dcepStreamParity, "the DTLS \(fromClient ? "client" : "server") opens a channel on stream \(stream)")
                }
            }
            association.pendingOpens[stream] = PendingOpen(direction: direction, frame: frame)
            if case .open(let open) = message { association.channels.open(open, stream: stream, direction: direction) }
        case .ack:
            if let open = association.pendingOpens[stream], open.direction == direction.reversed {
                association.pendingOpens[stream] = nil
                association.channels.acknowledge(stream: stream)
            } else {
                finding(Self.dcepAckWithoutOpen, "DATA_CHANNEL_ACK on stream \(stream) answers no DATA_CHANNEL_OPEN from the peer")
            }
        case .unknown:
            break
        }
    }

    private func observeSACK(
        _ sack: SelectiveAckChunk, direction: FlowDirection, _ association: inout Association, _ finding: (ReplayRule, String) -> Void
    ) {
        let acknowledged = sack.cumulativeTSNAck
        let peer = association.directions[direction.reversed]
        // The highest TSN acknowledged, gap blocks included (offsets from the cumulative ack, §3.3.4).
        let highestAcked = sack.gapAckBlocks.map { acknowledged &+ UInt32($0.end) }.max { Int32(bitPattern: $0 &- $1) < 0 } ?? acknowledged
        if let sent = peer?.highestTSN, Int32(bitPattern: highestAcked &- sent) > 0 {
            finding(Self.sackBeyondSent, "SACK acknowledges up to TSN \(highestAcked); the peer sent up to \(sent)")
        }
        var state = association.directions.removeValue(forKey: direction) ?? Direction()
        if let previous = state.highestCumulativeAck, Int32(bitPattern: acknowledged &- previous) < 0 {
            finding(Self.sackOrder, "Cumulative TSN Ack \(acknowledged) after \(previous)")
        } else {
            state.highestCumulativeAck = acknowledged
        }
        association.directions[direction] = state
    }
}
