public import SCTP
public import SansIO
public import Wire

/// WebRTC data channels (RFC 8831) over one SCTP association, opened in-band with DCEP (RFC 8832) or
/// negotiated out of band: a ``SansIO/Machine`` the engine feeds with the plaintext of DTLS application
/// data records, whose `.transmit` packets it sends back as DTLS application data.
///
/// Choices this machine makes where the RFCs or W3C leave room:
/// - Sends on a `.connecting` channel are accepted: before the association is up (or the stream id is
///   known) they are held here, bounded together with the association's queue by
///   ``SCTP/SCTPAssociationConfiguration/sendBufferSize`` (beyond it: ``DataChannelError/sendBufferFull(queued:limit:)``),
///   then sent after the OPEN. Until the DATA_CHANNEL_ACK (or a first user message) comes back, they go
///   out ordered (RFC 8832 §6). An API layer that wants W3C's InvalidStateError checks the state first.
/// - A DATA_CHANNEL_OPEN on a stream of our parity, on a stream in use, with a channel type RFC 8832
///   §8.2.2 does not assign, or not well formed, gets no ACK and closes "the corresponding data channel"
///   (RFC 8832 §6): a reset of the stream, which also closes a channel of ours that lived on it. Each is
///   counted in ``DataChannelStatistics/dcepErrors``.
/// - The deprecated partial PPIDs 52/54 are dropped, not concatenated (see ``DataChannelMessage``).
/// - bufferedAmount is the association's per-stream figure less the bytes we added (DCEP messages, the
///   byte of an empty message); the association reports per stream, not per message, so that correction
///   is exact once the stream drains and may undercount by those few bytes meanwhile.
/// - A closed channel leaves ``channels``: its handle then answers `.notOpen(handle, .closed)` to a send.
///
/// `createChannel` and `send(_:on:at:)` may produce outputs too: drain ``poll()`` after them, as after
/// any input.
public struct DataChannelMachine: Machine, Sendable {
    public typealias Input = DataChannelInput
    public typealias Output = DataChannelOutput

    public let configuration: DataChannelConfiguration
    /// The association underneath, for its statistics and state.
    public internal(set) var association: SCTPAssociation

    var table: [DataChannelHandle: Channel] = [:]
    var owners: [UInt16: DataChannelHandle] = [:]
    /// Streams we reset to refuse a peer's OPEN: busy until both directions are reset.
    var rejected: [UInt16: RejectedStream] = [:]
    var parity: DataChannelStreamParity?
    var establishment: SCTPEstablishment?
    var associationEnded = false
    var nextHandle = 0
    var counters = DataChannelStatistics()
    var outputs = OutputQueue<DataChannelOutput>()
    /// Set when a message was queued on the association outside `handle`: it needs a flush.
    var pendingFlush = false

    struct RejectedStream: Sendable {
        var outgoingReset = false
        var incomingReset = false
    }

    public init(configuration: DataChannelConfiguration, generator: SeededGenerator) {
        self.configuration = configuration
        association = SCTPAssociation(configuration: configuration.association, generator: generator)
    }

    // MARK: Queries

    public func channel(_ handle: DataChannelHandle) -> DataChannelInfo? { table[handle]?.info }

    /// The live channels (closed ones leave), in handle order.
    public var channels: [DataChannelInfo] { table.values.map(\.info).sorted { $0.handle < $1.handle } }

    /// W3C bufferedAmount: bytes sent on the channel and not yet acknowledged or abandoned.
    public func bufferedAmount(_ handle: DataChannelHandle) -> Int { table[handle]?.bufferedAmount ?? 0 }

    public var statistics: DataChannelStatistics {
        var statistics = counters
        statistics.channels = table.mapValues(\.traffic)
        return statistics
    }

    // MARK: Machine

    public mutating func handle(_ input: DataChannelInput, at now: Instant) {
        switch input {
        case .received(let bytes): association.handle(.received(bytes), at: now)
        case .start(let parity): start(parity, at: now)
        case .send(let handle, let message):
            do throws(DataChannelError) { try send(message, on: handle, at: now) } catch { outputs.append(.error(handle, error)) }
        case .close(let handle): close(handle, at: now)
        case .setBufferedAmountLowThreshold(let handle, let threshold): table[handle]?.lowThreshold = max(threshold, 0)
        case .shutdown: shutdown(at: now)
        case .abort: association.handle(.abort, at: now)
        }
        drainAssociation(at: now)
    }

    public mutating func handleTimeout(at now: Instant) {
        association.handleTimeout(at: now)
        drainAssociation(at: now)
    }

    public mutating func poll() -> DataChannelOutput? { outputs.next() }

    public var nextDeadline: Instant? { association.nextDeadline }

    // MARK: Creating channels (W3C createDataChannel, RFC 8832 §6)

    /// Creates a channel locally (W3C createDataChannel). Validates the options (throws), reserves the
    /// stream id when it is known (given, or our parity known), and sends DATA_CHANNEL_OPEN once the
    /// association is up. A negotiated channel sends no DCEP: it is open when the association is.
    public mutating func createChannel(
        label: String, options: DataChannelOptions, at now: Instant
    ) throws(DataChannelError) -> DataChannelHandle {
        if let reason = options.validationFailure(label: label) { throw .invalidOptions(reason) }
        guard !associationEnded else { throw .association(.notOpen) }
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
            channel.overhead += open.count
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

    // MARK: Sending (RFC 8831 §6.6)

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
        if message.byteCount == 0 { table[handle]?.overhead += bytes.count }
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

    // MARK: Association outputs

    /// Translates everything the association produced; flushes it again when we queued messages on it.
    mutating func drainAssociation(at now: Instant) {
        while true {
            while let output = association.poll() { translate(output, at: now) }
            guard pendingFlush, !association.isTerminated else { break }
            pendingFlush = false
            // Calling it early is harmless (Machine contract); it bundles what `send(_:at:)` queued.
            association.handleTimeout(at: now)
        }
        pendingFlush = false
    }

    mutating func translate(_ output: SCTPAssociationOutput, at now: Instant) {
        switch output {
        case .transmit(let bytes): outputs.append(.transmit(bytes))
        case .established(let establishment):
            self.establishment = establishment
            outputs.append(.associationEstablished(establishment))
            activatePending(at: now)
        case .message(let message): receive(message, at: now)
        case .streamsReset(.outgoing, let streams): outgoingReset(streams)
        case .streamsReset(.incoming, let streams): incomingReset(streams, at: now)
        case .bufferedAmount(let stream, let bytes):
            guard let handle = owners[stream], var channel = table[handle] else { return }
            channel.associationBytes = bytes
            channel.overhead = bytes == 0 ? 0 : min(channel.overhead, bytes)
            table[handle] = channel
            reportBufferedAmount(handle)
        case .closed:
            endAll(failure: nil)
            outputs.append(.associationClosed)
        case .aborted(let reason):
            endAll(failure: .association(.notOpen))
            outputs.append(.associationFailed(reason))
        case .failed(.streamResetRefused(let streams, let result)):
            for stream in streams {
                if let handle = owners[stream] {
                    fail(handle, .association(.streamResetRefused(streams: [stream], result: result)))
                }
                rejected[stream] = nil
            }
        case .failed:
            // Our sends are validated by `SCTPAssociation.send(_:at:)` before they are queued, so any other
            // failure belongs to no channel.
            break
        }
    }
}
