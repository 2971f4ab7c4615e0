import Hashing

extension DTLSFingerprint {
    /// A fingerprint with a random algorithm and digest, for property tests and fuzzing.
    public static func random<R: RandomNumberGenerator>(using generator: inout R) -> DTLSFingerprint {
        let algorithm = DigestAlgorithm.allCases.randomElement(using: &generator) ?? .sha256
        let digest = (0..<algorithm.outputLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
        // The digest has the algorithm's length, so this cannot throw; the fallback keeps it total.
        return (try? DTLSFingerprint(algorithm: algorithm, digest: digest)) ?? DTLSFingerprint(of: digest, algorithm: algorithm)
    }
}

extension DTLSSetup {
    /// A random `a=setup` value.
    public static func random<R: RandomNumberGenerator>(using generator: inout R) -> DTLSSetup {
        allCases.randomElement(using: &generator) ?? .actpass
    }
}
