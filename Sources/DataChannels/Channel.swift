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
    /// What we queued on the association for this stream and it has not released yet, in send order.
    var unacknowledged = StreamLedger()
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
    var bufferedAmount: Int { heldBytes + unacknowledged.applicationBytes }
}

/// The association reports one figure per stream (bytes queued or in flight); W3C bufferedAmount counts
/// only what the application sent, not our DCEP messages nor the zero byte standing for an empty message
/// (RFC 8831 §6.6). The ledger keeps the stream's bytes in send order, split into application bytes
/// and those extra ones, and releases from the front as the association's figure falls.
///
/// That is exact when bytes are released in send order (cumulative acknowledgement, the usual case). A
/// later message released first (gap-acknowledged, or abandoned by partial reliability) is attributed
/// to the front instead: the total stays right, the split may be off by the extra bytes still held (a
/// DCEP message or a few zero bytes) until the stream drains, when the ledger is exactly empty again.
struct StreamLedger: Sendable {
    struct Segment: Sendable {
        var isExtra: Bool
        var bytes: Int
    }

    private var segments: [Segment] = []
    private var head = 0
    private(set) var totalBytes = 0
    private(set) var applicationBytes = 0

    /// Bytes just queued on the association: the application's, or extra ones.
    mutating func append(_ bytes: Int, extra: Bool) {
        guard bytes > 0 else { return }
        totalBytes += bytes
        if !extra { applicationBytes += bytes }
        if head < segments.count, segments[segments.count - 1].isExtra == extra {
            segments[segments.count - 1].bytes += bytes
        } else {
            segments.append(Segment(isExtra: extra, bytes: bytes))
        }
    }

    /// The association now holds `remaining` bytes for the stream: release the rest from the front.
    mutating func settle(remaining: Int) {
        guard remaining > 0 else {
            self = StreamLedger()
            return
        }
        var release = totalBytes - remaining
        while release > 0, head < segments.count {
            let taken = min(release, segments[head].bytes)
            segments[head].bytes -= taken
            totalBytes -= taken
            if !segments[head].isExtra { applicationBytes -= taken }
            release -= taken
            if segments[head].bytes == 0 { head += 1 }
        }
        if head > 32, head * 2 > segments.count {
            segments.removeFirst(head)
            head = 0
        }
    }
}
