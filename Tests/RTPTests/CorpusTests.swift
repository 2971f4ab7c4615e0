import Foundation
import RTP
import Testing
import Wire

@Suite("Corpus seeds (Corpus/rtp, rtcp, vp8, opus): every seed parses and re-serialises byte for byte")
struct CorpusTests {
    static func seeds(_ target: String) throws -> [(String, [UInt8])] {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Corpus").appendingPathComponent(target)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".bin") }.sorted()
        return try names.map { ($0, Array(try Data(contentsOf: folder.appendingPathComponent($0)))) }
    }

    static func check<C: WireCodec>(_ codec: C.Type, minimum: Int) throws {
        let seeds = try seeds(C.name)
        #expect(seeds.count >= minimum)
        for (name, bytes) in seeds {
            do {
                let value = try C.parse(bytes)
                #expect(C.serialize(value) == bytes, "\(C.name)/\(name)")
                #expect(!C.describe(value).renderJSON().isEmpty)
            } catch {
                Issue.record("\(C.name)/\(name): \(error)")
            }
        }
    }

    @Test("rtp seeds") func rtp() throws { try Self.check(RTPCodec.self, minimum: 12) }
    @Test("rtcp seeds") func rtcp() throws { try Self.check(RTCPCodec.self, minimum: 30) }
    @Test("vp8 seeds") func vp8() throws { try Self.check(VP8PayloadCodec.self, minimum: 13) }
    @Test("opus seeds") func opus() throws { try Self.check(OpusPayloadCodec.self, minimum: 7) }

    @Test("The key frame seed's VP8 header says 320×240 and P = 0 (RFC 7741 §4.3)")
    func keyFrameSeed() throws {
        let bytes = try #require(try Self.seeds("vp8").first { $0.0 == "key-frame-start-320x240.bin" }).1
        let payload = try VP8PayloadCodec.parse(bytes)
        #expect(payload.isKeyFrame == true)
        let header = try #require(VP8KeyFrameHeader(frame: payload.data))
        #expect(header.width == 320 && header.height == 240)
    }

    @Test("The constructed RTP seed's elements decode to their typed values through an ExtensionMap")
    func typedSeed() throws {
        let bytes = try #require(try Self.seeds("rtp").first { $0.0.hasPrefix("constructed-csrc") }).1
        let packet = try RTPCodec.parse(bytes)
        let map = ExtensionMap([1: RTPExtensionURI.absSendTime, 2: RTPExtensionURI.transportWideCC, 3: RTPExtensionURI.audioLevel])
        #expect(try map.values(of: try extensionElements(of: packet)) == [
            .absSendTime(0xABCD21), .transportWideSequence(5), .audioLevel(voiceActivity: true, level: 5),
        ])
    }
}
