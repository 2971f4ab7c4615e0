public import SCTP

/// What the engine feeds a ``DataChannelMachine``.
public enum DataChannelInput: Sendable {
    /// One SCTP packet: the plaintext of one DTLS application data record (RFC 8261 §4).
    case received([UInt8])
    /// DTLS is connected and we know our role: assign pending stream ids and send INIT (both sides do,
    /// RFC 8831 §6.2).
    case start(DataChannelStreamParity)
    case send(DataChannelHandle, DataChannelMessage)
    case close(DataChannelHandle)
    case setBufferedAmountLowThreshold(DataChannelHandle, Int)
    /// Graceful SHUTDOWN of the association (peer connection close).
    case shutdown
    case abort
}

/// What a ``DataChannelMachine`` asks of the engine, or tells the application.
public enum DataChannelOutput: Hashable, Sendable {
    /// One SCTP packet to send as DTLS application data.
    case transmit([UInt8])
    case associationEstablished(SCTPEstablishment)
    /// A channel the peer opened in-band (its state `.connecting`); `.open` follows at once, after our ACK.
    case announced(DataChannelInfo)
    case open(DataChannelHandle)
    case message(DataChannelHandle, DataChannelMessage)
    /// The channel's W3C bufferedAmount, whenever it changes.
    case bufferedAmount(DataChannelHandle, Int)
    /// bufferedAmount went from above the threshold to at or below it: once per crossing.
    case bufferedAmountLow(DataChannelHandle)
    case closing(DataChannelHandle)
    case closed(DataChannelHandle)
    /// A send or close that failed after the call returned, or a channel torn down by the association.
    case error(DataChannelHandle, DataChannelError)
    /// SHUTDOWN completed; every channel got `.closed` first.
    case associationClosed
    /// ABORT or a timeout; every channel got `.error` and `.closed` first.
    case associationFailed(SCTPAbortReason)
}

/// W3C `RTCDataChannelStats` counters of one channel.
public struct DataChannelTraffic: Hashable, Sendable {
    public var messagesSent = 0
    public var bytesSent = 0
    public var messagesReceived = 0
    public var bytesReceived = 0

    public init() {}
}

/// Counters of a ``DataChannelMachine``: per live channel (a channel's entry goes when it is closed),
/// the W3C `RTCPeerConnectionStats` totals, and what the peer sent that was dropped.
public struct DataChannelStatistics: Hashable, Sendable {
    public var channels: [DataChannelHandle: DataChannelTraffic] = [:]
    /// W3C `dataChannelsOpened` / `dataChannelsClosed`.
    public var dataChannelsOpened = 0
    public var dataChannelsClosed = 0
    /// DCEP messages that broke RFC 8832: unparsable, unknown type, OPEN with the wrong parity or on a
    /// stream in use, an ACK nobody waited for.
    public var dcepErrors = 0
    /// Deviations the peer sent that the machine accepted, by rule id (`DCEP.ack-length`): the tolerances
    /// of `Tolerance.all` (DESIGN §1.7), counted once per message that needed them.
    public var tolerated: [String: Int] = [:]
    /// User messages dropped: no channel on their stream, the channel closing (W3C discards those), an
    /// unknown PPID, or a deprecated partial PPID (52/54, RFC 8831 §8: we do not reassemble those).
    public var droppedMessages = 0

    public init() {}
}
