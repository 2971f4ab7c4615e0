import Conformance
import Fuzzing
import Testing

@Suite("The protocol catalogue and verdicts")
struct CatalogTests {
    @Test("Known negatives match whole names, or a vector's name up to the ' — ' of its heading", arguments: [
        ("ndpi_stun.pcap#frame-195", false),
        ("ndpi_stun.pcap#frame-1950", true),
        ("dcep_rfc8832.txt#DATA_CHANNEL_ACK", false),
        ("dcep_rfc8832.txt#DATA_CHANNEL_ACK [2]", true),
        ("sctp_packets.txt#dcsctp DeserializePacketWithWrongChecksum — NEGATIVE: wrong checksum", false),
        ("sctp_packets.txt#dcsctp DeserializePacketWithWrongChecksumX", true),
    ])
    func negativesMatching(name: String, accepted: Bool) {
        #expect((ProtocolCatalog.expectation(for: name) == .accept) == accepted)
    }

    @Test("Protocol names are unique, so decode, corpora and fuzz targets agree on them")
    func uniqueNames() {
        let names = ProtocolCatalog.entries.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(ProtocolCatalog.entries.allSatisfy { $0.name == $0.target.name })
    }

    @Test("A verdict passes only when the outcome meets the expectation")
    func verdicts() {
        let accept = ConformanceCase(name: "a", source: .corpus, bytes: [])
        let reject = ConformanceCase(name: "r", source: .corpus, bytes: [], expectation: .reject(rule: "X.y", because: "test"))
        let refuse = ConformanceCase(name: "n", source: .corpus, bytes: [], expectation: .refuse(because: "test"))
        #expect(Verdict(case: accept, outcome: .accepted).passed)
        #expect(!Verdict(case: accept, outcome: .rejected(rule: "X.y")).passed)
        #expect(Verdict(case: reject, outcome: .rejected(rule: "X.y")).passed)
        #expect(!Verdict(case: reject, outcome: .rejected(rule: "X.z")).passed)
        #expect(!Verdict(case: reject, outcome: .accepted).passed)
        #expect(Verdict(case: refuse, outcome: .rejected(rule: "X.z")).passed)
        #expect(!Verdict(case: refuse, outcome: .accepted).passed)
        let finding = FuzzFinding(target: "t", oracle: .roundTrip, input: [], detail: "d")
        #expect(!Verdict(case: accept, outcome: .finding(finding)).passed)
    }
}
