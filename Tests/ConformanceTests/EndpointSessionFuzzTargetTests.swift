import Conformance
import Foundation
import Fuzzing
import Testing
import Wire

/// What `MachineFuzzTargetTests` does not already check of the `dtls-endpoint` and `rtp-session` machine
/// targets (issue 17): each start state is reached by its prologue, and a run depends on its input alone,
/// not on the runs before it in the process (both DTLS endpoints draw from OpenSSL's per-thread seeded
/// generators, which an earlier run leaves behind).
@Suite("DTLS endpoint and RTP session fuzz targets")
struct EndpointSessionFuzzTargetTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let traces: [String: @Sendable ([UInt8]) -> MachineTrace] = [
        DTLSEndpointFuzzTarget.name: { DTLSEndpointFuzzTarget.trace($0) },
        RTPSessionFuzzTarget.name: { RTPSessionFuzzTarget.trace($0) },
    ]

    @Test("A run does not depend on the runs before it", arguments: [DTLSEndpointFuzzTarget.name, RTPSessionFuzzTarget.name])
    func runsAreIndependent(name: String) throws {
        let trace = try #require(Self.traces[name])
        let seeds = try CorpusDirectory(repositoryRoot: Self.repositoryRoot, target: name).entries().map(\.bytes)
        let alone = seeds.map(trace)
        // The same inputs in reverse order, each after a different predecessor.
        #expect(Array(seeds.reversed().map(trace).reversed()) == alone)
    }

    @Test("Each DTLS start state is reached by its prologue")
    func dtlsStartStates() {
        let states = (0..<UInt8(DTLSEndpointFuzzTarget.startStates)).map(DTLSEndpointFuzzTarget.startState)
        #expect(states[0] == "ours client handshaking peer server handshaking toOurs 0 toPeer 0", "\(states[0])")
        #expect(states[1].hasPrefix("ours server handshaking peer client handshaking toOurs 1 toPeer 0"), "\(states[1])")
        // The peer's flight waits for ours (several datagrams at the harness's MTU).
        for state in [2, 3, 6] {
            #expect(states[state].contains("handshaking") && !states[state].contains("toOurs 0"), "\(states[state])")
        }
        #expect(states[2].hasPrefix("ours client") && states[3].hasPrefix("ours server") && states[6].hasPrefix("ours client"))
        #expect(states[4].hasPrefix("ours client connected peer server connected") && states[4].hasSuffix("toOurs 3 toPeer 3"), "\(states[4])")
        #expect(states[5].hasPrefix("ours server connected peer client closed"), "\(states[5])")
        // Start bytes wrap: every byte is some start state.
        #expect(DTLSEndpointFuzzTarget.startState(UInt8(DTLSEndpointFuzzTarget.startStates) + 4) == states[4])
    }

    @Test("Each RTP session start state is reached by its prologue")
    func rtpStartStates() throws {
        let states = (0..<UInt8(RTPSessionFuzzTarget.startStates)).map(RTPSessionFuzzTarget.startState)
        #expect(states[0].hasSuffix("inFlight 0 held 0 highest - received 0"), "\(states[0])")
        #expect(states[1].contains("inFlight 0 held 0") && states[1].hasSuffix("received 8"), "\(states[1])")  // 9 sent, 1 in probation
        #expect(states[2].contains("inFlight 1 held 2"), "\(states[2])")
        // Three packets sent from 65 520–65 524: the next is a few short of the wrap.
        let next = try #require(Int(states[3].split(separator: " ")[1]))
        #expect((65_523...65_527).contains(next), "\(states[3])")
    }
}
