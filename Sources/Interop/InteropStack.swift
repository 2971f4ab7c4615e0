public import Foundation

/// A WebRTC implementation the interop matrix can put on either side of a cell (DESIGN §4 "Scenario").
///
/// Crucible runs in process; every other stack is a child process of the project's own that speaks the
/// control protocol of `Scripts/interop/CONTROL.md`, installed by `Scripts/bootstrap`.
public enum InteropStack: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    case crucible
    case aiortc
    case chromium
    case pion

    public var description: String { rawValue }

    /// True for the stacks whose behaviour is not ours to fix: only they can have documented limitations.
    public var isThirdParty: Bool { self != .crucible }

    /// How to start this stack's control peer, from the repository root; nil for Crucible (in process).
    public func controlCommand(repository: URL) -> (executable: URL, arguments: [String], installHint: String)? {
        let script = { (name: String) in repository.appendingPathComponent("Scripts/interop/\(name)").path }
        switch self {
        case .crucible:
            return nil
        case .aiortc:
            return (repository.appendingPathComponent(".venv-interop/bin/python"), ["-u", script("aiortc_peer.py"), "control"],
                    "run Scripts/bootstrap: it installs aiortc into .venv-interop/")
        case .chromium:
            return (URL(fileURLWithPath: "/usr/bin/python3"), ["-u", script("chromium_peer.py"), "control"],
                    "run Scripts/bootstrap: it installs Debian's chromium")
        case .pion:
            return (repository.appendingPathComponent(".interop/pion-peer"), ["control"],
                    "run Scripts/bootstrap: it installs golang-go and golang-github-pion-webrtc.v3-dev and builds .interop/pion-peer")
        }
    }

    /// Fails with the command that installs this stack's peer when it is missing (the project's rule for
    /// outside peers: a missing peer is an error that says how to install it, never a silent skip).
    public func requireInstalled(repository: URL) throws(InteropError) {
        guard let command = controlCommand(repository: repository) else { return }
        var needed = [command.executable.path]
        if self == .chromium { needed.append("/usr/bin/chromium") }
        for path in needed where !FileManager.default.isExecutableFile(atPath: path) {
            throw InteropError("\(self): \(path) not found: \(command.installHint)")
        }
    }

    /// Parses a comma-separated list such as `crucible,aiortc`.
    public static func list(_ text: String) throws(InteropError) -> [InteropStack] {
        try text.split(separator: ",").map { name throws(InteropError) in
            guard let stack = InteropStack(rawValue: name.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw InteropError("unknown stack \(name.debugDescription): expected some of \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return stack
        }
    }
}

/// What went wrong in an interop session, in words a person can act on.
public struct InteropError: Error, Hashable, Sendable, CustomStringConvertible {
    public let message: String
    /// True when the peer said the stack has no such feature at all (CONTROL.md `unsupported`).
    public let unsupported: Bool

    public init(_ message: String, unsupported: Bool = false) {
        self.message = message
        self.unsupported = unsupported
    }

    public var description: String { message }
}
