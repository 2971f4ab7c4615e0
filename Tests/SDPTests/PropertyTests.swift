import Conformance
import PropertyBased
import SDP
import Testing
import Wire

@Suite("SDP properties")
struct PropertyTests {
    @Test("a random valid session description survives text and back unchanged")
    func sessionRoundTrip() async {
        await propertyCheck(count: 300, input: Generator(run: { rng in SDPDescription.random(using: &rng) })) { value throws in
            let bytes = SDPCodec.serialize(value)
            #expect(try SDPCodec.parse(bytes) == value)
            #expect(SDPCodec.canonicalize(bytes) == bytes)
        }
    }

    @Test("a random valid candidate survives text and back unchanged, in both forms")
    func candidateRoundTrip() async {
        await propertyCheck(count: 500, input: Generator(run: { rng in CandidateLine.random(using: &rng) })) { value throws in
            #expect(try CandidateCodec.parse(CandidateCodec.serialize(value)) == value)
        }
    }

    /// Line-wise mutations of the vector descriptions: whatever the parser accepts re-serialises to the
    /// canonical form of the mutant, and whatever it rejects is a typed error, never a trap.
    @Test("any accepted mutant of a vector description re-serialises to its canonical form")
    func mutantsRoundTrip() throws {
        let documents = try SDPVectorDocument.load(from: SharedFolder.locate(from: #filePath)).filter { $0.kind == .sessionDescription }
        var rng = SeededGenerator(seed: 0x5D9_2026)
        var accepted = 0
        var rejected = 0
        let replacements: [UInt8] = Array(" :=/\r\n\tazAZ09-~é".utf8) + [0xFF, 0x00]
        for _ in 0..<3000 {
            guard let document = documents.randomElement(using: &rng) else { break }
            var lines = document.text.split(separator: "\n").map { Array($0.utf8) }
            guard lines.count > 1 else { continue }
            let i = Int.random(in: 0..<lines.count, using: &rng)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: lines.remove(at: i)
            case 1: lines.insert(lines[i], at: i)
            case 2: lines.swapAt(i, Int.random(in: 0..<lines.count, using: &rng))
            case 3:
                if !lines[i].isEmpty {
                    lines[i][Int.random(in: 0..<lines[i].count, using: &rng)] = replacements.randomElement(using: &rng) ?? 0x20
                }
            default:
                if !lines[i].isEmpty { lines[i].remove(at: Int.random(in: 0..<lines[i].count, using: &rng)) }
            }
            let separator: [UInt8] = Bool.random(using: &rng) ? [0x0A] : [0x0D, 0x0A]
            let bytes = Array(lines.joined(separator: separator)) + (Bool.random(using: &rng) ? separator : [])
            do throws(SDPError) {
                let value = try SDPCodec.parse(bytes)
                accepted += 1
                #expect(SDPCodec.serialize(value) == SDPCodec.canonicalize(bytes), "mutant of \(document.name)")
                #expect((try? SDPCodec.parse(SDPCodec.serialize(value))) == value)
            } catch {
                rejected += 1
                #expect(error.location == .line && error.offset >= 1)
            }
        }
        #expect(accepted > 300 && rejected > 300, "accepted \(accepted), rejected \(rejected)")
    }

    @Test("every rule has a dotted id and an RFC reference")
    func ruleCatalogue() {
        for rule in SDPRule.allCases {
            #expect(rule.id.hasPrefix("SDP."))
            #expect(rule.reference.hasPrefix("RFC "))
        }
    }
}
