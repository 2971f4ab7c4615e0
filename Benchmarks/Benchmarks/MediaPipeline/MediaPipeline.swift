import Benchmark

// Issue 15's media benchmarks that run without a connection. Run from Benchmarks/:
// `swift package benchmark --target MediaPipeline`.
//
// - SRTP (SRTPBenchmarks.swift): protect and unprotect of a 1200-byte RTP packet per profile, at three
//   depths: `SRTPTransport` (what the engine calls), `SRTPSession` (the thin libsrtp wrapper), and raw
//   `srtp_protect`/`srtp_unprotect` in place on preallocated buffers (libsrtp's own speed, the ceiling).
//   The differences are the wrappers' copies, allocations and bookkeeping.
// - Codecs (CodecBenchmarks.swift): Opus encode and decode of a 20 ms frame, mono and stereo; VP8 encode
//   of a 640×480 test-pattern picture at 1 Mbit/s, and its decode.
//
// Each SRTP benchmark repeats its operation 1000 times per measured iteration (`scalingFactor: .kilo`) so
// that per-packet times of about a microsecond sit well above the clock's resolution; figures are per
// packet. The codec benchmarks measure one frame per iteration.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .nanoseconds,
        maxDuration: .seconds(3),
        maxIterations: 100_000)

    srtpBenchmarks()
    codecBenchmarks()
}
