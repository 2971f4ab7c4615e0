import SansIO
import Wire

/// The retransmission timeout of RFC 6298 §2 with RFC 9260 §6.3.1's constants (α = 1/8, β = 1/4).
struct RetransmissionTimer {
    let minimum: Duration
    let maximum: Duration
    var smoothed: Duration?
    var variation: Duration = .zero
    private(set) var value: Duration

    init(configuration: SCTPAssociationConfiguration) {
        minimum = configuration.rtoMin
        maximum = configuration.rtoMax
        value = configuration.rtoInitial
    }

    /// A new round-trip measurement (RFC 6298 §2.2, §2.3), taken only from chunks sent once (Karn).
    mutating func measure(_ sample: Duration) {
        let sample = max(sample, .zero)
        if let srtt = smoothed {
            let difference = srtt > sample ? srtt - sample : sample - srtt
            variation = variation * 3 / 4 + difference / 4
            smoothed = srtt * 7 / 8 + sample / 8
        } else {
            smoothed = sample
            variation = sample / 2
        }
        value = clamp((smoothed ?? sample) + variation * 4)
    }

    /// Doubles the RTO after a timeout (RFC 6298 §5.5), up to RTO.Max.
    mutating func backOff() { value = clamp(value * 2) }

    private func clamp(_ duration: Duration) -> Duration { min(max(duration, minimum), maximum) }
}

/// The heartbeat of RFC 9260 §8.3: sent when the path is idle, one at a time.
struct HeartbeatState {
    var deadline: Instant?
    /// The nonce of the heartbeat in flight.
    var outstanding: UInt64?
    var sentAt: Instant = .zero
}

extension SCTPAssociation {
    mutating func heartbeatExpired(at now: Instant) {
        guard let peer, isReceivingData || state == .shutdownAckSent else {
            heartbeat.deadline = nil
            return
        }
        // An unanswered heartbeat counts like any other timeout (RFC 9260 §8.3).
        if heartbeat.outstanding != nil, !countTimeout() { return }
        sendHeartbeat(to: peer, at: now)
    }

    /// A HEARTBEAT with a fresh nonce; its HEARTBEAT ACK is an RTT sample (§8.3) and resets the error count.
    mutating func sendHeartbeat(to peer: PeerParameters, at now: Instant) {
        let nonce = generator.next()
        var info = ByteWriter(capacity: 8)
        info.writeUInt64(nonce)
        heartbeat.outstanding = nonce
        heartbeat.sentAt = now
        transmit([.heartbeat(HeartbeatChunk(parameters: [.heartbeatInfo(info.bytes)]))], tag: peer.tag)
        heartbeat.deadline = now + configuration.heartbeatInterval + rto.value
    }

    /// T3 expired and the RTO was backed off: probe the path with a HEARTBEAT so that its answer gives
    /// the fresh RTT sample that lets the RTO come back down (RFC 6298 §5.7 note).
    ///
    /// Karn's rule forbids sampling the retransmitted chunks, and after a timeout cwnd is one MTU, so
    /// new (sampleable) DATA may not go out for many round trips; under steady loss the RTO would stay
    /// near RTO.Max. A heartbeat's echo is unambiguous (§8.3 lets it carry the sample); dcSCTP and
    /// usrsctp also sample heartbeats. A probe in flight is replaced: the timeout was already counted
    /// against Association.Max.Retrans, so an unanswered probe is not counted twice.
    mutating func probeRoundTrip(at now: Instant) {
        guard let peer else { return }
        sendHeartbeat(to: peer, at: now)
    }

    mutating func handleHeartbeatAck(_ chunk: HeartbeatChunk, at now: Instant) {
        guard let outstanding = heartbeat.outstanding else { return }
        for case .heartbeatInfo(let info) in chunk.parameters.elements {
            var reader = ByteReader(info)
            guard info.count == 8, let nonce = try? reader.readUInt64(), nonce == outstanding else { continue }
            heartbeat.outstanding = nil
            errorCount = 0
            rto.measure(now - heartbeat.sentAt)
        }
    }

    /// Data flowed: the path is not idle, push the next heartbeat out (§8.3).
    mutating func pathWasUsed(at now: Instant) {
        guard heartbeat.deadline != nil, heartbeat.outstanding == nil else { return }
        heartbeat.deadline = now + configuration.heartbeatInterval + rto.value
    }
}
