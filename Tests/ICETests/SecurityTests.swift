import ICE
import SDP
import STUN
import SansIO
import Testing
import Wire

@Suite("Hostile input: authentication, limits, malformed datagrams (RFC 8489 §9.1.3, RFC 8445 §7.3)")
struct SecurityTests {
    static let local = TransportAddress("127.0.0.1:5000")!
    static let attacker = TransportAddress("127.0.0.66:4444")!

    static func agent(limits: ICELimits = ICELimits()) -> ICEAgent {
        var agent = ICEAgent(
            configuration: ICEConfiguration(hostAddresses: [local], limits: limits),
            role: .controlled, generator: SeededGenerator(seed: 9))
        agent.handle(.startGathering, at: .zero)
        while agent.poll() != nil {}
        return agent
    }

    static func check(
        to agent: ICEAgent, ufrag: String? = nil, pwd: String? = nil, seed: UInt64 = 1,
        omit: Set<STUNAttributeType> = [], integrity: Bool = true
    ) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        let id = STUNTransactionID.random(using: &generator)
        var values: [STUNAttributeValue] = [
            .username("\(ufrag ?? agent.localCredentials.ufrag):peer"),
            .priority(1_862_270_975), .iceControlling(42),
        ]
        values.removeAll { omit.contains($0.type) }
        var message = STUNMessage(type: .bindingRequest, transactionID: id, values: values)
        if integrity {
            message = message.withMessageIntegrity(key: try! STUNCredentials.shortTermKey(password: pwd ?? agent.localCredentials.pwd))
        }
        return message.withFingerprint().serialize()
    }

    /// Delivers one datagram and returns the responses' error codes (nil for a success), and the outputs.
    static func deliver(_ payload: [UInt8], from source: TransportAddress = attacker, to agent: inout ICEAgent) -> (codes: [UInt16?], outputs: [ICEOutput]) {
        agent.handle(.received(Datagram(from: source, to: local, payload: payload)), at: Instant(nanoseconds: 1_000_000))
        var outputs: [ICEOutput] = []
        while let output = agent.poll() { outputs.append(output) }
        let codes: [UInt16?] = outputs.compactMap(\.transmission).filter { $0.destination == source }.compactMap { datagram in
            guard let message = try? STUNMessage.parse(datagram.payload) else { return nil }
            if case .errorCode(let error)? = message.value(of: .errorCode) { return .some(error.code) }
            return .some(nil)
        }
        return (codes, outputs)
    }

    static func assertNoState(_ agent: ICEAgent) {
        #expect(agent.remoteCandidates.isEmpty)
        #expect(agent.checkList.entries.isEmpty)
        #expect(agent.checkList.triggeredQueue.isEmpty)
        #expect(agent.connectionState == .new)
    }

    @Test("data is accepted from a remote that sent an authenticated check, before our own check succeeds; from anyone else it is dropped")
    func dataAfterPeersCheck() {
        var agent = Self.agent()
        agent.handle(.setRemoteCredentials(ufrag: "peer", pwd: "peerpeerpeerpeerpeerpeer", isLite: false), at: .zero)
        while agent.poll() != nil {}
        let dtls: [UInt8] = [22, 0xFE, 0xFD, 0, 0]
        func delivered(_ outputs: [ICEOutput]) -> Bool {
            outputs.contains { if case .received(let payload, _) = $0 { payload == dtls } else { false } }
        }
        #expect(!delivered(Self.deliver(dtls, to: &agent).outputs), "no check yet: dropped")
        // A success response, then the triggered check back (RFC 8445 §7.3.1.4).
        #expect(Self.deliver(Self.check(to: agent), to: &agent).codes.first == .some(nil))
        #expect(delivered(Self.deliver(dtls, to: &agent).outputs), "after the peer's authenticated check")
        #expect(!delivered(Self.deliver(dtls, from: TransportAddress("127.0.0.77:1")!, to: &agent).outputs), "another source")
    }

    @Test("a check with a wrong MESSAGE-INTEGRITY gets 401 without integrity and creates no state")
    func badIntegrity() {
        var agent = Self.agent()
        let result = Self.deliver(Self.check(to: agent, pwd: "wrongwrongwrongwrongwrong"), to: &agent)
        #expect(result.codes == [401])
        let response = try! STUNMessage.parse(result.outputs.compactMap(\.transmission)[0].payload)
        #expect(response.first(.messageIntegrity) == nil)
        #expect(response.verifyFingerprint() == .valid)
        Self.assertNoState(agent)
    }

    @Test("a check for an unknown username gets 401 and creates no state")
    func unknownUsername() {
        var agent = Self.agent()
        #expect(Self.deliver(Self.check(to: agent, ufrag: "nobody"), to: &agent).codes == [401])
        Self.assertNoState(agent)
    }

    @Test("a check without USERNAME or MESSAGE-INTEGRITY gets 400 and creates no state",
          arguments: [true, false])
    func missingCredentials(dropUsername: Bool) {
        var agent = Self.agent()
        let payload = dropUsername ? Self.check(to: agent, omit: [.username]) : Self.check(to: agent, integrity: false)
        #expect(Self.deliver(payload, to: &agent).codes == [400])
        Self.assertNoState(agent)
    }

    @Test("an authenticated check without PRIORITY or a role attribute gets 400 and creates no state",
          arguments: [STUNAttributeType.priority, .iceControlling])
    func missingICEAttribute(type: STUNAttributeType) {
        var agent = Self.agent()
        #expect(Self.deliver(Self.check(to: agent, omit: [type]), to: &agent).codes == [400])
        Self.assertNoState(agent)
    }

    @Test("a role conflict the agent wins gets 487 and creates no state (§7.3.1.1)")
    func roleConflictResponse() {
        var agent = ICEAgent(
            configuration: ICEConfiguration(hostAddresses: [Self.local]), role: .controlling, generator: SeededGenerator(seed: 9))
        var generator = SeededGenerator(seed: 3)
        let id = STUNTransactionID.random(using: &generator)
        let request = STUNMessage(type: .bindingRequest, transactionID: id, values: [
            .username("\(agent.localCredentials.ufrag):peer"), .priority(1), .iceControlling(0),
        ]).withMessageIntegrity(key: try! STUNCredentials.shortTermKey(password: agent.localCredentials.pwd)).withFingerprint()
        let result = Self.deliver(request.serialize(), to: &agent)
        #expect(result.codes == [487])
        #expect(agent.role == .controlling)
        #expect(agent.remoteCandidates.isEmpty && agent.checkList.entries.isEmpty)
    }

    @Test("a valid check gets a success response with XOR-MAPPED-ADDRESS and teaches one peer-reflexive candidate")
    func validCheck() {
        var agent = Self.agent()
        let result = Self.deliver(Self.check(to: agent), to: &agent)
        #expect(result.codes == [nil])
        let response = try! STUNMessage.parse(result.outputs.compactMap(\.transmission)[0].payload)
        #expect(response.value(of: .xorMappedAddress) == .xorMappedAddress(Self.attacker))
        let key = try! STUNCredentials.shortTermKey(password: agent.localCredentials.pwd)
        #expect(response.verifyMessageIntegrity(key: key) == .valid)
        #expect(agent.remoteCandidates.map(\.kind) == [.peerReflexive])
        #expect(agent.checkList.entries.count == 1)
    }

    @Test("a flood of unauthenticated checks from 5000 sources leaves no state")
    func unauthenticatedFlood() {
        var agent = Self.agent()
        for index in 0..<5000 {
            let source = TransportAddress(.v4(0x7F00_0000 | UInt32(index + 2)), port: UInt16(1000 + index % 60_000))
            _ = Self.deliver(Self.check(to: agent, pwd: "not-the-password-at-all", seed: UInt64(index)), from: source, to: &agent)
        }
        Self.assertNoState(agent)
    }

    @Test("a flood of authenticated checks from 5000 sources stays within the prflx, candidate and check-list limits")
    func authenticatedFlood() {
        let limits = ICELimits(maximumCheckListSize: 100, maximumRemoteCandidates: 50, maximumPeerReflexivePerWindow: 10)
        var agent = Self.agent(limits: limits)
        var time = Instant.zero
        for index in 0..<5000 {
            time += .milliseconds(10)
            let source = TransportAddress(.v4(0x7F00_0000 | UInt32(index + 2)), port: 9)
            agent.handle(.received(Datagram(from: source, to: Self.local, payload: Self.check(to: agent, seed: UInt64(index)))), at: time)
            while agent.poll() != nil {}
            #expect(agent.remoteCandidates.count <= 50)
            #expect(agent.checkList.entries.count <= 100)
        }
        #expect(agent.remoteCandidates.count == 50)
    }

    @Test("a peer repeating authenticated checks on one pair cannot pile up transactions")
    func repeatedChecks() {
        var agent = Self.agent()
        agent.handle(.setRemoteCredentials(ufrag: "peer", pwd: "peerpeerpeerpeerpeerpeer", isLite: false), at: .zero)
        var time = Instant.zero
        for index in 0..<2000 {
            time += .milliseconds(20)
            agent.handle(.received(Datagram(from: Self.attacker, to: Self.local, payload: Self.check(to: agent, seed: UInt64(index)))), at: time)
            if let deadline = agent.nextDeadline, deadline <= time { agent.handleTimeout(at: time) }
            while agent.poll() != nil {}
            #expect(agent.transactionCount <= 2)
        }
        #expect(agent.checkList.entries.count == 1)
    }

    @Test("the per-window limit holds: at most 10 peer-reflexive candidates per second")
    func peerReflexiveRate() {
        var agent = Self.agent()
        for index in 0..<100 {
            let source = TransportAddress(.v4(0x7F00_0000 | UInt32(index + 2)), port: 9)
            _ = Self.deliver(Self.check(to: agent, seed: UInt64(index)), from: source, to: &agent)
        }
        #expect(agent.remoteCandidates.count == 10)
    }

    @Test("non-STUN data from an address with no validated pair is dropped")
    func unvalidatedData() {
        var agent = Self.agent()
        let result = Self.deliver([0x17, 0xFE, 0xFD, 0, 0], to: &agent)
        #expect(result.outputs.isEmpty)
    }

    @Test("malformed and random datagrams never trap and create no state")
    func malformed() {
        var agent = Self.agent()
        var generator = SeededGenerator(seed: 2024)
        let valid = Self.check(to: agent)
        for round in 0..<3000 {
            var bytes: [UInt8]
            switch round % 3 {
            case 0:
                bytes = (0..<Int(generator.next() % 80)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                if !bytes.isEmpty { bytes[0] &= 0x03 }
            case 1:
                bytes = valid
                for _ in 0..<(1 + Int(generator.next() % 4)) {
                    // Within the header and the attributes up to MESSAGE-INTEGRITY: what follows it (the
                    // FINGERPRINT) may be changed into an ignored attribute and leave the check authentic.
                    let index = Int(generator.next() % UInt64(bytes.count - 8))
                    bytes[index] ^= UInt8(1 + generator.next() % 255)
                }
                if bytes == valid { continue }  // two flips of one byte can cancel out
            default:
                bytes = Array(valid.prefix(Int(generator.next() % UInt64(valid.count))))
            }
            let source = TransportAddress(.v4(0x7F00_0000 | UInt32(round + 2)), port: 7)
            _ = Self.deliver(bytes, from: source, to: &agent)
        }
        // A changed byte in the authenticated part breaks the parse or the MESSAGE-INTEGRITY.
        Self.assertNoState(agent)
        // Datagrams to an address that is not a base are ignored entirely.
        agent.handle(.received(Datagram(from: Self.attacker, to: TransportAddress("127.0.0.1:1")!, payload: valid)), at: .zero)
        #expect(agent.poll() == nil)
    }
}
