import Conformance
import Foundation
import Fuzzing
import Testing
import Wire

/// The stateful fuzz targets of issue 17 (`sctp-association`, `data-channels`, `dtls-endpoint`,
/// `rtp-session`) and their planted-bug self-tests: seeds run clean and reproduce, every start state is
/// reached, the planted bugs are caught by a known script and found by the built-in engine, and
/// `MachineScript` round-trips.
@Suite("Machine fuzz targets", .serialized)
struct MachineFuzzTargetTests {
    /// One of the machine targets, as the tests see it.
    struct Machine: Sendable, CustomStringConvertible {
        var name: String
        var target: FuzzTarget
        var planted: FuzzTarget
        var plantedDetail: String
        var check: @Sendable ([UInt8], Bool) -> String?
        var trace: @Sendable ([UInt8]) -> MachineTrace
        var randomScript: @Sendable (inout SeededGenerator) -> [UInt8]
        var description: String { name }
    }

    static let machines = [
        Machine(
            name: SCTPAssociationFuzzTarget.name, target: SCTPAssociationFuzzTarget.target,
            planted: SCTPAssociationFuzzTarget.plantedTarget, plantedDetail: SCTPAssociationFuzzTarget.plantedDetail,
            check: { SCTPAssociationFuzzTarget.check($0, planted: $1) }, trace: { SCTPAssociationFuzzTarget.trace($0) },
            randomScript: { SCTPAssociationFuzzTarget.randomScript(using: &$0) }),
        Machine(
            name: DataChannelsFuzzTarget.name, target: DataChannelsFuzzTarget.target,
            planted: DataChannelsFuzzTarget.plantedTarget, plantedDetail: DataChannelsFuzzTarget.plantedDetail,
            check: { DataChannelsFuzzTarget.check($0, planted: $1) }, trace: { DataChannelsFuzzTarget.trace($0) },
            randomScript: { DataChannelsFuzzTarget.randomScript(using: &$0) }),
        Machine(
            name: DTLSEndpointFuzzTarget.name, target: DTLSEndpointFuzzTarget.target,
            planted: DTLSEndpointFuzzTarget.plantedTarget, plantedDetail: DTLSEndpointFuzzTarget.plantedDetail,
            check: { DTLSEndpointFuzzTarget.check($0, planted: $1) }, trace: { DTLSEndpointFuzzTarget.trace($0) },
            randomScript: { DTLSEndpointFuzzTarget.randomScript(using: &$0) }),
        Machine(
            name: RTPSessionFuzzTarget.name, target: RTPSessionFuzzTarget.target,
            planted: RTPSessionFuzzTarget.plantedTarget, plantedDetail: RTPSessionFuzzTarget.plantedDetail,
            check: { RTPSessionFuzzTarget.check($0, planted: $1) }, trace: { RTPSessionFuzzTarget.trace($0) },
            randomScript: { RTPSessionFuzzTarget.randomScript(using: &$0) }),
        Machine(
            name: JSEPSignalingFuzzTarget.name, target: JSEPSignalingFuzzTarget.target,
            planted: JSEPSignalingFuzzTarget.plantedTarget, plantedDetail: JSEPSignalingFuzzTarget.plantedDetail,
            check: { JSEPSignalingFuzzTarget.check($0, planted: $1) }, trace: { JSEPSignalingFuzzTarget.trace($0) },
            randomScript: { JSEPSignalingFuzzTarget.randomScript(using: &$0) }),
    ]

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The seeds of `Corpus/<name>/` and its `regressions/`, by file name.
    static func seeds(_ name: String) throws -> [(name: String, bytes: [UInt8])] {
        try CorpusDirectory(repositoryRoot: repositoryRoot, target: name).entries()
    }

    @Test("Every seed and regression input runs clean, twice with the same trace, and does not trip the planted bug", arguments: machines)
    func seedsRunCleanAndReproduce(machine: Machine) throws {
        let seeds = try Self.seeds(machine.name)
        #expect(seeds.count >= 5)
        for (name, bytes) in seeds {
            #expect(machine.check(bytes, false) == nil, "\(name)")
            // The self-test would be no test if a seed already reached the planted bug.
            #expect(machine.check(bytes, true) == nil, "\(name)")
            let first = machine.trace(bytes)
            #expect(first.count > 1, "\(name)")
            #expect(machine.trace(bytes) == first, "\(name) does not reproduce from its bytes")
            #expect(machine.target.run(bytes) == .accepted, "\(name)")
        }
    }

