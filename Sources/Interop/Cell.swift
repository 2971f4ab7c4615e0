/// One cell of the matrix: a scenario between an offering and an answering stack, and how it went.
public struct Cell: Hashable, Sendable, Codable {
    public enum Verdict: String, Hashable, Sendable, Codable {
        case pass
        case fail
        /// Failed, and a documented limitation of a third-party stack explains it (``Limitation/table``).
        case limitation
    }

    public var scenario: String
    public var offerer: InteropStack
    public var answerer: InteropStack
    public var verdict: Verdict
    /// The scenario's figure (a throughput, a size), when it has one.
    public var figure: String?
    /// From the first createOffer to the first channel open on the offerer's side, in milliseconds.
    public var setupMilliseconds: Int?
    /// Why it failed, or the limitation's reason.
    public var detail: String?
    /// The cell's capture (pcapng, loopback, only this cell's ports) and key log, relative to the output folder.
    public var capture: String?
    public var keyLog: String?
    /// The replay checker's verdict on the capture: "clean", or the rules broken.
    public var replay: ReplayVerdict?
    /// The replay report page, relative to the output folder.
    public var replayReport: String?
    /// The versions of the two stacks as their peers reported them.
    public var offererVersion: String?
    public var answererVersion: String?

    /// A cell before it ran: its scenario and pair, and a verdict the run replaces.
    public init(scenario: String, offerer: InteropStack, answerer: InteropStack, verdict: Verdict) {
        self.scenario = scenario
        self.offerer = offerer
        self.answerer = answerer
        self.verdict = verdict
    }

    /// What `crucible replay` made of a cell's capture.
    public struct ReplayVerdict: Hashable, Sendable, Codable {
        /// Rules of error severity broken, with counts, that no documented tolerance explains.
        public var errors: [String: Int]
        /// Findings that are documented tolerances of a peer's off-spec bytes (they show, but do not fail).
        public var tolerated: [String: Int]
        /// Warnings and notes, with counts.
        public var warnings: [String: Int]
        public var datagrams: Int
        /// Whether DTLS was decrypted (a key log from a Crucible side), so SCTP and DCEP were judged too.
        public var decrypted: Bool

        public var isClean: Bool { errors.isEmpty }

        public var summary: String {
            var parts: [String] = []
            parts.append(errors.isEmpty ? "no error" : "errors: " + Self.list(errors))
            if !tolerated.isEmpty { parts.append("tolerated: " + Self.list(tolerated)) }
            if !warnings.isEmpty { parts.append("warnings: " + Self.list(warnings)) }
            parts.append("\(datagrams) datagrams\(decrypted ? ", decrypted" : "")")
            return parts.joined(separator: "; ")
        }

        static func list(_ counts: [String: Int]) -> String {
            counts.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
        }
    }
}
