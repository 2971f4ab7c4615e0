/// What happens to data channels (Ktor's `DataChannelEvent`, W3C `RTCDataChannel` events).
public enum DataChannelEvent: Sendable {
    /// The channel can carry messages; for a channel the peer opened, this is its first appearance.
    case open(DataChannel)
    case closing(DataChannel)
    case closed(DataChannel)
    /// ``DataChannel/bufferedAmount`` fell to ``DataChannel/bufferedAmountLowThreshold`` or below.
    case bufferedAmountLow(DataChannel)
    case error(DataChannel, WebRTCError)

    /// The channel the event is about.
    public var channel: DataChannel {
        switch self {
        case .open(let channel), .closing(let channel), .closed(let channel), .bufferedAmountLow(let channel),
            .error(let channel, _):
            channel
        }
    }
}
