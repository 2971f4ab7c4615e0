import ICE
import SDP
import STUN
import SansIO
import Simulation
import Testing
import Wire

@Suite("Restart and consent freshness (RFC 8445 §9, RFC 7675)", .replaying(TwoAgentLoop.defaultSeed, "ICETests.LifecycleTests"))
struct LifecycleTests {
    static func connected(_ nomination: NominationMode = .regular) -> TwoAgentLoop {
        var loop = TwoAgentLoop.loopback(nomination: nomination)
        loop.start()
        loop.run(for: .seconds(2))
        return loop
    }

    @Test("restart: new credentials, the old pair carries data until a new pair is nominated")
    func restartKeepsMediaFlowing() {
        var loop = Self.connected()
        #expect(loop.connectionStates(0).last == .completed)
        let oldCredentials = loop.agents[0].localCredentials
        let oldPair = loop.agents[0].selectedPair
        loop.autoSignal = false
        loop.input(0, .restart)
        loop.input(1, .restart)
        #expect(loop.agents[0].localCredentials != oldCredentials)
        #expect(loop.agents[0].localCredentials.isValid)
        // Between the restart and the new answer: data still flows on the old pair, both ways.
        loop.input(0, .send([0x80, 0x01]))
        loop.input(1, .send([0x80, 0x02]))
        loop.run(for: .milliseconds(50))
        #expect(loop.received[1].last == [0x80, 0x01])
        #expect(loop.received[0].last == [0x80, 0x02])
        #expect(loop.agents[0].selectedPair == oldPair)
        // Consent on the old pair keeps being answered during the restart.
        loop.run(for: .seconds(12))
        #expect(!loop.connectionStates(0).contains(.disconnected))
        // The new generation is signalled and nominated.
        let selectionsBefore = loop.selectedPairs(0).count
        loop.start()
        loop.input(0, .addRemoteCandidate(loop.agents[1].localCandidates[0].sdpCandidate))
        loop.input(1, .addRemoteCandidate(loop.agents[0].localCandidates[0].sdpCandidate))
        loop.input(0, .endOfRemoteCandidates)
        loop.input(1, .endOfRemoteCandidates)
        loop.run(for: .seconds(2))
        #expect(loop.selectedPairs(0).count == selectionsBefore + 1)
        #expect(loop.connectionStates(0).last == .completed)
        #expect(loop.gatheringStates(0) == [.gathering, .complete, .gathering, .complete])
        loop.input(0, .send([0x80, 0x03]))
        loop.run(for: .milliseconds(50))
        #expect(loop.received[1].last == [0x80, 0x03])
    }

    @Test("restart onto a different pair: data uses the old pair until the new one is nominated, then the new one")
    func restartMovesPair() {
        let a1 = TransportAddress("127.0.0.1:5000")!, a3 = TransportAddress("127.0.0.3:5000")!
        var loop = TwoAgentLoop.loopback { configuration, index in
            if index == 0 { configuration.hostAddresses = [a1, a3] }
        }
        loop.start()
        loop.run(for: .seconds(2))
        #expect(loop.agents[0].selectedPair?.local.address == a1)
        loop.autoSignal = false
        loop.input(0, .restart)
        loop.input(1, .restart)
        // The new bases are bound at this instant, once the outputs are drained.
        loop.run(for: .milliseconds(1))
        // The new generation's checks from 127.0.0.1 are lost, so it can only select a pair from
        // 127.0.0.3; consent of the old generation still passes through a1.
        let newUfrag = loop.agents[0].localCredentials.ufrag
        loop.drop = { datagram in
            guard datagram.source.address == a1.address || datagram.destination.address == a1.address,
                let message = try? STUNMessage.parse(datagram.payload), message.type == .bindingRequest,
                case .username(let username)? = message.value(of: .username)
            else { return false }
            return username.contains(newUfrag)
        }
        loop.start()
        for index in 0..<2 {
            for candidate in loop.agents[1 - index].localCandidates { loop.input(index, .addRemoteCandidate(candidate.sdpCandidate)) }
            loop.input(index, .endOfRemoteCandidates)
        }
        // Before the new nomination (it needs at least one round trip): data still goes through a1.
        loop.input(0, .send([0x80, 0x0A]))
        #expect(loop.sent[0].last?.datagram.source == a1)
        loop.run(for: .seconds(3))
        let newBase = loop.agents[0].selectedPair?.local.address
        #expect(newBase?.address == a3.address && newBase != a3)
        #expect(loop.agents[1].selectedPair?.remote.address == newBase)
        loop.input(0, .send([0x80, 0x0B]))
        #expect(loop.sent[0].last?.datagram.source == newBase)
        loop.input(1, .send([0x80, 0x0C]))
        loop.run(for: .milliseconds(50))
        #expect(loop.received[1].suffix(2) == [[0x80, 0x0A], [0x80, 0x0B]])
        #expect(loop.received[0].last == [0x80, 0x0C])
        #expect(loop.connectionStates(0).last == .completed)
    }

    @Test("restart on new sockets: the new generation's host candidates are new ports on the same IP addresses, with the same foundations")
    func restartBindsNewBases() {
        var loop = Self.connected()
        let oldCandidates = loop.agents[0].localCandidates
        loop.autoSignal = false
        loop.input(0, .restart)
        // Until the driver has bound the new bases, the generation is still gathering.
        #expect(loop.gatheringStates(0).last == .gathering)
        loop.run(for: .milliseconds(1))
        #expect(loop.gatheringStates(0).last == .complete)
        let newCandidates = loop.agents[0].localCandidates
        #expect(newCandidates.count == oldCandidates.count)
        for (new, old) in zip(newCandidates, oldCandidates) {
            #expect(new.kind == .host)
            #expect(new.address.address == old.address.address)
            #expect(new.address.port != old.address.port)
            #expect(new.foundation == old.foundation)
            #expect(new.priority == old.priority)
        }
        #expect(Set(loop.simulator.addresses(of: loop.hostA)) == Set((oldCandidates + newCandidates).map(\.address)))
    }

