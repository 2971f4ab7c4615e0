import Media
import RTP
import Testing

/// VP8 through libvpx both ways (RFC 6386): pictures go in, pictures of the same size come out.
@Suite("VP8 round trip")
struct VP8RoundTripTests {
    static let size = (width: 160, height: 120)

    @Test("The first frame is a key frame, later ones are not, and every picture decodes at its size")
    func keyFrameFirst() throws {
        let source = TestPatternSource(width: Self.size.width, height: Self.size.height)
        let encoder = try VP8Encoder(VP8EncoderConfiguration(width: Self.size.width, height: Self.size.height))
        let decoder = try VP8Decoder()
        for number in UInt32(0)..<10 {
            let encoded = try #require(try encoder.encode(source.frame(number: number)))
            #expect(encoded.isKeyFrame == (number == 0), "frame \(number)")
            #expect(encoded.width == Self.size.width && encoded.height == Self.size.height)
            // The frame tag agrees (RFC 6386 §9.1), and RTP's key frame header reads the size.
            #expect((encoded.data[0] & 1 == 0) == encoded.isKeyFrame)
            if encoded.isKeyFrame {
                let header = try #require(VP8KeyFrameHeader(frame: encoded.data))
                #expect(Int(header.width) == Self.size.width && Int(header.height) == Self.size.height)
            }
            let picture = try #require(try decoder.decode(encoded.data))
            #expect(picture.width == Self.size.width && picture.height == Self.size.height && picture.isWellFormed)
        }
    }

    @Test("A key frame is made when asked for, and only then")
    func forcedKeyFrame() throws {
        let source = TestPatternSource(width: Self.size.width, height: Self.size.height)
        let encoder = try VP8Encoder(VP8EncoderConfiguration(width: Self.size.width, height: Self.size.height))
        let keys = try (UInt32(0)..<8).map { number in
            try #require(try encoder.encode(source.frame(number: number), forceKeyFrame: number == 5)).isKeyFrame
        }
        #expect(keys == [true, false, false, false, false, true, false, false])
    }

    @Test("The key frame interval is honoured when nothing asks")
    func keyFrameInterval() throws {
        let source = TestPatternSource(width: Self.size.width, height: Self.size.height)
        let encoder = try VP8Encoder(VP8EncoderConfiguration(width: Self.size.width, height: Self.size.height, keyFrameInterval: 4))
        let keys = try (UInt32(0)..<9).map { try #require(try encoder.encode(source.frame(number: $0))).isKeyFrame }
        #expect(keys.enumerated().filter(\.element).map(\.offset) == [0, 4, 8])
    }

    @Test("A bitrate change is accepted and moves the frame sizes")
    func bitrateChange() throws {
        let source = TestPatternSource(width: 320, height: 240)
        let encoder = try VP8Encoder(VP8EncoderConfiguration(width: 320, height: 240, targetBitrate: 100_000))
        let low = try (UInt32(0)..<30).map { try #require(try encoder.encode(source.frame(number: $0))).data.count }.suffix(10).reduce(0, +)
        try encoder.setTargetBitrate(1_500_000)
        #expect(encoder.configuration.targetBitrate == 1_500_000)
        let high = try (UInt32(30)..<60).map { try #require(try encoder.encode(source.frame(number: $0))).data.count }.suffix(10).reduce(0, +)
        #expect(high > low * 2, "10 frames: \(low) bytes at 100 kbit/s, \(high) at 1.5 Mbit/s")
        #expect(throws: MediaCodecError.self) { try encoder.setTargetBitrate(0) }
        #expect(encoder.configuration.targetBitrate == 1_500_000)
    }

    @Test("A picture of another size re-creates the encoder: a key frame at the new size, which decodes")
    func sizeChange() throws {
        let encoder = try VP8Encoder(VP8EncoderConfiguration(width: 160, height: 120))
        let decoder = try VP8Decoder()
        for (number, size) in [(160, 120), (160, 120), (96, 64), (96, 64), (176, 144)].enumerated() {
            let picture = TestPatternSource(width: size.0, height: size.1).frame(number: UInt32(number))
            let encoded = try #require(try encoder.encode(picture))
            #expect(encoded.width == size.0 && encoded.height == size.1)
            #expect(encoded.isKeyFrame == [0, 2, 4].contains(number), "frame \(number)")
            #expect(encoder.configuration.width == size.0 && encoder.configuration.height == size.1)
            let decoded = try #require(try decoder.decode(encoded.data))
            #expect(decoded.width == size.0 && decoded.height == size.1)
        }
    }

    @Test("Odd sizes keep their rounded-up chroma planes through the codec")
    func oddSize() throws {
        let encoder = try VP8Encoder(VP8EncoderConfiguration(width: 99, height: 67))
        let decoder = try VP8Decoder()
        let encoded = try #require(try encoder.encode(TestPatternSource(width: 99, height: 67).frame(number: 1)))
        let decoded = try #require(try decoder.decode(encoded.data))
        #expect(decoded.width == 99 && decoded.height == 67 && decoded.u.count == 50 * 34 && decoded.isWellFormed)
    }

    @Test("A picture whose planes do not match its size is refused, typed")
    func malformedPicture() throws {
        let encoder = try VP8Encoder(VP8EncoderConfiguration(width: 64, height: 48))
        var picture = I420Frame.black(width: 64, height: 48)
        picture.u.removeLast()
        #expect(thrown { () throws(MediaCodecError) in try encoder.encode(picture) }?.reason == "frame-mismatch")
    }
}
