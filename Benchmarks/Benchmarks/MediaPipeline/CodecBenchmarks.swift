import Benchmark
import Media

/// Opus and VP8 through the Media module's libopus and libvpx wrappers, one frame per measured call.
///
/// Every encoder and decoder keeps state from frame to frame (Opus's prediction, VP8's reference
/// frames and rate control), so a benchmark makes its codec once and feeds it a cycle of consecutive
/// frames, as a live sender would, rather than the same frame again and again.
func codecBenchmarks() {
    let audio = Benchmark.Configuration(timeUnits: .microseconds, maxDuration: .seconds(3), maxIterations: 5_000)
    let video = Benchmark.Configuration(
        metrics: [.wallClock, .mallocCountTotal, .custom("encoded bytes per frame", useScalingFactor: false)],
        timeUnits: .microseconds, warmupIterations: 30, maxDuration: .seconds(5), maxIterations: 600)
    let decodeVideo = Benchmark.Configuration(
        timeUnits: .microseconds, warmupIterations: 30, maxDuration: .seconds(5), maxIterations: 3_000)

    for channels in [1, 2] {
        let name = channels == 1 ? "mono" : "stereo"
        // One second of a 440 Hz tone at -20 dBFS in 20 ms frames (960 samples per channel at 48 kHz).
        let tone = ToneSource(frequency: 440, level: -20, sampleRate: 48_000, channels: channels)
        let frames = (0..<50).map { tone.frame(number: $0, samplesPerChannel: 960) }
        let configuration = OpusEncoderConfiguration(channels: channels)

        Benchmark("Opus encode, 20 ms \(name), \(configuration.bitrate / 1_000) kbit/s", configuration: audio) { benchmark in
            let encoder = try! OpusEncoder(configuration)
            measureCycling(through: frames, benchmark) { try! encoder.encode($0) }
        }

        Benchmark("Opus decode, 20 ms \(name)", configuration: audio) { benchmark in
            let encoder = try! OpusEncoder(configuration)
            let packets = frames.map { try! encoder.encode($0) }
            let decoder = try! OpusDecoder(channels: channels)
            measureCycling(through: packets, benchmark) { try! decoder.decode($0) }
        }
    }

    let vga = VP8EncoderConfiguration(width: 640, height: 480, frameRate: 30, targetBitrate: 1_000_000)

    // The encoder lives across the benchmark's iterations (the closure runs once per iteration), so the
    // warm-up iterations take it past its key frame and its rate control settles: what is measured is
    // the steady state of a live 1 Mbit/s stream, one picture per iteration, in order.
    let encoding = VideoStream(vga)
    Benchmark("VP8 encode, 640×480 test pattern, 1 Mbit/s, 30 fps", configuration: video) { benchmark in
        let picture = encoding.nextPicture()
        benchmark.startMeasurement()
        let frame = try! encoding.encoder.encode(picture)
        benchmark.stopMeasurement()
        benchmark.measurement(.custom("encoded bytes per frame", useScalingFactor: false), frame?.data.count ?? 0)
    }

    let decoding = VideoStream(vga)
    Benchmark("VP8 decode, 640×480 test pattern at 1 Mbit/s", configuration: decodeVideo) { benchmark in
        let frame = decoding.nextEncodedFrame()
        benchmark.startMeasurement()
        blackHole(try! decoding.decoder.decode(frame))
        benchmark.stopMeasurement()
    }
}

/// A live VP8 stream of the 640×480 test pattern shared by one benchmark's iterations, made on first use
/// (so that listing or filtering benchmarks does not pay for it).
///
/// `@unchecked Sendable`: package-benchmark runs one benchmark's iterations one after another on one
/// task, and each benchmark has its own stream, so nothing touches it concurrently.
final class VideoStream: @unchecked Sendable {
    let encoder: VP8Encoder
    let decoder: VP8Decoder
    /// Two seconds at 30 fps of the moving pattern (the zone plate's phase moves every frame, so the
    /// encoder codes motion, not a still picture), made on first use.
    private lazy var pictures: [I420Frame] = {
        let pattern = TestPatternSource(width: 640, height: 480)
        return (0..<60).map { pattern.frame(number: UInt32($0)) }
    }()
    /// Ten seconds of the encoded stream from its key frame, made on first use by a second encoder; the
    /// cycle restarts at that key frame, so the decoder always has its references.
    private lazy var stream: [[UInt8]] = {
        let encoder = try! VP8Encoder(configuration)
        return (0..<300).compactMap { try! encoder.encode(pictures[$0 % pictures.count])?.data }
    }()
    private let configuration: VP8EncoderConfiguration
    private var nextPictureIndex = 0
    private var nextFrameIndex = 0

    init(_ configuration: VP8EncoderConfiguration) {
        self.configuration = configuration
        encoder = try! VP8Encoder(configuration)
        decoder = try! VP8Decoder()
    }

    func nextPicture() -> I420Frame {
        defer { nextPictureIndex += 1 }
        return pictures[nextPictureIndex % pictures.count]
    }

    func nextEncodedFrame() -> [UInt8] {
        defer { nextFrameIndex += 1 }
        return stream[nextFrameIndex % stream.count]
    }
}

/// Measures `operation` on the benchmark's iterations, feeding it `inputs` in order and from the start
/// again when they run out.
func measureCycling<Input, Output>(through inputs: [Input], _ benchmark: Benchmark, _ operation: (Input) -> Output) {
    var next = 0
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
        blackHole(operation(inputs[next]))
        next = (next + 1) % inputs.count
    }
    benchmark.stopMeasurement()
}
