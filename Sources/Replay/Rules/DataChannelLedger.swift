import SCTP

/// The data channels of one association as the capture shows them, for the inventory: opened by DCEP
/// (RFC 8832 §5) or seen only as DATA on a stream (negotiated out of band, RFC 8831 §6.5, or opened
/// before the capture), their messages and bytes each way, and how they ended.
struct DataChannelLedger: Sendable {
    private struct Channel: Sendable {
        var entry: DataChannelEntry
        /// Bytes of the message being reassembled, per direction (fragments B … E, RFC 9260 §6.9).
        var partial: [FlowDirection: Int] = [:]

        /// A new DATA chunk carrying user data; returns the size of the message it completes, if it does.
        mutating func data(_ chunk: DataChunk, direction: FlowDirection) -> Int? {
            let length = chunk.userData.count
            if chunk.flags.contains(.beginning) {
                partial[direction] = length
            } else if let sofar = partial[direction] {
                partial[direction] = sofar + length
            } else {
                // The message began before the capture: its size is unknown.
                return nil
            }
            guard chunk.flags.contains(.ending), let size = partial.removeValue(forKey: direction) else { return nil }
            // RFC 8831 §6.6: an empty message is sent as one byte with the "empty" PPID.
            let isEmpty = chunk.payloadProtocol == .stringEmpty || chunk.payloadProtocol == .binaryEmpty
            let messageSize = isEmpty ? 0 : size
            entry.messages[direction.rawValue, default: 0] += 1
            entry.bytes[direction.rawValue, default: 0] += messageSize
            entry.largestMessage = max(entry.largestMessage, messageSize)
            return messageSize
        }
    }

    private var channels: [UInt16: Channel] = [:]
    let flow: Int

    init(flow: Int) { self.flow = flow }

    /// A channel first seen by its DATA: negotiated out of band (RFC 8831 §6.5) or opened before the capture.
    private static func unannounced(_ stream: UInt16, flow: Int) -> Channel {
        Channel(entry: DataChannelEntry(flow: flow, stream: stream, establishment: "no DCEP seen", acknowledged: false))
    }

    /// A DATA_CHANNEL_OPEN: the channel starts afresh (a stream reused after a reset is a new channel).
    mutating func open(_ open: DataChannelOpen, stream: UInt16, direction: FlowDirection) {
        var entry = DataChannelEntry(flow: flow, stream: stream, establishment: "dcep", acknowledged: false)
        entry.label = open.label
        entry.protocol = open.protocol
        entry.channelType = open.channelType.description
        entry.reliabilityParameter = open.channelType.rawValue & 0x7F == 0 ? nil : open.reliabilityParameter
        entry.openedBy = direction.rawValue
        channels[stream] = Channel(entry: entry)
    }

    mutating func acknowledge(stream: UInt16) { channels[stream]?.entry.acknowledged = true }

    /// A new DATA chunk carrying user data; returns the size of the message it completes, if it does.
    mutating func data(_ chunk: DataChunk, direction: FlowDirection) -> Int? {
        let stream = chunk.streamIdentifier
        // Updated in place: the entry's dictionaries are not copied per chunk.
        let flow = self.flow
        return channels[stream, default: Self.unannounced(stream, flow: flow)].data(chunk, direction: direction)
    }

    /// Outgoing streams reset by `direction` (RFC 6525 §5.2.2; RFC 8831 §6.7 closes a channel so).
    mutating func reset(streams: [UInt16], direction: FlowDirection) {
        let targets = streams.isEmpty ? Array(channels.keys) : streams
        for stream in targets where channels[stream] != nil && channels[stream]?.entry.closed == nil {
            channels[stream]?.entry.closed = "stream reset by \(direction.rawValue)"
        }
    }

    /// The association ended (ABORT or SHUTDOWN): channels still open end with it.
    mutating func associationEnded(_ how: String) {
        for stream in channels.keys where channels[stream]?.entry.closed == nil { channels[stream]?.entry.closed = how }
    }

    var entries: [DataChannelEntry] { channels.keys.sorted().compactMap { channels[$0]?.entry } }
}
