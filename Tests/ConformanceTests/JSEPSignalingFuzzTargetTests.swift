import Conformance
import Fuzzing
import Testing

/// What `MachineFuzzTargetTests` does not already check of the `jsep-signaling` machine target
/// (issue 17): each start state is reached by its prologue without a finding.
@Suite("JSEP signalling fuzz target")
struct JSEPSignalingFuzzTargetTests {
    @Test("Each JSEP start state is reached by its prologue")
    func startStates() {
        let states = (0..<UInt8(JSEPSignalingFuzzTarget.startStates)).map(JSEPSignalingFuzzTarget.startState)
        #expect(states[0] == "stable local -/- remote -/- media [] data true setup -", "\(states[0])")
        #expect(states[1] == "have-local-offer local offer/- remote -/- media [] data true setup -", "\(states[1])")
        #expect(states[2] == "have-local-offer local offer/- remote -/- media [a0,v1] data true setup -", "\(states[2])")
        #expect(states[3] == "have-remote-offer local -/- remote offer/- media [a0,v1] data true setup -", "\(states[3])")
        #expect(states[4] == "stable local -/answer remote -/offer media [a0,v1] data true setup active", "\(states[4])")
        #expect(states[5] == "have-local-pranswer local pranswer/- remote offer/- media [a0,v1] data true setup active", "\(states[5])")
        // Start bytes wrap: every byte is some start state.
        #expect(JSEPSignalingFuzzTarget.startState(UInt8(JSEPSignalingFuzzTarget.startStates) + 4) == states[4])
    }
}
