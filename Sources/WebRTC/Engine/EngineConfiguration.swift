public import ICE
public import Wire

/// Everything one peer connection's machine is built with: the engine-level form of the W3C
/// `RTCConfiguration` plus the things a sans-IO machine must be handed (addresses, randomness, time-free
/// settings).
public struct EngineConfiguration: Sendable {
    /// The local host addresses the driver bound (DESIGN §6: loopback by default).
    public var hostAddresses: [TransportAddress]
    /// STUN servers for server-reflexive candidates (`stun:` URLs of `iceServers`).
    public var stunServers: [TransportAddress]
    /// TURN servers with credentials (`turn:` URLs of `iceServers`).
    public var turnServers: [TURNServerConfiguration]
    public var iceTransportPolicy: IceTransportPolicy
    /// Regular nomination is what RFC 8445 specifies; aggressive is faster on a clean path.
    public var nomination: NominationMode
    /// The largest message we accept on a data channel (our `a=max-message-size`, RFC 8841 §6).
    public var maxMessageSize: Int
    /// Our `a=sctp-port` (RFC 8841 §5).
    public var sctpPort: UInt16
    /// Emit NSS key log lines so the session's DTLS can be decrypted by `crucible replay --keylog`.
    public var keyLog: Bool
    /// Offer and accept SCTP zero checksum (RFC 9653).
    public var sctpZeroChecksum: Bool
    /// The path MTU assumed, as IP packet bytes: 1200 by default, the figure WebRTC stacks assume to stay
    /// clear of tunnels (RFC 8831 §5 asks for no IP fragmentation). Datagrams are sized to fit it over
    /// IPv6 (48 bytes of IP and UDP headers): DTLS flights of `mtu − 48` bytes, SCTP packets of
    /// `mtu − 48 − 37` bytes (the DTLS 1.2 AES-GCM record overhead).
    public var mtu: Int
    /// Seeds every random choice the machine makes (ICE credentials, tie-breaker, SCTP tags and
    /// cookies); OpenSSL's own randomness too when `seededDTLS` is set.
    public var seed: UInt64
    /// Runs the DTLS endpoint seeded (`DTLSEndpoint`'s `randomness`): OpenSSL draws from the seed and
    /// flights are resent byte for byte on the machine's clock, so a session replays exactly. For
    /// simulations, where both peers are ours: a foreign server that loses its final flight drops an
    /// identical resend as a replay. Off for real sockets.
    public var seededDTLS = false
    /// The wall-clock time at `Instant.zero`, as a 64-bit NTP timestamp (RFC 3550 §4): RTCP sender reports
    /// carry NTP time, and the machine reads no clock. The native engine sets it from the system clock; a
    /// simulation keeps this fixed value (2026-01-01), so its reports are the same from run to run.
    public var ntpAtZero: UInt64 = 3_976_214_400 << 32
    /// Whether DTLS, SCTP and SRTP check what protects their input: `.enforced`, the only value outside
    /// a fuzzing build (`IntegrityChecks`). The cross-layer fuzz targets bypass it on both peers.
    public var integrity = IntegrityChecks.enforced

    public init(
        hostAddresses: [TransportAddress] = [TransportAddress(.loopbackV4, port: 0)],
        stunServers: [TransportAddress] = [], turnServers: [TURNServerConfiguration] = [],
        iceTransportPolicy: IceTransportPolicy = .all, nomination: NominationMode = .regular,
        maxMessageSize: Int = 262_144, sctpPort: UInt16 = 5000, keyLog: Bool = false,
        sctpZeroChecksum: Bool = false, mtu: Int = 1200, seed: UInt64
    ) {
        self.hostAddresses = hostAddresses
        self.stunServers = stunServers
        self.turnServers = turnServers
        self.iceTransportPolicy = iceTransportPolicy
        self.nomination = nomination
        self.maxMessageSize = maxMessageSize
        self.sctpPort = sctpPort
        self.keyLog = keyLog
        self.sctpZeroChecksum = sctpZeroChecksum
        self.mtu = mtu
        self.seed = seed
    }

    /// IPv6 and UDP headers: the worst case a datagram must leave room for.
    static let ipAndUDPOverhead = 48
    /// A DTLS 1.2 record with AES-GCM: 13 header + 8 explicit nonce + 16 tag (RFC 6347 §4.1, RFC 5288 §3).
    static let dtlsRecordOverhead = 37

    /// The largest datagram payload: what DTLS packs its handshake flights into.
    public var datagramPayloadLimit: Int { max(256, mtu - Self.ipAndUDPOverhead) }
    /// The largest SCTP packet, so that it fits one datagram inside a DTLS record (RFC 8261 §5).
    public var sctpPacketLimit: Int { max(256, datagramPayloadLimit - Self.dtlsRecordOverhead) }
}
