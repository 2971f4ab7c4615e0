import SansIO

extension SCTPAssociation {
    /// After every input and timeout: bundle what is due into packets (§6.10) and report buffered amounts.
    mutating func flush(at now: Instant) {
        guard !isTerminated else { return }
        var chunks = controlChunks
        controlChunks = []
        if isReceivingData || state == .shutdownAckSent {
            completeDeferredReset(at: now)
            if receiver.sackNeeded {
                chunks.insert(selectiveAck(), at: chunks.firstIndex { if case .cookieAck = $0 { false } else { true } } ?? chunks.count)
                receiver.sackNeeded = false
                receiver.sackDeadline = nil
                receiver.packetsSinceSack = 0
                receiver.duplicates = []
            }
            collectReconfig(at: now, into: &chunks)
            if state == .established || state == .shutdownPending || state == .shutdownReceived {
                collectData(at: now, into: &chunks)
            }
            progressShutdown(at: now)
            chunks += controlChunks
            controlChunks = []
        }
        if shutdownDue {
            // After any SACK of this packet, with the same cumulative TSN (RFC 9260 §9.2).
            chunks.append(.shutdown(ShutdownChunk(cumulativeTSNAck: receiver.cumulativeTSN)))
            shutdownDue = false
        }
        if !isTerminated { transmitBundled(chunks) }
        for stream in sender.changedStreams.sorted() {
            outputs.append(.bufferedAmount(stream: stream, bytes: sender.buffered[stream] ?? 0))
        }
        sender.changedStreams = []
    }
}
