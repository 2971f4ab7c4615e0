import ICE
import Testing
import Wire

@Suite("Check list: ordering, pruning, states, limit (RFC 8445 §6.1.2, §6.1.4)")
struct CheckListTests {
    static func candidate(_ kind: ICECandidateKind, _ address: String, base: String? = nil, local: UInt32 = 65_535, foundation: String) -> ICECandidate {
        ICECandidate(
            kind: kind, address: TransportAddress(address)!, base: base.flatMap { TransportAddress($0) },
            priority: ICECandidate.priority(typePreference: kind.typePreference, localPreference: local), foundation: foundation)
    }

    let hostA = candidate(.host, "127.0.0.1:1000", foundation: "hA")
    let hostB = candidate(.host, "127.0.0.2:1000", local: 65_000, foundation: "hB")
    let remoteHost = candidate(.host, "127.0.0.9:9000", foundation: "rh")
    let remoteRelay = candidate(.relayed, "127.0.0.9:9001", foundation: "rr")

    @Test("pairs are ordered by descending pair priority")
    func ordering() {
        var list = CheckList()
        list.add(ICECandidatePair(local: hostB, remote: remoteRelay), role: .controlling)
        list.add(ICECandidatePair(local: hostA, remote: remoteHost), role: .controlling)
        list.add(ICECandidatePair(local: hostB, remote: remoteHost), role: .controlling)
        list.add(ICECandidatePair(local: hostA, remote: remoteRelay), role: .controlling)
        let priorities = list.entries.map(\.priority)
        #expect(priorities == priorities.sorted(by: >))
        #expect(list.entries.first?.pair == ICECandidatePair(local: hostA, remote: remoteHost))
    }

    @Test("a pair with the same local base and remote address as one already listed is pruned (§6.1.2.4)")
    func pruning() {
        var list = CheckList()
        let srflx = Self.candidate(.serverReflexive, "203.0.113.1:5", base: "127.0.0.1:1000", foundation: "s")
        list.add(ICECandidatePair(local: hostA, remote: remoteHost), role: .controlling)
        list.add(ICECandidatePair(local: srflx, remote: remoteHost), role: .controlling)
        #expect(list.entries.count == 1)
        #expect(list.entries[0].pair.local == hostA)
    }

    @Test("the first pair of each foundation is Waiting, later ones Frozen; a success unfreezes its foundation (§6.1.2.6, RFC 8838 §10)")
    func initialStates() {
        var list = CheckList()
        let hostA2 = Self.candidate(.host, "127.0.0.1:1001", local: 64_000, foundation: "hA")
        let first = list.add(ICECandidatePair(local: hostA, remote: remoteHost), role: .controlling)!
        let sameFoundation = list.add(ICECandidatePair(local: hostA2, remote: remoteHost), role: .controlling)!
        let otherFoundation = list.add(ICECandidatePair(local: hostA, remote: remoteRelay), role: .controlling)!
        #expect(list.entry(first)?.state == .waiting)
        #expect(list.entry(sameFoundation)?.state == .frozen)
        #expect(list.entry(otherFoundation)?.state == .waiting)
        list.unfreeze(foundation: list.entry(first)!.pair.foundation)
        #expect(list.entry(sameFoundation)?.state == .waiting)
    }

    @Test("the pacer takes triggered checks first, then Waiting by priority, then unfreezes Frozen pairs (§6.1.4.2)")
    func nextCheckOrder() {
        var list = CheckList()
        let hostA2 = Self.candidate(.host, "127.0.0.1:1001", local: 64_000, foundation: "hA")
        let best = list.add(ICECandidatePair(local: hostA, remote: remoteHost), role: .controlling)!
        let frozen = list.add(ICECandidatePair(local: hostA2, remote: remoteHost), role: .controlling)!
        let low = list.add(ICECandidatePair(local: hostB, remote: remoteRelay), role: .controlling)!
        list.trigger(low)
        #expect(list.nextCheck() == low)
        #expect(list.nextCheck() == best)  // still Waiting: nextCheck only picks, the agent sends
        #expect(list.entry(frozen)?.state == .frozen)
    }

    @Test("a triggered pair is queued once and set Waiting")
    func triggerOnce() {
        var list = CheckList()
        let key = list.add(ICECandidatePair(local: hostA, remote: remoteHost), role: .controlling)!
        list.trigger(key)
        list.trigger(key)
        #expect(list.triggeredQueue == [key])
    }

    @Test("a role change recomputes pair priorities (§7.2.5.1)")
    func reprioritize() {
        var list = CheckList()
        let key = list.add(ICECandidatePair(local: hostA, remote: remoteRelay), role: .controlling)!
        let before = list.entry(key)!.priority
        list.reprioritize(role: .controlled)
        #expect(list.entry(key)!.priority == ICECandidatePair(local: hostA, remote: remoteRelay).priority(as: .controlled))
        #expect(list.entry(key)!.priority != before)
    }

    @Test("the list never holds more than its maximum; the lowest-priority pairs go (§6.1.2.5)")
    func limit() {
        var list = CheckList(maximumSize: 100)
        for port in 0..<300 {
            let remote = Self.candidate(.host, "127.0.0.9:\(10_000 + port)", local: UInt32(port), foundation: "r\(port)")
            list.add(ICECandidatePair(local: hostA, remote: remote), role: .controlling)
        }
        #expect(list.entries.count == 100)
        #expect(list.entries.allSatisfy { $0.pair.remote.localPreferenceForTest >= 200 })
    }
}

extension ICECandidate {
    var localPreferenceForTest: UInt32 { (priority >> 8) & 0xFFFF }
}
