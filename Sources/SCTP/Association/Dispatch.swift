import SansIO
import Wire

extension SCTPAssociation {
    /// One packet from the peer: parse, check the verification tag (RFC 9260 §8.5), then each chunk in order.
    mutating func receive(_ bytes: [UInt8], at now: Instant) {
        guard let packet = parse(bytes) else {
            statistics.malformedPackets += 1
            return
        }
        let portsMatch = packet.destinationPort == configuration.sourcePort && packet.sourcePort == configuration.destinationPort
        if portsMatch, answerOutOfTheBlue(packet) { return }
        guard portsMatch, tagIsAcceptable(packet) else {
            statistics.wrongTagPackets += 1
            return
        }
        var receivedData = false
        // §6.7: a packet that fills (part of) a gap is acknowledged at once too.
        let hadGaps = !receiver.receivedAbove.isEmpty
        for chunk in packet.chunks {
            guard !isTerminated else { return }
            switch chunk {
            case .initiation(let chunk): handleInit(chunk, at: now)
            case .initiationAck(let chunk): handleInitAck(chunk, at: now)
            case .cookieEcho(let chunk): handleCookieEcho(chunk, at: now)
            case .cookieAck:
                if state == .cookieEchoed { becomeEstablished(at: now) }
            case .data(let chunk):
                guard isReceivingData else { continue }
                receivedData = true
                receiveData(chunk, at: now)
            case .selectiveAck(let chunk):
                guard isReceivingData else { continue }
                handleSelectiveAck(chunk, at: now)
            case .forwardTSN(let chunk):
                guard isReceivingData else { continue }
                receivedData = true
                receiveForwardTSN(chunk, at: now)
            case .reconfig(let chunk):
                guard isReceivingData else { continue }
                handleReconfig(chunk, at: now)
            case .heartbeat(let chunk):
                guard peer != nil else { continue }
                // RFC 9260 §8.3: echo the Heartbeat Info unchanged.
                controlChunks.append(.heartbeatAck(HeartbeatChunk(parameters: chunk.parameters)))
            case .heartbeatAck(let chunk): handleHeartbeatAck(chunk, at: now)
            case .abort(let chunk):
                terminate(.aborted(.peer(chunk.causes.elements)))
                return
            case .shutdown(let chunk): handleShutdown(chunk, at: now)
            case .shutdownAck:
                // RFC 9260 §9.2: answer with SHUTDOWN COMPLETE and close.
                guard state == .shutdownSent || state == .shutdownAckSent, let peer else { continue }
                transmit([.shutdownComplete(ShutdownCompleteChunk())], tag: peer.tag)
                terminate(.closed)
                return
            case .shutdownComplete:
                guard state == .shutdownAckSent else { continue }
                terminate(.closed)
                return
            case .error, .pad, .iData, .iForwardTSN:
                // ERROR is informational here; I-DATA was not negotiated (we never list it), so it is ignored.
                continue
            case .unknown(let chunk):
                // RFC 9260 §3.2: the two high bits of the type say whether to stop or skip.
                let action = chunk.action
                if action == .stopDiscardAndReport || action == .skipAndReport, peer != nil {
                    let bytes = SCTPChunk.unknown(chunk).serialize()
                    // The copy is cut to keep the ERROR within one packet.
                    controlChunks.append(.error(ErrorChunk(causes: [.unrecognizedChunkType(Array(bytes.prefix(512)))])))
                }
                if action == .stopAndDiscard || action == .stopDiscardAndReport { return }
            }
        }
        if receivedData {
            receiver.noteDataPacket(at: now, delay: configuration.sackDelay, filledGap: hadGaps)
            if state == .shutdownSent {
                // §9.2: in SHUTDOWN-SENT, DATA is answered at once with a SACK and the SHUTDOWN again.
                receiver.sackNeeded = true
                shutdownDue = true
            }
        }
    }

