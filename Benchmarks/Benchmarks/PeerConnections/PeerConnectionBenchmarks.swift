import Benchmark
import ICE
import Harness
import WebRTC

// Issue 7's engine benchmarks. Run from Benchmarks/: `swift package benchmark --target PeerConnections`.
//
// - Time to open: two engines in one process on loopback UDP, from the first createPeerConnection to the
//   channel open on both sides (offer, answer with every candidate, ICE, DTLS, SCTP, DCEP). Closing is
//   outside the measurement. Aim: under 10 ms (aiortc takes about 45 ms here, Chromium 40–60 ms).
// - Throughput: 16 MiB through one reliable ordered channel in 64 KiB messages with back-pressure at
//   1 MiB buffered, checked byte for byte on arrival. Aim: more than 100 MB/s (aiortc about 7 MB/s,
//   Chromium 12–22 MB/s). MB/s = 16.78 / (wall-clock seconds).

let benchmarks: @Sendable () -> Void = {
    let open = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal], timeUnits: .milliseconds, warmupIterations: 2,
        maxDuration: .seconds(20), maxIterations: 30)

    for nomination in NominationMode.allCases {
        Benchmark("Engine: createPeerConnection → channel open on both sides, loopback UDP, \(nomination.rawValue) nomination", configuration: open) { benchmark async throws in
            let client = WebRTCClient(engine: .native) { $0.defaultConnection.nomination = nomination }
            let origin = ContinuousClock.now
            benchmark.startMeasurement()
            let pair = try await PeerPair.connect(client: client, clock: { ContinuousClock.now - origin })
            benchmark.stopMeasurement()
            await pair.close()
        }
    }

    let bulk = Benchmark.Configuration(
        metrics: [.wallClock, .peakMemoryResidentDelta], timeUnits: .milliseconds, warmupIterations: 1,
        maxDuration: .seconds(60), maxIterations: 8)

    Benchmark("Engine: 16 MiB on one reliable ordered channel, loopback UDP", configuration: bulk) { benchmark async throws in
        let client = WebRTCClient(engine: .native) { $0.defaultConnection.nomination = .aggressive }
        let origin = ContinuousClock.now
        let pair = try await PeerPair.connect(client: client, clock: { ContinuousClock.now - origin })
        benchmark.startMeasurement()
        let result = try await BulkTransfer.transfer(
            bytes: 16 * 1024 * 1024, from: pair.offererChannel, to: pair.answererChannel,
            clock: { ContinuousClock.now - origin })
        benchmark.stopMeasurement()
        blackHole(result)
        await pair.close()
    }
}
