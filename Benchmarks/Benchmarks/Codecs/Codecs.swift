import Benchmark
import Wire

// ns/op figures for the codecs' hot paths. Run from Benchmarks/: `swift package benchmark`.
// Each benchmark repeats its operation `inner` times per measured iteration so that per-call times in the
// tens of nanoseconds are above the clock's resolution; results are reported per operation.

let inner = 1_000

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .nanoseconds,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 100_000)

    let datagram = (0..<1200).map { UInt8(truncatingIfNeeded: $0 &* 31) }

    Benchmark("CRC-32c over 1200 bytes") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(CRC32C.checksum(datagram)) }
    }

    Benchmark("CRC-32 over 1200 bytes") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(CRC32.checksum(datagram)) }
    }

    codecBenchmarks()
}
