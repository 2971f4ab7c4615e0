import DTLSRecord
import RTP
import SCTP
import STUN
public import Wire

/// Every rule the replay checker knows, so reports and documentation can print the whole catalogue.
///
/// Later layers (DTLS decryption, SCTP association rules, DCEP, SRTP authentication) add their rules
/// here and a `PacketRule` that reports them; nothing else has to change.
public enum ReplayRules {
    // MARK: Per-packet rules

    /// RFC 7983 §7: a payload outside the STUN, DTLS, TURN channel and RTP ranges.
    public static let unexpectedPacket = ReplayRule(
        id: "Demux.unexpected", reference: "RFC 7983 §7, RFC 9443 §4", severity: .warning,
        summary: "every datagram on a WebRTC 5-tuple is STUN, DTLS, TURN ChannelData, RTP or RTCP")
    /// DESIGN §1.3: accepted bytes re-serialise byte for byte.
    public static let roundTrip = ReplayRule(
        id: "Codec.round-trip", reference: "DESIGN §1.3", severity: .error,
        summary: "a packet the codec accepts re-serialises to the same bytes")

    /// A codec's refusal, under the codec's own rule id and RFC section.
    public static func codecRule<Rule: ProtocolRule>(_ rule: Rule, codec: String) -> ReplayRule {
        ReplayRule(id: rule.id, reference: rule.reference, severity: .error, summary: "\(codec) packets parse (\(rule.id))")
    }

    // MARK: STUN and TURN

    public static let stunTransactionMatch = ReplayRule(
        id: "STUN.transaction-match", reference: "RFC 8489 §6.3", severity: .error,
        summary: "every response answers an earlier request with the same transaction id and method, sent the other way")
    public static let stunUnmatchedResponse = ReplayRule(
        id: "STUN.unmatched-response", reference: "RFC 8489 §6.3", severity: .warning,
        summary: "every response answers a request in the capture (one that starts late misses some)")
    public static let stunRetransmission = ReplayRule(
        id: "STUN.retransmission", reference: "RFC 8489 §6.2.1", severity: .info,
        summary: "a request was retransmitted (same transaction id); the interval is noted")
    public static let stunUnanswered = ReplayRule(
        id: "STUN.unanswered", reference: "RFC 8489 §6.2.1", severity: .info,
        summary: "a request got no response in the capture")
    public static let stunFingerprintPresent = ReplayRule(
        id: "STUN.fingerprint-present", reference: "RFC 8445 §7.1, RFC 7983 §7", severity: .warning,
        summary: "ICE connectivity checks and their responses carry FINGERPRINT")
    public static let stunMessageIntegrity = ReplayRule(
        id: "STUN.message-integrity", reference: "RFC 8489 §14.5, RFC 8445 §7.2.2", severity: .error,
        summary: "MESSAGE-INTEGRITY verifies with one of the known ICE passwords")
    public static let iceCheckAttributes = ReplayRule(
        id: "ICE.check-attributes", reference: "RFC 8445 §7.1, §7.2.2", severity: .error,
        summary: "a connectivity check has PRIORITY, one ICE role attribute, USERNAME and MESSAGE-INTEGRITY; USE-CANDIDATE only when controlling")
    public static let turnChannelBound = ReplayRule(
        id: "TURN.channel-bound", reference: "RFC 8656 §12", severity: .warning,
        summary: "ChannelData uses a channel that a ChannelBind success in the capture bound")

    // MARK: RTP

    public static let rtpSequenceGap = ReplayRule(
        id: "RTP.sequence-gap", reference: "RFC 3550 §A.1", severity: .warning,
        summary: "sequence numbers of an SSRC advance by one (a gap means loss before the capture point)")
    public static let rtpSequenceDuplicate = ReplayRule(
        id: "RTP.sequence-duplicate", reference: "RFC 3550 §A.1", severity: .warning,
        summary: "a sequence number of an SSRC appears once")
    public static let rtpSequenceReorder = ReplayRule(
        id: "RTP.sequence-reorder", reference: "RFC 3550 §A.1", severity: .warning,
        summary: "packets of an SSRC arrive in sequence-number order")
    public static let rtpTimestampMonotonic = ReplayRule(
        id: "RTP.timestamp-monotonic", reference: "RFC 3550 §5.1", severity: .warning,
        summary: "RTP timestamps of an SSRC never go backwards as sequence numbers advance")

