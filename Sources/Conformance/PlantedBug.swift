import Foundation
public import Fuzzing
import STUN
import Wire

/// The runner's self-test (issue 4, "Proof"): a copy of a small STUN function with a bug planted in
/// it, fuzzed from the STUN corpus. `crucible fuzz planted-stun` must find the trap within a bounded
/// time with either engine, or the runner itself is broken; `planted-stun-hang` and
/// `planted-stun-memory` plant a slow and a bloated input behind the same condition, for the
/// per-input limits.
///
/// Never part of `all`: these targets exist to fail.
public enum PlantedBug: String, CaseIterable, Sendable {
    /// A trap.
    case crash = "planted-stun"
    /// An input that never finishes.
    case hang = "planted-stun-hang"
    /// An input that allocates without end.
    case memory = "planted-stun-memory"

    /// The message the planted trap prints, which triage must report.
    public static let trapMessage = "planted bug: SOFTWARE value of 13 bytes"

    /// STUN's parser, then the copied SOFTWARE check over every SOFTWARE attribute.
    public var target: FuzzTarget {
        let bug = self
        return FuzzTarget(
            name: rawValue,
            repair: STUNInvariants.repairFingerprint,
            mutate: FuzzTarget.structureMutator(STUNCodec.self, repair: STUNInvariants.repairFingerprint),
            dictionary: STUNCodec.dictionary,
            corpusName: STUNCodec.name
        ) { input in
            guard let message = try? STUNCodec.parse(input) else { return .rejected(rule: "STUN") }
            for attribute in message.attributes where attribute.type == .software {
                guard bug.softwareDescriptionIsValid(attribute.value) else { return .rejected(rule: "STUN.software") }
            }
            return .accepted
        }
    }

    /// A copy of the SOFTWARE rule (RFC 8489 §14.14: UTF-8, fewer than 128 characters), with the bug:
    /// a 13-byte value (the first length past 12 that needs 3 bytes of padding) goes wrong, as an
    /// off-by-one padding computation would. Only the self-test calls it.
    func softwareDescriptionIsValid(_ value: ArraySlice<UInt8>) -> Bool {
        if value.count == 13 {
            switch self {
            case .crash: preconditionFailure(Self.trapMessage)
            case .hang: while true { usleep(10_000) }
            case .memory:
                var blocks: [[UInt8]] = []
                while true {
                    blocks.append([UInt8](repeating: 0x5A, count: 16 << 20))
                    withExtendedLifetime(blocks) {}
                }
            }
        }
        guard let text = String(validating: value, as: UTF8.self) else { return false }
        return text.count < 128
    }
}
