import Replay
import SCTP
import Testing

/// The SCTP association and DCEP rules the replay checker applies to decrypted DTLS application data
/// (RFC 9260, RFC 6525, RFC 8832). Each case is a short association with one thing wrong.
@Suite("SCTP association and DCEP rules")
struct SCTPAssociationRuleTests {
    static let clientTag: UInt32 = 0xA1A1_A1A1
    static let serverTag: UInt32 = 0xB2B2_B2B2
    static let clientTSN: UInt32 = 1000
    static let serverTSN: UInt32 = 5000

    /// One SCTP packet and the direction it went (a→b is the DTLS client's direction).
    struct Sent {
        var direction: FlowDirection
        var packet: SCTPPacket
    }

    static func packet(_ direction: FlowDirection, tag: UInt32, _ chunks: [SCTPChunk], checksum: SCTPPacket.ChecksumField = .crc32c) -> Sent {
        Sent(direction: direction, packet: SCTPPacket(sourcePort: 5000, destinationPort: 5000, verificationTag: tag, checksum: checksum, chunks: chunks))
    }

    static func data(_ tsn: UInt32, stream: UInt16, ssn: UInt16, _ ppid: PayloadProtocolIdentifier, _ bytes: [UInt8], flags: DataChunkFlags = .complete) -> SCTPChunk {
        .data(DataChunk(flags: flags, tsn: tsn, streamIdentifier: stream, streamSequenceNumber: ssn, payloadProtocol: ppid, userData: bytes[...]))
    }

    static let open = DCEPMessage.open(DataChannelOpen(channelType: .reliable, label: "chat")).serialize()
    static let ack = DCEPMessage.ack.serialize()

    static func handshake(zeroChecksum: Bool = false) -> [Sent] {
        let parameters: [SCTPParameter] = zeroChecksum ? [.zeroChecksumAcceptable(edmid: 1)] : []
        return [
            packet(.aToB, tag: 0, [.initiation(InitChunk(initiateTag: clientTag, advertisedReceiverWindowCredit: 1 << 20, outboundStreams: 16, inboundStreams: 16, initialTSN: clientTSN, parameters: .init(parameters)))]),
            packet(.bToA, tag: clientTag, [.initiationAck(InitChunk(initiateTag: serverTag, advertisedReceiverWindowCredit: 1 << 20, outboundStreams: 16, inboundStreams: 16, initialTSN: serverTSN, parameters: .init([.stateCookie([1, 2, 3, 4])] + parameters)))]),
            packet(.aToB, tag: serverTag, [.cookieEcho(CookieEchoChunk(cookie: [1, 2, 3, 4]))]),
            packet(.bToA, tag: clientTag, [.cookieAck(EmptyChunk())]),
        ]
    }

    /// A clean session: the client opens channel 0, the server acknowledges, text both ways, SACKs.
    static var session: [Sent] {
        handshake() + [
            packet(.aToB, tag: serverTag, [data(clientTSN, stream: 0, ssn: 0, .dcep, open)]),
            packet(.bToA, tag: clientTag, [.selectiveAck(SelectiveAckChunk(cumulativeTSNAck: clientTSN, advertisedReceiverWindowCredit: 1 << 20)), data(serverTSN, stream: 0, ssn: 0, .dcep, ack)]),
            packet(.aToB, tag: serverTag, [data(clientTSN + 1, stream: 0, ssn: 1, .string, Array("hello".utf8))]),
            packet(.bToA, tag: clientTag, [data(serverTSN + 1, stream: 0, ssn: 1, .string, Array("hi".utf8))]),
            packet(.aToB, tag: serverTag, [.selectiveAck(SelectiveAckChunk(cumulativeTSNAck: serverTSN + 1, advertisedReceiverWindowCredit: 1 << 20))]),
        ]
    }

    static func judge(_ sent: [Sent]) -> [String: Int] {
        var rule = SCTPAssociationRule()
        var findings: [ReplayFinding] = []
        for (index, item) in sent.enumerated() {
            findings += rule.observe(item.packet.serialize(), frame: index + 1, flow: 0, direction: item.direction, clientDirection: .aToB)
        }
        findings += rule.finish()
        return findings.reduce(into: [:]) { $0[$1.rule.id, default: 0] += 1 }
    }

    @Test("A clean association with a DCEP open, its ack and data both ways breaks nothing")
    func cleanSession() {
        #expect(Self.judge(Self.session) == [:])
    }

    @Test("Every verification-tag mistake is caught", arguments: [
        ("wrong tag after the handshake", 4, UInt32(0xDEAD)),
        ("the client using its own tag", 6, clientTag),
    ])
    func verificationTag(_ name: String, index: Int, tag: UInt32) {
        var sent = Self.session
        sent[index].packet.verificationTag = tag
        #expect(Self.judge(sent)["SCTP.verification-tag"] == 1, "\(name)")
    }

    @Test("ABORT with the T bit carries the sender's own tag, and that is correct")
    func reflectedAbort() {
        let sent = Self.session + [Self.packet(.aToB, tag: Self.clientTag, [.abort(AbortChunk(reflectedTag: true, causes: []))])]
        #expect(Self.judge(sent) == [:])
    }

    @Test("The first DATA must carry the Initial TSN the INIT announced")
    func initialTSN() {
        var sent = Self.session
        sent[4] = Self.packet(.aToB, tag: Self.serverTag, [Self.data(Self.clientTSN + 7, stream: 0, ssn: 0, .dcep, Self.open)])
        #expect(Self.judge(sent)["SCTP.initial-tsn"] == 1)
    }

