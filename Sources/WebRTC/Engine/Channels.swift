public import DataChannels
public import SansIO

/// Data channels on the machine (RFC 8831): thin calls into the ``DataChannelMachine``, plus the
/// negotiation-needed rule the first channel triggers (W3C §6.1 `createDataChannel`).
extension PeerConnectionMachine {
    /// W3C `createDataChannel`. The channel opens once the association is up (in-band through DCEP,
    /// RFC 8832, or at once when `negotiated`).
    public mutating func createDataChannel(label: String, options: DataChannelOptions, at now: Instant) throws(WebRTCError) -> DataChannelHandle {
        try requireOpen()
        let handle: DataChannelHandle
        do {
            handle = try channels.createChannel(label: label, options: options, at: now)
        } catch {
            throw .dataChannel(error)
        }
        checkNegotiationNeeded()
        pump(at: now)
        return handle
    }

    /// Sends one message; errors known at once (closed channel, oversized message) are thrown.
    public mutating func send(_ message: DataChannelMessage, on handle: DataChannelHandle, at now: Instant) throws(WebRTCError) {
        do {
            try channels.send(message, on: handle, at: now)
        } catch {
            throw .dataChannel(error)
        }
        pump(at: now)
    }

    /// Starts the closing procedure of one channel (RFC 8831 §6.7).
    public mutating func closeChannel(_ handle: DataChannelHandle, at now: Instant) {
        channels.handle(.close(handle), at: now)
        pump(at: now)
    }

    public mutating func setBufferedAmountLowThreshold(_ threshold: Int, on handle: DataChannelHandle, at now: Instant) {
        channels.handle(.setBufferedAmountLowThreshold(handle, threshold), at: now)
        pump(at: now)
    }
}
