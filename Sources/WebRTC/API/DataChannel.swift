public import DataChannels

/// One data channel (Ktor's `WebRtcDataChannel`, W3C `RTCDataChannel`, RFC 8831).
public final class DataChannel: Sendable, CustomStringConvertible {
    let core: ConnectionCore
    /// The machine's key for the channel.
    public let handle: DataChannelHandle

    init(core: ConnectionCore, handle: DataChannelHandle) {
        self.core = core
        self.handle = handle
    }

    private var info: DataChannelInfo? { core.record(handle)?.info }

    public var label: String { info?.label ?? "" }
    /// The options as negotiated (for a channel the peer opened: what its DATA_CHANNEL_OPEN said).
    public var options: DataChannelOptions { info?.options ?? DataChannelOptions() }
    public var ordered: Bool { options.ordered }
    public var maxRetransmits: Int? { options.maxRetransmits }
    public var maxPacketLifeTime: Duration? { options.maxPacketLifeTime }
    public var `protocol`: String { options.protocol }
    public var negotiated: Bool { options.negotiated }
    /// The SCTP stream id; nil until the DTLS role is known (RFC 8832 §6).
    public var id: UInt16? { info?.stream }
    public var state: DataChannelState { info?.state ?? .closed }
    /// Bytes queued and not yet acknowledged (W3C `bufferedAmount`).
    public var bufferedAmount: Int { core.record(handle)?.bufferedAmount ?? 0 }
    public var bufferedAmountLowThreshold: Int { core.record(handle)?.bufferedAmountLowThreshold ?? 0 }

    public var description: String { "DataChannel(\(label), id: \(id.map(String.init) ?? "none"), \(state))" }

    // MARK: Sending

    public func send(_ text: String) async throws(WebRTCError) { try await send(.text(text)) }
    public func send(_ bytes: [UInt8]) async throws(WebRTCError) { try await send(.binary(bytes)) }

    /// Sends one message. A closed channel or an oversized message is a thrown ``WebRTCError/dataChannel(_:)``.
    public func send(_ message: DataChannelMessage) async throws(WebRTCError) {
        let handle = self.handle
        try await core.host.call { machine, now throws(WebRTCError) in try machine.send(message, on: handle, at: now) }
    }

    /// W3C `bufferedAmountLowThreshold`: a `bufferedAmountLow` event fires when the buffered amount falls
    /// to it or below.
    public func setBufferedAmountLowThreshold(_ threshold: Int) async throws(WebRTCError) {
        let handle = self.handle
        core.channels.withLock { $0[handle]?.bufferedAmountLowThreshold = threshold }
        try await core.host.call { machine, now in machine.setBufferedAmountLowThreshold(threshold, on: handle, at: now) }
    }

    // MARK: Receiving

    /// The next message, waiting for it. Throws once the channel is closed and nothing is left, or when
    /// nothing arrives within the connection's operation timeout.
    public func receive() async throws(WebRTCError) -> DataChannelMessage {
        let core = self.core
        let handle = self.handle
        try await core.wait("a message on \(label)") {
            guard let record = core.record(handle) else { return true }
            return !record.inbox.isEmpty || record.info.state == .closed
        }
        if let message = tryReceive() { return message }
        throw .dataChannel(.notOpen(handle, state))
    }

    /// The next message if one is waiting (Ktor's `tryReceive`).
    public func tryReceive() -> DataChannelMessage? {
        core.channels.withLock { records in
            guard records[handle]?.inbox.isEmpty == false else { return nil }
            return records[handle]?.inbox.removeFirst()
        }
    }

    /// The next message, which must be text.
    public func receiveText() async throws(WebRTCError) -> String {
        guard case .text(let text) = try await receive() else { throw .invalidState("expected a text message on \(label), got binary") }
        return text
    }

    /// The next message, which must be binary.
    public func receiveBinary() async throws(WebRTCError) -> [UInt8] {
        guard case .binary(let bytes) = try await receive() else { throw .invalidState("expected a binary message on \(label), got text") }
        return bytes
    }

    /// Waits until the channel is in `wanted` (or closed, which ends every wait).
    public func awaitState(_ wanted: DataChannelState, timeout: Duration? = nil) async throws(WebRTCError) {
        let core = self.core
        let handle = self.handle
        try await core.wait("channel \(label) \(wanted)", timeout: timeout) {
            let state = core.record(handle)?.info.state ?? .closed
            return state == wanted || state == .closed
        }
        guard state == wanted else { throw .invalidState("channel \(label) is \(state), not \(wanted)") }
    }

    /// Waits until at most `limit` bytes are buffered: the back-pressure a bulk sender needs.
    public func awaitBufferedAmount(atMost limit: Int, timeout: Duration? = nil) async throws(WebRTCError) {
        let core = self.core
        let handle = self.handle
        try await core.wait("buffered amount of \(label) ≤ \(limit)", timeout: timeout) {
            guard let record = core.record(handle) else { return true }
            return record.bufferedAmount <= limit || record.info.state == .closed
        }
    }

    /// Starts closing the channel (RFC 8831 §6.7); `closing` then `closed` events follow.
    public func close() async {
        let handle = self.handle
        _ = try? await core.host.call { machine, now in machine.closeChannel(handle, at: now) }
    }
}