    // MARK: DTLS

    public static let dtlsRecordSequence = ReplayRule(
        id: "DTLS.record-sequence", reference: "RFC 6347 §4.1", severity: .error,
        summary: "a record sequence number is never reused within an epoch and direction")
    /// A record repeated byte for byte, number and all: a copy the network or the capture made (RFC 6347
    /// §4.1.2.6: receivers discard such duplicates), not a number the sender reused for new bytes.
    public static let dtlsRecordDuplicate = ReplayRule(
        id: "DTLS.record-duplicate", reference: "RFC 6347 §4.1.2.6", severity: .warning,
        summary: "a record is seen once (a network or a capture may duplicate a datagram; a sender must not)")
    public static let dtlsRecordReorder = ReplayRule(
        id: "DTLS.record-reorder", reference: "RFC 6347 §4.1", severity: .warning,
        summary: "records of an epoch and direction arrive in sequence-number order")
    public static let dtlsHandshakeOrder = ReplayRule(
        id: "DTLS.handshake-order", reference: "RFC 6347 §4.2, RFC 5246 §7.3", severity: .error,
        summary: "plaintext handshake messages follow the DTLS 1.2 flight order")
    public static let dtlsUseSRTPAgreement = ReplayRule(
        id: "DTLS.use-srtp-agreement", reference: "RFC 5764 §4.1.1", severity: .error,
        summary: "the server's use_srtp names exactly one profile the client offered")

    // MARK: Decryption

    /// RFC 3711 §3.3 step 5, §3.4: with the stream's keys, every packet authenticates.
    public static let srtpAuthentication = ReplayRule(
        id: "SRTP.authentication", reference: "RFC 3711 §3.3, §3.4", severity: .error,
        summary: "every SRTP/SRTCP packet of a stream whose keys are given authenticates and decrypts")
    /// RFC 3711 §3.3.2: a packet index seen before is a replay.
    public static let srtpReplay = ReplayRule(
        id: "SRTP.replay", reference: "RFC 3711 §3.3.2", severity: .warning,
        summary: "no SRTP/SRTCP packet is seen twice (a capture may duplicate; a sender must not)")
    /// The clear packet inside a valid SRTP packet is itself valid RTP or RTCP.
    public static let srtpClearPacket = ReplayRule(
        id: "SRTP.clear-packet", reference: "RFC 3711 §3.1, RFC 3550 §5.1, §6.1", severity: .error,
        summary: "what an SRTP/SRTCP packet decrypts to is a valid RTP packet / RTCP compound packet")

    /// The stateful rules, in catalogue order.
    public static let stateful: [ReplayRule] =
        STUNTransactionRule.rules + STUNFingerprintPresenceRule.rules + STUNIntegrityRule.rules + ICECheckRule.rules + ICEConsentRule.rules + [turnChannelBound]
        + RTPSequenceRule.rules + RTCPCompoundRule.rules + RTCPReportRule.rules + DTLSRecordSequenceRule.rules + DTLSHandshakeOrderRule.rules + DTLSUseSRTPRule.rules
        + SRTPDecryptionStage.rules + MediaPayloadStage.rules + DTLSDecryptionStage.rules + SCTPAssociationRule.rules
        + DTLSSignallingRule.rules + RTPSignallingRule.rules + ClassificationRules.rules

    /// Every rule: demultiplexing, round trip, each codec's rules, then the stateful rules.
    public static var catalogue: [ReplayRule] {
        var all = [unexpectedPacket, roundTrip]
        all += STUNRule.allCases.map { codecRule($0, codec: "stun") }
        all += DTLSRule.allCases.map { codecRule($0, codec: "dtls") }
        all += RTPRule.allCases.map { codecRule($0, codec: "rtp") }
        all += OpusRule.allCases.map { codecRule($0, codec: "opus") }
        all += SCTPRule.allCases.map { codecRule($0, codec: "sctp") }
        all += DCEPRule.allCases.map { codecRule($0, codec: "dcep") }
        all += VP8Rule.allCases.map { codecRule($0, codec: "vp8") }
        // The compound rules are never thrown by the parser; RTCPCompoundRule reports them as warnings.
        all += RTCPRule.allCases.filter { !RTCPCompoundRule.checked.contains($0) }.map { codecRule($0, codec: "rtcp") }
        var seen = Set<String>()
        return (all + stateful).filter { seen.insert($0.id).inserted }
    }
}