    @Test("restart on new sockets: once the new generation's pair is selected, the old bases are released and send nothing more")
    func restartReleasesOldBases() {
        var loop = Self.connected()
        let oldBase = loop.agents[0].localCandidates[0].address
        loop.input(0, .restart)
        loop.input(1, .restart)
        loop.run(for: .milliseconds(1))
        loop.start()
        loop.run(for: .seconds(3))
        let selected = loop.agents[0].selectedPair
        #expect(selected.map { $0.local.base != oldBase } == true)
        #expect(loop.connectionStates(0).last == .completed)
        #expect(!loop.simulator.addresses(of: loop.hostA).contains(oldBase))
        let released = loop.now
        loop.input(0, .send([0x80, 0x0D]))
        loop.run(for: .seconds(12))
        #expect(loop.received[1].last == [0x80, 0x0D])
        #expect(loop.sent[0].filter { $0.at >= released && $0.datagram.source == oldBase }.isEmpty)
    }

    @Test("restart with reused bases (RFC 8445 §9 allows it): the same candidates, new credentials, nothing bound")
    func restartReusesBases() {
        var loop = TwoAgentLoop.loopback { configuration, _ in configuration.restartBases = .reuse }
        loop.start()
        loop.run(for: .seconds(2))
        let oldCandidates = loop.agents[0].localCandidates
        let addresses = loop.simulator.addresses(of: loop.hostA)
        loop.input(0, .restart)
        #expect(loop.gatheringStates(0).suffix(2) == [.gathering, .complete])
        loop.run(for: .milliseconds(1))
        #expect(loop.agents[0].localCandidates == oldCandidates)
        #expect(loop.simulator.addresses(of: loop.hostA) == addresses)
    }

    @Test("consent lost: disconnected after 8 s without a response, failed at 30 s, and no data after")
    func consentLoss() {
        var loop = Self.connected()
        let cut = loop.now
        loop.drop = { _ in true }
        loop.run(for: .seconds(40))
        #expect(loop.connectionStates(0) == [.checking, .connected, .completed, .disconnected, .failed])
        // The last consent response arrived before the cut; disconnected and failed follow it by 8 s and 30 s.
        let consentSends = loop.sent[0].filter { $0.at > cut }
        #expect(!consentSends.isEmpty)
        let sentBeforeSend = loop.sent[0].count
        loop.drop = { _ in false }
        loop.input(0, .send([0x80]))
        #expect(loop.sent[0].count == sentBeforeSend)
        loop.run(for: .seconds(20))
        #expect(loop.agents[0].connectionState == .failed)  // consent, once lost, is not regained without a restart
    }

    @Test("disconnected and failed happen at the configured silences after the last consent response")
    func consentTiming() {
        var loop = TwoAgentLoop.loopback()
        loop.start()
        loop.run(for: .seconds(2))
        loop.drop = { _ in true }
        // Find when the states changed by stepping.
        var disconnectedAt: Instant?
        var failedAt: Instant?
        for _ in 0..<400 {
            loop.run(for: .milliseconds(100))
            if disconnectedAt == nil, loop.agents[0].connectionState == .disconnected { disconnectedAt = loop.now }
            if failedAt == nil, loop.agents[0].connectionState == .failed { failedAt = loop.now }
        }
        guard let disconnectedAt, let failedAt else {
            Issue.record("never disconnected or failed")
            return
        }
        #expect(failedAt - disconnectedAt >= .seconds(21) && failedAt - disconnectedAt <= .seconds(23))
        #expect(disconnectedAt >= .seconds(8) && disconnectedAt <= .seconds(10.2))
        #expect(failedAt >= .seconds(30) && failedAt <= .seconds(32.2))
    }

    @Test("recovery: consent responses returning after disconnected bring the state back to completed")
    func recovery() {
        var loop = Self.connected()
        loop.drop = { _ in true }
        loop.run(for: .seconds(12))
        #expect(loop.agents[0].connectionState == .disconnected)
        loop.drop = { _ in false }
        loop.run(for: .seconds(8))
        #expect(loop.connectionStates(0) == [.checking, .connected, .completed, .disconnected, .completed])
        #expect(loop.connectionStates(1).last == .completed)
    }

    @Test("consent checks go every 4–6 s on the selected pair")
    func consentInterval() {
        var loop = Self.connected()
        let start = loop.now
        loop.run(for: .seconds(60))
        let requests = loop.sent[0].filter { $0.at > start && $0.datagram.payload[0] == 0x00 && $0.datagram.payload[1] == 0x01 }
        #expect((10...15).contains(requests.count))
        for (earlier, later) in zip(requests, requests.dropFirst()) {
            #expect(later.at - earlier.at >= .seconds(4) && later.at - earlier.at <= .seconds(6))
        }
    }

    @Test("close: closed is reported once and nothing is sent or scheduled after")
    func close() {
        var loop = Self.connected()
        loop.input(0, .close)
        #expect(loop.connectionStates(0).last == .closed)
        #expect(loop.agents[0].nextDeadline == nil)
        let count = loop.sent[0].count
        loop.input(0, .send([0x80]))
        loop.run(for: .seconds(10))
        #expect(loop.sent[0].count == count)
    }
}