    @Test("A TSN gap is a warning, and the SSN check resynchronises after it instead of crying wolf")
    func tsnGap() {
        var sent = Self.session
        sent[6] = Self.packet(.aToB, tag: Self.serverTag, [Self.data(Self.clientTSN + 3, stream: 0, ssn: 3, .string, [1])])
        #expect(Self.judge(sent) == ["SCTP.tsn-gap": 1])
    }

    @Test("A skipped SSN with consecutive TSNs breaks SCTP.ssn-progression; a retransmission does not")
    func ssnProgression() {
        var skipped = Self.session
        skipped[6] = Self.packet(.aToB, tag: Self.serverTag, [Self.data(Self.clientTSN + 1, stream: 0, ssn: 2, .string, [1])])
        #expect(Self.judge(skipped) == ["SCTP.ssn-progression": 1])
        let retransmitted = Self.session + [Self.session[6]]
        #expect(Self.judge(retransmitted) == [:])
    }

    @Test("After an outgoing stream reset, the stream starts again at SSN 0 (RFC 6525 §5.2.2)")
    func streamReset() {
        let reset = SCTPChunk.reconfig(ReconfigChunk(parameters: [.outgoingSSNResetRequest(OutgoingSSNResetRequest(requestSequenceNumber: 1, responseSequenceNumber: 0, senderLastAssignedTSN: Self.clientTSN + 1, streams: [0]))]))
        let sent = Self.session + [
            Self.packet(.aToB, tag: Self.serverTag, [reset]),
            Self.packet(.aToB, tag: Self.serverTag, [Self.data(Self.clientTSN + 2, stream: 0, ssn: 0, .string, [1])]),
        ]
        #expect(Self.judge(sent) == [:])
        var wrong = sent
        wrong[wrong.count - 1] = Self.packet(.aToB, tag: Self.serverTag, [Self.data(Self.clientTSN + 2, stream: 0, ssn: 2, .string, [1])])
        #expect(Self.judge(wrong) == ["SCTP.ssn-progression": 1])
    }

    @Test("A SACK for a TSN the peer never sent breaks SCTP.sack-beyond-sent; an older SACK arriving late is a warning")
    func sacks() {
        var beyond = Self.session
        beyond[8] = Self.packet(.aToB, tag: Self.serverTag, [.selectiveAck(SelectiveAckChunk(cumulativeTSNAck: Self.serverTSN + 1, advertisedReceiverWindowCredit: 1, gapAckBlocks: [GapAckBlock(start: 2, end: 4)]))])
        #expect(Self.judge(beyond) == ["SCTP.sack-beyond-sent": 1])
        let late = Self.session + [Self.packet(.aToB, tag: Self.serverTag, [.selectiveAck(SelectiveAckChunk(cumulativeTSNAck: Self.serverTSN, advertisedReceiverWindowCredit: 1))])]
        #expect(Self.judge(late) == ["SCTP.sack-order": 1])
    }

    @Test("DCEP: an ACK nobody asked for, an OPEN never answered, and the wrong stream parity are each caught")
    func dcep() {
        var unanswered = Self.session
        unanswered[5] = Self.packet(.bToA, tag: Self.clientTag, [.selectiveAck(SelectiveAckChunk(cumulativeTSNAck: Self.clientTSN, advertisedReceiverWindowCredit: 1 << 20))])
        unanswered.removeLast(2)
        #expect(Self.judge(unanswered) == ["DCEP.open-unacknowledged": 1])

        let stray = Self.session + [Self.packet(.bToA, tag: Self.clientTag, [Self.data(Self.serverTSN + 2, stream: 2, ssn: 0, .dcep, Self.ack)])]
        #expect(Self.judge(stray) == ["DCEP.ack-without-open": 1])

        var odd = Self.session
        odd[4] = Self.packet(.aToB, tag: Self.serverTag, [Self.data(Self.clientTSN, stream: 1, ssn: 0, .dcep, Self.open)])
        #expect(Self.judge(odd)["DCEP.stream-parity"] == 1)
    }

    @Test("A malformed DCEP message is reported under the DCEP codec's rule")
    func malformedDCEP() {
        var sent = Self.session
        sent[4] = Self.packet(.aToB, tag: Self.serverTag, [Self.data(Self.clientTSN, stream: 0, ssn: 0, .dcep, [0x03, 0x00])])
        #expect(Self.judge(sent).keys.contains { $0.hasPrefix("DCEP.") && $0 != "DCEP.open-unacknowledged" })
    }

    @Test("Pion's 4-byte DATA_CHANNEL_ACK, which the engine tolerates, is still reported under DCEP.ack-length, and only that")
    func pionAck() {
        var sent = Self.session
        sent[5] = Self.packet(.bToA, tag: Self.clientTag, [
            .selectiveAck(SelectiveAckChunk(cumulativeTSNAck: Self.clientTSN, advertisedReceiverWindowCredit: 1 << 20)),
            Self.data(Self.serverTSN, stream: 0, ssn: 0, .dcep, [0x02, 0x00, 0x00, 0x00]),
        ])
        // The checker flags the rule and then follows the session as the engine does: the ACK answers the
        // OPEN, so no DCEP.open-unacknowledged on top (DESIGN §1.7).
        #expect(Self.judge(sent) == ["DCEP.ack-length": 1])
    }

    @Test("A zero checksum passes once both INIT and INIT ACK offered it (RFC 9653), and fails otherwise")
    func zeroChecksum() {
        let zeroData = Self.packet(.aToB, tag: Self.serverTag, [Self.data(Self.clientTSN, stream: 0, ssn: 0, .string, [1])], checksum: .zero)
        #expect(Self.judge(Self.handshake(zeroChecksum: true) + [zeroData]) == [:])
        #expect(Self.judge(Self.handshake() + [zeroData]) == ["SCTP.checksum": 1])
    }
}
