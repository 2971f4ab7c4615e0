import SCTP
import SansIO

extension DataChannelMachine {
    /// A whole user message from the association: DCEP (PPID 50) or a channel's data (RFC 8831 §8).
    mutating func receive(_ message: SCTPReceivedMessage, at now: Instant) {
        if message.payloadProtocol == .dcep {
            receiveDCEP(message, at: now)
            return
        }
        guard let handle = owners[message.stream], table[handle] != nil,
            let content = DataChannelMessage(payloadProtocol: message.payloadProtocol, bytes: message.bytes)
        else {
            counters.droppedMessages += 1
            return
        }
        // RFC 8832 §6: a user message from the peer on our channel means it processed our OPEN, as an ACK would.
        if table[handle]?.awaitingAck == true {
            table[handle]?.awaitingAck = false
            markOpen(handle)
        }
        table[handle]?.traffic.messagesReceived += 1
        table[handle]?.traffic.bytesReceived += content.byteCount
        outputs.append(.message(handle, content))
    }

    mutating func receiveDCEP(_ message: SCTPReceivedMessage, at now: Instant) {
        let stream = message.stream
        guard let dcep = try? DCEPMessage.parse(message.bytes) else {
            counters.dcepErrors += 1
            return
        }
        switch dcep {
        case .ack:
            // RFC 8832 §6: the ACK completes the opener's side; one nobody waited for is an error.
            guard let handle = owners[stream], table[handle]?.awaitingAck == true else {
                counters.dcepErrors += 1
                return
            }
            table[handle]?.awaitingAck = false
            markOpen(handle)
        case .unknown:
            counters.dcepErrors += 1
        case .open(let open):
            receiveOpen(open, on: stream, at: now)
        }
    }

    /// RFC 8832 §6: the peer opens a channel on a stream of its parity whose both directions are unused;
    /// we answer DATA_CHANNEL_ACK on the same stream and announce the channel, open at once.
    mutating func receiveOpen(_ open: DataChannelOpen, on stream: UInt16, at now: Instant) {
        guard isFree(stream) else {
            // The peer broke "unused" (RFC 8832 §6). Resetting the stream would close the channel already
            // on it, which the application owns: the OPEN is ignored instead.
            counters.dcepErrors += 1
            return
        }
        let wrongParity = parity.map { $0.owns(stream) } ?? false
        guard !wrongParity, let options = DataChannelOptions(open: open, stream: stream) else {
            // Our parity (RFC 8832 §6) or a channel type we cannot honour (§8.2.2): refuse the channel by
            // closing it as RFC 8831 §6.7 closes any channel, with a reset of our outgoing stream.
            counters.dcepErrors += 1
            rejected[stream] = RejectedStream()
            association.handle(.resetStreams([stream]), at: now)
            return
        }
        let handle = DataChannelHandle(rawValue: nextHandle)
        nextHandle += 1
        var channel = Channel(
            info: DataChannelInfo(handle: handle, label: open.label, options: options, stream: stream, state: .connecting),
            isRemote: true)
        channel.isActive = true
        table[handle] = channel
        owners[stream] = handle
        outputs.append(.announced(channel.info))
        do throws(SCTPAssociationError) {
            try association.send(SCTPMessage(stream: stream, payloadProtocol: .dcep, bytes: DCEPMessage.ack.serialize()), at: now)
        } catch {
            fail(handle, DataChannelError(error))
            return
        }
        pendingFlush = true
        table[handle]?.overhead += 1
        markOpen(handle)
    }
}
