/// The verdict on one capture: its flows and the rules it breaks (DESIGN §4: empty = conformant).
public struct ReplayReport: Hashable, Sendable, Codable {
    /// Per-flow summary.
    public struct FlowSummary: Hashable, Sendable, Codable {
        public let id: Int
        public let a: String
        public let b: String
        /// The outer flow of a TURN-relayed flow.
        public let relayedThrough: Int?
        /// Packets per `PacketKind` raw value.
        public var packets: [String: Int]
        public var firstFrame: Int
        public var lastFrame: Int
        /// Capture times, nanoseconds since the Unix epoch.
        public var firstTime: Int64
        public var lastTime: Int64
        /// What the flow is (WebRTC, a skipped protocol, unrecognised): only WebRTC flows are judged,
        /// unless `--all-udp`.
        public var classification: FlowClass
    }

    /// One place a rule is broken.
    public struct Occurrence: Hashable, Sendable, Codable {
        public let frame: Int
        public let flow: Int?
        public let detail: String
    }

    /// Everything found under one rule.
    public struct RuleFindings: Hashable, Sendable, Codable {
        public let rule: ReplayRule
        public var occurrences: [Occurrence]
        public var count: Int { occurrences.count }
        /// The frames that break the rule, in order, without repeats.
        public var frames: [Int] {
            var seen = Set<Int>()
            return occurrences.map(\.frame).filter { seen.insert($0).inserted }
        }
    }

    /// The capture's path or name.
    public let capture: String
    /// UDP datagrams read, and frames skipped because they carry none (TCP, ARP, fragments…).
    public let udpDatagrams: Int
    public let skippedFrames: Int
    public let flows: [FlowSummary]
    /// Findings grouped by rule: errors first, then warnings, then notes; by rule id within each.
    public let findings: [RuleFindings]
    /// Rule id → how many times it is broken (the verdict in one line).
    public let brokenRules: [String: Int]
    /// The process exit code `crucible replay` uses: 0 when no error-severity rule is broken (warnings
    /// and notes allowed), 1 otherwise. (2, unreadable input, never gets this far.)
    public let exitCode: Int32
    /// What SRTP decryption did, when keys were given.
    public let decryption: DecryptionSummary?
    /// What the media stage judged of clear RTP payloads.
    public let media: MediaSummary
    /// What DTLS decryption did, when a key log was given.
    public let dtls: DTLSDecryptionSummary?
    /// SCTP packets judged (found inside decrypted DTLS).
    public let sctpPackets: Int
    /// What the session carried: data channels, media streams, ICE pairs, DTLS associations.
    public let inventory: SessionInventory
    /// Layers the replay could not look inside, one sentence each with its count: protected records
    /// without a key log, SRTP without keys, payloads without a codec. Not rules broken, but a verdict
    /// over them reads "as far as judged".
    public let unjudged: [String]

    public init(
        capture: String, udpDatagrams: Int, skippedFrames: Int, flows: [FlowSummary], findings: [ReplayFinding],
        decryption: DecryptionSummary? = nil, media: MediaSummary = MediaSummary(), dtls: DTLSDecryptionSummary? = nil,
        sctpPackets: Int = 0, inventory: SessionInventory = SessionInventory(), unjudged: [String] = []
    ) {
        self.unjudged = unjudged
        self.inventory = inventory
        self.dtls = dtls
        self.sctpPackets = sctpPackets
        self.decryption = decryption
        self.media = media
        self.capture = capture
        self.udpDatagrams = udpDatagrams
        self.skippedFrames = skippedFrames
        self.flows = flows
        var groups: [ReplayRule: RuleFindings] = [:]
        for finding in findings {
            groups[finding.rule, default: RuleFindings(rule: finding.rule, occurrences: [])].occurrences.append(
                Occurrence(frame: finding.frame, flow: finding.flow, detail: finding.detail))
        }
        let sorted = groups.values.sorted {
            ($0.rule.severity, $1.rule.id) > ($1.rule.severity, $0.rule.id)
        }
        self.findings = sorted
        self.brokenRules = Dictionary(sorted.map { ($0.rule.id, $0.count) }, uniquingKeysWith: +)
        self.exitCode = sorted.contains { $0.rule.severity == .error } ? 1 : 0
    }

    /// True when some rule of error severity is broken.
    public var hasErrors: Bool { exitCode != 0 }

    /// Whether some layer stayed unjudged: ``unjudged``, or protected records a given key log did not open.
    public var isPartial: Bool { !unjudged.isEmpty || brokenRules[DTLSDecryptionStage.undecrypted.id] != nil }

    /// The verdict in a few words: the same in every report format.
    public var verdict: String {
        if hasErrors {
            let errors = findings.filter { $0.rule.severity == .error }.reduce(0) { $0 + $1.count }
            return "\(errors) error(s) — not conformant"
        }
        if isPartial { return "conformant as far as judged (see what was not judged above)" }
        return findings.isEmpty ? "conformant (no rule broken)" : "conformant (warnings and notes only)"
    }
}
