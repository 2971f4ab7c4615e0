import Fuzzing

/// The libFuzzer engine's driver (filled in when the libFuzzer build lands).
enum LibFuzzerDriver {
    struct Unavailable: Error, CustomStringConvertible {
        var description: String { "the libFuzzer engine is not wired yet" }
    }

    static func make(plan: CampaignPlan, sanitizer: String) throws -> EngineDriver { throw Unavailable() }
}
