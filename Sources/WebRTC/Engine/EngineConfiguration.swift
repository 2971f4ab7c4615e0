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
    /// The largest datagram a DTLS handshake flight is packed into (WebRTC's 1200-byte assumption).
    public var mtu: Int
    /// Seeds every random choice the machine makes (ICE credentials, tie-breaker, SCTP tags and
    /// cookies); OpenSSL's own randomness is not covered.
    public var seed: UInt64

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
}
