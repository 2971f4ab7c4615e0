import SCTP
public import SansIO

/// Creating channels and putting them on the wire (W3C createDataChannel, RFC 8832 §6, RFC 8831 §6.5).
extension DataChannelMachine {
    /// Creates a channel locally (W3C createDataChannel). Validates the options (throws), reserves the
    /// stream id when it is known (given, or our parity known), and sends DATA_CHANNEL_OPEN once the
    /// association is up. A negotiated channel sends no DCEP: it is open when the association is.
    public mutating func createChannel(
        label: String, options: DataChannelOptions, at now: Instant
    ) throws(DataChannelError) -> DataChannelHandle {
        if let reason = options.validationFailure(label: label) { throw .invalidOptions(reason) }
        switch association.state {
        case .closed, .cookieWait, .cookieEchoed, .established: guard !associationEnded else { throw .association(.notOpen) }
        // SHUTDOWN under way (RFC 9260 §9.2): the association takes no new data.
        default: throw .association(.notOpen)
        }
        var stream = options.id
        if let id = options.id {
            guard isFree(id) else { throw .streamIdInUse(id) }
            // RFC 8832 §6: an in-band channel's id must be of the opener's parity.
            if !options.negotiated, let parity, !parity.owns(id) {
                throw .invalidOptions("stream id \(id) is not \(parity == .even ? "even" : "odd") as our DTLS role requires (RFC 8832 §6)")
            }
            if establishment != nil, Int(id) >= streamLimit {
                throw .invalidOptions("stream id \(id) is beyond the \(streamLimit) streams the association has")
            }
        } else if parity != nil {
            guard let free = lowestFreeStream() else { throw .noStreamAvailable }
            stream = free
        }
        let handle = DataChannelHandle(rawValue: nextHandle)
        nextHandle += 1
        let info = DataChannelInfo(handle: handle, label: label, options: options, stream: stream, state: .connecting)
        table[handle] = Channel(info: info, isRemote: false)
        if let stream { owners[stream] = handle }
        activatePending(at: now)
        drainAssociation(at: now)
        return handle
    }

    /// Streams usable in both directions: a channel's id names its outgoing and incoming stream (RFC 8831 §6.5).
    var streamLimit: Int {
        if let establishment { return Int(min(establishment.outboundStreams, establishment.inboundStreams)) }
        return Int(min(configuration.association.outboundStreams, configuration.association.inboundStreams))
    }

    func isFree(_ stream: UInt16) -> Bool { owners[stream] == nil && rejected[stream] == nil }

    /// The lowest free id of our parity below the stream limit (RFC 8832 §6).
    func lowestFreeStream() -> UInt16? {
        guard let parity else { return nil }
        var candidate = parity == .even ? 0 : 1
        while candidate < min(streamLimit, Int(UInt16.max)) {
            if isFree(UInt16(candidate)) { return UInt16(candidate) }
            candidate += 2
        }
        return nil
    }

    /// DTLS is connected: our parity is known. Pending channels get their ids; both sides send INIT.
    mutating func start(_ parity: DataChannelStreamParity, at now: Instant) {
        guard self.parity == nil, !associationEnded else { return }
        self.parity = parity
        for handle in table.keys.sorted() {
            guard let channel = table[handle], channel.info.state == .connecting, !channel.info.options.negotiated else { continue }
            if let stream = channel.info.stream {
                if !parity.owns(stream) {
                    fail(handle, .invalidOptions("stream id \(stream) is not of our parity (RFC 8832 §6)"))
                }
            } else if let stream = lowestFreeStream() {
                table[handle]?.info.stream = stream
                owners[stream] = handle
            } else {
                fail(handle, .noStreamAvailable)
            }
        }
        association.handle(.connect, at: now)
        activatePending(at: now)
    }

    /// Once the association is up, every channel with a stream goes on the wire: OPEN (or, negotiated,
    /// open at once), then what was held.
    mutating func activatePending(at now: Instant) {
        guard establishment != nil, !associationEnded else { return }
        for handle in table.keys.sorted() {
            guard let channel = table[handle], !channel.isActive, channel.info.state == .connecting, let stream = channel.info.stream
            else { continue }
            guard Int(stream) < streamLimit else {
                fail(handle, .noStreamAvailable)
                continue
            }
            activate(handle, stream: stream, at: now)
        }
    }

    mutating func activate(_ handle: DataChannelHandle, stream: UInt16, at now: Instant) {
        guard var channel = table[handle] else { return }
        channel.isActive = true
        if !channel.info.options.negotiated {
            // RFC 8832 §6: DATA_CHANNEL_OPEN goes on the channel's stream, ordered and reliable.
            let open = DCEPMessage.open(channel.info.options.openMessage(label: channel.info.label)).serialize()
            do throws(SCTPAssociationError) {
                try association.send(SCTPMessage(stream: stream, payloadProtocol: .dcep, bytes: open), at: now)
            } catch {
                table[handle] = channel
                fail(handle, DataChannelError(error))
                return
            }
            pendingFlush = true
            channel.unacknowledged.append(open.count, extra: true)
            channel.awaitingAck = true
        }
        let held = channel.held
        channel.held = []
        channel.heldBytes = 0
        table[handle] = channel
        if channel.info.options.negotiated { markOpen(handle) }
        for message in held {
            do throws(DataChannelError) { try transmit(message, on: handle, at: now) } catch { outputs.append(.error(handle, error)) }
        }
    }

    mutating func markOpen(_ handle: DataChannelHandle) {
        guard table[handle]?.info.state == .connecting else { return }
        table[handle]?.info.state = .open
        table[handle]?.wasOpened = true
        counters.dataChannelsOpened += 1
        outputs.append(.open(handle))
    }
}
