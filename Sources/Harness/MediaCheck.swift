import Media
public import WebRTC
import SansIO

/// What came back on a video track carrying the test pattern: the frame numbers read from the pictures
/// (`FrameNumberMark`), in arrival order, and how late each was against its capture time.
public struct VideoCheck: Hashable, Sendable {
    /// Pictures decoded.
    public var framesDecoded = 0
    /// Pictures whose mark read back.
    public var numbers: [UInt32] = []
    /// Each read number's delay from its capture time, when the sender's clock is the receiver's (an echo,
    /// or two engines on one simulator).
    public var delays: [Duration] = []
    /// The decoded size, from the last picture.
    public var width = 0
    public var height = 0

    public init() {}

    /// Numbers that came after a larger one.
    public var outOfOrder: Int { zip(numbers, numbers.dropFirst()).filter { $1 <= $0 }.count }
    /// Numbers missing between the first and the last read.
    public var missing: Int {
        guard let first = numbers.first, let last = numbers.max(), last >= first else { return 0 }
        return Int(last - first + 1) - Set(numbers).count
    }
    /// The median delay, when delays were measured.
    public var medianDelay: Duration? { delays.isEmpty ? nil : delays.sorted()[delays.count / 2] }
    /// The largest delay.
    public var maximumDelay: Duration? { delays.max() }

    /// Whether `count` consecutive numbers came, once each, in order.
    public func isClean(atLeast count: Int) -> Bool { numbers.count >= count && outOfOrder == 0 && missing == 0 }
}

/// What came back on an audio track carrying a tone: the frequency found in each decoded frame.
public struct AudioCheck: Hashable, Sendable {
    public var framesDecoded = 0
    /// The dominant frequency of every fourth frame, where one stood out (a Goertzel scan of 50 Hz … 4 kHz
    /// in 10 Hz steps, `ToneDetector`).
    public var frequencies: [Double] = []
    public var concealedFrames = 0

    public init() {}

    /// The median frequency found, once the decoder settled (the first few frames are skipped).
    public var frequency: Double? {
        let settled = frequencies.count > 4 ? Array(frequencies.dropFirst(2)) : frequencies
        return settled.isEmpty ? nil : settled.sorted()[settled.count / 2]
    }

    /// Whether the tone at `expected` Hz came through (within 2 %).
    public func found(_ expected: Double) -> Bool { frequency.map { abs($0 - expected) <= expected * 0.02 } ?? false }
}

/// Watches remote tracks carrying the synthetic sources (DESIGN §4a: the pattern's frame numbers and the
/// tone's frequency are measured from the decoded media itself).
public enum MediaCheck {
    /// Reads `frames` pictures from `track` (or fewer, when none comes within `timeout`); with `sender`,
    /// the sender of the pattern on the same connection, each number's delay is measured too.
    public static func video(
        _ track: RemoteTrack, frames: Int, sender: RtpSender? = nil, timeout: Duration = .seconds(5)
    ) async -> VideoCheck {
        var check = VideoCheck()
        while check.framesDecoded < frames {
            guard let frame = try? await track.nextFrame(timeout: timeout) else { break }
            guard let picture = frame.video else { continue }
            check.framesDecoded += 1
            check.width = picture.width
            check.height = picture.height
            guard let number = FrameNumberMark.read(from: picture) else { continue }
            check.numbers.append(number)
            if let sender, let captured = try? await sender.captureTime(ofFrame: Int(number)), frame.receivedAt >= captured {
                check.delays.append(frame.receivedAt - captured)
            }
        }
        return check
    }

    /// Reads `frames` audio frames from `track` and finds the tone in each.
    public static func audio(_ track: RemoteTrack, frames: Int, timeout: Duration = .seconds(5)) async -> AudioCheck {
        var check = AudioCheck()
        while check.framesDecoded < frames {
            guard let frame = try? await track.nextFrame(timeout: timeout) else { break }
            guard let samples = frame.audio else { continue }
            check.framesDecoded += 1
            if frame.framesLostBefore > 0 { check.concealedFrames += frame.framesLostBefore }
            // Every fourth frame is enough to follow a tone, and a scan is a few hundred Goertzel filters.
            if check.framesDecoded % 4 == 1, let found = ToneDetector.dominantFrequency(in: samples, scanning: 50...4_000) {
                check.frequencies.append(found)
            }
        }
        return check
    }
}
