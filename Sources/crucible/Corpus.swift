import ArgumentParser
import Conformance
import Foundation
import Wire

/// `crucible corpus extract <protocol>`: capture messages into `Corpus/<protocol>/`.
struct Corpus: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Look after fuzz corpora.", subcommands: [Extract.self])

    struct Extract: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write one seed per distinct message shape found in the shared captures into Corpus/<protocol>/.")

        @Argument(help: "The protocol whose messages to extract.")
        var protocolName: String

        @Option(help: "The shared folder with captures/ (default: ../shared beside the repository).")
        var shared: String?

        @Option(help: "The repository root holding Corpus/ (default: the current directory).")
        var repository: String = FileManager.default.currentDirectoryPath

        func validate() throws {
            guard ProtocolCatalog.entry(named: protocolName) != nil, ProtocolCatalog.readsCaptures(protocolName) else {
                throw ValidationError("no capture extraction for '\(protocolName)'")
            }
        }

        func run() throws {
            let entry = ProtocolCatalog.entry(named: protocolName)!
            let folder = try shared.map { SharedFolder(root: URL(fileURLWithPath: $0)) } ?? SharedFolder.locate(from: repository)
            let seeds = try CorpusExtraction.seeds(for: entry, shared: folder)
            let target = URL(fileURLWithPath: repository).appendingPathComponent("Corpus").appendingPathComponent(protocolName)
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            for seed in seeds {
                try Data(seed.bytes).write(to: target.appendingPathComponent(seed.fileName))
                print("Corpus/\(protocolName)/\(seed.fileName)  \(seed.bytes.count) bytes")
            }
            print("\(seeds.count) seeds written")
        }
    }
}