    @Test("Random scripts run clean and reproduce", arguments: machines)
    func randomScriptsRunClean(machine: Machine) {
        var generator = SeededGenerator(seed: 17)
        for _ in 0..<150 {
            let script = machine.randomScript(&generator)
            let problem = machine.check(script, false)
            #expect(problem == nil, "\(Hex.encode(script)): \(problem ?? "")")
            #expect(machine.trace(script) == machine.trace(script), "\(Hex.encode(script))")
        }
    }

    @Test("Each SCTP start state is reached by its prologue")
    func sctpStartStates() {
        let states = (0..<UInt8(SCTPAssociationFuzzTarget.startStates)).map(SCTPAssociationFuzzTarget.startState)
        #expect(states[0].hasPrefix("closed toOurs 1 toPeer 0"), "\(states[0])")  // the peer's INIT waits
        #expect(states[1].hasPrefix("cookieWait toOurs 0 toPeer 1"), "\(states[1])")  // our INIT waits
        #expect(states[2] == "established toOurs 0 toPeer 0 tx 0 reset []", "\(states[2])")
        #expect(states[3].hasPrefix("established toOurs"), "\(states[3])")
        #expect(!states[3].hasPrefix("established toOurs 0") && !states[3].contains("tx 0 "), "\(states[3])")  // in flight both ways
        #expect(states[4].hasPrefix("shutdownPending"), "\(states[4])")
        #expect(states[5].hasPrefix("established") && states[5].hasSuffix("reset [2, 7]"), "\(states[5])")
        // Start bytes wrap: every byte is some start state.
        #expect(SCTPAssociationFuzzTarget.startState(UInt8(SCTPAssociationFuzzTarget.startStates) + 2) == states[2])
    }

    @Test("Each data-channel start state is reached by its prologue")
    func dataChannelStartStates() {
        let states = (0..<UInt8(DataChannelsFuzzTarget.startStates)).map(DataChannelsFuzzTarget.startState)
        #expect(states[0] == "established []", "\(states[0])")
        #expect(states[1] == "established [connecting]", "\(states[1])")
        #expect(states[2] == "established [open, open, open, open]", "\(states[2])")  // "a", the negotiated one, "b", "c"
        #expect(states[3].hasPrefix("established") && states[3].contains("closing"), "\(states[3])")
        #expect(states[4] == "closed [connecting]", "\(states[4])")
    }

    /// Known scripts that walk each planted bug's deep path.
    static let plantedScripts: [(name: String, script: MachineScript)] = [
        // After the prologue's reset of streams 2 and 7: a FORWARD TSN built for stream 7 (variant 0x78:
        // kind 8, detail 7), the peer sends unordered on stream 7, everything is delivered.
        (SCTPAssociationFuzzTarget.name, MachineScript(start: 5, actions: [
            .deliver(variant: 0x78, seed: 0), .call(selector: 1, argument: 0x07), .deliver(variant: 2, seed: 0),
        ])),
        // Channels open: the peer closes "b" (stream 1, its oldest channel: argument 3 counts back from
        // the newest), the resets cross, the peer opens a new channel (stream 1 again) and sends on it.
        (DataChannelsFuzzTarget.name, MachineScript(start: 2, actions: [
            .deliver(variant: 2, seed: 0), .call(selector: 6, argument: 3), .deliver(variant: 2, seed: 0),
            .call(selector: 1, argument: 0), .deliver(variant: 2, seed: 0), .call(selector: 4, argument: 0),
            .deliver(variant: 2, seed: 0),
        ])),
        // Ours the server, the client's last flight waiting: everything both ways (ours connects and sends
        // its final flight), the datagram that completed ours again (ours resends that flight), then data.
        (DTLSEndpointFuzzTarget.name, MachineScript(start: 3, actions: [
            .deliver(variant: 2, seed: 0), .deliver(variant: 5, seed: 0), .call(selector: 1, argument: 0x20), .deliver(variant: 2, seed: 0),
        ])),
        // Near the wrap: a frame of eight across it, two delivered, one lost, the rest delivered, a second
        // frame, then a NACK, which names the lost packet from before the wrap.
        (RTPSessionFuzzTarget.name, MachineScript(start: 3, actions: [
            .call(selector: 0, argument: 7), .deliver(variant: 0, seed: 0), .deliver(variant: 0, seed: 0), .deliver(variant: 3, seed: 0),
            .deliver(variant: 2, seed: 0), .call(selector: 0, argument: 7), .deliver(variant: 2, seed: 0), .call(selector: 1, argument: 0x3F),
        ])),
        // Our data offer pending: the peer endpoint answers (active, so we are passive), then the browser
        // offers with new ICE credentials (a restart), and we answer it.
        (JSEPSignalingFuzzTarget.name, MachineScript(start: 1, actions: [
            .deliver(variant: 4, seed: 0), .deliver(variant: 0, seed: 0), .call(selector: 1, argument: 0),
        ])),
    ]