    /// A packet with at least one chunk, its checksum checked; nil when it is malformed.
    func parse(_ bytes: [UInt8]) -> SCTPPacket? {
        // RFC 9653 §5.3: having offered it, we accept a zero checksum (DTLS protects the packet).
        var policy: SCTPPacket.ChecksumPolicy = configuration.zeroChecksum ? .zeroAllowed : .required
        #if CRUCIBLE_FUZZING_UNSAFE
        if configuration.integrity.bypassed { policy = .unverified }
        #endif
        guard let packet = try? SCTPPacket.parse(bytes, checksum: policy), !packet.chunks.isEmpty else { return nil }
        return packet
    }

    /// A packet received after the association ended (RFC 9260 §8.4: there is no association any more):
    /// only an out-of-the-blue SHUTDOWN ACK is answered; nothing else changes, not even the statistics.
    mutating func receiveAfterTermination(_ bytes: [UInt8]) {
        guard let packet = parse(bytes), packet.destinationPort == configuration.sourcePort,
            packet.sourcePort == configuration.destinationPort
        else { return }
        _ = answerOutOfTheBlue(packet)
    }

    /// RFC 9260 §8.4 item 5: a SHUTDOWN ACK with no association to shut down (CLOSED, and, by §8.5.1
    /// rule E and §9.2, COOKIE-WAIT and COOKIE-ECHOED) is answered with a SHUTDOWN COMPLETE whose T bit is
    /// set and whose tag is the one the SHUTDOWN ACK carried, so a peer whose SHUTDOWN COMPLETE was lost
    /// can close; the state does not change (the sender of the INIT keeps its T1-init running). True when
    /// the packet was such a SHUTDOWN ACK.
    mutating func answerOutOfTheBlue(_ packet: SCTPPacket) -> Bool {
        guard state == .closed || state == .cookieWait || state == .cookieEchoed,
            packet.chunks.contains(where: { if case .shutdownAck = $0 { true } else { false } })
        else { return false }
        transmit([.shutdownComplete(ShutdownCompleteChunk(reflectedTag: true))], tag: packet.verificationTag)
        return true
    }

    /// States in which DATA, SACK and RE-CONFIG are processed (RFC 9260 §4, §9.2).
    var isReceivingData: Bool {
        switch state {
        case .established, .shutdownPending, .shutdownSent, .shutdownReceived: true
        default: false
        }
    }

    /// RFC 9260 §8.5 and §8.5.1.
    func tagIsAcceptable(_ packet: SCTPPacket) -> Bool {
        let hasInit = packet.chunks.contains { if case .initiation = $0 { true } else { false } }
        if hasInit {
            // INIT travels alone with tag 0 (§8.5.1 rule A).
            return packet.chunks.count == 1 && packet.verificationTag == 0
        }
        if let first = packet.chunks.first {
            switch first {
            // §8.5.1 rules B and C: the T bit says the tag is the peer's own.
            case .abort(let chunk) where chunk.reflectedTag:
                return peer.map { $0.tag == packet.verificationTag } ?? false
            case .shutdownComplete(let chunk) where chunk.reflectedTag:
                return peer.map { $0.tag == packet.verificationTag } ?? false
            default: break
            }
        }
        return packet.verificationTag == localTag
    }

    mutating func handleShutdown(_ chunk: ShutdownChunk, at now: Instant) {
        switch state {
        case .established, .shutdownPending:
            // SHUTDOWN carries a cumulative ack (§9.2): treat it as a SACK without gaps.
            handleCumulativeAck(chunk.cumulativeTSNAck, window: nil, gaps: [], at: now)
            state = .shutdownReceived
            progressShutdown(at: now)
        case .shutdownSent:
            // Both sides shut down at once: acknowledge (§9.2).
            state = .shutdownAckSent
            controlChunks.append(.shutdownAck(EmptyChunk()))
            t2Deadline = now + rto.value
        default: break
        }
    }
}
