import Foundation

/// A sine tone as PCM frames: the audio a Linux server without a microphone sends, and what a receiver
/// checks with ``ToneDetector`` after Opus has been through it.
///
/// Frame `n` holds samples `n × samplesPerChannel ..< (n + 1) × samplesPerChannel` of one endless sine
/// that starts at phase 0, so consecutive frames join without a click and any frame can be made again
/// from its number alone (a pure function, like the test pattern). Every channel carries the same tone.
public struct ToneSource: Hashable, Sendable {
    /// The tone's frequency in Hz, above 0 and below half the sample rate (Nyquist).
    public var frequency: Double
    /// The tone's peak level in dBFS: 0 is a full-scale sine, −20 a tenth of full scale.
    public var level: Double
    /// Samples per second per channel of the frames made.
    public var sampleRate: Int
    /// Channels of the frames made, each carrying the same tone.
    public var channels: Int

    /// A tone; out-of-range values are clamped when frames are made (a frequency above Nyquist or
    /// not positive gives silence, a level above 0 dBFS is full scale), so making frames never fails.
    public init(frequency: Double = 440, level: Double = -20, sampleRate: Int = 48_000, channels: Int = 1) {
        self.frequency = frequency
        self.level = level
        self.sampleRate = sampleRate
        self.channels = channels
    }

    /// The peak amplitude in sample units (full scale is 32 767).
    public var amplitude: Double {
        guard level.isFinite else { return 0 }
        return 32_767 * pow(10, min(level, 0) / 20)
    }

    /// Frame `number` of `samplesPerChannel` samples per channel (960 is 20 ms at 48 kHz).
    public func frame(number: Int, samplesPerChannel: Int = 960) -> AudioFrame {
        let channels = max(1, channels)
        let count = max(0, samplesPerChannel)
        guard sampleRate > 0, frequency > 0, frequency < Double(sampleRate) / 2, amplitude > 0 else {
            return .silence(samplesPerChannel: count, sampleRate: sampleRate, channels: channels)
        }
        let rate = Double(sampleRate)
        let amplitude = amplitude
        // Whole cycles are dropped before sin (f·n = q·rate + r leaves r / rate of a cycle), so the
        // argument stays small and precise however long the stream runs.
        let first = number.multipliedReportingOverflow(by: count)
        let start = first.overflow ? 0 : first.partialValue
        var samples = [Int16](repeating: 0, count: count * channels)
        for index in 0..<count {
            let n = Double(start &+ index)
            let cycles = (frequency * n).truncatingRemainder(dividingBy: rate) / rate
            let value = Int16((amplitude * sin(2 * Double.pi * cycles)).rounded())
            for channel in 0..<channels {
                samples[index * channels + channel] = value
            }
        }
        return AudioFrame(samples: samples, sampleRate: sampleRate, channels: channels)
    }
}
