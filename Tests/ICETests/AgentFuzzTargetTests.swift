@testable import Conformance
import CrucibleTestSupport
import Foundation
import Fuzzing
import ICE
import SansIO
import STUN
import Testing
import Wire

/// The `ice-agent` machine fuzz target and its planted self-test (issue 17).
@Suite("Fuzz target ice-agent")
struct AgentFuzzTargetTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A script that reaches the planted bug: connected (start 3 or 4), then a role-conflict check whose
    /// tie-breaker ends in 0x1A (variant 3 | 0x1A << 3).
    static func plantedScript(start: UInt8) -> [UInt8] {
        MachineScript(start: start, actions: [.advance(milliseconds: 100), .deliver(variant: 3 | 0x1A << 3, seed: 0)]).bytes
    }

    @Test("Every start state is reached by its prologue, with no oracle failing on the way")
    func startStates() throws {
        for start in 0..<UInt8(ICEAgentFuzzTarget.startStates) {
            let harness = ICEAgentHarness(start: start, planted: false)
            #expect(harness.problem == nil, "start \(start): \(harness.problem ?? "")")
            let agent = harness.agent
            #expect(agent.gatheringState == .complete || start % 6 == 5, "start \(start)")
            switch start % 6 {
            case 0, 1:
                #expect(agent.role == (start % 6 == 0 ? .controlling : .controlled))
                #expect(agent.connectionState == .checking)
                #expect(agent.checkList.entries.contains { $0.state == .waiting || $0.state == .frozen })
            case 2:
                #expect(agent.checkList.entries.filter { $0.state == .inProgress }.count >= 2)
            case 3, 4:
                #expect(agent.selectedPair != nil)
                #expect([.connected, .completed].contains(agent.connectionState))
                #expect(agent.nextDeadline != nil, "consent runs")
            default:
                #expect(agent.selectedPair != nil, "the old pair carries data through the restart")
                #expect(agent.remoteCredentials?.ufrag == "RMT1")
                #expect(!agent.checkList.entries.isEmpty)
            }
        }
    }

    @Test("Four hundred generated scripts, their mutants and random bytes: no trap, no finding, one trace per input")
    func generatedScripts() {
        let problems = EngineProbe.cleanRuns(ICEAgentFuzzTarget.target, count: 400) { generator in
            ICEAgentFuzzTarget.randomScript(using: &generator)
        } trace: { ICEAgentFuzzTarget.trace($0) }
        #expect(problems.isEmpty, "\(problems.prefix(5))")
    }

    @Test("A flood of authenticated checks from new addresses stays within the configured tables")
    func flood() throws {
        // 300 checks from new addresses, 20 ms apart, on the connected agent.
        var actions: [MachineScript.Action] = []
        for index in 0..<300 { actions += [.deliver(variant: 2 | UInt8(index % 32) << 3, seed: 0), .advance(milliseconds: 20)] }
        let input = MachineScript(start: 3, actions: actions).bytes
        #expect(ICEAgentFuzzTarget.run(input) == .accepted)
        var harness = ICEAgentHarness(start: 3, planted: false)
        for (index, action) in actions.enumerated() {
            if case .deliver(let variant, let seed) = action { harness.deliver(variant: variant, seed: seed, salt: index) }
            if case .advance(let milliseconds) = action { harness.now = harness.now + .milliseconds(Int64(milliseconds)) }
        }
        #expect(harness.problem == nil)
        #expect(harness.agent.remoteCandidates.count == ICEAgentHarness.limits.maximumRemoteCandidates)
        #expect(harness.agent.checkList.entries.count <= ICEAgentHarness.limits.maximumCheckListSize)
    }

    @Test("Regression: an authenticated success of another method with a check's transaction ID validates no pair (RFC 8489 §6.3)")
    func responseOfAnotherMethod() throws {
        var harness = ICEAgentHarness(start: 2, planted: false)
        let request = try #require(harness.sent.last { $0.key != nil })
        let message = STUNMessage(
            type: STUNMessageType(method: .allocate, messageClass: .successResponse), transactionID: request.id,
            values: [.xorMappedAddress(request.datagram.source)])
        let key = try #require(request.key)
        let payload = message.withMessageIntegrity(key: key).withFingerprint().serialize()
        harness.agent.handle(.received(Datagram(from: request.datagram.destination, to: request.datagram.source, payload: payload)), at: harness.now)
        let pair = PairKey(localBase: request.datagram.source, remote: request.datagram.destination)
        #expect(harness.agent.checkList.entry(pair)?.isValid == false)
        #expect(harness.agent.checkList.entry(pair)?.state == .inProgress)
    }

    @Test("The seeds and regressions in Corpus/ice-agent run clean, twice to the same trace")
    func corpus() throws {
        let entries = try CorpusDirectory(repositoryRoot: Self.repositoryRoot, target: ICEAgentFuzzTarget.name).entries()
        #expect(entries.count >= 6)
        for entry in entries {
            #expect(ICEAgentFuzzTarget.run(entry.bytes) == .accepted, "\(entry.name)")
            #expect(ICEAgentFuzzTarget.trace(entry.bytes) == ICEAgentFuzzTarget.trace(entry.bytes), "\(entry.name)")
            #expect(ICEAgentFuzzTarget.trace(entry.bytes).count > 0)
        }
    }

    @Test("planted-ice-agent: a role conflict after nomination with tie-breaker byte 0x1A is caught; the real target is clean")
    func plantedKnownScript() throws {
        var caught = 0
        for start in [3, 4, 9, 10] as [UInt8] {
            let input = Self.plantedScript(start: start)
            #expect(ICEAgentFuzzTarget.run(input) == .accepted, "start \(start)")
            guard case .finding(let finding) = ICEAgentFuzzTarget.run(input, planted: true) else { continue }
            caught += 1
            #expect(finding.target == ICEAgentFuzzTarget.plantedName)
            #expect(finding.detail.contains("→ checking is not an allowed transition"), "\(finding.detail)")
            // The finding reproduces from its input alone.
            #expect(ICEAgentFuzzTarget.trace(input, planted: true) == ICEAgentFuzzTarget.trace(input, planted: true))
        }
        #expect(caught >= 1)
        // The same conflict with another byte does not reach it.
        let other = MachineScript(start: 3, actions: [.advance(milliseconds: 100), .deliver(variant: 3 | 0x1B << 3, seed: 0)]).bytes
        #expect(ICEAgentFuzzTarget.run(other, planted: true) == .accepted)
    }

    @Test("planted-ice-agent: found by random scripts with byte mutation, and by the built-in engine from the seeds")
    func plantedTimeToFind() throws {
        let random = EngineProbe.randomScripts(
            planted: ICEAgentFuzzTarget.plantedTarget, real: ICEAgentFuzzTarget.target, limit: 20000
        ) { generator in ICEAgentFuzzTarget.randomScript(using: &generator) }
        let inputs = try #require(random.inputs, "no random script reached the planted bug in 20000")
        print("planted-ice-agent: random scripts found it after \(inputs) inputs in \(random.elapsed)")
        let seeds = try CorpusDirectory(repositoryRoot: Self.repositoryRoot, target: ICEAgentFuzzTarget.name).entries().map(\.bytes)
        let engine = EngineProbe.builtinEngine(ICEAgentFuzzTarget.plantedTarget, seeds: seeds, budget: 20_000)
        let executions = try #require(engine.executions, "the built-in engine did not find the planted bug in 20 000 executions")
        print("planted-ice-agent: the built-in engine found it after \(executions) executions in \(engine.elapsed)")
    }
}
