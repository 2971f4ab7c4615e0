/// How a libFuzzer binary knows which target it serves: ClusterFuzzLite and OSS-Fuzz run one binary per
/// target, so the build makes one link of `crucible-fuzz` per target, named `crucible-fuzz-<target>`.
public enum LibFuzzerBinaryName {
    /// The executable that serves every target.
    public static let executable = "crucible-fuzz"
    /// The environment variable that names the target when the binary's name does not.
    public static let targetVariable = "CRUCIBLE_FUZZ_TARGET"
    /// Set to 1: the binary prints its target's dictionary (`LibFuzzerDictionary`) and exits.
    public static let printDictionaryVariable = "CRUCIBLE_FUZZ_PRINT_DICTIONARY"
    /// Set to 1: the binary prints `<target> <corpus folder>` per known target and exits.
    public static let listTargetsVariable = "CRUCIBLE_FUZZ_LIST_TARGETS"

    /// The binary's name for a target.
    public static func binary(for target: String) -> String { "\(executable)-\(target)" }

    /// The target a binary serves: the environment variable when set and non-empty, else the part of the
    /// path's last component after `crucible-fuzz-`; nil when neither names one.
    public static func target(executablePath: String, environmentValue: String?) -> String? {
        if let name = environmentValue, !name.isEmpty { return name }
        let base = executablePath.split(separator: "/").last.map(String.init) ?? executablePath
        let prefix = executable + "-"
        guard base.hasPrefix(prefix), base.count > prefix.count else { return nil }
        return String(base.dropFirst(prefix.count))
    }
}
