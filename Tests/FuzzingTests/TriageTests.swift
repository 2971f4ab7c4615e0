import Foundation
import Fuzzing
import Testing

/// Triage reads what a dying process wrote, shrinks the input, and names the bug by site and message.
@Suite("Triage: trap reports, signatures, minimisation")
struct TriageTests {
    /// Standard error of a debug build of `crucible fuzz reproduce planted-stun …`, cut to the lines that matter.
    static let debugTrap = """
        Conformance/PlantedBug.swift:35: Fatal error: planted bug: SOFTWARE value of 13 bytes

        *** Signal 4: Backtracing from 0x7f1b6d0f9361... done ***

        *** Program crashed: Illegal instruction at 0x00007f1b6d0f9361 ***

        Thread 0 "crucible" crashed:

          0      0x00007f1b6d0f9361 _assertionFailure(_:_:file:line:flags:) + 225 in libswiftCore.so
          1 [ra] 0x000055faf5e0cf3d static PlantedBug.softwareDescriptionIsValid(_:) + 204 in crucible at /work/main/Sources/Conformance/PlantedBug.swift:35:32
          2 [ra] 0x000055faf5e0c715 closure #1 in PlantedBug.target.getter + 1284 in crucible at /work/main/Sources/Conformance/PlantedBug.swift:26:19
          3 [ra] 0x000055faf5e0a000 FuzzTarget.run(_:) + 80 in crucible at /work/main/Sources/Fuzzing/Target/FuzzTarget.swift:97:61
        """

    /// The same trap from an optimised build: the message is gone, the frames are inlined.
    static let releaseTrap = """
        *** Signal 4: Backtracing from 0x55d36b9b7981... done ***

        *** Swift runtime failure: precondition failure ***

          0 [inlined] [system] 0x000055d36b9b7981 Swift runtime failure: precondition failure in t at //<compiler-generated>
          1 [inlined]          0x000055d36b9b7981 softwareDescriptionIsValid(_:) in crucible at /src/crucible/Sources/STUN/Parse.swift:2:24
        """

    @Test("A debug trap is named by its message and the first frame of the code under test")
    func debugTrapSignature() throws {
        let signature = try #require(TrapReport.signature(of: Self.debugTrap))
        #expect(signature.kind == .crash)
        #expect(signature.message == "Fatal error: planted bug: SOFTWARE value of 13 bytes")
        #expect(signature.site == "static PlantedBug.softwareDescriptionIsValid(_:) (PlantedBug.swift:35)")
    }

    @Test("An optimised build's trap still gives the runtime's failure and an inlined frame")
    func releaseTrapSignature() throws {
        let signature = try #require(TrapReport.signature(of: Self.releaseTrap))
        #expect(signature.message == "Swift runtime failure: precondition failure")
        #expect(signature.site == "softwareDescriptionIsValid(_:) (Parse.swift:2)")
    }

    @Test("Frames of the harness (Sources/Fuzzing, the command line) are never the site")
    func harnessFramesSkipped() throws {
        let onlyHarness = """
            Fuzzing/Target/FuzzTarget.swift:10: Fatal error: boom
              3 [ra] 0x000055faf5e0a000 FuzzTarget.run(_:) + 80 in crucible at /w/Sources/Fuzzing/Target/FuzzTarget.swift:97:61
            """
        #expect(try #require(TrapReport.signature(of: onlyHarness)).site == "unknown site")
    }

    @Test("Text without a trap report has no signature")
    func noTrap() {
        #expect(TrapReport.signature(of: "accepted, every oracle holds\n") == nil)
    }

    @Test("Oracle failures with different offsets and lengths are one bug")
    func oracleSignaturesIgnoreNumbers() {
        let first = OracleReport.signature(of: "oracle failure: sctp round-trip: re-serialised 40 bytes differ from 44 canonical bytes at offset 12")
        let second = OracleReport.signature(of: "oracle failure: sctp round-trip: re-serialised 8 bytes differ from 9 canonical bytes at offset 3")
        #expect(first == second)
        #expect(first.kind == .oracle && first.site == "sctp round-trip")
    }

    @Test("Minimisation keeps only the bytes the failure needs")
    func minimisation() {
        // Fails when the input holds 0xAB followed later by 0xCD: two bytes of 200 are needed.
        var input = [UInt8](repeating: 7, count: 200)
        input[57] = 0xAB
        input[140] = 0xCD
        func fails(_ bytes: [UInt8]) -> Bool {
            guard let first = bytes.firstIndex(of: 0xAB) else { return false }
            return bytes[first...].contains(0xCD)
        }
        let minimal = Minimizer.minimize(input, stillFails: fails)
        #expect(minimal == [0xAB, 0xCD])
    }

    @Test("Minimisation stops at its attempt budget and returns something that still fails")
    func minimisationBudget() {
        let input = [UInt8](repeating: 1, count: 1000) + [9]
        var calls = 0
        let minimal = Minimizer.minimize(input, attempts: 10) { bytes in
            calls += 1
            return bytes.contains(9)
        }
        #expect(calls <= 10)
        #expect(minimal.contains(9) && minimal.count < input.count)
    }

    @Test("Reproductions are read by how the process ended", arguments: [
        (ChildProcess.Termination.exited(0), FailureKind?.none),
        (.timedOut, .hang),
        (.outOfMemory, .memory),
        (.signaled(4), .crash),
    ])
    func interpretTermination(termination: ChildProcess.Termination, kind: FailureKind?) {
        let result = Reproducer.interpret(termination, output: [], errorTail: Self.debugTrap, limits: ResourceLimits())
        switch result {
        case .passes: #expect(kind == nil)
        case .fails(let signature): #expect(signature.kind == kind)
        }
    }
}
