import CrucibleTestSupport
import SCTP
import SansIO
import Simulation

/// Two associations on the simulator (`MachinePair`), 10 ms apart each way; tests add loss, jitter and
/// scripted drops. Side 0 is `a`.
typealias AssociationLoop = MachinePair<SCTPAssociation, SCTPAssociation>

extension MachinePair where A == SCTPAssociation, B == SCTPAssociation {
    /// The seed of every association test: `CRUCIBLE_SEED` when set.
    static var defaultSeed: SimulationSeed { SimulationSeed.fromEnvironment(default: 0x5C7B) }

    init(seed: SimulationSeed = Self.defaultSeed, _ configure: (inout SCTPAssociationConfiguration, Int) -> Void = { _, _ in }) {
        var first = SCTPAssociationConfiguration()
        var second = SCTPAssociationConfiguration()
        configure(&first, 0)
        configure(&second, 1)
        self.init(
            SCTPAssociation(configuration: first, generator: seed.generator(label: "a/association")),
            SCTPAssociation(configuration: second, generator: seed.generator(label: "b/association")),
            seed: seed, link: LinkConditions(delay: .milliseconds(10)))
    }

    /// Both sides connect (or only side 0) and run until both are established.
    mutating func establish(simultaneous: Bool = false) -> Bool {
        input(0, .connect)
        if simultaneous { input(1, .connect) }
        return run(for: .seconds(30)) { $0.isEstablished(0) && $0.isEstablished(1) }
    }

    /// `send(_:at:)` on one side now: the call that throws, where the `.send` input reports a failure.
    mutating func send(_ side: Int, _ message: SCTPMessage) throws(SCTPAssociationError) {
        try perform(side) { machine, now throws(SCTPAssociationError) in try machine.send(message, at: now) }
    }

    func isEstablished(_ side: Int) -> Bool { events[side].contains { if case .established = $0 { true } else { false } } }

    func messages(_ side: Int) -> [SCTPReceivedMessage] {
        events[side].compactMap { if case .message(let message) = $0 { message } else { nil } }
    }

    func has(_ side: Int, _ output: SCTPAssociationOutput) -> Bool { events[side].contains(output) }
}
