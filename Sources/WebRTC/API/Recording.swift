import Foundation

/// Where a session is recorded (DESIGN §1.6): `<directory>/<name>.pcapng`, the DTLS key log
/// `<directory>/<name>.keys`, and each offer and answer applied, `<directory>/<name>.offer.sdp` and
/// `<name>.answer.sdp` (renegotiations `<name>.offer-2.sdp` …). `crucible replay` reads them all by name.
public struct Recording: Hashable, Sendable {
    public var directory: String
    public var name: String

    public init(directory: String, name: String) {
        self.directory = directory
        self.name = name
    }

    public var capturePath: String { "\(directory)/\(name).pcapng" }
    public var keyLogPath: String { "\(directory)/\(name).keys" }

    /// The file of the `generation`-th offer (or answer) applied, counting from 1.
    public func descriptionPath(_ type: SessionDescriptionType, generation: Int) -> String {
        "\(directory)/\(name).\(type.rawValue)\(generation > 1 ? "-\(generation)" : "").sdp"
    }
}

extension Recording {
    /// The recording a capture file belongs to: `<directory>/<name>.pcapng` (or `.pcap`); nil for another name.
    public init?(capturePath: String) {
        let url = URL(fileURLWithPath: capturePath)
        guard ["pcapng", "pcap"].contains(url.pathExtension) else { return nil }
        self.init(directory: url.deletingLastPathComponent().path, name: url.deletingPathExtension().lastPathComponent)
    }

    /// The offers and answers recorded, in signalling order (offer, answer, then each renegotiation's),
    /// as far as their files exist.
    public var recordedDescriptions: [(type: SessionDescriptionType, path: String)] {
        var found: [(SessionDescriptionType, String)] = []
        for generation in 1... {
            let files = [SessionDescriptionType.offer, .answer].map { ($0, descriptionPath($0, generation: generation)) }
                .filter { FileManager.default.fileExists(atPath: $0.1) }
            guard !files.isEmpty else { break }
            found += files
        }
        return found
    }
}
