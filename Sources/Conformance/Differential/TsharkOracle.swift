public import Foundation
import Pcap

/// Wireshark's dissectors as a differential oracle, through tshark (Debian's tshark).
///
/// A batch is one capture: input `i` is the UDP payload of frame `i + 1` (IPv4, RFC 791), each frame
/// between its own pair of addresses so that no conversation state (STUN transactions, RTP streams, SCTP
/// associations) links two inputs. tshark runs once per batch, forced onto the target's dissector, and
/// prints one line of fields per frame (`TsharkDissection`). tshark decodes stun, rtp, rtcp and sctp;
/// SDP it decodes only inside a carrier such as SIP, so SDP is refused as `unsupportedTarget`.
public final class TsharkOracle: DifferentialOracle {
    public let kind = DifferentialOracleKind.tshark
    /// The tshark program used.
    public let executable: URL
    /// Every protocol tshark knows (`tshark -G protocols`, by filter name): all but the carriers and the
    /// target's own are disabled per run, so that no payload dissector (a codec inside RTP, DCEP or S1AP
    /// inside SCTP DATA) adds its own complaints to the verdict on our codec's layer.
    let protocols: [String]

    /// What stays enabled besides the target's dissector: the link, IPv4 and UDP carriers, the raw-bytes
    /// `data` dissector, and Wireshark's own `_ws.*` pseudo-protocols (expert info, malformed markers).
    static func keepsEnabled(_ name: String) -> Bool {
        ["frame", "raw", "ip", "udp", "data"].contains(name) || name.hasPrefix("_ws.")
    }

    /// The largest input one IPv4 UDP datagram carries (RFC 791 total length minus IP and UDP headers).
    static let maxInput = 65_535 - 20 - 8

    /// Finds tshark on PATH (or /usr/bin); fails with `oracleMissing` when it is not installed.
    public init() throws(DifferentialError) {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"
        let candidates = (path.split(separator: ":").map(String.init) + ["/usr/bin"]).map { URL(fileURLWithPath: $0).appendingPathComponent("tshark") }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw .oracleMissing(path: "tshark", remedy: "run Scripts/bootstrap (it installs Debian's tshark)")
        }
        executable = found
        protocols = try Self.run(found, arguments: ["-G", "protocols"]).split(separator: "\n").compactMap { line in
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
            return columns.count >= 3 ? String(columns[2]) : nil
        }
        guard protocols.contains("stun") else { throw .oracleFailed("tshark -G protocols does not list stun") }
    }

    public func verdicts(_ inputs: [[UInt8]], target: DifferentialTarget) throws(DifferentialError) -> [CanonicalVerdict] {
        guard let dissection = TsharkDissection.of(target) else { throw .unsupportedTarget(kind, target) }
        guard !inputs.isEmpty else { return [] }
        if let big = inputs.first(where: { $0.count > Self.maxInput }) {
            throw .oracleFailed("an input of \(big.count) bytes does not fit one UDP datagram")
        }
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("crucible-tshark-\(UUID().uuidString).pcapng")
        defer { try? FileManager.default.removeItem(at: capture) }
        do {
            try Data(Self.capture(inputs, port: dissection.port)).write(to: capture)
        } catch {
            throw .oracleFailed("writing \(capture.path): \(error)")
        }
        let disabled = protocols.filter { !Self.keepsEnabled($0) && $0 != dissection.dissector }
        let output = try Self.run(executable, arguments: Self.arguments(capture: capture, dissection: dissection, disabled: disabled))
        var verdicts = [CanonicalVerdict?](repeating: nil, count: inputs.count)
        for line in output.split(separator: "\n") {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard let frame = columns.first.flatMap({ Int($0) }), (1...inputs.count).contains(frame) else {
                throw .oracleFailed("unreadable tshark line '\(line.prefix(200))'")
            }
            verdicts[frame - 1] = dissection.verdict(columns: columns)
        }
        guard let missing = verdicts.firstIndex(where: { $0 == nil }) else { return verdicts.compactMap { $0 } }
        throw .oracleFailed("tshark printed no line for frame \(missing + 1) of \(inputs.count)")
    }

    /// The capture of a batch: frame `i + 1` carries input `i` from 10.0.x.y to 10.1.x.y, where x.y is `i`
    /// (a batch of up to 65 536 inputs has a distinct address pair per frame), to the dissection's port.
    static func capture(_ inputs: [[UInt8]], port: UInt16) -> [UInt8] {
        var writer = PcapngWriter()
        for (index, input) in inputs.enumerated() {
            let low = UInt32(truncatingIfNeeded: index) & 0xFFFF
            writer.append(UDPDatagram(
                frame: index + 1, timestampNanoseconds: Int64(index) * 1_000_000,
                source: Endpoint(ipv4: 0x0A00_0000 | low, port: port), destination: Endpoint(ipv4: 0x0A01_0000 | low, port: port),
                payload: input))
        }
        return writer.bytes
    }

    /// tshark's command line: read the capture, decode the port as the target with the `disabled`
    /// protocols off, no name resolution, one tab-separated line per frame of every occurrence of each
    /// field (`TsharkDissection.aggregator`).
    static func arguments(capture: URL, dissection: TsharkDissection, disabled: [String]) -> [String] {
        var arguments = ["-r", capture.path, "-n", "-d", "udp.port==\(dissection.port),\(dissection.dissector)"]
        for name in disabled { arguments += ["--disable-protocol", name] }
        for preference in dissection.preferences { arguments += ["-o", preference] }
        arguments += ["-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=\(TsharkDissection.aggregator)", "-E", "quote=n"]
        for field in TsharkDissection.commonFields + dissection.fields { arguments += ["-e", field] }
        return arguments
    }

    /// Runs tshark and returns what it printed; its diagnostics go to a temporary file, quoted on failure.
    private static func run(_ executable: URL, arguments: [String]) throws(DifferentialError) -> String {
        let process = Process()
        let stdout = Pipe()
        let diagnostics = FileManager.default.temporaryDirectory.appendingPathComponent("crucible-tshark-\(UUID().uuidString).err")
        defer { try? FileManager.default.removeItem(at: diagnostics) }
        guard FileManager.default.createFile(atPath: diagnostics.path, contents: nil) else {
            throw .oracleFailed("cannot create \(diagnostics.path)")
        }
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = stdout
        process.standardInput = FileHandle.nullDevice
        do {
            process.standardError = try FileHandle(forWritingTo: diagnostics)
            try process.run()
        } catch {
            throw .oracleFailed("cannot start \(executable.path): \(error)")
        }
        // Read to the end before waiting, so that tshark never blocks on a full pipe.
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = (try? String(contentsOf: diagnostics, encoding: .utf8)) ?? ""
            throw .oracleFailed("tshark exited with \(process.terminationStatus): \(text.suffix(500))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
