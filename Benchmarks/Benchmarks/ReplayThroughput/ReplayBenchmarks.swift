import Benchmark
import Conformance
import Decryption
import Foundation
import Pcap
import Replay
import WebRTC

/// `crucible replay` against tshark on the same captures, in the same run (issues 5 and 16):
/// - the Marseillaise SRTP capture of ../shared/captures, 11,888 packets of one SRTP stream;
/// - a call ``RecordedCall`` records on loopback before the benchmarks run: DTLS, SCTP with DCEP and
///   4 MiB of data, SRTP audio and video both ways, judged with its key log and its offer and answer,
///   against `tshark -V` given the same key log (`tls.keylog_file`), which then dissects the DTLS
///   records, the SCTP inside them and DCEP too.
/// Packets per second = the capture's packets divided by the wall-clock time of one iteration.
let benchmarks: @Sendable () -> Void = {
    let shared = try! SharedFolder.locate(from: #filePath)
    let capture = shared.capture("gteissier_marseillaise-srtp.pcap").path
    let configuration = Benchmark.Configuration(metrics: [.wallClock], maxDuration: .seconds(30), maxIterations: 20)
    Benchmark.setup = { try await RecordedCall.record() }
    let call = RecordedCall.recording

    // The capture's published key (../shared/captures/README.md): the replay also decrypts and
    // authenticates every packet, which tshark does not.
    let keys = [try! SRTPKeyAssignment(parsing: "0xdeadbeef=aSBrbm93IGFsbCB5b3VyIGxpdHRsZSBzZWNyZXRz")]

    Benchmark("replay: read + demultiplex + decode + rules + SRTP decryption, 11,888 packets", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try! ReplayChecker.check(capturePath: capture, options: ReplayOptions(protection: .srtp, srtpKeys: keys)))
        }
    }

    /// tshark as a child process, output thrown away: the same file, the same machine, the same run.
    func tshark(_ arguments: [String], file: String = capture) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tshark", "-r", file, "-o", "rtp.heuristic_rtp:TRUE"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try! process.run()
        process.waitUntilExit()
    }

    Benchmark("tshark -V (full dissection printed), 11,888 packets", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations { tshark(["-V"]) }
    }

    Benchmark("tshark (one summary line per packet), 11,888 packets", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations { tshark([]) }
    }

    Benchmark("replay: a recorded call (DTLS + SCTP + SRTP) with its key log and offer/answer", configuration: configuration) { benchmark in
        let keyLog = KeyLog(parsing: (try? String(contentsOfFile: call.keyLogPath, encoding: .utf8)) ?? "")
        let texts = call.recordedDescriptions.map { description in
            SignalledText(
                source: description.path, text: (try? String(contentsOfFile: description.path, encoding: .utf8)) ?? "",
                side: description.type == .offer ? .offerer : .answerer)
        }
        let options = ReplayOptions(keyLog: keyLog, signalling: ReplaySignalling(texts))
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try! ReplayChecker.check(capturePath: call.capturePath, options: options))
        }
    }

    Benchmark("tshark -V with the key log: a recorded call (DTLS + SCTP + SRTP)", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations { tshark(["-V", "-o", "tls.keylog_file:\(call.keyLogPath)"], file: call.capturePath) }
    }
}
