import Fuzzing
import Testing
import Wire

/// A toy length-prefixed codec, so the harness's own oracles can be shown to fire.
enum ToyRule: String, ProtocolRule, CaseIterable {
    case truncated, trailingBytes
    var id: String { "TOY.\(rawValue)" }
    var reference: String { "test" }
}

enum ToyCodec: WireCodec {
    static let name = "toy"
    static func parse(_ bytes: [UInt8]) throws(CodecError<ToyRule>) -> [UInt8] {
        var reader = ByteReader(bytes)
        let body: [UInt8]
        do throws(TruncatedInput) {
            let length = Int(try reader.readUInt8())
            body = Array(try reader.readBytes(length))
        } catch {
            throw CodecError(error)
        }
        guard reader.isAtEnd else { throw CodecError(.trailingBytes, at: reader.offset, "\(reader.remaining) extra") }
        return body
    }
    static func serialize(_ value: [UInt8]) -> [UInt8] { [UInt8(truncatingIfNeeded: value.count)] + value }
    static func describe(_ value: [UInt8]) -> Structure { .bytes(value) }
}

/// The same codec with a planted bug: bodies starting with 0xEE lose their last byte on output.
enum LossyToyCodec: WireCodec {
    static let name = "lossy-toy"
    static func parse(_ bytes: [UInt8]) throws(CodecError<ToyRule>) -> [UInt8] { try ToyCodec.parse(bytes) }
    static func serialize(_ value: [UInt8]) -> [UInt8] {
        value.first == 0xEE ? ToyCodec.serialize(Array(value.dropLast())) : ToyCodec.serialize(value)
    }
    static func describe(_ value: [UInt8]) -> Structure { .bytes(value) }
}

@Suite("Fuzz targets and the built-in campaign")
struct OracleTests {
    @Test("A correct codec: accepted input round-trips, refused input names its rule")
    func outcomes() {
        let target = FuzzTarget.codec(ToyCodec.self)
        #expect(target.run([2, 0xAA, 0xBB]) == .accepted)
        #expect(target.run([3, 0xAA]) == .rejected(rule: "TOY.truncated"))
        #expect(target.run([0, 1]) == .rejected(rule: "TOY.trailingBytes"))
    }

    @Test("The round-trip oracle catches a codec that loses bytes")
    func roundTripOracle() {
        let outcome = FuzzTarget.codec(LossyToyCodec.self).run([2, 0xEE, 0x01])
        guard case .finding(let finding) = outcome else {
            Issue.record("expected a finding, got \(outcome)")
            return
        }
        #expect(finding.oracle == .roundTrip)
    }

    @Test("Invariants run on accepted values and report their complaint")
    func invariants() {
        let target = FuzzTarget.codec(ToyCodec.self, invariants: [{ $0.count > 3 ? "longer than 3" : nil }])
        #expect(target.run([1, 9]) == .accepted)
        guard case .finding(let finding) = target.run([4, 1, 2, 3, 4]) else {
            Issue.record("expected an invariant finding")
            return
        }
        #expect(finding.oracle == .invariant && finding.detail == "longer than 3")
    }

    @Test("The built-in campaign finds the planted bug from an innocent seed")
    func campaignFindsPlantedBug() {
        let report = BuiltinCampaign(target: .codec(LossyToyCodec.self), seeds: [[2, 0x10, 0x01]], seed: 1)
            .run(executions: 50_000)
        #expect(report.executions == 50_000)
        #expect(report.findings.contains { $0.oracle == .roundTrip }, "no finding after \(report.executions) runs")
    }

    @Test("A campaign is a function of its seed")
    func determinism() {
        let campaign = BuiltinCampaign(target: .codec(ToyCodec.self), seeds: [[2, 1, 2], [0]], seed: 42)
        let first = campaign.run(executions: 5_000)
        let second = campaign.run(executions: 5_000)
        #expect(first.accepted == second.accepted)
        #expect(first.rejectionsByRule == second.rejectionsByRule)
        #expect(first.accepted > 0 && !first.rejectionsByRule.isEmpty)
    }

    @Test("Mutants stay within the length bound")
    func boundedMutants() {
        var mutator = Mutator(seed: 3, maxLength: 100)
        var input = [UInt8](repeating: 7, count: 90)
        for _ in 0..<2_000 {
            input = mutator.havoc(input)
            #expect(input.count <= 100)
        }
    }
}
