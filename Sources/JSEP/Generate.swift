import Hashing
import DTLS
import ICE
import SDP

extension LocalSessionParameters {
    /// Random parameters our own descriptions could carry, for property tests and fuzzing: canonical
    /// candidates (as `CandidateCodec` accepts them), valid credentials and any fingerprint algorithm.
    public static func random<R: RandomNumberGenerator>(using generator: inout R) -> LocalSessionParameters {
        let candidates = (0..<Int.random(in: 0...4, using: &generator)).map { _ in Candidate.random(using: &generator) }
        return LocalSessionParameters(
            sessionID: UInt64.random(in: 0...UInt64(Int64.max), using: &generator),
            sessionVersion: UInt64.random(in: 0...UInt64(Int64.max), using: &generator),
            credentials: ICECredentials.random(using: &generator),
            fingerprint: CertificateFingerprint.random(using: &generator),
            candidates: candidates,
            endOfCandidates: Bool.random(using: &generator),
            sctpPort: UInt16.random(in: 1...UInt16.max, using: &generator),
            maxMessageSize: [0, 65_536, 262_144, Int.random(in: 1...Int(Int32.max), using: &generator)]
                .randomElement(using: &generator) ?? 65_536,
            includesDataChannel: true,
            iceOptionsTrickle: Bool.random(using: &generator))
    }
}
