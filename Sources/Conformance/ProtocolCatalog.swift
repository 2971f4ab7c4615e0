public import Foundation

/// Every protocol Crucible decodes, with the inputs the project knows for each.
public enum ProtocolCatalog {
    public static let entries: [ProtocolEntry] = []

    public static func entry(named name: String) -> ProtocolEntry? { entries.first { $0.name == name } }

    public static func suites(shared: SharedFolder, repositoryRoot: URL) throws -> [ProtocolSuite] { [] }
}
