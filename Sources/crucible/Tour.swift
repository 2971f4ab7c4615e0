import ArgumentParser
import Conformance
import Foundation

/// `crucible tour`: every vector, corpus seed and capture message through its codec, as a verdict table;
/// then two-engine sessions over loopback: a data channel, then audio and video.
struct Tour: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode every vector, corpus seed and capture message and print a verdict table per protocol; then run two-engine sessions over loopback UDP (a data channel; audio and video).")

    @Option(help: "The shared folder with vectors/ and captures/ (default: ../shared beside the repository, or $CRUCIBLE_SHARED).")
    var shared: String?

    @Option(help: "The repository root holding Corpus/ (default: the current directory).")
    var repository: String = FileManager.default.currentDirectoryPath

    @Option(help: "Record the two-engine session (pcapng and key log) into this folder.")
    var record: String?

    @Flag(help: "Skip the two-engine sessions.")
    var noSession = false

    func run() async throws {
        let sharedFolder: SharedFolder
        if let shared {
            sharedFolder = SharedFolder(root: URL(fileURLWithPath: shared))
        } else {
            do { sharedFolder = try SharedFolder.locate(from: repository) } catch {
                FileHandle.standardError.write(Data("crucible tour: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        let suites = try ProtocolCatalog.suites(shared: sharedFolder, repositoryRoot: URL(fileURLWithPath: repository))
        let report = TourReport(suites: suites)
        print(report.render())
        var failed = report.failed > 0
        if !noSession {
            do {
                for line in try await SessionTour.run(record: record) { print(line) }
            } catch {
                print("session: failed: \(error)")
                failed = true
            }
            do {
                for line in try await MediaTour.run(record: record) { print(line) }
            } catch {
                print("media: failed: \(error)")
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}
