import ArgumentParser
import Foundation

/// `crucible`: the command-line front of the project's harnesses.
@main
struct Crucible: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crucible",
        abstract: "A WebRTC stack built to be proven: codecs, conformance runs and harnesses.",
        subcommands: [Tour.self, Decode.self, Fuzz.self, Corpus.self, ReplayCommand.self, Echo.self, InteropCommand.self])

    /// Runs the command, with exit code 2 for usage errors (ArgumentParser's default is 64), so every
    /// subcommand keeps the contract 0 = clean, 1 = the input broke a rule, 2 = the call was wrong.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
