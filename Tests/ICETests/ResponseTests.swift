import ICE
import SDP
import STUN
import SansIO
import Testing
import Wire

@Suite("Responses to our checks (RFC 8445 §7.2.5)")
struct ResponseTests {
    static let local = TransportAddress("127.0.0.1:5000")!
    static let remote = TransportAddress("127.0.0.2:6000")!
    static let remoteCredentials = ICECredentials(ufrag: "peer", pwd: "peerpeerpeerpeerpeerpeer")

    /// A controlling agent that has sent its first check to `remote`; returns it and that request.
    static func agentWithCheck() -> (ICEAgent, STUNMessage) {
        var agent = ICEAgent(configuration: ICEConfiguration(hostAddresses: [local]), role: .controlling, generator: SeededGenerator(seed: 11))
        agent.handle(.startGathering, at: .zero)
        agent.handle(.setRemoteCredentials(ufrag: remoteCredentials.ufrag, pwd: remoteCredentials.pwd, isLite: false), at: .zero)
        let candidate = ICECandidate(kind: .host, address: remote, priority: 2_130_706_431, foundation: "1")
        agent.handle(.addRemoteCandidate(candidate.sdpCandidate), at: .zero)
        var request: STUNMessage?
        while let output = agent.poll() {
            if let datagram = output.transmission { request = try? STUNMessage.parse(datagram.payload) }
        }
        return (agent, request!)
    }

    static func key(_ password: String) -> STUNKey { try! STUNCredentials.shortTermKey(password: password) }

    static func respond(_ agent: inout ICEAgent, _ message: STUNMessage, from source: TransportAddress = remote, at time: Instant = Instant(nanoseconds: 10_000_000)) {
        agent.handle(.received(Datagram(from: source, to: local, payload: message.serialize())), at: time)
        while agent.poll() != nil {}
    }

    @Test("the check carries USERNAME remote:local, PRIORITY, ICE-CONTROLLING, MESSAGE-INTEGRITY with the remote pwd and FINGERPRINT (§7.2.2)")
    func requestShape() {
        let (agent, request) = Self.agentWithCheck()
        #expect(request.type == .bindingRequest)
        #expect(request.value(of: .username) == .username("peer:\(agent.localCredentials.ufrag)"))
        #expect(request.value(of: .priority) == .priority(ICECandidate.priority(typePreference: 110, localPreference: 65_535)))
        #expect(request.value(of: .iceControlling) == .iceControlling(agent.tieBreaker))
        #expect(request.first(.useCandidate) == nil)
        #expect(request.verifyMessageIntegrity(key: Self.key(Self.remoteCredentials.pwd)) == .valid)
        #expect(request.verifyFingerprint() == .valid)
    }

    @Test("an authenticated success from the right address validates the pair")
    func success() {
        var (agent, request) = Self.agentWithCheck()
        let response = STUNMessage(type: .bindingSuccess, transactionID: request.transactionID, values: [.xorMappedAddress(Self.local)])
            .withMessageIntegrity(key: Self.key(Self.remoteCredentials.pwd)).withFingerprint()
        Self.respond(&agent, response)
        #expect(agent.checkList.entries.first?.isValid == true)
    }

    @Test("a success from another address than the check went to fails the pair (§7.2.5.2.1)")
    func asymmetric() {
        var (agent, request) = Self.agentWithCheck()
        let response = STUNMessage(type: .bindingSuccess, transactionID: request.transactionID, values: [.xorMappedAddress(Self.local)])
            .withMessageIntegrity(key: Self.key(Self.remoteCredentials.pwd)).withFingerprint()
        Self.respond(&agent, response, from: TransportAddress("127.0.0.2:6001")!)
        #expect(agent.checkList.entries.first?.state == .failed)
        #expect(agent.checkList.entries.first?.isValid == false)
    }

    @Test("a success with a mapped address that is no local candidate teaches a local peer-reflexive candidate (§7.2.5.3.1)")
    func localPeerReflexive() {
        var (agent, request) = Self.agentWithCheck()
        let mapped = TransportAddress("127.9.9.9:40000")!
        let response = STUNMessage(type: .bindingSuccess, transactionID: request.transactionID, values: [.xorMappedAddress(mapped)])
            .withMessageIntegrity(key: Self.key(Self.remoteCredentials.pwd)).withFingerprint()
        Self.respond(&agent, response)
        let learned = agent.localCandidates.first { $0.kind == .peerReflexive }
        #expect(learned?.address == mapped && learned?.base == Self.local)
    }

    @Test("responses without valid integrity are dropped: a forged error or success changes nothing",
          arguments: [true, false])
    func forged(error: Bool) {
        var (agent, request) = Self.agentWithCheck()
        let values: [STUNAttributeValue] = error
            ? [.errorCode(STUNErrorCode(code: 400))] : [.xorMappedAddress(Self.local)]
        let response = STUNMessage(type: error ? .bindingError : .bindingSuccess, transactionID: request.transactionID, values: values)
            .withMessageIntegrity(key: Self.key("wrongwrongwrongwrongwrong")).withFingerprint()
        Self.respond(&agent, response)
        #expect(agent.checkList.entries.first?.state == .inProgress)
    }

