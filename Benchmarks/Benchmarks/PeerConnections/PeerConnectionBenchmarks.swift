import Benchmark
import ICE
import Harness
import Simulation
import WebRTC

// Issue 7's engine benchmarks. Run from Benchmarks/: `swift package benchmark --target PeerConnections`.
//
// - Time to open: two engines in one process on loopback UDP, from the first createPeerConnection to the
//   channel open on both sides (offer, answer with every candidate, ICE, DTLS, SCTP, DCEP). Closing is
//   outside the measurement. Aim: under 10 ms (aiortc takes about 45 ms here, Chromium 40–60 ms).
// - A call on a full queue (issue 13): one 1 KiB send on a simulated connection whose channel already
//   holds 8 MiB unsent. The machine is stepped in place (`MachineSlot`), so a call costs the same with
//   an empty queue as with a full one; a host that copied the machine per call copied the queue's storage.
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

    let queued = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident], timeUnits: .microseconds, warmupIterations: 1,
        maxDuration: .seconds(20), maxIterations: 2_000)

    for megabytes in [0, 8] {
        Benchmark("Simulated: one 1 KiB send with \(megabytes) MiB already queued on the channel", configuration: queued) { benchmark async throws in
            let network = SimulatedNetwork(seed: SimulationSeed(5))
            let client = WebRTCClient(engine: .simulated(network))
            let pair = try await PeerPair.connect(client: client) {
                let now = network.now
                return .nanoseconds(Int64(clamping: now.nanoseconds))
            }
            // Sends queue without running the simulation: nothing is acknowledged, so the queue stays full.
            let chunk = [UInt8](repeating: 1, count: 64 * 1024)
            for _ in 0..<(megabytes * 16) { try await pair.offererChannel.send(chunk) }
            let small = [UInt8](repeating: 2, count: 1024)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations { try await pair.offererChannel.send(small) }
            benchmark.stopMeasurement()
            await pair.close()
        }
    }
}
