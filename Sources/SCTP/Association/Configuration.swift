public import Wire

/// What an ``SCTPAssociation`` is built with. Every default is a number from an RFC or a WebRTC choice,
/// cited where it is set.
public struct SCTPAssociationConfiguration: Sendable {
    /// Our port and the peer's: 5000/5000 unless SDP's a=sctp-port says otherwise (RFC 8841 §5).
    public var sourcePort: UInt16 = 5000
    public var destinationPort: UInt16 = 5000
    /// Streams we ask for in each direction (OS and MIS of INIT, RFC 9260 §3.3.2); WebRTC uses 65535 at most.
    public var outboundStreams: UInt16 = 1024
    public var inboundStreams: UInt16 = 1024
    /// The largest user message we send or reassemble: 256 KiB, the default a=max-message-size of RFC 8841 §6.
    public var maxMessageSize: Int = 256 * 1024
    /// The peer's a=max-message-size from SDP when known (RFC 8841 §6); sends are bounded by it too.
    public var peerMaxMessageSize: Int?
    /// Our receive buffer and advertised window (a_rwnd, RFC 9260 §6.2): every byte held for reassembly
    /// or ordering counts against it, so a hostile peer cannot make us hold more.
    public var receiveBufferSize: Int = 1024 * 1024
    /// How many DATA chunks we hold at most, whatever their size: bounds the bookkeeping a flood of tiny
    /// fragments costs.
    public var maxHeldChunks: Int = 4096
    /// The largest SCTP packet we emit: 1200 bytes (the WebRTC path MTU assumption) minus the DTLS 1.2
    /// record overhead with AES-GCM (13 header + 8 explicit nonce + 16 tag), rounded down to 1160.
    public var maxPacketSize: Int = 1160
    /// Bytes the application may queue and have unacknowledged at most; `send` fails beyond it.
    public var sendBufferSize: Int = 16 * 1024 * 1024
    /// RTO.Initial = 1 s and RTO.Max = 60 s (RFC 9260 §16, RFC 6298 §2.1). RTO.Min is lowered from 1 s to
    /// 200 ms: over DTLS on the WebRTC paths the 1 s floor makes every loss a one-second stall, and
    /// libwebrtc's dcsctp lowers it the same way. RFC 6298 §2.4 allows it ("MAY").
    public var rtoInitial: Duration = .seconds(1)
    public var rtoMin: Duration = .milliseconds(200)
    public var rtoMax: Duration = .seconds(60)
    /// Association.Max.Retrans = 10 and Max.Init.Retransmits = 8 (RFC 9260 §16).
    public var maxRetransmissions: Int = 10
    public var maxInitRetransmissions: Int = 8
    /// Valid.Cookie.Life = 60 s (RFC 9260 §16).
    public var cookieLifetime: Duration = .seconds(60)
    /// HB.interval = 30 s (RFC 9260 §16).
    public var heartbeatInterval: Duration = .seconds(30)
    /// The delayed SACK timer: 200 ms, within RFC 9260 §6.2's 500 ms limit.
    public var sackDelay: Duration = .milliseconds(200)
    /// Offer and accept a zero checksum with DTLS as the alternate error detection method (RFC 9653,
    /// EDMID 1). When both INITs carry the parameter, packets after the handshake go out with checksum 0.
    public var zeroChecksum = false
    /// The cookie HMAC key; nil draws 32 bytes from the association's generator.
    public var cookieSecret: [UInt8]?
    /// Whether the CRC-32c and the cookie HMAC are checked: always, outside a fuzzing build
    /// (`IntegrityChecks`). Bypassed, any checksum and any cookie of the right shape are accepted.
    public var integrity = IntegrityChecks.enforced

    public init() {}

    /// User data per DATA chunk: the packet size minus the common header (12) and DATA header (16).
    var fragmentSize: Int { max(maxPacketSize - 28, 16) }
}
