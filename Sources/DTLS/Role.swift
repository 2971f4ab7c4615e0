/// Which side of the DTLS handshake an endpoint plays.
public enum DTLSRole: Hashable, Sendable, CaseIterable {
    /// Sends the ClientHello: the `a=setup:active` side.
    case client
    /// Answers it: the `a=setup:passive` side.
    case server

    /// The role that follows from the two `a=setup` values of an offer/answer exchange (RFC 5763 §5,
    /// RFC 4145 §4): `active` connects (DTLS client), `passive` accepts (DTLS server). An `actpass`
    /// side takes the opposite of what the other chose. Nil when the pair names no single role
    /// (both active, both passive, both actpass, or either `holdconn`).
    public init?(local: DTLSSetup, remote: DTLSSetup) {
        switch (local, remote) {
        case (.active, .passive), (.active, .actpass), (.actpass, .passive): self = .client
        case (.passive, .active), (.passive, .actpass), (.actpass, .active): self = .server
        default: return nil
        }
    }
}

/// The values of the SDP `a=setup` attribute (RFC 4145 §4), as RFC 5763 §5 uses them for DTLS.
public enum DTLSSetup: String, Hashable, Sendable, CaseIterable {
    case active
    case passive
    case actpass
    case holdconn
}
