import ICE
import SDP
import Testing
import Wire

@Suite("Candidate and pair priorities, foundations, pruning (RFC 8445 §5.1, §6.1.2)")
struct FormulaTests {
    @Test("candidate priority is 2^24·type + 2^8·local + (256 − component), with the recommended type preferences",
          arguments: [
              (ICECandidateKind.host, UInt32(65_535), UInt16(1), UInt32(2_130_706_431)),
              (.peerReflexive, 65_535, 1, 1_862_270_975),
              (.serverReflexive, 65_535, 1, 1_694_498_815),
              (.relayed, 65_535, 1, 16_777_215),
              (.host, 65_535, 2, 2_130_706_430),
              (.host, 0, 256, 2_113_929_216),
          ])
    func candidatePriority(kind: ICECandidateKind, local: UInt32, component: UInt16, expected: UInt32) {
        #expect(ICECandidate.priority(typePreference: kind.typePreference, localPreference: local, component: component) == expected)
    }

    @Test("out-of-range inputs are clamped to a valid 31-bit priority")
    func priorityClamps() {
        let priority = ICECandidate.priority(typePreference: 500, localPreference: 1 << 20, component: 0)
        #expect(priority <= Candidate.maximumPriority)
        #expect(priority == ICECandidate.priority(typePreference: 126, localPreference: 65_535, component: 1))
    }

    @Test("pair priority is 2^32·MIN(G,D) + 2·MAX(G,D) + (G>D ? 1 : 0) (§6.1.2.3)")
    func pairPriority() {
        #expect(ICECandidatePair.priority(controlling: 2, controlled: 1) == (1 << 32) + 4 + 1)
        #expect(ICECandidatePair.priority(controlling: 1, controlled: 2) == (1 << 32) + 4)
        #expect(ICECandidatePair.priority(controlling: 7, controlled: 7) == (7 << 32) + 14)
        let max = Candidate.maximumPriority
        #expect(ICECandidatePair.priority(controlling: max, controlled: max) == UInt64(max) << 32 + 2 * UInt64(max))
    }

    @Test("both agents compute the same priority for the same pair, whatever their roles")
    func pairPrioritySymmetry() {
        let a = ICECandidate(kind: .host, address: TransportAddress("127.0.0.1:1")!, priority: 2_130_706_431, foundation: "1")
        let b = ICECandidate(kind: .serverReflexive, address: TransportAddress("127.0.0.2:2")!, priority: 1_694_498_815, foundation: "2")
        let seenByA = ICECandidatePair(local: a, remote: b).priority(as: .controlling)
        let seenByB = ICECandidatePair(local: b, remote: a).priority(as: .controlled)
        #expect(seenByA == seenByB)
        #expect(ICECandidatePair(local: a, remote: b).priority(as: .controlled) != seenByA)
    }

    @Test("foundations are equal for the same type, base IP, server and transport, and differ otherwise (§5.1.1.3)")
    func foundations() {
        let base = IPAddress("192.0.2.1")!
        let server = IPAddress("198.51.100.1")!
        let f = ICECandidate.foundation(kind: .serverReflexive, baseAddress: base, server: server)
        #expect(f == ICECandidate.foundation(kind: .serverReflexive, baseAddress: base, server: server, transport: "UDP"))
        #expect(f != ICECandidate.foundation(kind: .host, baseAddress: base, server: nil))
        #expect(f != ICECandidate.foundation(kind: .serverReflexive, baseAddress: IPAddress("192.0.2.2")!, server: server))
        #expect(f != ICECandidate.foundation(kind: .serverReflexive, baseAddress: base, server: IPAddress("198.51.100.2")!))
        #expect(f != ICECandidate.foundation(kind: .serverReflexive, baseAddress: base, server: server, transport: "tcp"))
        #expect((1...32).contains(f.count) && f.allSatisfy(\.isNumber))
    }

    @Test("a candidate with the transport address and base of a higher-priority one is redundant (§5.1.3)")
    func redundantCandidates() {
        let host = ICECandidate(kind: .host, address: TransportAddress("127.0.0.1:5000")!, priority: 2_130_706_431, foundation: "h")
        let sameAsHost = ICECandidate(
            kind: .serverReflexive, address: host.address, base: host.address, priority: 1_694_498_815, foundation: "s")
        let natted = ICECandidate(
            kind: .serverReflexive, address: TransportAddress("203.0.113.9:40000")!, base: host.address,
            priority: 1_694_498_815, foundation: "s")
        #expect(pruneRedundantCandidates([sameAsHost, host, natted]) == [host, natted])
    }

    @Test("SDP candidates convert both ways; unusable ones (TCP, component 2, FQDN) are refused")
    func sdpConversion() {
        let local = ICECandidate(
            kind: .serverReflexive, address: TransportAddress("203.0.113.9:40000")!,
            base: TransportAddress("192.0.2.1:5000")!, priority: 1_694_498_815, foundation: "42",
            relatedAddress: TransportAddress("192.0.2.1:5000")!)
        let sdp = local.sdpCandidate
        #expect(sdp.type == .srflx && sdp.relatedAddress == "192.0.2.1" && sdp.relatedPort == 5000)
        let back = ICECandidate(remote: sdp)
        #expect(back?.address == local.address && back?.priority == local.priority && back?.kind == .serverReflexive)
        var tcp = sdp; tcp.transport = "tcp"
        var rtcp = sdp; rtcp.component = 2
        var mdns = sdp; mdns.address = "3f1c.local"
        #expect(ICECandidate(remote: tcp) == nil)
        #expect(ICECandidate(remote: rtcp) == nil)
        #expect(ICECandidate(remote: mdns) == nil)
    }

    @Test("generated credentials are ice-chars: ufrag ≥ 4, pwd ≥ 22 (RFC 8839 §5.4)")
    func credentials() {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<50 {
            let credentials = ICECredentials.random(using: &generator)
            #expect(credentials.isValid)
            #expect(credentials.ufrag.count >= 4 && credentials.pwd.count >= 22)
        }
        #expect(!ICECredentials(ufrag: "abc", pwd: String(repeating: "x", count: 22)).isValid)
        #expect(!ICECredentials(ufrag: "abcd", pwd: String(repeating: "x", count: 21)).isValid)
        #expect(!ICECredentials(ufrag: "ab:d", pwd: String(repeating: "x", count: 22)).isValid)
    }

    @Test("host local preferences prefer IPv6 but interleave the families (RFC 8421 §4)")
    func dualStackPreferences() {
        let configuration = ICEConfiguration(hostAddresses: [
            TransportAddress("127.0.0.1:1")!, TransportAddress("127.0.0.2:1")!,
            TransportAddress("[::1]:1")!,
        ])
        var agent = ICEAgent(configuration: configuration, role: .controlling, generator: SeededGenerator(seed: 1))
        agent.handle(.startGathering, at: .zero)
        let priorities = Dictionary(uniqueKeysWithValues: agent.localCandidates.map { ($0.address.description, $0.priority) })
        #expect(priorities["[::1]:1"]! > priorities["127.0.0.1:1"]!)
        #expect(priorities["127.0.0.1:1"]! > priorities["127.0.0.2:1"]!)
    }
}
