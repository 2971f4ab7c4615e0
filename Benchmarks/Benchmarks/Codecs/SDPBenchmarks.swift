import Benchmark
import Foundation
import SDP

/// The browser offer the SDP aim is stated for: Chrome's video offer from aiortc's test data
/// (`Corpus/sdp/`, about 2 KB). Benchmarks run from `Benchmarks/`, so the corpus is one folder up.
func sdpBenchmarks() {
    let offerPath = "../Corpus/sdp/chrome-video-offer.sdp"
    guard let data = FileManager.default.contents(atPath: offerPath) else {
        fatalError("\(offerPath) not found: run the benchmarks from the Benchmarks folder")
    }
    let offer = Array(data)
    let parsed = try! SDPCodec.parse(offer)

    Benchmark("SDP parse of a browser offer (\(offer.count) bytes)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try! SDPCodec.parse(offer)) }
    }

    Benchmark("SDP serialize of the same offer") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(SDPCodec.serialize(parsed)) }
    }

    let candidate = Array("candidate:1039001212 1 udp 2122194687 192.168.99.58 45076 typ host generation 0 network-id 1 network-cost 10".utf8)
    Benchmark("Candidate line parse") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try! CandidateCodec.parse(candidate)) }
    }
}
