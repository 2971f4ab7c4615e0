import Media
import Testing

@Suite("Media frames")
struct MediaFrameTests {
    @Test("20 ms of 48 kHz stereo silence holds 960 samples per channel and lasts 20 000 µs")
    func silenceShape() {
        let frame = AudioFrame.silence(samplesPerChannel: 960, sampleRate: 48_000, channels: 2)
        #expect(frame.samples.count == 1_920)
        #expect(frame.samplesPerChannel == 960)
        #expect(frame.durationMicroseconds == 20_000)
        #expect(frame.samples.allSatisfy { $0 == 0 })
    }

    @Test("A black I420 picture of odd size has chroma planes rounded up and limited-range black")
    func blackShape() {
        let frame = I420Frame.black(width: 641, height: 481)
        #expect(frame.isWellFormed)
        #expect(frame.u.count == 321 * 241)
        #expect(frame.y.allSatisfy { $0 == 16 } && frame.v.allSatisfy { $0 == 128 })
    }
}
