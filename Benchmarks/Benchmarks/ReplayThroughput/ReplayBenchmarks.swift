import Benchmark
import Conformance
import Decryption
import Foundation
import Pcap
import Replay

/// `crucible replay` against tshark on the same large capture, in the same run (issue 5): the
/// Marseillaise SRTP capture of ../shared/captures, 11,888 packets. Packets per second = 11,888 divided
/// by the wall-clock time of one iteration.
let benchmarks: @Sendable () -> Void = {
    let shared = try! SharedFolder.locate(from: #filePath)
    let capture = shared.capture("gteissier_marseillaise-srtp.pcap").path
    let configuration = Benchmark.Configuration(metrics: [.wallClock], maxDuration: .seconds(30), maxIterations: 20)

    // The capture's published key (../shared/captures/README.md): the replay also decrypts and
    // authenticates every packet, which tshark does not.
    let keys = [try! SRTPKeyAssignment(parsing: "0xdeadbeef=aSBrbm93IGFsbCB5b3VyIGxpdHRsZSBzZWNyZXRz")]

    Benchmark("replay: read + demultiplex + decode + rules + SRTP decryption, 11,888 packets", configuration: configuration) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try! ReplayChecker.check(capturePath: capture, options: ReplayOptions(protection: .srtp, srtpKeys: keys)))
        }
    }

    /// tshark as a child process, output thrown away: the same file, the same machine, the same run.
    func tshark(_ arguments: [String]) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tshark", "-r", capture, "-o", "rtp.heuristic_rtp:TRUE"] + arguments
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
}
