public import Fuzzing
import STUN
import Wire

/// The runner's self-test (issue 4, "Proof"): a copy of a small STUN function with a bug planted in
/// it, fuzzed from the STUN corpus. `crucible fuzz planted-stun` must find the trap within a bounded
/// time with either engine, or the runner itself is broken.
///
/// Never part of `all`: it exists to crash.
public enum PlantedBug {
    /// The target's name on the command line.
    public static let targetName = "planted-stun"
    /// The message the planted trap prints, which triage must report.
    public static let trapMessage = "planted bug: SOFTWARE value of 13 bytes"

    /// STUN's parser, then the copied SOFTWARE check over every SOFTWARE attribute.
    public static let target = FuzzTarget(
        name: targetName,
        repair: STUNInvariants.repairFingerprint,
        mutate: FuzzTarget.structureMutator(STUNCodec.self, repair: STUNInvariants.repairFingerprint),
        dictionary: STUNCodec.dictionary,
        corpusName: STUNCodec.name
    ) { input in
        guard let message = try? STUNCodec.parse(input) else { return .rejected(rule: "STUN") }
        for attribute in message.attributes where attribute.type == .software {
            guard softwareDescriptionIsValid(attribute.value) else { return .rejected(rule: "STUN.software") }
        }
        return .accepted
    }

    /// A copy of the SOFTWARE rule (RFC 8489 §14.14: UTF-8, fewer than 128 characters), with the bug:
    /// a value whose length is 1 modulo 4 past 12 bytes trips a trap, as an off-by-one padding
    /// computation would. Only the self-test calls it.
    static func softwareDescriptionIsValid(_ value: ArraySlice<UInt8>) -> Bool {
        if value.count == 13 { preconditionFailure(trapMessage) }
        guard let text = String(validating: value, as: UTF8.self) else { return false }
        return text.count < 128
    }
}
