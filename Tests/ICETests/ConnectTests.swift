import ICE
import SDP
import SansIO
import Simulation
import Testing
import Wire

@Suite("Two agents connect (RFC 8445 §6–8, RFC 8838)", .replaying(TwoAgentLoop.defaultSeed, "ICETests.ConnectTests"))
struct ConnectTests {
    @Test("regular nomination on loopback: every transition is reported, in this order")
    func regularNominationSequence() {
        var loop = TwoAgentLoop.loopback()
        loop.start()
        loop.run(for: .seconds(3))
        let a = loop.agents[0], b = loop.agents[1]
        let pairAB = ICECandidatePair(local: a.localCandidates[0], remote: b.localCandidates[0])
        let pairBA = ICECandidatePair(local: b.localCandidates[0], remote: a.localCandidates[0])
        #expect(loop.events[0] == [
            .gatheringStateChanged(.gathering), .localCandidate(a.localCandidates[0]), .gatheringStateChanged(.complete),
            .connectionStateChanged(.checking), .selectedPairChanged(pairAB), .connectionStateChanged(.connected),
            .connectionStateChanged(.completed),
        ])
        #expect(loop.events[1] == [
            .gatheringStateChanged(.gathering), .localCandidate(b.localCandidates[0]), .gatheringStateChanged(.complete),
            .connectionStateChanged(.checking), .selectedPairChanged(pairBA), .connectionStateChanged(.connected),
            .connectionStateChanged(.completed),
        ])
        #expect(a.selectedPair?.remote.address == b.localCandidates[0].address)
        #expect(a.role == .controlling && b.role == .controlled)
    }

    @Test("data flows both ways on the selected pair once connected")
    func dataFlows() {
        var loop = TwoAgentLoop.loopback()
        loop.start()
        loop.run(for: .seconds(2))
        loop.input(0, .send([0x80, 1, 2]))
        loop.input(1, .send([0x17, 0xFE, 0xFD]))
        loop.run(for: .milliseconds(100))
        #expect(loop.received[1] == [[0x80, 1, 2]])
        #expect(loop.received[0] == [[0x17, 0xFE, 0xFD]])
    }

    @Test("aggressive nomination: every check carries USE-CANDIDATE and the first success is selected")
    func aggressiveNomination() {
        var loop = TwoAgentLoop.loopback(nomination: .aggressive)
        loop.start()
        loop.run(for: .seconds(3))
        #expect(loop.connectionStates(0) == [.checking, .connected, .completed])
        #expect(loop.connectionStates(1) == [.checking, .connected, .completed])
        #expect(loop.selectedPairs(0).count == 1 && loop.selectedPairs(1).count == 1)
    }

    @Test("nomination picks the best pair when several work (dual host on each side)")
    func bestPairNominated() {
        var loop = TwoAgentLoop.loopback { configuration, index in
            configuration.hostAddresses = index == 0
                ? [TransportAddress("127.0.0.1:5000")!, TransportAddress("127.0.0.3:5000")!]
                : [TransportAddress("127.0.0.2:6000")!, TransportAddress("127.0.0.4:6000")!]
        }
        loop.start()
        loop.run(for: .seconds(5))
        #expect(loop.connectionStates(0).last == .completed)
        let selected = loop.agents[0].selectedPair
        #expect(selected?.local.address == TransportAddress("127.0.0.1:5000"))
        #expect(selected?.remote.address == TransportAddress("127.0.0.2:6000"))
        #expect(loop.agents[1].selectedPair?.local.address == TransportAddress("127.0.0.2:6000"))
    }

    @Test("regular nomination waits for a silent higher-priority pair only nominationDelay (2 s) after the first success")
    func nominationDelay() {
        var loop = TwoAgentLoop.loopback { configuration, index in
            if index == 0 { configuration.hostAddresses = [TransportAddress("127.0.0.1:5000")!, TransportAddress("127.0.0.3:5000")!] }
        }
        // A's preferred host is cut off: its pair never answers, the other one works.
        let dead = TransportAddress("127.0.0.1:5000")!
        loop.drop = { $0.source == dead || $0.destination == dead }
        loop.start()
        loop.run(until: .seconds(1.9))
        #expect(loop.agents[0].selectedPair == nil)
        loop.run(until: .seconds(2.5))
        #expect(loop.agents[0].selectedPair?.local.address == TransportAddress("127.0.0.3:5000"))
        #expect(loop.connectionStates(0).last == .completed)  // a nomination completes the list (§8.1.2)
        #expect(loop.connectionStates(1).last == .completed)
    }

    @Test("role conflict, both controlling: the larger tie-breaker stays controlling and they connect (§7.3.1.1)",
          arguments: [ICERole.controlling, .controlled])
    func roleConflict(role: ICERole) {
        var loop = TwoAgentLoop.loopback(a: role, b: role)
        loop.start()
        loop.run(for: .seconds(5))
        let a = loop.agents[0], b = loop.agents[1]
        #expect(a.role != b.role)
        let winner = a.tieBreaker > b.tieBreaker ? 0 : 1
        #expect(loop.agents[winner].role == .controlling)
        let changes = loop.events[1 - winner].filter { if case .roleChanged = $0 { true } else { false } }
        if role == .controlling {
            #expect(changes == [.roleChanged(.controlled)])
        } else {
            #expect(loop.events[winner].contains(.roleChanged(.controlling)))
        }
        #expect(loop.connectionStates(0).last == .completed)
        #expect(loop.connectionStates(1).last == .completed)
    }

    @Test("a lite peer: the full agent controls, the lite agent only answers, and both connect (RFC 8445 §2.5)")
    func litePeer() {
        var loop = TwoAgentLoop.loopback(a: .controlled, b: .controlling) { configuration, index in
            if index == 1 { configuration.isLite = true }
        }
        loop.start()
        loop.run(for: .seconds(3))
        let full = loop.agents[0], lite = loop.agents[1]
        #expect(full.role == .controlling && lite.role == .controlled)
        #expect(loop.events[0].contains(.roleChanged(.controlling)))
        // The lite agent never originates a check: everything it sends answers a request.
        #expect(loop.sent[1].allSatisfy { $0.datagram.payload[0] == 0x01 /* a response class */ })
        #expect(loop.connectionStates(0).last == .completed)
        #expect(loop.connectionStates(1).contains(.connected))
        #expect(lite.selectedPair?.remote.address == full.localCandidates[0].address)
    }

    @Test("a check from an address never signalled teaches a peer-reflexive candidate, and the pair connects (§7.3.1.3)")
    func peerReflexive() {
        var loop = TwoAgentLoop.loopback()
        loop.autoSignal = false
        loop.start()
        // Only A's candidate reaches B: A learns B's address from B's checks.
        loop.input(1, .addRemoteCandidate(loop.agents[0].localCandidates[0].sdpCandidate))
        loop.run(for: .seconds(3))
        let learned = loop.agents[0].remoteCandidates
        #expect(learned.count == 1)
        #expect(learned.first?.kind == .peerReflexive)
        #expect(learned.first?.address == TransportAddress("127.0.0.2:6000"))
        #expect(loop.connectionStates(0).contains(.connected))
        #expect(loop.connectionStates(1).contains(.connected))
    }

    @Test("trickle: candidates arriving late still connect; completed waits for end-of-candidates (RFC 8838)")
    func trickleLate() {
        var loop = TwoAgentLoop.loopback()
        loop.autoSignal = false
        loop.start()
        loop.run(for: .seconds(1))
        #expect(loop.connectionStates(0).isEmpty)  // no pairs yet: still new
        loop.input(0, .addRemoteCandidate(loop.agents[1].localCandidates[0].sdpCandidate))
        loop.input(1, .addRemoteCandidate(loop.agents[0].localCandidates[0].sdpCandidate))
        loop.run(for: .seconds(2))
        #expect(loop.connectionStates(0) == [.checking, .connected])
        loop.input(0, .endOfRemoteCandidates)
        loop.input(1, .endOfRemoteCandidates)
        #expect(loop.connectionStates(0) == [.checking, .connected, .completed])
        #expect(loop.connectionStates(1) == [.checking, .connected, .completed])
    }

    @Test("pre-gathering (iceCandidatePoolSize): candidates gathered before the peer is known are used once it is")
    func preGathering() {
        var loop = TwoAgentLoop.loopback()
        loop.autoSignal = false
        loop.input(0, .startGathering)
        loop.input(1, .startGathering)
        loop.run(for: .seconds(5))
        #expect(loop.gatheringStates(0) == [.gathering, .complete])
        #expect(loop.connectionStates(0).isEmpty)
        loop.autoSignal = true
        loop.start()
        for index in 0..<2 {
            loop.input(index, .addRemoteCandidate(loop.agents[1 - index].localCandidates[0].sdpCandidate))
            loop.input(index, .endOfRemoteCandidates)
        }
        loop.run(for: .seconds(2))
        #expect(loop.connectionStates(0) == [.checking, .connected, .completed])
        #expect(loop.connectionStates(1) == [.checking, .connected, .completed])
    }

    @Test("a remote candidate of another generation (its ufrag extension differs) is ignored")
    func otherGenerationCandidate() {
        var loop = TwoAgentLoop.loopback()
        loop.autoSignal = false
        loop.start()
        var stale = loop.agents[1].localCandidates[0].sdpCandidate
        stale.extensions = [.ufrag("old1")]
        loop.input(0, .addRemoteCandidate(stale))
        #expect(loop.agents[0].remoteCandidates.isEmpty)
        var current = stale
        current.extensions = [.ufrag(loop.agents[1].localCredentials.ufrag)]
        loop.input(0, .addRemoteCandidate(current))
        #expect(loop.agents[0].remoteCandidates.count == 1)
    }

    @Test("every pair failing after end-of-candidates is failed; before it the agent keeps checking")
    func allPairsFail() {
        var loop = TwoAgentLoop.loopback()
        loop.autoSignal = false
        loop.drop = { _ in true }
        loop.start()
        loop.input(0, .addRemoteCandidate(loop.agents[1].localCandidates[0].sdpCandidate))
        loop.run(for: .seconds(60))
        #expect(loop.connectionStates(0) == [.checking])
        #expect(loop.agents[0].checkList.entries.allSatisfy { $0.state == .failed })
        loop.input(0, .endOfRemoteCandidates)
        #expect(loop.connectionStates(0) == [.checking, .failed])
    }

    @Test("a silent check is sent Rc = 7 times at RTO, 2·RTO, … and fails Rm·RTO after the last (RFC 8489 §6.2.1)")
    func retransmissionSchedule() {
        var loop = TwoAgentLoop.loopback()
        loop.autoSignal = false
        loop.drop = { _ in true }
        loop.start()
        loop.input(0, .addRemoteCandidate(loop.agents[1].localCandidates[0].sdpCandidate))
        loop.run(for: .seconds(60))
        let times = loop.sent[0].map { $0.at.nanoseconds / 1_000_000 }
        #expect(times == [0, 500, 1500, 3500, 7500, 15_500, 31_500])
        #expect(loop.agents[0].checkList.entries.first?.state == .failed)
    }

    @Test("checks are paced at Ta: never two transactions from one agent less than 50 ms apart")
    func pacing() {
        var loop = TwoAgentLoop.loopback { configuration, index in
            configuration.hostAddresses = (1...4).map { TransportAddress("127.0.\(index).\($0):7000")! }
        }
        loop.drop = { _ in true }
        loop.start()
        loop.run(for: .milliseconds(400))
        let firstSends = loop.sent[0].filter { $0.datagram.payload[0] == 0x00 && $0.datagram.payload[1] == 0x01 }
        var seen: Set<[UInt8]> = []
        let starts = firstSends.filter { seen.insert(Array($0.datagram.payload[8..<20])).inserted }.map(\.at)
        #expect(starts.count >= 4)
        for (earlier, later) in zip(starts, starts.dropFirst()) { #expect(later - earlier >= .milliseconds(50)) }
    }
}
