import ArgumentParser
import Conformance
import Foundation
import Wire

/// `crucible decode <protocol> (--hex HEX | --file PATH) [--json] [--password P]`.
///
/// Exit codes: 0 when the input parses, round-trips and passes every requested check; 1 when it does
/// not (the error, with its offset or line and rule, on stderr); 2 on a usage error.
struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse one message, print its structure, and check that it round-trips.",
        discussion: "Protocols: \(ProtocolCatalog.entries.map(\.name).joined(separator: ", ")).")

    @Argument(help: "The protocol to decode as.")
    var protocolName: String

    @Option(name: .customLong("hex"), help: "The message as hex digits (spaces and colons allowed).")
    var hex: String?

    @Option(name: .customLong("file"), help: "A file holding the raw message (text for SDP).")
    var file: String?

    @Flag(help: "Print JSON instead of indented text.")
    var json = false

    @Option(help: "Verify STUN integrity with this password (short-term, or long-term with USERNAME and REALM).")
    var password: String?

    func validate() throws {
        guard ProtocolCatalog.entry(named: protocolName) != nil else {
            throw ValidationError("unknown protocol '\(protocolName)'; known: \(ProtocolCatalog.entries.map(\.name).joined(separator: ", "))")
        }
        guard (hex == nil) != (file == nil) else { throw ValidationError("give exactly one of --hex and --file") }
    }

    func run() throws {
        let entry = ProtocolCatalog.entry(named: protocolName)!
        let bytes: [UInt8]
        if let hex {
            do { bytes = try Hex.decode(hex) } catch { throw ValidationError("--hex: \(error)") }
        } else {
            guard let data = FileManager.default.contents(atPath: file!) else {
                throw ValidationError("--file: cannot read \(file!)")
            }
            bytes = Array(data)
        }

        switch entry.inspect(bytes, options: InspectionOptions(password: password)) {
        case .failure(let failure):
            if json {
                print(Structure.fields([
                    "protocol": .text(entry.name), "parsed": .flag(false), "roundTrip": .flag(false),
                    "error": .text(failure.description),
                ]).renderJSON())
            }
            FileHandle.standardError.write(Data("crucible decode \(entry.name): \(failure.description)\n".utf8))
            throw ExitCode(1)
        case .success(let inspection):
            let checks = inspection.checks.map {
                Structure.Field($0.name, .fields(["passed": .flag($0.passed), "detail": .text($0.detail)]))
            }
            if json {
                print(Structure.fields([
                    "protocol": .text(entry.name), "parsed": .flag(true), "roundTrip": .flag(inspection.roundTrip),
                    "checks": .record(checks), "message": inspection.structure,
                ]).renderJSON())
            } else {
                print(inspection.structure.renderText())
                print("round trip: \(inspection.roundTrip ? "byte-exact" : "DIFFERS")")
                for check in inspection.checks { print("\(check.name): \(check.passed ? "ok" : "FAILED") — \(check.detail)") }
            }
            if !inspection.isClean {
                let reasons = (inspection.roundTrip ? [] : ["re-serialising does not give back the input"])
                    + inspection.checks.filter { !$0.passed }.map { "\($0.name): \($0.detail)" }
                FileHandle.standardError.write(Data("crucible decode \(entry.name): \(reasons.joined(separator: "; "))\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}
