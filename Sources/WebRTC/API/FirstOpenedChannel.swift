extension PeerConnection {
    /// The first channel (with `label`, when given) that became open on this connection, typically one
    /// the peer opened; waits for it.
    public func firstOpenedChannel(label: String? = nil, timeout: Duration? = nil) async throws(WebRTCError) -> DataChannel {
        let log = core.channelEvents
        let find: @Sendable () -> DataChannel? = {
            for event in log.snapshot() {
                if case .open(let channel) = event, label == nil || channel.label == label { return channel }
            }
            return nil
        }
        try await core.wait("a channel \(label ?? "") to open", timeout: timeout) { find() != nil }
        guard let channel = find() else { throw .invalidState("no channel opened") }
        return channel
    }
}
