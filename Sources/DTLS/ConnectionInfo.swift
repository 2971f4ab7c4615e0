public import Hashing
public import SRTP

/// What an endpoint knows once its handshake has completed and the peer is verified.
public struct DTLSConnectionInfo: Hashable, Sendable {
    /// This endpoint's role.
    public let role: DTLSRole
    /// The peer's certificate, DER.
    public let peerCertificate: [UInt8]
    /// The peer certificate's fingerprint, with the algorithm of the expected one.
    public let peerFingerprint: CertificateFingerprint
    /// The negotiated cipher suite's registry value (for example 0xC02B).
    public let cipherSuite: UInt16
    /// Its IANA name (for example `TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256`).
    public let cipherSuiteName: String
    /// The SRTP protection profile use_srtp agreed on; nil when no profiles were configured.
    public let srtpProfile: SRTPProfile?
    /// The SRTP keys of both directions (RFC 5764 §4.2); nil without an SRTP profile.
    public let srtpKeys: DTLSSRTPKeys?
}
