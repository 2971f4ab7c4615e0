import Media
import Testing
import Wire

/// Hostile and damaged bytes into both decoders (DESIGN §1.4): a typed error, or for Opus a frame of a
/// length Opus can have, or for VP8 nil or a picture of the stream's size; never a trap.
@Suite("Decoders under hostile input")
struct HostileInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let bytes: [UInt8]
        /// The typed reason expected, or nil when the decoder may also accept the bytes.
        let reason: String?
        var testDescription: String { name }
    }

    /// A real Opus packet, 20 ms of the tone.
    static let opusPacket: [UInt8] = {
        let encoder = try! OpusEncoder(OpusEncoderConfiguration())
        return try! encoder.encode(ToneSource().frame(number: 3))
    }()

    static let opusCases: [Case] = [
        Case(name: "empty packet", bytes: [], reason: "malformed-input"),
        // RFC 6716 §3.2.3: code 2 needs a frame length byte after the TOC.
        Case(name: "code 2 without its length byte", bytes: [0x7A], reason: "malformed-input"),
        // RFC 6716 §3.2.5: code 3 frame count 0 is invalid.
        Case(name: "code 3 with frame count 0", bytes: [0x7B, 0x00], reason: "malformed-input"),
        // RFC 6716 §3.2.5: more than 120 ms (49 frames of 20 ms).
        Case(name: "code 3 with 49 frames of 20 ms", bytes: [0x7B, 0x31] + [UInt8](repeating: 0, count: 49), reason: "malformed-input"),
        // RFC 6716 §3.2.2: code 1 needs an odd total length (two equal frames).
        Case(name: "code 1 with unequal halves", bytes: [0x79, 0x01], reason: "malformed-input"),
        Case(name: "code 3 with padding running past the end", bytes: [0x7B, 0x41, 0xFF, 0xFF], reason: "malformed-input"),
        Case(name: "a real packet cut to its TOC byte", bytes: Array(opusPacket.prefix(1)), reason: nil),
        Case(name: "a real packet cut in half", bytes: Array(opusPacket.prefix(opusPacket.count / 2)), reason: nil),
        Case(name: "a real packet with its payload inverted", bytes: [opusPacket[0]] + opusPacket.dropFirst().map { ~$0 }, reason: nil),
        Case(name: "a TOC byte and 1 500 bytes of 0xFF", bytes: [0x78] + [UInt8](repeating: 0xFF, count: 1_500), reason: nil),
    ]

    @Test("Damaged Opus packets give the typed reason expected or a frame of a valid length", arguments: opusCases)
    func opus(_ testCase: Case) throws {
        let decoder = try OpusDecoder(channels: 2)
        check(decoder, testCase.bytes, expecting: testCase.reason)
    }

    @Test("500 seeded random Opus packets of 0 to 1 500 bytes: a typed error or a valid frame each")
    func opusRandom() throws {
        let decoder = try OpusDecoder(channels: 1)
        var generator = SeededGenerator(seed: 0x0905)
        for _ in 0..<500 {
            let count = Int.random(in: 0...1_500, using: &generator)
            check(decoder, (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }, expecting: nil)
        }
        // The decoder is still usable afterwards.
        let encoder = try OpusEncoder(OpusEncoderConfiguration())
        #expect(try decoder.decode(try encoder.encode(ToneSource().frame(number: 0))).samplesPerChannel == 960)
    }

    func check(_ decoder: OpusDecoder, _ bytes: [UInt8], expecting reason: String?, sourceLocation: SourceLocation = #_sourceLocation) {
        do throws(MediaCodecError) {
            let frame = try decoder.decode(bytes)
            #expect(reason == nil, "decoded where \(reason ?? "") was expected", sourceLocation: sourceLocation)
            // RFC 6716 §3.2: a packet holds 2.5 ms … 120 ms, in 2.5 ms steps.
            #expect(frame.samplesPerChannel % 120 == 0 && frame.samplesPerChannel <= 5_760, sourceLocation: sourceLocation)
            #expect(frame.samples.count == frame.samplesPerChannel * decoder.channels, sourceLocation: sourceLocation)
        } catch {
            #expect(reason == nil || error.reason == reason, "\(error)", sourceLocation: sourceLocation)
        }
    }

    /// Two real frames: a key frame and the inter frame after it, at 96×64.
    static let vp8Frames: (key: [UInt8], inter: [UInt8]) = {
        let encoder = try! VP8Encoder(VP8EncoderConfiguration(width: 96, height: 64))
        let source = TestPatternSource(width: 96, height: 64)
        return (try! encoder.encode(source.frame(number: 0))!.data, try! encoder.encode(source.frame(number: 1))!.data)
    }()

    /// A key frame header (RFC 6386 §9.1) declaring `width`×`height`, followed by `tail`.
    static func keyFrameHeader(width: UInt16, height: UInt16, tail: [UInt8] = [UInt8](repeating: 0, count: 32)) -> [UInt8] {
        [0x50, 0x01, 0x00, 0x9D, 0x01, 0x2A, UInt8(width & 0xFF), UInt8(width >> 8), UInt8(height & 0xFF), UInt8(height >> 8)] + tail
    }

    static let vp8FreshCases: [Case] = [
        Case(name: "empty frame", bytes: [], reason: "malformed-input"),
        Case(name: "two bytes, less than a frame tag", bytes: [0x50, 0x01], reason: "malformed-input"),
        Case(name: "an inter frame first", bytes: vp8Frames.inter, reason: "key-frame-required"),
        Case(name: "an inter frame tag alone", bytes: [0x01, 0x00, 0x00], reason: "key-frame-required"),
        Case(name: "a key frame tag without the rest of its header", bytes: [0x50, 0x01, 0x00, 0x9D], reason: "malformed-input"),
        Case(name: "a key frame with a wrong start code", bytes: [0x50, 0x01, 0x00, 0x9D, 0x01, 0x2B, 0x60, 0, 0x40, 0], reason: "malformed-input"),
        Case(name: "a key frame of size 0×0", bytes: keyFrameHeader(width: 0, height: 0), reason: "malformed-input"),
        Case(name: "a key frame of 16383×16383, above the decoder's limit", bytes: keyFrameHeader(width: 16_383, height: 16_383), reason: "malformed-input"),
        Case(name: "a key frame of 5000×10, above the limit in one dimension", bytes: keyFrameHeader(width: 5_000, height: 10), reason: "malformed-input"),
        Case(name: "a key frame header whose partition runs past the end", bytes: keyFrameHeader(width: 96, height: 64, tail: []), reason: "malformed-input"),
        Case(name: "a real key frame cut to 10 bytes", bytes: Array(vp8Frames.key.prefix(10)), reason: "malformed-input"),
        Case(name: "a real key frame cut in half", bytes: Array(vp8Frames.key.prefix(vp8Frames.key.count / 2)), reason: nil),
        Case(name: "a real key frame with its data after the header inverted", bytes: Array(vp8Frames.key.prefix(10)) + vp8Frames.key.dropFirst(10).map { ~$0 }, reason: nil),
    ]

    @Test("Damaged VP8 frames into a fresh decoder give the typed reason expected", arguments: vp8FreshCases)
    func vp8Fresh(_ testCase: Case) throws {
        let decoder = try VP8Decoder()
        check(decoder, testCase.bytes, expecting: testCase.reason)
    }

    static let vp8AfterKeyCases: [Case] = [
        Case(name: "an inter frame cut to its tag", bytes: Array(vp8Frames.inter.prefix(3)), reason: "malformed-input"),
        Case(name: "an inter frame cut in half", bytes: Array(vp8Frames.inter.prefix(vp8Frames.inter.count / 2)), reason: nil),
        Case(name: "an inter frame with its first partition size too large", bytes: [0xF1, 0xFF, 0xFF] + vp8Frames.inter.dropFirst(3), reason: "malformed-input"),
        Case(name: "an inter frame inverted after its tag", bytes: Array(vp8Frames.inter.prefix(3)) + vp8Frames.inter.dropFirst(3).map { ~$0 }, reason: nil),
        Case(name: "1 000 bytes of 0xFF", bytes: [UInt8](repeating: 0xFF, count: 1_000), reason: nil),
    ]

    @Test("Damaged VP8 frames after a good key frame give a typed error, nil, or a well-formed picture within the limit", arguments: vp8AfterKeyCases)
    func vp8AfterKey(_ testCase: Case) throws {
        let decoder = try VP8Decoder()
        _ = try decoder.decode(Self.vp8Frames.key)
        check(decoder, testCase.bytes, expecting: testCase.reason)
    }

    @Test("500 seeded random VP8 frames, the odd ones after a key frame: a typed error, nil or a well-formed picture within the limit each")
    func vp8Random() throws {
        var generator = SeededGenerator(seed: 0x0908)
        for round in 0..<500 {
            let decoder = try VP8Decoder()
            if round % 2 == 1 { _ = try decoder.decode(Self.vp8Frames.key) }
            let count = Int.random(in: 0...600, using: &generator)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // Half the key-frame-tagged ones get a valid start code and size, to reach libvpx's parser.
            if count >= 10, bytes[0] & 1 == 0, round % 4 < 2 {
                bytes.replaceSubrange(3..<10, with: [0x9D, 0x01, 0x2A, 96, 0, 64, 0])
            }
            check(decoder, bytes, expecting: nil)
        }
    }

    @Test("After every damaged frame in the tables, the next key frame decodes again (recovery by PLI works)")
    func vp8Recovers() throws {
        for testCase in Self.vp8FreshCases + Self.vp8AfterKeyCases {
            let decoder = try VP8Decoder()
            _ = try? decoder.decode(Self.vp8Frames.key)
            _ = try? decoder.decode(testCase.bytes)
            let picture = try decoder.decode(Self.vp8Frames.key)
            #expect(picture?.width == 96 && picture?.height == 64, "after \(testCase.name)")
            #expect(try decoder.decode(Self.vp8Frames.inter)?.width == 96, "after \(testCase.name)")
        }
    }

    func check(_ decoder: VP8Decoder, _ bytes: [UInt8], expecting reason: String?, sourceLocation: SourceLocation = #_sourceLocation) {
        do throws(MediaCodecError) {
            let picture = try decoder.decode(bytes)
            #expect(reason == nil, "decoded where \(reason ?? "") was expected", sourceLocation: sourceLocation)
            if let picture {
                #expect(picture.isWellFormed && picture.width <= decoder.maximumDimension && picture.height <= decoder.maximumDimension,
                        sourceLocation: sourceLocation)
            }
        } catch {
            #expect(reason == nil || error.reason == reason, "\(error)", sourceLocation: sourceLocation)
        }
    }
}
