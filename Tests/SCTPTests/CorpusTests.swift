import Foundation
import SCTP
import Testing
import Wire

/// The seeds of Corpus/sctp and Corpus/dcep: each negative is refused with its rule, every other seed
/// round-trips through the codec the fuzz target uses.
@Suite("SCTP and DCEP corpus seeds")
struct CorpusTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Corpus")

    static func seeds(_ target: String) throws -> [(name: String, bytes: [UInt8])] {
        let folder = root.appendingPathComponent(target)
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".bin") }.sorted().map {
            ($0, Array(try Data(contentsOf: folder.appendingPathComponent($0))))
        }
    }

    static let sctpNegatives: [String: SCTPRule] = [
        "negative-data-length-past-end.bin": .chunkLength,
        "negative-chunk-length-zero.bin": .chunkLength,
        "negative-wrong-checksum.bin": .checksum,
        "negative-zero-checksum-sack.bin": .checksum,
    ]

    static let dcepNegatives: [String: DCEPRule] = [
        "negative-ack-pion-four-bytes.bin": .ackLength,
        "negative-open-label-not-utf8.bin": .labelUTF8,
        "negative-open-label-length-past-end.bin": .labelLength,
    ]

    @Test("Every sctp seed round-trips through SCTPCodec, and each negative is refused with its rule")
    func sctpSeeds() throws {
        let seeds = try Self.seeds("sctp")
        #expect(seeds.count >= 40)
        #expect(Set(seeds.map(\.name).filter { $0.hasPrefix("negative-") }) == Set(Self.sctpNegatives.keys))
        for seed in seeds {
            if let rule = Self.sctpNegatives[seed.name] {
                #expect(sctpRule(seed.bytes) == rule, "\(seed.name)")
            } else {
                let parsed = try SCTPCodec.parse(seed.bytes)
                #expect(SCTPCodec.serialize(parsed) == seed.bytes, "\(seed.name)")
            }
        }
    }

    @Test("Every dcep seed round-trips through DCEPCodec, and each negative is refused with its rule")
    func dcepSeeds() throws {
        let seeds = try Self.seeds("dcep")
        #expect(seeds.count >= 10)
        #expect(Set(seeds.map(\.name).filter { $0.hasPrefix("negative-") }) == Set(Self.dcepNegatives.keys))
        for seed in seeds {
            if let rule = Self.dcepNegatives[seed.name] {
                do {
                    _ = try DCEPCodec.parse(seed.bytes)
                    Issue.record("\(seed.name) accepted")
                } catch {
                    #expect(error.rule == rule, "\(seed.name)")
                }
            } else {
                #expect(DCEPCodec.serialize(try DCEPCodec.parse(seed.bytes)) == seed.bytes, "\(seed.name)")
            }
        }
    }

    @Test("The error-all-causes seed holds the thirteen causes of RFC 9260 §3.3.10, typed")
    func allCauses() throws {
        let bytes = try #require(try Self.seeds("sctp").first { $0.name == "error-all-causes.bin" }?.bytes)
        guard case .error(let chunk) = try SCTPPacket.parse(bytes).chunks.first else {
            Issue.record("expected ERROR")
            return
        }
        #expect(chunk.causes.elements.map(\.code).sorted() == Array(1...13))
        #expect(!chunk.causes.elements.contains { if case .unknown = $0 { true } else { false } })
    }
}
