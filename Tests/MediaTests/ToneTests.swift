import Foundation
import Media
import Testing

/// The tone source and the Goertzel detector, without a codec between them.
@Suite("Tone source and detector")
struct ToneTests {
    @Test("Frames join without a jump: frame n + 1 continues frame n's sine (phase-continuous)")
    func phaseContinuous() {
        let source = ToneSource(frequency: 441, level: 0)
        let long = source.frame(number: 0, samplesPerChannel: 960 * 4)
        let pieces = (0..<4).flatMap { source.frame(number: $0).samples }
        #expect(pieces == long.samples)
    }

    @Test("A frame is a pure function of its number, however far into the stream")
    func pure() {
        let source = ToneSource(frequency: 441, level: -6, channels: 2)
        #expect(source.frame(number: 1_000_000) == source.frame(number: 1_000_000))
        #expect(source.frame(number: 1_000_000) != source.frame(number: 1_000_001))
        // 441 Hz completes 441 whole cycles every 50 frames of 20 ms, so frame 10⁶ starts where frame 0 does.
        let far = source.frame(number: 1_000_000).samples
        let near = source.frame(number: 0).samples
        #expect(zip(far, near).allSatisfy { abs(Int($0) - Int($1)) <= 1 })
    }

    @Test("The peak is the level asked for, in dBFS", arguments: [(0.0, 32_767), (-6.0, 16_423), (-20.0, 3_277)])
    func level(dBFS: Double, peak: Int) {
        let frame = ToneSource(frequency: 1_000, level: dBFS).frame(number: 0)
        let measured = frame.samples.map { abs(Int($0)) }.max() ?? 0
        #expect(abs(measured - peak) <= 2, "peak \(measured)")
    }

    @Test("Stereo frames carry the tone in both channels, interleaved")
    func stereo() {
        let frame = ToneSource(channels: 2).frame(number: 3)
        #expect(frame.samples.count == 1_920 && frame.samplesPerChannel == 960)
        #expect(stride(from: 0, to: 1_920, by: 2).allSatisfy { frame.samples[$0] == frame.samples[$0 + 1] })
    }

    @Test("Frequencies outside 0 … Nyquist give silence rather than aliasing", arguments: [0.0, -440, 24_000, 30_000, .nan])
    func outOfRange(frequency: Double) {
        #expect(ToneSource(frequency: frequency).frame(number: 1).samples.allSatisfy { $0 == 0 })
    }

    @Test("The detector reads a tone's power as its level: 10 log10(power) ≈ dBFS", arguments: [(0.0, 440.0), (-20, 440), (-20, 1_234.5), (-40, 3_000)])
    func power(dBFS: Double, frequency: Double) {
        let frame = ToneSource(frequency: frequency, level: dBFS).frame(number: 7)
        let measured = 10 * log10(ToneDetector.power(of: frequency, in: frame))
        #expect(abs(measured - dBFS) < 0.5, "\(measured) dBFS")
        // An octave away, the Hann window leaves almost nothing.
        #expect(10 * log10(max(1e-12, ToneDetector.power(of: frequency * 2, in: frame))) < dBFS - 40)
    }

    @Test("The dominant frequency is the tone's, among candidates and by scanning", arguments: [300.0, 440, 697, 1_633, 3_000])
    func dominant(frequency: Double) {
        let frame = ToneSource(frequency: frequency, level: -20, channels: 2).frame(number: 2)
        #expect(ToneDetector.dominantFrequency(in: frame, candidates: [300, 440, 697, 1_633, 3_000]) == frequency)
        let scanned = ToneDetector.dominantFrequency(in: frame)
        #expect(scanned.map { abs($0 - frequency) <= 5 } == true, "\(String(describing: scanned))")
    }

    @Test("Silence and an even mix of two candidates have no dominant frequency")
    func noWinner() {
        let silence = AudioFrame.silence(samplesPerChannel: 960, sampleRate: 48_000, channels: 1)
        #expect(ToneDetector.dominantFrequency(in: silence, candidates: [440, 1_000]) == nil)
        #expect(ToneDetector.dominantFrequency(in: silence) == nil)
        let a = ToneSource(frequency: 440, level: -12).frame(number: 0).samples
        let b = ToneSource(frequency: 1_000, level: -12).frame(number: 0).samples
        let mix = AudioFrame(samples: zip(a, b).map { $0 + $1 }, sampleRate: 48_000, channels: 1)
        #expect(ToneDetector.dominantFrequency(in: mix, candidates: [440, 1_000]) == nil)
    }
}
