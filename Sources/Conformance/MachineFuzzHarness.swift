import Fuzzing
import SansIO
import STUN
import Wire

/// What the machine fuzz targets (issue 17) share: a machine driven by a ``MachineScript`` from a start
/// state, its outputs recorded into a ``MachineTrace``, and the first oracle that failed.
///
/// A harness is the scripted peer of one machine: it builds the datagrams the peer would send from the
/// codec model (with the right keys, so they pass integrity), keeps its own model of what the machine
/// may do, and checks every output against it.
protocol MachineFuzzHarness: SendableMetatype {
    /// The prologue: the machine brought to start state `start` (modulo the harness's count).
    init(start: UInt8, planted: Bool)

    var now: Instant { get set }
    var trace: MachineTrace { get set }
    /// The first oracle that failed, if one did; the script stops there.
    var problem: String? { get }
    /// The machine's next deadline.
    var nextDeadline: Instant? { get }
    /// The machine's situation in a few coarse words (states, counts bucketed): after each action the
    /// pair (action kind, situation) is a feature, which guides the built-in engine the way edges guide
    /// libFuzzer.
    var situation: String { get }

    /// Fires what is due at `now` and checks the outputs.
    mutating func fireTimers()
    mutating func deliver(variant: UInt8, seed: UInt8, salt: Int)
    mutating func deliver(bytes: [UInt8])
    mutating func call(selector: UInt8, argument: UInt8)
    mutating func close()

    /// Timer firings one input may cause (`MachineFuzzLimits.timerFirings` unless the harness's firings
    /// cost more: two whole peer connections per firing, under AddressSanitizer).
    static var timerFiringLimit: Int { get }
}

/// Bounds on the work one input may cause, so every input finishes quickly.
enum MachineFuzzLimits {
    /// Timer firings per input, over every `advance` and `fireTimer` together.
    static let timerFirings = 4_096
}

extension MachineFuzzHarness {
    static var timerFiringLimit: Int { MachineFuzzLimits.timerFirings }

    /// Runs `input`'s script and says what happened: accepted, or a finding naming the oracle.
    static func run(_ input: [UInt8], target: String, planted: Bool) -> (outcome: FuzzOutcome, trace: MachineTrace, features: [UInt64]) {
        let script = MachineScript(parsing: input)
        var harness = Self(start: script.start, planted: planted)
        var features = MachineFeatures()
        features.note("start \(harness.situation)")
        var firings = 0
        for (index, action) in script.actions.enumerated() where harness.problem == nil {
            switch action {
            case .deliver(let variant, let seed):
                harness.deliver(variant: variant, seed: seed, salt: index)
            case .deliverBytes(let bytes):
                harness.deliver(bytes: bytes)
            case .fireTimer:
                guard firings < Self.timerFiringLimit, let deadline = harness.nextDeadline else { break }
                firings += 1
                harness.now = max(harness.now, deadline)
                harness.fireTimers()
            case .advance(let milliseconds):
                let end = harness.now + .milliseconds(Int64(milliseconds))
                while harness.problem == nil, firings < Self.timerFiringLimit,
                    let deadline = harness.nextDeadline, deadline <= end {
                    firings += 1
                    harness.now = max(harness.now, deadline)
                    harness.fireTimers()
                }
                harness.now = max(harness.now, end)
            case .call(let selector, let argument):
                harness.call(selector: selector, argument: argument)
            case .close:
                harness.close()
            }
            harness.trace.record("after \(index)")
            features.note("\(actionKind(action)) -> \(harness.situation)")
        }
        guard let problem = harness.problem else { return (.accepted, harness.trace, features.sorted) }
        return (.finding(FuzzFinding(target: target, oracle: .invariant, input: input, detail: problem)), harness.trace, features.sorted)
    }

    /// The fuzz target of a harness: its runs, with their features for the built-in engine and their
    /// traces; with `randomAction`, scripts are also mutated action by action (`MachineScriptMutator`).
    static func target(
        name: String, corpusName: String, planted: Bool, dictionary: [[UInt8]],
        randomAction: (@Sendable (inout SeededGenerator) -> MachineScript.Action)? = nil
    ) -> FuzzTarget {
        var mutate: (@Sendable ([UInt8], inout SeededGenerator) -> [UInt8]?)?
        if let randomAction {
            mutate = { input, generator in MachineScriptMutator.mutate(input, using: &generator, randomAction: randomAction) }
        }
        return FuzzTarget(
            name: name, mutate: mutate, dictionary: dictionary, corpusName: corpusName,
            execute: { input in
                let run = run(input, target: name, planted: planted)
                return Execution(outcome: run.outcome, features: run.features + [Execution.feature(of: run.outcome)], trace: run.trace)
            })
    }

    /// The oracle every timer shares: once the machine has fired what was due at `now`, its next
    /// deadline is later, or a driver would call it again at once without end.
    func deadlineProblem(after now: Instant, longest: Duration) -> String? {
        guard let deadline = nextDeadline else { return nil }
        if deadline <= now { return "after firing its timers at \(now) the next deadline is \(deadline): a driver would spin" }
        if deadline - now > longest { return "the next deadline \(deadline) is more than \(longest) after \(now)" }
        return nil
    }
}

/// The modelled STUN messages the harnesses deliver, whole or structurally mutated.
enum ModelledSTUN {
    /// The bytes of `message` signed with `key` (when given) and fingerprinted (when asked). A non-zero
    /// `seed` mutates it with `STUNCodec.mutate`: an odd seed mutates the unsigned message and signs the
    /// mutant, so the change reaches the logic behind the integrity gate; an even one mutates the signed
    /// message and only repairs the fingerprint, so the gate itself is fuzzed (RFC 8489 §14.5, §14.7).
    static func bytes(_ message: STUNMessage, key: STUNKey?, fingerprint: Bool, seed: UInt8, salt: Int) -> [UInt8] {
        func seal(_ message: STUNMessage) -> STUNMessage {
            var sealed = key.map { message.withMessageIntegrity(key: $0) } ?? message
            if fingerprint { sealed = sealed.withFingerprint() }
            return sealed
        }
        guard seed != 0 else { return STUNCodec.serialize(seal(message)) }
        var generator = SeededGenerator(seed: UInt64(seed) << 32 | UInt64(truncatingIfNeeded: salt))
        if seed & 1 == 1 {
            var mutant = message
            _ = STUNCodec.mutate(&mutant, using: &generator)
            return STUNCodec.serialize(seal(mutant))
        }
        var mutant = seal(message)
        _ = STUNCodec.mutate(&mutant, using: &generator)
        return STUNInvariants.repairFingerprint(STUNCodec.serialize(mutant))
    }

    /// Application data (not STUN), with `seed` flipping a byte of it.
    static func data(_ payload: [UInt8], seed: UInt8, salt: Int) -> [UInt8] {
        guard seed != 0, !payload.isEmpty else { return payload }
        var bytes = payload
        bytes[(Int(seed) &+ salt) % bytes.count] ^= seed
        return bytes
    }
}

extension Array {
    /// The element `index` places from the end (modulo the count), so small selector values pick the
    /// newest; nil when empty.
    func newest(_ index: Int) -> Element? {
        isEmpty ? nil : self[count - 1 - index % count]
    }

    /// Appends and keeps only the last `limit` elements.
    mutating func append(_ element: Element, keepingLast limit: Int) {
        append(element)
        if count > limit { removeFirst(count - limit) }
    }
}
