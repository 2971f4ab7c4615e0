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
        // W3C "receiving messages": data for a channel that is no longer open is discarded (the peer's data
        // sent before its own close still arrives while we are open: its reset waits for it, RFC 6525 §5.2.2).
        guard table[handle]?.info.state != .closing else {
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
        let dcep: DCEPMessage
        // DESIGN §1.7: what real peers send is read tolerantly (Tolerance.all) and counted; the checker
        // (`crucible replay`) flags the same bytes.
        do throws(DCEPError) {
            let parsed = try DCEPMessage.parse(message.bytes[...], mode: .tolerant)
            dcep = parsed.value
            for deviation in parsed.deviations { counters.tolerated[deviation.tolerance.rule, default: 0] += 1 }
        } catch {
            counters.dcepErrors += 1
            // RFC 8832 §6: an OPEN that is "not well formed" is refused like any other bad OPEN.
            if message.bytes.first == DCEPMessage.openType { refuse(stream, at: now) }
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

    /// RFC 8832 §6: the peer opens a channel on an unused stream of its parity; we answer DATA_CHANNEL_ACK
    /// on the same stream and announce the channel, open at once.
    mutating func receiveOpen(_ open: DataChannelOpen, on stream: UInt16, at now: Instant) {
        let wrongParity = parity.map { $0.owns(stream) } ?? false
        guard isFree(stream), !wrongParity, let options = DataChannelOptions(open: open, stream: stream) else {
            counters.dcepErrors += 1
            refuse(stream, at: now)
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
        table[handle]?.unacknowledged.append(1, extra: true)
        markOpen(handle)
    }
}

extension DataChannelMachine {
    /// RFC 8832 §6: an OPEN on a used stream, of the wrong parity, with invalid parameters or not well
    /// formed is answered by closing "the corresponding data channel" (RFC 8831 §6.7, a reset of our
    /// outgoing stream) and no ACK. When a channel already lives on the stream, that is the channel
    /// closed: the peer could close it anyway by resetting its own side. Otherwise the stream is held as
    /// rejected until both directions are reset, so no new channel takes it meanwhile.
    mutating func refuse(_ stream: UInt16, at now: Instant) {
        if let handle = owners[stream] {
            close(handle, at: now)
            return
        }
        guard rejected[stream] == nil else { return }
        rejected[stream] = RejectedStream()
        association.handle(.resetStreams([stream]), at: now)
    }
}
