import SansIO

/// Stream reset (RFC 6525): our outgoing requests and the peer's.
struct ReconfigState {
    /// Streams the application asked to reset, not yet in a request.
    var queued: [UInt16] = []
    /// The request in flight and when to resend it.
    var outstanding: OutgoingSSNResetRequest?
    var deadline: Instant?
    /// RFC 6525 §5.1.1: request sequence numbers start at our initial TSN.
    var nextRequestSequence: UInt32 = 0
    /// The peer's next expected request sequence number (its initial TSN at first).
    var peerNextRequestSequence: UInt32 = 0
    /// The answer to the peer's last request, resent when the request comes again (§5.2.1).
    var lastResponse: ReconfigurationResponse?
    /// A peer request waiting for data up to its Sender's Last Assigned TSN (§5.2.2).
    var deferred: OutgoingSSNResetRequest?

    func isResetting(_ stream: UInt16) -> Bool {
        queued.contains(stream) || outstanding?.streams.contains(stream) == true
    }
}

extension SCTPAssociation {
    mutating func requestReset(_ streams: [UInt16]) {
        guard isReceivingData || state == .closed || state == .cookieWait || state == .cookieEchoed else { return }
        for stream in streams where !reconfig.isResetting(stream) { reconfig.queued.append(stream) }
    }

    /// A request goes out once nothing queued is left for its streams (§5.1.2: the SSNs must not be
    /// reused before the peer has seen everything sent before the reset), one request at a time.
    mutating func collectReconfig(at now: Instant, into chunks: inout [SCTPChunk]) {
        guard peer?.reconfig == true, reconfig.outstanding == nil, !reconfig.queued.isEmpty else { return }
        var waiting: Set<UInt16> = []
        var index = sender.pendingHead
        while index < sender.pending.count {
            waiting.insert(sender.pending[index].stream)
            index += 1
        }
        let streams = reconfig.queued.filter { !waiting.contains($0) }
        guard !streams.isEmpty else { return }
        reconfig.queued.removeAll { streams.contains($0) }
        let request = OutgoingSSNResetRequest(
            requestSequenceNumber: reconfig.nextRequestSequence,
            responseSequenceNumber: reconfig.peerNextRequestSequence &- 1,
            senderLastAssignedTSN: sender.nextTSN &- 1, streams: streams)
        reconfig.outstanding = request
        reconfig.deadline = now + rto.value
        chunks.append(.reconfig(ReconfigChunk(parameters: [.outgoingSSNResetRequest(request)])))
    }

    mutating func reconfigExpired(at now: Instant) {
        guard let request = reconfig.outstanding else {
            reconfig.deadline = nil
            return
        }
        statistics.timeouts += 1
        controlChunks.append(.reconfig(ReconfigChunk(parameters: [.outgoingSSNResetRequest(request)])))
        reconfig.deadline = now + rto.value
    }

    mutating func handleReconfig(_ chunk: ReconfigChunk, at now: Instant) {
        for parameter in chunk.parameters.elements {
            switch parameter {
            case .outgoingSSNResetRequest(let request): handlePeerResetRequest(request, at: now)
            case .reconfigurationResponse(let response): handleResetResponse(response)
            case .incomingSSNResetRequest(let request):
                // We do not reset our side on the peer's behalf (WebRTC uses outgoing resets only, RFC 8831 §6.7).
                respondToPeer(request.requestSequenceNumber, result: 2)
            case .ssnTSNResetRequest(let sequence): respondToPeer(sequence, result: 2)
            case .addOutgoingStreams(let request): respondToPeer(request.requestSequenceNumber, result: 2)
            case .addIncomingStreams(let request): respondToPeer(request.requestSequenceNumber, result: 2)
            default: continue
            }
        }
    }

    /// Answers a request that is not an outgoing reset: Denied (2), or Bad Sequence Number (5).
    mutating func respondToPeer(_ sequence: UInt32, result: UInt32) {
        if sequence == reconfig.peerNextRequestSequence {
            let response = ReconfigurationResponse(responseSequenceNumber: sequence, result: result)
            reconfig.lastResponse = response
            reconfig.peerNextRequestSequence &+= 1
            controlChunks.append(.reconfig(ReconfigChunk(parameters: [.reconfigurationResponse(response)])))
        } else if sequence == reconfig.peerNextRequestSequence &- 1, let last = reconfig.lastResponse {
            controlChunks.append(.reconfig(ReconfigChunk(parameters: [.reconfigurationResponse(last)])))
        } else {
            let response = ReconfigurationResponse(responseSequenceNumber: sequence, result: 5)
            controlChunks.append(.reconfig(ReconfigChunk(parameters: [.reconfigurationResponse(response)])))
        }
    }

    /// §5.2.2: the peer resets its outgoing streams, our incoming ones.
    mutating func handlePeerResetRequest(_ request: OutgoingSSNResetRequest, at now: Instant) {
        let sequence = request.requestSequenceNumber
        guard sequence == reconfig.peerNextRequestSequence else {
            respondToPeer(sequence, result: 5)
            return
        }
        if tsnAtOrBefore(request.senderLastAssignedTSN, receiver.cumulativeTSN) {
            performIncomingReset(request)
        } else {
            // Deferred until the data before the reset has arrived; say so (result 6, In progress).
            reconfig.deferred = request
            let response = ReconfigurationResponse(responseSequenceNumber: sequence, result: 6)
            controlChunks.append(.reconfig(ReconfigChunk(parameters: [.reconfigurationResponse(response)])))
        }
    }

    mutating func completeDeferredReset(at now: Instant) {
        guard let request = reconfig.deferred, tsnAtOrBefore(request.senderLastAssignedTSN, receiver.cumulativeTSN) else { return }
        performIncomingReset(request)
    }

    mutating func performIncomingReset(_ request: OutgoingSSNResetRequest) {
        reconfig.deferred = nil
        var streams = request.streams
        if streams.isEmpty {
            streams = Array(Set(receiver.nextSSN.keys).union(receiver.ready.keys)).sorted()
            receiver.nextSSN = [:]
            for stream in receiver.ready.keys { dropReady(on: stream) }
        } else {
            for stream in streams {
                receiver.nextSSN[stream] = nil
                dropReady(on: stream)
            }
        }
        let response = ReconfigurationResponse(responseSequenceNumber: request.requestSequenceNumber, result: 1)
        reconfig.lastResponse = response
        reconfig.peerNextRequestSequence &+= 1
        controlChunks.append(.reconfig(ReconfigChunk(parameters: [.reconfigurationResponse(response)])))
        outputs.append(.streamsReset(.incoming, streams))
    }

    mutating func dropReady(on stream: UInt16) {
        for message in (receiver.ready.removeValue(forKey: stream) ?? [:]).values {
            receiver.heldBytes -= message.bytes.count
            receiver.readyCount -= 1
        }
    }

    mutating func handleResetResponse(_ response: ReconfigurationResponse) {
        guard let request = reconfig.outstanding, response.responseSequenceNumber == request.requestSequenceNumber else { return }
        switch response.result {
        case 6:
            return  // In progress: the timer resends the request.
        case 0, 1:
            for stream in request.streams { sender.nextSSN[stream] = nil }
            if request.streams.isEmpty { sender.nextSSN = [:] }
            outputs.append(.streamsReset(.outgoing, request.streams))
        default:
            outputs.append(.failed(.streamResetRefused(streams: request.streams, result: response.result)))
        }
        reconfig.outstanding = nil
        reconfig.deadline = nil
        reconfig.nextRequestSequence &+= 1
    }
}
