import Foundation
import Harness
import WebRTC

/// The tour's last part: two engines in this process connect over loopback UDP, open a channel and
/// exchange a message; the handshake timeline, the time to open and the statistics are printed.
enum SessionTour {
    /// Runs the session; returns the lines to print, or throws what failed.
    static func run(record folder: String?) async throws -> [String] {
        let client = WebRTCClient(engine: .native)
        let origin = ContinuousClock.now
        let recording = folder.map { Recording(directory: $0, name: "engine-engine-loopback") }
        if let folder { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let pair = try await PeerPair.connect(
            client: client, label: "tour",
            configure: { side, configuration in if side == 0 { configuration.recording = recording } },
            clock: { ContinuousClock.now - origin })
        let sent = ContinuousClock.now
        try await pair.offererChannel.send("hello from the tour")
        let received = try await pair.answererChannel.receiveText()
        try await pair.answererChannel.send(received)
        _ = try await pair.offererChannel.receiveText()
        let roundTrip = ContinuousClock.now - sent
        let statistics = try await pair.offerer.statistics()
        await pair.offererChannel.close()
        try await pair.answererChannel.awaitState(.closed)
        await pair.close()

        var lines = ["", "session: two engines over loopback UDP"]
        for milestone in pair.timeline {
            lines.append("  \(milestone.name.padding(toLength: 26, withPad: " ", startingAt: 0)) \(format(milestone.at))")
        }
        if let open = pair.timeline.last { lines.append("  time to open: \(format(open.at)) (aim: under 10 ms)") }
        lines.append("  message round trip: \(format(roundTrip))")
        lines.append("statistics (offerer):")
        for entry in statistics.entries {
            let values = entry.values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            lines.append("  \(entry.type) \(entry.id): \(values)")
        }
        if let recording { lines.append("recorded: \(recording.capturePath) and \(recording.keyLogPath)") }
        lines.append("session: passed")
        return lines
    }

    static func format(_ duration: Duration) -> String { String(format: "%.2f ms", duration.milliseconds) }
}

extension Duration {
    /// The duration in milliseconds, as a double (for the figures the commands print).
    var milliseconds: Double { Double(components.seconds) * 1_000 + Double(components.attoseconds) / 1e15 }
}
