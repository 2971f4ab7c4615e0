/// How much a broken rule matters. Only `.error` makes `crucible replay` exit 1.
public enum Severity: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    case info
    case warning
    case error

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// A rule the replay checker judges captures by (DESIGN §4 "Replay rule").
///
/// Codec rules (a packet that does not parse) reuse the codec's own rule id and RFC section; the
/// stateful rules, which look at packets in relation to each other, are declared in `ReplayRules`.
public struct ReplayRule: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Stable id such as `STUN.transaction-match`: what tests, reports and docs refer to.
    public let id: String
    /// The RFC section that states the rule.
    public let reference: String
    public let severity: Severity
    /// One line saying what conformant traffic does.
    public let summary: String

    public init(id: String, reference: String, severity: Severity, summary: String) {
        self.id = id
        self.reference = reference
        self.severity = severity
        self.summary = summary
    }

    public var description: String { "\(id) [\(severity.rawValue)] (\(reference)): \(summary)" }
}

/// One place where a capture breaks a rule.
public struct ReplayFinding: Hashable, Sendable, Codable {
    public let rule: ReplayRule
    /// The frame that shows the problem (1-based, as Wireshark numbers frames).
    public let frame: Int
    /// The flow it happened on, when the problem belongs to one.
    public let flow: Int?
    /// What was seen, in a sentence.
    public let detail: String

    public init(_ rule: ReplayRule, frame: Int, flow: Int?, _ detail: String) {
        self.rule = rule
        self.frame = frame
        self.flow = flow
        self.detail = detail
    }
}

/// A stateful rule: a small sans-IO checker fed every decoded packet in capture order.
public protocol PacketRule: Sendable {
    /// The rules this checker can report (for the catalogue).
    static var rules: [ReplayRule] { get }
    /// Looks at one packet; returns what it breaks.
    mutating func observe(_ packet: DecodedPacket) -> [ReplayFinding]
    /// Called once after the last packet, for rules about what never happened.
    mutating func finish() -> [ReplayFinding]
}

extension PacketRule {
    public mutating func finish() -> [ReplayFinding] { [] }
}
