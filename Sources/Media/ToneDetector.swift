import Foundation

/// Finds tones in PCM with the Goertzel algorithm (one DFT term at any frequency), so a receiver can say
/// "the tone's frequency was found" after a codec and a network have been through it.
///
/// Stereo frames are mixed to mono first. The samples are Hann-windowed, so a tone between DFT bins
/// still reads at about its level and a strong tone does not leak far into its neighbours.
public enum ToneDetector {
    /// The power of `frequency` in `frame`, relative to a full-scale sine: 1 for a 0 dBFS tone at that
    /// frequency, 0.01 for −20 dBFS, about 0 for silence or a tone far away.
    /// `10 × log10(power)` is the tone's level in dBFS.
    public static func power(of frequency: Double, in frame: AudioFrame) -> Double {
        power(of: frequency, in: Windowed(frame), sampleRate: frame.sampleRate)
    }

    /// The strongest of `candidates` in `frame`, or nil when none reaches `minimumLevel` dBFS or the
    /// strongest is not `margin` dB above the runner-up (so noise does not name a winner).
    public static func dominantFrequency(
        in frame: AudioFrame, candidates: [Double], minimumLevel: Double = -50, margin: Double = 6
    ) -> Double? {
        let windowed = Windowed(frame)
        let powers = candidates.map { power(of: $0, in: windowed, sampleRate: frame.sampleRate) }
        return strongest(candidates, powers, minimumLevel: minimumLevel, margin: margin, ignoringWithin: 0)
    }

    /// The strongest frequency in `range`, scanned in steps of `step` Hz, or nil when nothing reaches
    /// `minimumLevel` dBFS. Its precision is the step; neighbours within a Hann main lobe
    /// (2 × sampleRate / samples Hz) of the peak are part of the peak, not rivals to it.
    public static func dominantFrequency(
        in frame: AudioFrame, scanning range: ClosedRange<Double> = 50...8_000, step: Double = 10, minimumLevel: Double = -50
    ) -> Double? {
        guard step > 0, range.lowerBound.isFinite, range.upperBound.isFinite else { return nil }
        let windowed = Windowed(frame)
        let count = Int(((range.upperBound - range.lowerBound) / step).rounded(.down)) + 1
        guard count > 0, count <= 100_000 else { return nil }
        let candidates = (0..<count).map { range.lowerBound + Double($0) * step }
        let powers = candidates.map { power(of: $0, in: windowed, sampleRate: frame.sampleRate) }
        let lobe = windowed.samples.isEmpty ? 0 : 2 * Double(frame.sampleRate) / Double(windowed.samples.count)
        return strongest(candidates, powers, minimumLevel: minimumLevel, margin: 0, ignoringWithin: lobe)
    }

    private static func strongest(
        _ candidates: [Double], _ powers: [Double], minimumLevel: Double, margin: Double, ignoringWithin lobe: Double
    ) -> Double? {
        guard let best = powers.indices.max(by: { powers[$0] < powers[$1] }) else { return nil }
        let floor = pow(10, minimumLevel / 10)
        guard powers[best] >= floor else { return nil }
        let rival = powers.indices.filter { $0 != best && abs(candidates[$0] - candidates[best]) > lobe }.map { powers[$0] }.max() ?? 0
        guard rival == 0 || powers[best] >= rival * pow(10, margin / 10) else { return nil }
        return candidates[best]
    }

    /// A frame mixed to mono and multiplied by a Hann window, made once for every frequency asked about.
    struct Windowed {
        var samples: [Double]
        var windowSum: Double

        init(_ frame: AudioFrame) {
            let channels = max(1, frame.channels)
            let count = frame.samples.count / channels
            let last = Double(max(1, count - 1))
            samples = [Double](repeating: 0, count: count)
            windowSum = 0
            for index in 0..<count {
                var sum = 0.0
                for channel in 0..<channels { sum += Double(frame.samples[index * channels + channel]) }
                let window = 0.5 - 0.5 * cos(2 * Double.pi * Double(index) / last)
                windowSum += window
                samples[index] = sum / Double(channels) * window
            }
        }
    }

    /// Goertzel's recurrence: s[n] = x[n] + 2cos(ω)·s[n−1] − s[n−2], then
    /// |X(ω)|² = s₁² + s₂² − 2cos(ω)·s₁·s₂. A windowed sine of amplitude A gives |X| ≈ A·Σw / 2.
    static func power(of frequency: Double, in windowed: Windowed, sampleRate: Int) -> Double {
        guard windowed.samples.count > 1, windowed.windowSum > 0, sampleRate > 0, frequency.isFinite else { return 0 }
        let coefficient = 2 * cos(2 * Double.pi * frequency / Double(sampleRate))
        var previous = 0.0
        var beforePrevious = 0.0
        for sample in windowed.samples {
            let current = sample + coefficient * previous - beforePrevious
            beforePrevious = previous
            previous = current
        }
        let magnitudeSquared = max(0, previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious)
        let amplitude = 2 * magnitudeSquared.squareRoot() / windowed.windowSum
        return (amplitude / 32_767) * (amplitude / 32_767)
    }
}
