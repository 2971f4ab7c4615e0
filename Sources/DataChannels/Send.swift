public import SansIO
import SCTP

/// Sending user messages and reporting bufferedAmount (RFC 8831 §6.6, W3C send() and bufferedamountlow).
extension DataChannelMachine {
    /// Sends a message, validating what can be known now: the channel, its state, the size, the buffer.
    /// The engine uses it so that a send after close or an oversized message throws at the call.
    public mutating func send(_ message: DataChannelMessage, on handle: DataChannelHandle, at now: Instant) throws(DataChannelError) {
        guard let channel = table[handle] else {
            // Handles are never reused: one we gave out and no longer hold belonged to a closed channel.
            if handle.rawValue >= 0, handle.rawValue < nextHandle { throw .notOpen(handle, .closed) }
            throw .unknownChannel(handle)
        }
        switch channel.info.state {
        case .closing, .closed: throw .notOpen(handle, channel.info.state)
        case .connecting, .open: break
        }
        let size = message.byteCount
        guard size <= configuration.sendLimit else { throw .messageTooLarge(size: size, limit: configuration.sendLimit) }
        if channel.isActive {
            try transmit(message, on: handle, at: now)
            drainAssociation(at: now)
            return
        }
        let limit = configuration.association.sendBufferSize
        let queued = association.sendBufferedBytes + table.values.reduce(0) { $0 + $1.heldBytes }
        guard queued + size <= limit else { throw .sendBufferFull(queued: queued, limit: limit) }
        table[handle]?.held.append(message)
        table[handle]?.heldBytes += size
        reportBufferedAmount(handle)
    }

    /// Hands one message of an active channel to the association.
    mutating func transmit(_ message: DataChannelMessage, on handle: DataChannelHandle, at now: Instant) throws(DataChannelError) {
        guard let channel = table[handle], let stream = channel.info.stream else { throw .unknownChannel(handle) }
        let (payloadProtocol, bytes) = message.wireForm
        let options = channel.info.options
        let sctp = SCTPMessage(
            stream: stream, payloadProtocol: payloadProtocol, bytes: bytes,
            // RFC 8832 §6: ordered until the peer's ACK shows it has processed the OPEN.
            ordered: options.ordered || channel.awaitingAck, reliability: options.reliability)
        do throws(SCTPAssociationError) { try association.send(sctp, at: now) } catch { throw DataChannelError(error) }
        pendingFlush = true
        table[handle]?.unacknowledged.append(bytes.count, extra: message.byteCount == 0)
        table[handle]?.traffic.messagesSent += 1
        table[handle]?.traffic.bytesSent += message.byteCount
    }

    /// Reports the channel's bufferedAmount when it changed, and bufferedAmountLow when it crossed the
    /// threshold downwards (W3C "bufferedamountlow": once per crossing).
    mutating func reportBufferedAmount(_ handle: DataChannelHandle) {
        guard let channel = table[handle] else { return }
        let amount = channel.bufferedAmount
        guard amount != channel.reportedAmount else { return }
        outputs.append(.bufferedAmount(handle, amount))
        if channel.reportedAmount > channel.lowThreshold, amount <= channel.lowThreshold {
            outputs.append(.bufferedAmountLow(handle))
        }
        table[handle]?.reportedAmount = amount
    }
}
