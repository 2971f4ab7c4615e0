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
/// - DCEP from the peer is read in `Wire.ParseMode.tolerant`: a deviation `Tolerance.all` lists (Pion's
///   4-byte DATA_CHANNEL_ACK) is accepted and counted in ``DataChannelStatistics/tolerated`` under its rule
///   (DESIGN §1.7); `crucible replay` still reports the same bytes.
/// - The deprecated partial PPIDs 52/54 are dropped, not concatenated (see ``DataChannelMessage``).
/// - bufferedAmount is the association's per-stream figure less the bytes we added (DCEP messages, the
///   byte of an empty message), which a ledger (`StreamLedger`) keeps in send order: exact when the peer
///   acknowledges in order, off by those few bytes at most otherwise, exact again once the stream drains.
/// - A closed channel leaves ``channels``: its handle then answers `.notOpen(handle, .closed)` to a send.
///
/// `createChannel` and `send(_:on:at:)` may produce outputs too: drain ``poll()`` after them, as after
/// any input.
public struct DataChannelMachine: Machine, Sendable {
    public typealias Input = DataChannelInput
    public typealias Output = DataChannelOutput

    public internal(set) var configuration: DataChannelConfiguration
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
            channel.unacknowledged.settle(remaining: bytes)
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

// Its wire unit is an SCTP packet, as the association's is.
extension DataChannelInput: PayloadInput {}

extension DataChannelOutput: PayloadOutput {
    public var payloadToSend: [UInt8]? {
        if case .transmit(let bytes) = self { return bytes }
        return nil
    }
}

extension DataChannelMachine: PayloadMachine {}
