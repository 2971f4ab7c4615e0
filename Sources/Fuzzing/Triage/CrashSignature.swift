/// What identifies one bug among many crashing inputs: where it trapped and what it said (DESIGN §4
/// triage). Two inputs with the same signature are the same bug; the smaller one is kept.
public struct CrashSignature: Codable, Hashable, Sendable, CustomStringConvertible {
    public var kind: FailureKind
    /// The first frame in Crucible's own code, as `function (File.swift:line)`, or the runtime's
    /// `file:line` when no frame of ours was printed.
    public var site: String
    /// The trap or sanitizer message, one line (`Fatal error: Index out of range`,
    /// `AddressSanitizer: heap-buffer-overflow`, an oracle's complaint).
    public var message: String

    public init(kind: FailureKind, site: String, message: String) {
        self.kind = kind
        self.site = site
        self.message = message
    }

    public var description: String { "\(kind.rawValue) at \(site): \(message)" }
}