    @Test("The planted bug is caught on its known deep path, and only by the planted target", arguments: machines)
    func plantedBugCaught(machine: Machine) throws {
        let script = try #require(Self.plantedScripts.first { $0.name == machine.name }).script
        #expect(machine.check(script.bytes, true) == machine.plantedDetail)
        #expect(machine.check(script.bytes, false) == nil)
        guard case .finding(let finding) = machine.planted.run(script.bytes) else {
            Issue.record("the planted target did not report its finding")
            return
        }
        #expect(finding.oracle == .invariant && finding.detail == machine.plantedDetail)
        // Its trace reproduces from the saved input alone.
        #expect(machine.trace(script.bytes) == machine.trace(script.bytes))
    }

    /// The time the built-in engine may take to find each planted bug from the committed seeds (measured:
    /// about 9 s for `planted-sctp-association`, 5 s for `planted-data-channels`, 0.4 s for
    /// `planted-dtls-endpoint`, 1.4 s for `planted-rtp-session`, 0.2–1.2 s for `planted-jsep-signaling`, one core,
    /// debug build).
    static let plantedBudgetSeconds = 30.0

    @Test("The built-in engine finds each planted bug from the seeds within the budget", arguments: machines)
    func builtinEngineFindsPlantedBug(machine: Machine) throws {
        let seeds = try Self.seeds(machine.name).map(\.bytes)
        let clock = ContinuousClock()
        let start = clock.now
        // The campaign runs out its budget after the finding; the hook notes when it came.
        nonisolated(unsafe) var foundAfter: Duration?
        let hooks = BuiltinCampaign.Hooks(found: { _ in foundAfter = foundAfter ?? clock.now - start })
        let report = BuiltinCampaign(target: machine.planted, seeds: seeds, seed: 2026)
            .run(budget: .init(seconds: Self.plantedBudgetSeconds), maxFindings: 1, hooks: hooks)
        print("\(machine.name): planted bug \(foundAfter.map { "found after \($0)" } ?? "NOT found") (\(report.executions) executions in all)")
        #expect(report.findings.first?.detail == machine.plantedDetail)
        #expect(foundAfter != nil)
    }

    @Test("MachineScript parses its canonical bytes back to the same script")
    func scriptRoundTrip() {
        var generator = SeededGenerator(seed: 0x17)
        for _ in 0..<500 {
            var actions: [MachineScript.Action] = []
            for _ in 0..<generator.below(40) {
                switch generator.below(6) {
                case 0: actions.append(.deliver(variant: generator.byte(), seed: generator.byte()))
                case 1: actions.append(.deliverBytes((0..<generator.below(300)).map { _ in generator.byte() }))
                case 2: actions.append(.fireTimer)
                case 3: actions.append(.advance(milliseconds: UInt16(truncatingIfNeeded: generator.next())))
                case 4: actions.append(.call(selector: generator.byte(), argument: generator.byte()))
                default: actions.append(.close)
                }
            }
            let script = MachineScript(start: generator.byte(), actions: actions)
            #expect(MachineScript(parsing: script.bytes) == script)
        }
        // And every byte string is a script whose canonical form is a fixed point.
        for machine in Self.machines {
            let bytes = machine.randomScript(&generator)
            let script = MachineScript(parsing: bytes)
            #expect(script.bytes == bytes)
            #expect(MachineScript(parsing: script.bytes) == script)
        }
    }

    @Test("The script mutator keeps inputs scripts and changes them", arguments: machines)
    func mutatorChangesScripts(machine: Machine) throws {
        let mutate = try #require(machine.target.mutate)
        var generator = SeededGenerator(seed: 9)
        var changed = 0
        for _ in 0..<200 {
            let input = machine.randomScript(&generator)
            guard let mutant = mutate(input, &generator) else { continue }
            changed += 1
            #expect(mutant != input)
            #expect(MachineScript(parsing: mutant).bytes == mutant)
        }
        #expect(changed > 150)
    }
}
