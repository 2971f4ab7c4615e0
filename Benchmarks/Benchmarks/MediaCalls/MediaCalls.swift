import Benchmark
import Media
import WebRTC

// Issue 15's call benchmarks. Run from Benchmarks/: `swift package benchmark --target MediaCalls`.
// Two native engines in one process on loopback UDP (MediaCall), so both sides' work shares the
// machine's two cores.
//
// - Frame delay: the caller pushes the 640×480 test pattern at 30 fps from a timer of its own
//   (`TrackSource.pushed`, `MediaTrack.push(.video(_:))`), noting the wall-clock instant it handed each
//   frame number to the engine; the callee reads the number back from every decoded picture
//   (`FrameNumberMark`) as `RemoteTrack.nextFrame()` returns it. Delay = arrival − hand-over, so it holds
//   VP8 encoding, packetizing, SRTP, two UDP hops through the kernel, reassembly and VP8 decoding. The
//   first second (the key frame and the encoder's rate control settling) is not counted. Aim: median
//   and p99 under 50 ms. Each sample is one frame, in microseconds (the custom metric); a second metric
//   measures the same frames from when the 30 fps schedule said they were due, which adds the timer's
//   lateness and any wait for the previous push.
// - Cost of a call: CPU time and memory of a call in which both sides send Opus audio (the tone) and
//   640×480 VP8 video (the test pattern) at 30 fps and read every frame they receive, measured from the
//   first createPeerConnection through five seconds of media; closing is outside.

let frameDelay = BenchmarkMetric.custom("frame delay (µs)", useScalingFactor: false)
let frameDelayFromSchedule = BenchmarkMetric.custom("frame delay from schedule (µs)", useScalingFactor: false)
let framesLost = BenchmarkMetric.custom("frames lost", useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
    let delay = Benchmark.Configuration(
        metrics: [frameDelay, frameDelayFromSchedule, framesLost], warmupIterations: 0, maxDuration: .seconds(60), maxIterations: 2)

    Benchmark("Call: frame delay, 640×480 VP8 pushed at 30 fps, two engines on loopback UDP", configuration: delay) { benchmark async throws in
        let client = WebRTCClient(engine: .native) { $0.defaultConnection.nomination = .aggressive }
        let video = try client.createVideoTrack(.init(width: 640, height: 480), source: .pushed)
        let call = try await MediaCall.connect(client: client, callerTracks: [video], calleeTracks: [])
        let result = try await FrameDelay.measure(
            sending: video, receiving: call.receivedByCallee[0], warmUpFrames: 30, countedFrames: 300, frameRate: 30)
        for sample in result.delays { benchmark.measurement(frameDelay, Int(sample / .microseconds(1))) }
        for sample in result.delaysFromSchedule { benchmark.measurement(frameDelayFromSchedule, Int(sample / .microseconds(1))) }
        benchmark.measurement(framesLost, result.lost)
        await call.close()
    }

    let cost = Benchmark.Configuration(
        metrics: [.cpuTotal, .cpuUser, .cpuSystem, .wallClock, .mallocCountTotal, .peakMemoryResidentDelta, .peakMemoryResident],
        timeUnits: .milliseconds, warmupIterations: 1, maxDuration: .seconds(60), maxIterations: 3)

    Benchmark("Call: audio + 640×480 video both ways for 5 s, two engines on loopback UDP", configuration: cost) { benchmark async throws in
        let client = WebRTCClient(engine: .native) { $0.defaultConnection.nomination = .aggressive }
        func tracks() throws -> [MediaTrack] {
            [try client.createAudioTrack(), try client.createVideoTrack(.init(width: 640, height: 480, frameRate: 30))]
        }
        let callerTracks = try tracks()
        let calleeTracks = try tracks()
        benchmark.startMeasurement()
        let call = try await MediaCall.connect(client: client, callerTracks: callerTracks, calleeTracks: calleeTracks)
        let sinks = (call.receivedByCallee + call.receivedByCaller).map { (kind: $0.kind, task: drain($0)) }
        try await Task.sleep(for: .seconds(5))
        benchmark.stopMeasurement()
        await call.close()
        // A call whose media did not flow would measure nothing: about 250 audio and 150 video frames
        // each way are due in 5 s.
        for sink in sinks {
            let received = await sink.task.value
            let due = sink.kind == .audio ? 200 : 100
            precondition(received >= due, "only \(received) \(sink.kind) frames arrived in 5 s")
        }
    }
}
