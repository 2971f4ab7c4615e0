import ArgumentParser
import Conformance
import Foundation

/// `crucible tour`: every vector, corpus seed and capture message through its codec, as a verdict table.
struct Tour: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode every vector, corpus seed and capture message and print a verdict table per protocol.")

    @Option(help: "The shared folder with vectors/ and captures/ (default: ../shared beside the repository, or $CRUCIBLE_SHARED).")
    var shared: String?

    @Option(help: "The repository root holding Corpus/ (default: the current directory).")
    var repository: String = FileManager.default.currentDirectoryPath

    func run() throws {
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
        if report.failed > 0 { throw ExitCode(1) }
    }
}
