import SansIO

/// How hard the association tries to deliver a message (RFC 3758 partial reliability, RFC 8831 §6.1).
public enum SCTPReliability: Hashable, Sendable {
    case reliable
    /// Abandoned after this many retransmissions (0: sent once).
    case maxRetransmits(Int)
    /// Abandoned when still unacknowledged this long after `send`.
    case lifetime(Duration)
}

/// One user message to send.
public struct SCTPMessage: Hashable, Sendable {
    public var stream: UInt16
    public var payloadProtocol: PayloadProtocolIdentifier
    public var bytes: [UInt8]
    public var ordered: Bool
    public var reliability: SCTPReliability

    public init(
        stream: UInt16, payloadProtocol: PayloadProtocolIdentifier, bytes: [UInt8], ordered: Bool = true,
        reliability: SCTPReliability = .reliable
    ) {
        self.stream = stream
        self.payloadProtocol = payloadProtocol
        self.bytes = bytes
        self.ordered = ordered
        self.reliability = reliability
    }
}

/// A whole user message from the peer.
public struct SCTPReceivedMessage: Hashable, Sendable {
    public var stream: UInt16
    public var payloadProtocol: PayloadProtocolIdentifier
    public var bytes: [UInt8]
    public var ordered: Bool

    public init(stream: UInt16, payloadProtocol: PayloadProtocolIdentifier, bytes: [UInt8], ordered: Bool) {
        self.stream = stream
        self.payloadProtocol = payloadProtocol
        self.bytes = bytes
        self.ordered = ordered
    }
}

/// What the association was set up with.
public struct SCTPEstablishment: Hashable, Sendable {
    /// Streams we may send on: min(our OS, the peer's MIS) (RFC 9260 §5.1.1).
    public var outboundStreams: UInt16
    /// Streams the peer may send on: min(our MIS, the peer's OS).
    public var inboundStreams: UInt16
    /// The peer's max-message-size when the configuration knew it (from SDP).
    public var peerMaxMessageSize: Int?

    public init(outboundStreams: UInt16, inboundStreams: UInt16, peerMaxMessageSize: Int?) {
        self.outboundStreams = outboundStreams
        self.inboundStreams = inboundStreams
        self.peerMaxMessageSize = peerMaxMessageSize
    }
}

/// Which side of a stream a reset touched (RFC 6525 §5).
public enum SCTPStreamDirection: Hashable, Sendable {
    /// Our sending side: the peer confirmed our Outgoing SSN Reset Request.
    case outgoing
    /// The peer's sending side: it reset the streams we receive on.
    case incoming
}

/// Why an association ended without a graceful SHUTDOWN.
public enum SCTPAbortReason: Hashable, Sendable {
    /// The application asked for `.abort`.
    case requested
    /// The peer sent ABORT, with its causes.
    case peer([SCTPErrorCause])
    /// INIT or COOKIE ECHO went unanswered Max.Init.Retransmits times (RFC 9260 §5.1).
    case handshakeTimedOut
    /// Association.Max.Retrans consecutive timeouts (RFC 9260 §8.1).
    case retransmissionLimitReached
    /// The peer broke a rule we cannot recover from (we sent ABORT with this text).
    case protocolViolation(String)
}

/// Why a request of the application could not be carried out; the association itself lives on.
public enum SCTPAssociationError: Error, Hashable, Sendable {
    /// The message is larger than our or the peer's max-message-size (RFC 8841 §6).
    case messageTooLarge(size: Int, limit: Int)
    /// An empty message: DATA cannot carry zero bytes (RFC 9260 §3.3.1); WebRTC sends one byte instead.
    case emptyMessage
    /// The stream is not among the negotiated outbound streams.
    case invalidStream(UInt16)
    /// The stream is being reset; nothing more may be sent on it (RFC 6525 §5.1.2).
    case streamResetting(UInt16)
    /// The send buffer would exceed ``SCTPAssociationConfiguration/sendBufferSize``.
    case sendBufferFull(queued: Int, limit: Int)
    /// The association is shutting down or gone.
    case notOpen
    /// The peer refused a stream reset (RFC 6525 §4.4 result).
    case streamResetRefused(streams: [UInt16], result: UInt32)
}

/// What the application asks of the association, or what arrives from DTLS.
public enum SCTPAssociationInput: Sendable {
    /// One SCTP packet, the payload of one DTLS application data record (RFC 8261 §4).
    case received([UInt8])
    /// Start the four-way handshake (send INIT). Both WebRTC peers may do it (RFC 8831 §6.2).
    case connect
    case send(SCTPMessage)
    /// Reset our outgoing side of these streams (closing data channels, RFC 8831 §6.7).
    case resetStreams([UInt16])
    /// Graceful close: deliver what is queued, then SHUTDOWN (RFC 9260 §9.2).
    case shutdown
    /// Send ABORT and forget the association (RFC 9260 §9.1).
    case abort
}

/// What the association asks of its owner.
public enum SCTPAssociationOutput: Hashable, Sendable {
    /// One SCTP packet to send as DTLS application data.
    case transmit([UInt8])
    case established(SCTPEstablishment)
    case message(SCTPReceivedMessage)
    case streamsReset(SCTPStreamDirection, [UInt16])
    /// Bytes queued on the stream and not yet acknowledged or abandoned (RTCDataChannel.bufferedAmount).
    case bufferedAmount(stream: UInt16, bytes: Int)
    /// SHUTDOWN completed.
    case closed
    case aborted(SCTPAbortReason)
    /// A request failed; see ``SCTPAssociationError``.
    case failed(SCTPAssociationError)
}

/// The states of RFC 9260 §4.
public enum SCTPAssociationState: Hashable, Sendable {
    case closed, cookieWait, cookieEchoed, established
    case shutdownPending, shutdownSent, shutdownReceived, shutdownAckSent
}

/// Counters for what was dropped and why: the security negatives are observable.
public struct SCTPAssociationStatistics: Hashable, Sendable {
    /// Packets that did not parse (bad checksum, truncated…).
    public var malformedPackets = 0
    /// Packets whose verification tag or ports were wrong (RFC 9260 §8.5).
    public var wrongTagPackets = 0
    /// COOKIE ECHOs whose HMAC did not verify.
    public var forgedCookies = 0
    /// COOKIE ECHOs older than the cookie lifetime.
    public var staleCookies = 0
    /// DATA chunks dropped because the receive buffer or chunk bound was full, or out of the TSN window.
    public var droppedDataChunks = 0
    /// DATA chunks received again.
    public var duplicateDataChunks = 0
    public var retransmittedChunks = 0
    public var abandonedMessages = 0
    public var fastRetransmits = 0
    public var timeouts = 0
}
