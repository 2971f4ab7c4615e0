import Foundation
import Fuzzing
import Pcap

/// A capture of the loopback interface by Wireshark's `dumpcap` (installed with tshark by
/// `Scripts/bootstrap`) for the length of one cell, so every cell has its capture whichever stacks are in
/// it, Crucible's own recording or not. Capturing needs root or CAP_NET_RAW; without it a cell has no
/// capture and says why.
final class LoopbackCapture: Sendable {
    private let watch: ProcessWatch
    let rawPath: URL

    private init(watch: ProcessWatch, rawPath: URL) {
        self.watch = watch
        self.rawPath = rawPath
    }

    /// Starts `dumpcap -i lo -f udp` writing to `rawPath` and waits until it captures.
    static func start(writingTo rawPath: URL) async throws(InteropError) -> LoopbackCapture {
        let dumpcap = URL(fileURLWithPath: "/usr/bin/dumpcap")
        guard FileManager.default.isExecutableFile(atPath: dumpcap.path) else {
            throw InteropError("dumpcap not found: run Scripts/bootstrap (it installs tshark, which brings dumpcap)")
        }
        let log = rawPath.appendingPathExtension("log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = dumpcap
        process.arguments = ["-q", "-i", "lo", "-f", "udp", "-w", rawPath.path]
        process.standardOutput = FileHandle.nullDevice
        guard let logHandle = try? FileHandle(forWritingTo: log) else { throw InteropError("cannot write \(log.path)") }
        process.standardError = logHandle
        do { try process.runWithSignalsUnblocked() } catch { throw InteropError("cannot start dumpcap: \(error)") }
        try? logHandle.close()
        let watch = ProcessWatch(process)
        defer { try? FileManager.default.removeItem(at: log) }
        let clock = ContinuousClock()
        let end = clock.now + .seconds(10)
        while true {
            let said = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if said.contains("Capturing on") { return LoopbackCapture(watch: watch, rawPath: rawPath) }
            if watch.termination != nil || clock.now > end {
                watch.end(grace: .seconds(1))
                throw InteropError("dumpcap did not start capturing on lo: \(said.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Stops the capture and returns the UDP datagrams to or from `ports`; the raw file is removed.
    func stop(keeping ports: Set<UInt16>) async throws(InteropError) -> [UDPDatagram] {
        let watch = self.watch
        // SIGINT lets dumpcap drain the kernel's buffer and finish the file; only after a long grace is it killed
        // (a killed dumpcap leaves a truncated last block, which the reader refuses).
        _ = await Task.detached { watch.end(signal: SIGINT, grace: .seconds(20)) }.value
        defer { try? FileManager.default.removeItem(at: rawPath) }
        let datagrams: [UDPDatagram]
        do { datagrams = try CaptureReader(path: rawPath.path).udpDatagrams().datagrams } catch {
            throw InteropError("the loopback capture cannot be read: \(error)")
        }
        return datagrams.filter { ports.contains($0.source.port) || ports.contains($0.destination.port) }
    }
}
