public import SRTP

extension DTLSSRTPKeys {
    /// The keys this side sends with, for its DTLS `role` (RFC 5764 §4.2: the client's keys protect
    /// what the client sends).
    public func local(for role: DTLSRole) -> SRTPKeyMaterial { role == .client ? client : server }

    /// The keys the peer sends with, for this side's `role`.
    public func remote(for role: DTLSRole) -> SRTPKeyMaterial { role == .client ? server : client }
}
