/// How a codec reads a deviation that ``Tolerance/all`` lists (DESIGN §1.7: tolerant engine, strict checker).
public enum ParseMode: Hashable, Sendable {
    /// Every rule is enforced: what `crucible decode`, `crucible replay`, the tour and the fuzz oracles use,
    /// and what ``WireCodec/parse(_:)`` does.
    case strict
    /// A deviation ``Tolerance/all`` lists is accepted and reported with the value; anything else is
    /// refused exactly as in `.strict`. What the engine uses for bytes from a peer.
    case tolerant
}

/// One deviation from a specification that real peers send and that the engine accepts: who sends it,
/// what the bytes look like, the rule they break and why accepting them is safe.
///
/// A tolerance is never about security: fingerprints, message integrity, authentication tags and
/// verification tags stay strict in every mode. The strict parse of the same bytes throws the
/// ``CodecError`` of ``rule``, so `crucible decode` and `crucible replay` report them as a finding.
public struct Tolerance: Hashable, Sendable, Identifiable, CustomStringConvertible {
    /// The rule broken, as its codec's ``ProtocolRule/id`` names it (`DCEP.ack-length`).
    public let rule: String
    /// Where the rule is written (the rule's ``ProtocolRule/reference``).
    public let reference: String
    /// Who was seen sending the deviation.
    public let peers: String
    /// What the bytes look like.
    public let bytes: String
    /// What the tolerant parse makes of them.
    public let reading: String
    /// Why reading them that way is unambiguous and safe.
    public let safety: String

    public var id: String { rule }

    public var description: String { "\(rule) (\(reference)), sent by \(peers)" }
}

/// A deviation a tolerant parse accepted in one message: which tolerance, and where.
public struct ToleratedDeviation: Hashable, Sendable, CustomStringConvertible {
    public let tolerance: Tolerance
    /// The byte offset (or line, for line-oriented protocols) the strict parse would have reported.
    public let offset: Int
    /// What exactly deviated, as the strict parse's error says it.
    public let detail: String

    public init(_ tolerance: Tolerance, at offset: Int, _ detail: String) {
        self.tolerance = tolerance
        self.offset = offset
        self.detail = detail
    }

    public var description: String { "tolerated \(tolerance.rule) (\(tolerance.reference)) at \(offset): \(detail)" }
}

/// What a parse in a given ``ParseMode`` gives: the value and the deviations it accepted to get it (none
/// for conformant input, and always none in `.strict`).
public struct Tolerated<Value> {
    public var value: Value
    public var deviations: [ToleratedDeviation]

    public init(_ value: Value, deviations: [ToleratedDeviation] = []) {
        self.value = value
        self.deviations = deviations
    }
}

extension Tolerated: Sendable where Value: Sendable {}
extension Tolerated: Equatable where Value: Equatable {}
extension Tolerated: Hashable where Value: Hashable {}

/// The deviations of one parse, kept by the codec as it reads: the single place where a codec decides
/// between throwing a rule and tolerating it.
public struct DeviationLog: Sendable {
    public let mode: ParseMode
    public private(set) var deviations: [ToleratedDeviation] = []

    public init(_ mode: ParseMode) { self.mode = mode }

    /// Throws `error` in `.strict` mode; records it as `tolerance` in `.tolerant` mode.
    ///
    /// `tolerance` must be the entry of ``Tolerance/all`` for `error`'s rule (checked in debug builds):
    /// a codec tolerates only what the table lists.
    public mutating func tolerate<Rule: ProtocolRule>(_ tolerance: Tolerance, _ error: CodecError<Rule>) throws(CodecError<Rule>) {
        assert(tolerance.rule == error.rule.id && Tolerance.all.contains(tolerance), "\(tolerance.rule) is not in Tolerance.all for \(error.rule.id)")
        guard mode == .tolerant else { throw error }
        deviations.append(ToleratedDeviation(tolerance, at: error.offset, error.detail))
    }
}

extension Tolerance {
    /// Every tolerance of the engine, one row each (README "Tolerances" shows the same table).
    public static let all: [Tolerance] = [dcepAckTrailingBytes, sdpFeedbackTrailingSpace]

    /// Pion v3 ends some `a=rtcp-fb` lines with a space.
    public static let sdpFeedbackTrailingSpace = Tolerance(
        rule: "SDP.rtcp-fb", reference: "RFC 4585 §4.2",
        peers: "Pion v3 (pion/sdp writes a=rtcp-fb:<pt> transport-cc with a trailing space)",
        bytes: "`a=rtcp-fb:111 transport-cc ` (one SP after the feedback type, no parameter)",
        reading: "the same feedback with the trailing spaces dropped",
        safety: "trailing spaces carry no value: the feedback type is the same token either way, and rtcp-fb "
            + "only asks for feedback messages; no key, fingerprint or identity is involved")

    /// Pion v3 acknowledges DATA_CHANNEL_OPEN with four bytes.
    public static let dcepAckTrailingBytes = Tolerance(
        rule: "DCEP.ack-length", reference: "RFC 8832 §5.2",
        peers: "Pion v3 (pion/datachannel ChannelAck.Marshal)",
        bytes: "02 00 00 00: the ACK's message type followed by 3 bytes",
        reading: "DATA_CHANNEL_ACK; the bytes after the message type are ignored",
        safety: """
            The first byte is the message type (RFC 8832 §5), and 0x02 names only DATA_CHANNEL_ACK, which has no \
            fields: nothing after it can change what the message means. It still completes only an OPEN we sent on \
            that stream, and DCEP rides inside DTLS, after SCTP's verification tag and checksum are checked.
            """)
}
