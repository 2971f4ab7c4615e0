extension PeerConnection {
    /// The first channel (with `label`, when given) that became open on this connection, typically one
    /// the peer opened; waits for it.
    public func firstOpenedChannel(label: String? = nil, timeout: Duration? = nil) async throws(WebRTCError) -> DataChannel {
        let log = core.channelEvents
        let find: @Sendable () -> DataChannel? = {
            let opened = log.first { event in
                if case .open(let channel) = event { label == nil || channel.label == label } else { false }
            }
            guard case .open(let channel)? = opened else { return nil }
            return channel
        }
        try await core.wait("a channel \(label ?? "") to open", timeout: timeout) { find() != nil }
        guard let channel = find() else { throw .invalidState("no channel opened") }
        return channel
    }
}
