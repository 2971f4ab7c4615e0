import SCTP
import SansIO

/// Closing (RFC 8831 §6.7, W3C "closing procedure"): each side resets its outgoing stream; the channel is
/// closed once both directions are reset, and its id is free again.
///
/// The association sends our Outgoing SSN Reset Request only once nothing queued for the stream is left
/// unsent (RFC 6525 §5.1.2, `collectReconfig`), and the peer applies it only after every TSN before it
/// has arrived (§5.2.2, "In progress"): messages sent before `close` are still delivered (reliable ones
/// at least; partially reliable ones may be abandoned as usual). The association does not reset our side
/// when the peer resets its own: this machine does, as RFC 8831 §6.7 requires.
extension DataChannelMachine {
    mutating func close(_ handle: DataChannelHandle, at now: Instant) {
        guard let channel = table[handle] else {
            // A handle we gave out and no longer hold is already closed: W3C close() is then a no-op.
            if handle.rawValue < 0 || handle.rawValue >= nextHandle { outputs.append(.error(handle, .unknownChannel(handle))) }
            return
        }
        guard channel.info.state == .connecting || channel.info.state == .open else { return }
        table[handle]?.info.state = .closing
        outputs.append(.closing(handle))
        guard channel.isActive else {
            // Nothing went on the wire yet: there is no stream to reset.
            finish(handle)
            return
        }
        requestReset(handle, at: now)
    }

    /// Graceful end of the association: open channels start closing, the association SHUTDOWN follows
    /// once its queue is delivered (RFC 9260 §9.2), and `.closed` comes for each when it completes.
    mutating func shutdown(at now: Instant) {
        for handle in table.keys.sorted() where table[handle]?.info.state == .open || table[handle]?.info.state == .connecting {
            table[handle]?.info.state = .closing
            outputs.append(.closing(handle))
        }
        association.handle(.shutdown, at: now)
    }

    mutating func requestReset(_ handle: DataChannelHandle, at now: Instant) {
        guard let channel = table[handle], !channel.resetRequested, let stream = channel.info.stream else { return }
        table[handle]?.resetRequested = true
        table[handle]?.held = []
        table[handle]?.heldBytes = 0
        association.handle(.resetStreams([stream]), at: now)
    }

    /// The peer confirmed our reset (RFC 6525 §5.1.2 response "Success performed").
    mutating func outgoingReset(_ streams: [UInt16]) {
        for stream in streams {
            if let handle = owners[stream] {
                table[handle]?.outgoingReset = true
                finishIfBothReset(handle)
            } else if rejected[stream] != nil {
                rejected[stream]?.outgoingReset = true
                if rejected[stream]?.incomingReset == true { rejected[stream] = nil }
            }
        }
    }

    /// The peer reset its outgoing side (it is closing the channel): we close ours too (RFC 8831 §6.7).
    /// An empty list means every stream (RFC 6525 §4.1).
    mutating func incomingReset(_ streams: [UInt16], at now: Instant) {
        let affected = streams.isEmpty ? Array(owners.keys).sorted() + Array(rejected.keys).sorted() : streams
        for stream in affected {
            if let handle = owners[stream], let channel = table[handle] {
                table[handle]?.incomingReset = true
                if channel.info.state != .closing {
                    table[handle]?.info.state = .closing
                    outputs.append(.closing(handle))
                }
                requestReset(handle, at: now)
                finishIfBothReset(handle)
            } else if rejected[stream] != nil {
                rejected[stream]?.incomingReset = true
                if rejected[stream]?.outgoingReset == true { rejected[stream] = nil }
            }
        }
    }

    mutating func finishIfBothReset(_ handle: DataChannelHandle) {
        guard let channel = table[handle], channel.outgoingReset, channel.incomingReset else { return }
        finish(handle)
    }

    /// A failure that ends the channel: `.error`, then `.closed`.
    mutating func fail(_ handle: DataChannelHandle, _ error: DataChannelError) {
        guard table[handle] != nil else { return }
        outputs.append(.error(handle, error))
        finish(handle)
    }

    /// The channel is closed: it leaves the table and frees its stream id.
    mutating func finish(_ handle: DataChannelHandle) {
        guard let channel = table.removeValue(forKey: handle) else { return }
        if let stream = channel.info.stream, owners[stream] == handle { owners[stream] = nil }
        if channel.wasOpened { counters.dataChannelsClosed += 1 }
        outputs.append(.closed(handle))
    }

    /// The association ended: every channel is closed, after an error when it failed.
    mutating func endAll(failure: DataChannelError?) {
        associationEnded = true
        for handle in table.keys.sorted() {
            if let failure { outputs.append(.error(handle, failure)) }
            finish(handle)
        }
        rejected = [:]
    }
}
