import Conformance
import Foundation
import Fuzzing
import Testing
import Wire

/// The `peer-connection` machine target (issue 17): two peer connections driven through W3C calls in any
/// order, held to webrtc-pc's signalling table, ending connected.
@Suite("peer-connection fuzz target: signalling in any order")
struct PeerConnectionFuzzTargetTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Every file of the corpus, regressions included, by name.
    static func corpusFiles() throws -> [(name: String, bytes: [UInt8])] {
        try CorpusDirectory(repositoryRoot: repositoryRoot, target: PeerConnectionFuzzTarget.name).entries()
    }

    @Test("Each start state is reached, and a script of nothing ends in a connected pair", arguments: 0..<3)
    func startStates(start: Int) {
        let run = PeerConnectionFuzzTarget.run([UInt8(start)])
        #expect(run.outcome == .accepted, "\(run.outcome)")
        #expect(run.trace.count > 1)
    }

    /// What the target found first (Corpus/peer-connection/regressions): an answer set in stable was refused
    /// for its content; webrtc-pc §4.4.1.5 refuses it for the state, InvalidStateError.
    @Test("Every seed and regression holds every oracle, and runs the same twice")
    func corpusTwice() throws {
        let files = try Self.corpusFiles()
        #expect(files.count >= 10)
        for (name, bytes) in files {
            let first = PeerConnectionFuzzTarget.run(bytes)
            let second = PeerConnectionFuzzTarget.run(bytes)
            #expect(first.outcome == .accepted, "\(name): \(first.outcome)")
            #expect(first.trace == second.trace, "\(name): traces \(first.trace) and \(second.trace)")
        }
    }

    @Test("Random scripts hold every oracle and are deterministic")
    func randomScripts() {
        var generator = SeededGenerator(seed: 17)
        for index in 0..<12 {
            let script = PeerConnectionFuzzTarget.randomScript(using: &generator)
            let first = PeerConnectionFuzzTarget.run(script)
            #expect(first.outcome == .accepted, "script \(index) \(Hex.encode(script)): \(first.outcome)")
            #expect(PeerConnectionFuzzTarget.run(script).trace == first.trace, "script \(index)")
        }
    }

    @Test("Scripts round-trip through their canonical bytes")
    func scriptBytes() {
        var generator = SeededGenerator(seed: 4)
        for _ in 0..<200 {
            let bytes = PeerConnectionFuzzTarget.randomScript(using: &generator)
            let script = MachineScript(parsing: bytes)
            #expect(script.bytes == bytes)
            #expect(MachineScript(parsing: script.bytes) == script)
        }
        // Any bytes are a script: a truncated action reads zeros, an unknown opcode wraps.
        #expect(MachineScript(parsing: [7, 1, 0xFF]).actions == [.deliverBytes([])])
        #expect(MachineScript(parsing: [0, 9, 10]).actions == [.advance(milliseconds: 0x0A00)])
        #expect(MachineScript(parsing: []).actions.isEmpty)
    }

    /// The planted target judges against a table whose have-remote-pranswer + remote pranswer cell is
    /// wrong: reaching that cell takes an offer, a remote offer, a provisional answer and a second one.
    @Test("The planted wrong cell is found once a script reaches it, and only then")
    func planted() {
        let reaching: [MachineScript.Action] = [
            .call(selector: 14, argument: 0), .call(selector: 0, argument: 0), .call(selector: 3, argument: 0),
            .call(selector: 7, argument: 1), .call(selector: 2, argument: 1), .call(selector: 9, argument: 0),
        ]
        let once = MachineScript(start: 0, actions: reaching).bytes
        let twice = MachineScript(start: 0, actions: reaching + [.call(selector: 9, argument: 0)]).bytes
        #expect(PeerConnectionFuzzTarget.plantedTarget.run(once) == .accepted)
        guard case .finding(let finding) = PeerConnectionFuzzTarget.plantedTarget.run(twice) else {
            Issue.record("the planted cell was reached and not found")
            return
        }
        #expect(finding.detail.contains("have-remote-pranswer"))
        #expect(PeerConnectionFuzzTarget.target.run(twice) == .accepted)
    }
}
