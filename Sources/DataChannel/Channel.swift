/// The machine's record of one live channel.
struct Channel: Sendable {
    var info: DataChannelInfo
    /// True when the peer opened it with DATA_CHANNEL_OPEN.
    let isRemote: Bool
    /// Our DATA_CHANNEL_OPEN went out and neither the ACK nor a user message has come back: user messages
    /// go out ordered meanwhile (RFC 8832 §6).
    var awaitingAck = false
    /// On the wire: the OPEN was sent (in-band) or the association is up (negotiated).
    var isActive = false
    /// Reached `.open` once (W3C dataChannelsOpened / dataChannelsClosed count those).
    var wasOpened = false
    /// Messages sent before the association was established (and the stream known), bounded by the
    /// association's send buffer size.
    var held: [DataChannelMessage] = []
    var heldBytes = 0
    /// Bytes the association holds on the stream that the application did not send (DCEP messages, the
    /// one byte of an empty message): the association's per-stream figure less these is bufferedAmount.
    var overhead = 0
    /// The association's last bufferedAmount for the stream.
    var associationBytes = 0
    /// The bufferedAmount last reported, and the low-water mark for ``DataChannelOutput/bufferedAmountLow(_:)``.
    var reportedAmount = 0
    var lowThreshold = 0
    /// RFC 8831 §6.7: the channel is closed once both directions of its stream are reset.
    var resetRequested = false
    var outgoingReset = false
    var incomingReset = false
    var traffic = DataChannelTraffic()

    init(info: DataChannelInfo, isRemote: Bool) {
        self.info = info
        self.isRemote = isRemote
    }

    /// W3C bufferedAmount: bytes the application sent that are neither acknowledged nor abandoned.
    var bufferedAmount: Int { heldBytes + max(associationBytes - overhead, 0) }
}
