extension CertificateFingerprint {
    /// A fingerprint with a random algorithm and digest, for property tests and fuzzing.
    public static func random<R: RandomNumberGenerator>(using generator: inout R) -> CertificateFingerprint {
        let algorithm = DigestAlgorithm.allCases.randomElement(using: &generator) ?? .sha256
        let digest = (0..<algorithm.outputLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return CertificateFingerprint(hashFunction: token(for: algorithm), digest: digest)
    }
}
