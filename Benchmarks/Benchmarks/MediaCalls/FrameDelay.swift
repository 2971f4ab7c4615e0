import Media
import WebRTC

/// End-to-end frame delay, measured from the pictures themselves: the sender notes when it handed each
/// numbered picture to the engine, the receiver reads the number back from each decoded picture
/// (`FrameNumberMark`) and notes when it got it.
enum FrameDelay {
    struct Result {
        /// One per counted frame that arrived: from the instant it was handed to the engine.
        var delays: [Duration]
        /// The same frames from the instant the schedule said they were due. Larger than `delays` by the
        /// timer's lateness and by any wait for the previous `push` to return, which a camera would see as
        /// a frame held back.
        var delaysFromSchedule: [Duration]
        /// Counted frames that never arrived (or whose mark did not read).
        var lost: Int
    }

    /// Pushes `warmUpFrames + countedFrames` test-pattern pictures on `track` at `frameRate`, on a
    /// drift-free schedule (frame n is due at start + n / frameRate), and measures the counted ones as
    /// they come out of `remote`.
    static func measure(
        sending track: MediaTrack, receiving remote: RemoteTrack, warmUpFrames: Int, countedFrames: Int, frameRate: Int
    ) async throws -> Result {
        let total = warmUpFrames + countedFrames
        let source = TestPatternSource(width: 640, height: 480)
        // Made ahead, so that drawing the pattern is not part of the delay (a camera hands over finished pictures).
        let pictures = (0..<total).map { source.frame(number: UInt32($0)) }
        let clock = ContinuousClock()

        let receiver = Task { () -> [(number: Int, at: ContinuousClock.Instant)] in
            var arrivals: [(number: Int, at: ContinuousClock.Instant)] = []
            while let frame = try? await remote.nextFrame(timeout: .seconds(2)) {
                let now = clock.now
                guard let picture = frame.video, let number = FrameNumberMark.read(from: picture) else { continue }
                arrivals.append((Int(number), now))
                if number == total - 1 { break }
            }
            return arrivals
        }

        var handedOver: [ContinuousClock.Instant] = []
        handedOver.reserveCapacity(total)
        let interval = Duration.seconds(1) / frameRate
        let start = clock.now
        func due(_ number: Int) -> ContinuousClock.Instant { start + interval * number }
        for (number, picture) in pictures.enumerated() {
            try await clock.sleep(until: due(number))
            handedOver.append(clock.now)
            try await track.push(.video(picture))
        }

        let arrivals = await receiver.value
        var delays: [Duration] = []
        var delaysFromSchedule: [Duration] = []
        var seen = Set<Int>()
        for arrival in arrivals where arrival.number >= warmUpFrames && arrival.number < total {
            guard seen.insert(arrival.number).inserted else { continue }
            delays.append(arrival.at - handedOver[arrival.number])
            delaysFromSchedule.append(arrival.at - due(arrival.number))
        }
        return Result(delays: delays, delaysFromSchedule: delaysFromSchedule, lost: countedFrames - delays.count)
    }
}
