import ArgumentParser
import Foundation
import Replay

/// `crucible replay CAPTURE [--json] [--ice-pwd PWD …] [--rtp srtp|plain|automatic] [--rules]`.
///
/// Exit codes: 0 when no rule of error severity is broken, 1 when one is, 2 for unreadable input or a
/// usage error.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Judge a pcap/pcapng capture of a WebRTC session against the RFCs, packet by packet and rule by rule.")

    @Argument(help: "The capture file (pcap or pcapng).")
    var capture: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(name: .customLong("ice-pwd"), help: "An ICE password; MESSAGE-INTEGRITY of Binding messages is verified with it (repeatable).")
    var icePasswords: [String] = []

    @Option(name: .customLong("rtp"), help: "RTP protection: automatic (default), srtp or plain (a decrypted capture).")
    var protection: String = RTPProtection.automatic.rawValue

    @Flag(help: "Print the rule catalogue and exit.")
    var rules = false

    func validate() throws {
        guard RTPProtection(rawValue: protection) != nil else {
            throw ValidationError("--rtp must be one of \(RTPProtection.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard rules || capture != nil else { throw ValidationError("give a capture file (or --rules)") }
    }

    func run() throws {
        if rules {
            for rule in ReplayRules.catalogue { print(rule.description) }
            return
        }
        guard let capture else { throw ExitCode(2) }
        let options = ReplayOptions(icePasswords: icePasswords, protection: RTPProtection(rawValue: protection) ?? .automatic)
        let report: ReplayReport
        do {
            report = try ReplayChecker.check(capturePath: capture, options: options)
        } catch {
            FileHandle.standardError.write(Data("crucible replay: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        print(json ? try report.json() : report.text(), terminator: json ? "\n" : "")
        throw ExitCode(report.exitCode)
    }
}