    @Test("a 487 response switches the role the request claimed and retries the pair (§7.2.5.1)")
    func roleConflictResponse() {
        var (agent, request) = Self.agentWithCheck()
        let response = STUNMessage(type: .bindingError, transactionID: request.transactionID,
                                   values: [.errorCode(STUNErrorCode(code: 487, reason: "Role Conflict"))])
            .withMessageIntegrity(key: Self.key(Self.remoteCredentials.pwd)).withFingerprint()
        agent.handle(.received(Datagram(from: Self.remote, to: Self.local, payload: response.serialize())), at: Instant(nanoseconds: 10_000_000))
        var outputs: [ICEOutput] = []
        while let output = agent.poll() { outputs.append(output) }
        #expect(agent.role == .controlled)
        #expect(outputs.contains(.roleChanged(.controlled)))
        // The retry waits for the next pacing slot (Ta after the first check).
        #expect(agent.nextDeadline == Instant(nanoseconds: 50_000_000))
        agent.handleTimeout(at: Instant(nanoseconds: 50_000_000))
        while let output = agent.poll() { outputs.append(output) }
        let retry = outputs.compactMap(\.transmission).compactMap { try? STUNMessage.parse($0.payload) }.first
        #expect(retry?.value(of: .iceControlled) == .iceControlled(agent.tieBreaker))
    }

    @Test("a response with an unknown transaction ID is ignored")
    func unknownTransaction() {
        var (agent, _) = Self.agentWithCheck()
        let response = STUNMessage(type: .bindingSuccess, transactionID: STUNTransactionID(high: 1, low: 2), values: [.xorMappedAddress(Self.local)])
            .withMessageIntegrity(key: Self.key(Self.remoteCredentials.pwd)).withFingerprint()
        Self.respond(&agent, response)
        #expect(agent.checkList.entries.first?.state == .inProgress)
    }
}

/// A race every pair of agents that check each other can run into, found by the engine's loopback tests
/// under load: the pair has two transactions (an ordinary check and a triggered one, RFC 8445 §7.3.1.4),
/// the first success requests the nomination (§8.1.1), and the second success must not swallow it.
@Suite("Regular nomination survives a second success on the same pair")
struct NominationRaceTests {
    static func request(from output: ICEOutput?) -> STUNMessage? {
        guard let datagram = output?.transmission else { return nil }
        return try? STUNMessage.parse(datagram.payload)
    }

    @Test("a success on the pair's other transaction after the nomination was requested still lets the USE-CANDIDATE check go out")
    func secondSuccessKeepsNomination() throws {
        var (agent, first) = ResponseTests.agentWithCheck()
        let remotePwd = ResponseTests.remoteCredentials.pwd
        // The peer checks us on the same pair: we answer and trigger our own check of the pair.
        let incoming = STUNMessage(
            type: .bindingRequest, transactionID: STUNTransactionID(high: 7, low: 7),
            values: [.username("\(agent.localCredentials.ufrag):peer"), .priority(1_845_501_695), .iceControlled(42)]
        ).withMessageIntegrity(key: ResponseTests.key(agent.localCredentials.pwd)).withFingerprint()
        agent.handle(.received(Datagram(from: ResponseTests.remote, to: ResponseTests.local, payload: incoming.serialize())), at: Instant(nanoseconds: 10_000_000))
        while agent.poll() != nil {}
        // The pacer sends the triggered check one Ta later.
        var second: STUNMessage?
        agent.handleTimeout(at: Instant(nanoseconds: 60_000_000))
        while let output = agent.poll() {
            if let message = Self.request(from: output), message.type == .bindingRequest { second = message }
        }
        let triggered = try #require(second)
        #expect(triggered.first(.useCandidate) == nil)
        func success(_ request: STUNMessage) -> STUNMessage {
            STUNMessage(type: .bindingSuccess, transactionID: request.transactionID, values: [.xorMappedAddress(ResponseTests.local)])
                .withMessageIntegrity(key: ResponseTests.key(remotePwd)).withFingerprint()
        }
        ResponseTests.respond(&agent, success(first), at: Instant(nanoseconds: 70_000_000))
        ResponseTests.respond(&agent, success(triggered), at: Instant(nanoseconds: 80_000_000))
        var nominating = false
        var time = Instant(nanoseconds: 80_000_000)
        for _ in 0..<20 {
            time = time + .milliseconds(50)
            agent.handleTimeout(at: time)
            while let output = agent.poll() {
                if let message = Self.request(from: output), message.type == .bindingRequest, message.first(.useCandidate) != nil { nominating = true }
            }
        }
        #expect(nominating, "the nominating check was never sent: \(agent.checkList.entries)")
    }
}
