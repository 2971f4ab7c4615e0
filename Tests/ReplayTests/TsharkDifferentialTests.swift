import Fuzzing
import Conformance
import DTLSRecord
import Foundation
import Pcap
import Replay
import Testing
import Wire

/// Our dissection of every shared capture against Wireshark's (issue 5, "Proof"): per frame, the STUN
/// transaction ids, the DTLS record content types and the RTP SSRC and sequence number must agree with
/// what `tshark` reads, and every disagreement is listed below with its reason.
///
/// tshark is installed by `Scripts/bootstrap`; without it this test fails and says so.
@Suite("Differential: crucible replay against tshark")
struct TsharkDifferentialTests {
    /// The fields compared, per frame: each a list, in the order the packet carries them.
    struct Dissection: Equatable, CustomStringConvertible {
        var stunIDs: [String] = []
        var dtlsContentTypes: [Int] = []
        var rtp: [String] = []

        var description: String { "stun \(stunIDs) dtls \(dtlsContentTypes) rtp \(rtp)" }
    }

    /// Where we and Wireshark read a frame differently, and why: `capture#frame` → reason. Besides
    /// these, two kinds of packets are left out of the comparison wholesale, as the code says where:
    /// STUN over TCP (RFC 6544 framing, not read by the replay checker yet) and TURN-relayed packets.
    static let explained: [String: String] = [
        "ndpi_stun.pcap#24": "an ICMP port-unreachable that quotes a STUN response: Wireshark dissects the quoted datagram, the replay checker reads UDP only",
    ]

    static func tshark(_ capture: URL) throws -> [Int: Dissection] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "tshark", "-r", capture.path, "-o", "rtp.heuristic_rtp:TRUE", "-T", "fields",
            "-E", "separator=;", "-E", "occurrence=a", "-E", "aggregator=,",
            "-e", "frame.number", "-e", "stun.id", "-e", "dtls.record.content_type", "-e", "rtp.ssrc", "-e", "rtp.seq",
            "-e", "tcp.srcport",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.runWithSignalsUnblocked()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let end = process.waitForTermination()
        guard end.status == 0, end.reason == .exit else {
            throw TsharkMissing(status: end.status)
        }
        var result: [Int: Dissection] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: ";", omittingEmptySubsequences: false).map { $0.split(separator: ",").map(String.init) }
            guard fields.count == 6, let frame = fields[0].first.flatMap({ Int($0) }) else { continue }
            // STUN over TCP (RFC 6544 framing) is not read by the replay checker yet.
            guard fields[5].isEmpty else { continue }
            let ssrcs = fields[3].map { String(UInt32($0.dropFirst(2), radix: 16) ?? 0, radix: 16) }
            let rtp = zip(ssrcs, fields[4]).map { "\($0)/\($1)" }
            result[frame] = Dissection(stunIDs: fields[1], dtlsContentTypes: fields[2].compactMap { Int($0) }, rtp: rtp)
        }
        return result
    }

    struct TsharkMissing: Error, CustomStringConvertible {
        let status: Int32
        var description: String { "tshark exited \(status): install it with Scripts/bootstrap (apt-get install tshark)" }
    }

    /// Our reading of the same frames: the packets the demultiplexer finds, outer and relayed.
    static func ours(_ capture: URL) throws -> [Int: Dissection] {
        let (datagrams, _) = try CaptureReader(path: capture.path).udpDatagrams()
        var demultiplexer = Demultiplexer()
        var result: [Int: Dissection] = [:]
        for datagram in datagrams {
            for packet in demultiplexer.packets(for: ReplayDatagram(datagram)) {
                // Wireshark leaves the DATA attribute of TURN Send and Data indications undissected and
                // dissects ChannelData payloads only by heuristics; we unwrap both. Relayed packets are
                // judged by the replay tests, not compared here.
                guard packet.encapsulation == .none else { continue }
                var dissection = result[packet.frame] ?? Dissection()
                let bytes = packet.payload
                switch packet.kind {
                case .stun where bytes.count >= 20:
                    dissection.stunIDs.append(Hex.encode(bytes[8..<20]))
                case .dtls:
                    if let datagram = try? DTLSCodec.parse(bytes) {
                        for record in datagram.records {
                            if case .classic(let classic) = record { dissection.dtlsContentTypes.append(Int(classic.contentType.rawValue)) }
                        }
                    }
                case .rtp where bytes.count >= 12:
                    let ssrc = bytes[8..<12].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                    let sequence = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
                    dissection.rtp.append("\(String(ssrc, radix: 16))/\(sequence)")
                default: break
                }
                result[packet.frame] = dissection
            }
        }
        return result
    }

    @Test("Every frame of every shared capture is dissected as tshark dissects it, or the difference is explained",
          arguments: try SharedFolder.locate(from: #filePath).captureFiles())
    func agreesWithTshark(capture name: String) throws {
        let shared = try SharedFolder.locate(from: #filePath)
        let file = shared.capture(name)
        let theirs = try Self.tshark(file)
        let ours = try Self.ours(file)
        var compared = 0
        var differences: Set<String> = []
        for frame in Set(theirs.keys).union(ours.keys).sorted() {
            let mine = ours[frame] ?? Dissection()
            let wireshark = theirs[frame] ?? Dissection()
            guard mine != wireshark else {
                if mine != Dissection() { compared += 1 }
                continue
            }
            let key = "\(name)#\(frame)"
            differences.insert(key)
            if Self.explained[key] == nil {
                Issue.record("\(key): ours \(mine), tshark \(wireshark)")
            }
        }
        print("\(name): \(compared) frames dissected as tshark dissects them")
        #expect(compared > 0, "no frame of \(name) was compared")
        // An explanation that no longer matches a difference is stale.
        for key in Self.explained.keys where key.hasPrefix(name + "#") {
            #expect(differences.contains(key), "\(key) is explained but agrees now")
        }
    }
}
