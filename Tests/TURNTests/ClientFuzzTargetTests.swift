@testable import Conformance
import CrucibleTestSupport
import Foundation
import Fuzzing
import SansIO
import Testing
import TURN
import Wire

/// The `turn-client` machine fuzz target and its planted self-test (issue 17).
@Suite("Fuzz target turn-client")
struct ClientFuzzTargetTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Allocated (start 2), bind a channel to a peer whose port ends in 0x5A, answer the bind with 438
    /// (variant 2): the client retries, and the planted view of the retry goes out of range.
    static let plantedScript = MachineScript(start: 2, actions: [
        .call(selector: 2, argument: 0x5A), .deliver(variant: 2, seed: 0), .deliver(variant: 0, seed: 0),
    ]).bytes

    @Test("Every start state is reached by its prologue, with no oracle failing on the way")
    func startStates() {
        for start in 0..<UInt8(TURNClientFuzzTarget.startStates) {
            let harness = TURNClientHarness(start: start, planted: false)
            #expect(harness.problem == nil, "start \(start): \(harness.problem ?? "")")
            let client = harness.client
            switch start {
            case 0:
                #expect(client.state == .allocating)
                #expect(client.pendingRequests == 1)
            case 1:
                #expect(client.state == .allocating)
                #expect(harness.requests.last?.authenticated == true, "the Allocate after the 401 carries credentials")
            case 2:
                #expect(client.state == .allocated)
                #expect(client.hasPermission(for: TURNClientHarness.peer(1).address))
                #expect(client.channel(for: TURNClientHarness.peer(2)) == 0x4000)
                #expect(client.pendingRequests == 0)
            default:
                #expect(client.state == .allocated)
                #expect(harness.requests.last?.message.type.method == .refresh)
                #expect(client.pendingRequests == 1)
            }
        }
    }

    @Test("Four hundred generated scripts, their mutants and random bytes: no trap, no finding, one trace per input")
    func generatedScripts() {
        let problems = EngineProbe.cleanRuns(TURNClientFuzzTarget.target, count: 400) { generator in
            TURNClientFuzzTarget.randomScript(using: &generator)
        } trace: { TURNClientFuzzTarget.trace($0) }
        #expect(problems.isEmpty, "\(problems.prefix(5))")
    }

    @Test("The seeds and regressions in Corpus/turn-client run clean, twice to the same trace")
    func corpus() throws {
        let entries = try CorpusDirectory(repositoryRoot: Self.repositoryRoot, target: TURNClientFuzzTarget.name).entries()
        #expect(entries.count >= 5)
        for entry in entries {
            #expect(TURNClientFuzzTarget.run(entry.bytes) == .accepted, "\(entry.name)")
            #expect(TURNClientFuzzTarget.trace(entry.bytes) == TURNClientFuzzTarget.trace(entry.bytes), "\(entry.name)")
        }
    }

    @Test("planted-turn-client: a 438 to a ChannelBind for a peer port ending in 0x5A is caught; the real target is clean")
    func plantedKnownScript() throws {
        let input = Self.plantedScript
        #expect(TURNClientFuzzTarget.run(input) == .accepted)
        let finding = try #require({ if case .finding(let finding) = TURNClientFuzzTarget.run(input, planted: true) { finding } else { nil } }())
        #expect(finding.target == TURNClientFuzzTarget.plantedName)
        #expect(finding.detail.contains("outside 0x4000–0x4FFF"), "\(finding.detail)")
        #expect(TURNClientFuzzTarget.trace(input, planted: true) == TURNClientFuzzTarget.trace(input, planted: true))
        // The same retry for another peer does not reach it.
        let other = MachineScript(start: 2, actions: [.call(selector: 2, argument: 0x5B), .deliver(variant: 2, seed: 0)]).bytes
        #expect(TURNClientFuzzTarget.run(other, planted: true) == .accepted)
    }

    @Test("planted-turn-client: found by random scripts with byte mutation, and by the built-in engine from the seeds")
    func plantedTimeToFind() throws {
        let random = EngineProbe.randomScripts(
            planted: TURNClientFuzzTarget.plantedTarget, real: TURNClientFuzzTarget.target, limit: 50000
        ) { generator in TURNClientFuzzTarget.randomScript(using: &generator) }
        let inputs = try #require(random.inputs, "no random script reached the planted bug in 50000")
        print("planted-turn-client: random scripts found it after \(inputs) inputs in \(random.elapsed)")
        let seeds = try CorpusDirectory(repositoryRoot: Self.repositoryRoot, target: TURNClientFuzzTarget.name).entries().map(\.bytes)
        let engine = EngineProbe.builtinEngine(TURNClientFuzzTarget.plantedTarget, seeds: seeds, budget: 20_000)
        let executions = try #require(engine.executions, "the built-in engine did not find the planted bug in 20 000 executions")
        print("planted-turn-client: the built-in engine found it after \(executions) executions in \(engine.elapsed)")
    }
}
