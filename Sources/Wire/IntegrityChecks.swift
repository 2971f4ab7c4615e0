/// Whether a machine verifies what protects its input: SCTP's CRC-32c and cookie HMAC, DTLS's record
/// protection, SRTP's authentication tags and encryption.
///
/// Every build has `.enforced`, the default of every configuration that takes one. A build compiled
/// with `-DCRUCIBLE_FUZZING_UNSAFE` (what `Scripts/build-fuzzers` and the cross-layer fuzz targets
/// use, as usrsctp's and dcSCTP's fuzzing builds do) also has `.bypassedForFuzzing`: under it a machine
/// sends those protections as fixed bytes and accepts any, so that a fuzzer's SCTP packet reaches the
/// association through a live DTLS session and its RTP reaches the receivers through SRTP (issue 17).
/// No other build can name the case, so no configuration of a normal build can turn the checks off.
public enum IntegrityChecks: Hashable, Sendable {
    /// Every check runs, as the RFCs require.
    case enforced
    #if CRUCIBLE_FUZZING_UNSAFE
    /// Checksums, HMACs and record protection are written as fixed bytes and not checked. Two machines
    /// configured alike still talk to each other. Unsafe: anyone on the path can forge anything.
    case bypassedForFuzzing
    #endif

    /// Whether the checks are off (never, outside a fuzzing build).
    @inlinable public var bypassed: Bool {
        #if CRUCIBLE_FUZZING_UNSAFE
        self == .bypassedForFuzzing
        #else
        false
        #endif
    }

    /// Whether this build was compiled with `-DCRUCIBLE_FUZZING_UNSAFE`, and so can bypass the checks.
    public static var fuzzingBuild: Bool {
        #if CRUCIBLE_FUZZING_UNSAFE
        true
        #else
        false
        #endif
    }
}
