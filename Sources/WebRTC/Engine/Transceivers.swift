public import JSEP
public import SansIO
public import SDP

/// Transceivers on the machine (W3C webrtc-pc §5, JSEP §5): adding and removing tracks, matching the
/// peer's sections, the remote tracks they carry, and what each completed exchange settled.
extension PeerConnectionMachine {
    /// W3C `addTrack` (webrtc-pc §4.4.1.x): reuses a transceiver of the track's kind that carries no track,
    /// was made for a remote offer and is not stopped; otherwise makes a `sendrecv` one. Negotiation is
    /// needed unless a reused transceiver already sends.
    /// - Throws: `.invalidState` when the connection is closed or the track is already sent here.
    public mutating func addTrack(_ track: LocalTrackDescription, streamIDs: [String], at now: Instant) throws(WebRTCError) -> TransceiverID {
        try requireOpen()
        guard !transceivers.contains(where: { $0.track?.id == track.id }) else {
            throw .invalidState("track \(track.id) is already sent on this connection (W3C InvalidAccessError)")
        }
        let id: TransceiverID
        if let index = transceivers.firstIndex(where: { $0.kind == track.kind && $0.track == nil && $0.createdByRemote && !$0.isStopped }) {
            transceivers[index].track = track
            transceivers[index].streamIDs = streamIDs
            transceivers[index].direction = Direction(sends: true, receives: transceivers[index].direction.receives)
            id = transceivers[index].id
        } else {
            id = makeTransceiver(kind: track.kind, direction: .sendrecv, mid: nil, createdByRemote: false)
            if let index = transceivers.firstIndex(where: { $0.id == id }) {
                transceivers[index].track = track
                transceivers[index].streamIDs = streamIDs
            }
        }
        media.attach(track, to: id)
        negotiationNeededFired = false
        checkNegotiationNeeded()
        pump(at: now)
        return id
    }

    /// W3C `removeTrack`: the sender stops sending and its direction loses `send`; negotiation is needed.
    public mutating func removeTrack(_ id: TransceiverID, at now: Instant) throws(WebRTCError) {
        try requireOpen()
        guard let index = transceivers.firstIndex(where: { $0.id == id }) else { throw .invalidState("no \(id)") }
        guard transceivers[index].track != nil else { return }
        transceivers[index].track = nil
        transceivers[index].direction = Direction(sends: false, receives: transceivers[index].direction.receives)
        media.detach(from: id, at: now)
        negotiationNeededFired = false
        checkNegotiationNeeded()
        pump(at: now)
    }

    /// W3C `replaceTrack`: another track (or none) on the same sender, without renegotiation. The kind
    /// must match (webrtc-pc §5.2 replaceTrack, TypeError).
    public mutating func replaceTrack(_ id: TransceiverID, with track: LocalTrackDescription?, at now: Instant) throws(WebRTCError) {
        try requireOpen()
        guard let index = transceivers.firstIndex(where: { $0.id == id }) else { throw .invalidState("no \(id)") }
        if let track, track.kind != transceivers[index].kind {
            throw .invalidState("a \(track.kind.rawValue) track cannot replace a \(transceivers[index].kind.rawValue) sender's")
        }
        transceivers[index].track = track
        if let track { media.attach(track, to: id) } else { media.detach(from: id, at: now) }
        pump(at: now)
    }

    /// W3C `MediaStreamTrack.enabled` for every sender of `trackID`.
    public mutating func setTrackEnabled(_ trackID: String, _ enabled: Bool, at now: Instant) {
        for index in transceivers.indices where transceivers[index].track?.id == trackID {
            transceivers[index].track?.isEnabled = enabled
            media.setEnabled(enabled, on: transceivers[index].id)
        }
    }

    /// W3C `RTCRtpSender.setParameters` for the one encoding: applied without renegotiation.
    public mutating func setEncoding(_ encoding: RtpEncodingParameters, for id: TransceiverID, at now: Instant) throws(WebRTCError) {
        try requireOpen()
        guard transceivers.contains(where: { $0.id == id }) else { throw .invalidState("no \(id)") }
        media.setEncoding(encoding, on: id)
        pump(at: now)
    }

    /// The W3C `RTCRtpTransceiver.stop()`: its section is rejected from the next offer on.
    public mutating func stopTransceiver(_ id: TransceiverID, at now: Instant) throws(WebRTCError) {
        try requireOpen()
        guard let index = transceivers.firstIndex(where: { $0.id == id }) else { throw .invalidState("no \(id)") }
        guard !transceivers[index].isStopped else { return }
        transceivers[index].isStopped = true
        transceivers[index].track = nil
        media.detach(from: id, at: now)
        removeRemoteTrack(at: index)
        negotiationNeededFired = false
        checkNegotiationNeeded()
        pump(at: now)
    }

    /// The transceivers, for the API: id, kind, mid, direction, current direction, stopped.
    public var transceiverStates: [TransceiverState] {
        transceivers.map {
            TransceiverState(id: $0.id, kind: $0.kind, mid: $0.mid, direction: $0.direction, currentDirection: $0.currentDirection,
                             isStopped: $0.isStopped, trackID: $0.track?.id, ssrc: $0.ssrc, negotiated: $0.negotiated)
        }
    }

    // MARK: Negotiation

    @discardableResult
    mutating func makeTransceiver(kind: MediaKind, direction: Direction, mid: String?, createdByRemote: Bool) -> TransceiverID {
        let id = TransceiverID(value: transceivers.count)
        // RFC 3550 §8.1: SSRCs are random; two of ours never collide.
        var ssrc: UInt32 = 0
        var rtxSSRC: UInt32 = 0
        let taken = Set(transceivers.flatMap { [$0.ssrc, $0.rtxSSRC] })
        repeat { ssrc = generator.next() } while ssrc == 0 || taken.contains(ssrc)
        repeat { rtxSSRC = generator.next() } while rtxSSRC == 0 || rtxSSRC == ssrc || taken.contains(rtxSSRC)
        transceivers.append(Transceiver(
            id: id, kind: kind, mid: mid, direction: direction, streamIDs: [], ssrc: ssrc, rtxSSRC: rtxSSRC,
            createdByRemote: createdByRemote))
        return id
    }

    /// JSEP §5.2.1: a transceiver gets its mid when first offered. Mids already used in either
    /// description, or by another transceiver, are avoided.
    mutating func assignMids() {
        var used = Set(transceivers.compactMap(\.mid))
        for description in [currentLocalDescription, pendingLocalDescription, currentRemoteDescription, pendingRemoteDescription] {
            used.formUnion(description?.sections.compactMap(\.mid) ?? [])
        }
        for index in transceivers.indices where transceivers[index].mid == nil && !transceivers[index].isStopped {
            var candidate = 0
            while used.contains(String(candidate)) { candidate += 1 }
            used.insert(String(candidate))
            transceivers[index].mid = String(candidate)
        }
    }

    /// Our audio and video sections for the next description.
    var localMediaSections: [LocalMediaSection] { transceivers.compactMap { $0.localSection(cname: cname) } }

    /// W3C set-remote-description steps for media (webrtc-pc §4.4.1.6): each of the peer's audio and
    /// video sections finds its transceiver by mid; in an offer, an unmatched section takes a transceiver
    /// `addTrack` made that has no mid yet, or gets a new `recvonly` one. A section whose direction sends
    /// gives a remote track (`.trackAdded`); one that stops sending, or is rejected, takes it away.
    mutating func applyRemoteMedia(_ description: NegotiatedDescription, at now: Instant) {
        if description.type == .offer { yieldProposedMids(to: description) }
        for section in description.sections {
            guard let kind = MediaKind(section.kind), let mid = section.mid else { continue }
            var index = transceivers.firstIndex { $0.mid == mid }
            if index == nil, description.type == .offer, !section.isRejected {
                index = transceivers.firstIndex { $0.kind == kind && $0.mid == nil && !$0.isStopped && !$0.createdByRemote }
                if let found = index {
                    transceivers[found].mid = mid
                } else {
                    makeTransceiver(kind: kind, direction: .recvonly, mid: mid, createdByRemote: true)
                    index = transceivers.indices.last
                }
            }
            guard let index else { continue }
            transceivers[index].remote = section.rtp
            // A rejected section stops its transceiver once the exchange completes (settleMedia).
            let sends = !section.isRejected && (section.rtp?.direction.sends ?? false)
            if sends { addRemoteTrack(at: index, section: section) } else { removeRemoteTrack(at: index) }
        }
    }

    /// A mid that createOffer gave a transceiver is only proposed until a description carrying it is
    /// applied (webrtc-pc §4.4.1.5 sets a transceiver's [[Mid]] then): when the remote offer uses the
    /// same mid for its own section, the proposal yields, and the transceiver gets another mid in our
    /// next offer. Otherwise an offer made but never set (glare, a discarded offer) would claim the
    /// remote's section for a transceiver of another kind and the answer would reject it (the
    /// peer-connection fuzz target found an answer with no usable section that way).
    private mutating func yieldProposedMids(to offer: NegotiatedDescription) {
        let applied = Set(
            [currentLocalDescription, pendingLocalDescription, currentRemoteDescription].flatMap { $0?.sections.compactMap(\.mid) ?? [] })
        let offered = Set(offer.sections.compactMap(\.mid))
        for index in transceivers.indices {
            guard let mid = transceivers[index].mid, offered.contains(mid), !applied.contains(mid) else { continue }
            transceivers[index].mid = nil
        }
    }

    private mutating func addRemoteTrack(at index: Int, section: MediaSection) {
        guard transceivers[index].remoteTrack == nil, let mid = transceivers[index].mid else { return }
        let msid = section.rtp?.mediaStreamID
        let info = RemoteTrackInfo(
            transceiver: transceivers[index].id, id: msid?.track ?? "\(transceivers[index].kind.rawValue)-\(mid)",
            kind: transceivers[index].kind, mid: mid, streamIDs: msid.map { $0.stream == "-" ? [] : [$0.stream] } ?? [])
        transceivers[index].remoteTrack = info
        emit(.trackAdded(info))
    }

    private mutating func removeRemoteTrack(at index: Int) {
        guard let info = transceivers[index].remoteTrack else { return }
        transceivers[index].remoteTrack = nil
        media.receiverRemoved(transceivers[index].id)
        emit(.trackRemoved(info))
    }

    /// When an exchange completes (signaling back to stable): each transceiver's current direction and
    /// negotiated parameters come from the answer (its payload types are the offerer's, JSEP §5.3.1);
    /// a rejected section stops its transceiver. The media pipeline is then rebuilt to match.
    mutating func settleMedia(at now: Instant) {
        guard signaling.state == .stable, let local = currentLocalDescription, let remote = currentRemoteDescription else { return }
        let answer = local.type == .offer ? remote : local
        for index in transceivers.indices {
            guard let mid = transceivers[index].mid,
                let mine = local.sections.first(where: { $0.mid == mid }),
                let theirs = remote.sections.first(where: { $0.mid == mid })
            else { continue }
            if mine.isRejected || theirs.isRejected {
                transceivers[index].isStopped = true
                transceivers[index].currentDirection = .inactive
                removeRemoteTrack(at: index)
                continue
            }
            let ours = mine.rtp?.direction ?? .inactive
            let peer = theirs.rtp?.direction ?? .inactive
            transceivers[index].currentDirection = Direction(sends: ours.sends && peer.receives, receives: ours.receives && peer.sends)
            transceivers[index].negotiated = answer.sections.first { $0.mid == mid }?.rtp
        }
        media.configure(transceivers, dtlsRole: dtlsRole, at: now)
    }

    /// W3C "update the negotiation-needed flag" for media: a transceiver not yet in a description, or
    /// whose direction or stopped state differs from what the current local description says.
    var mediaNeedsNegotiation: Bool {
        transceivers.contains { transceiver in
            guard let mid = transceiver.mid else { return !transceiver.isStopped }
            guard let section = currentLocalDescription?.sections.first(where: { $0.mid == mid }) else { return !transceiver.isStopped }
            if transceiver.isStopped { return !section.isRejected }
            let said = section.rtp?.direction ?? .inactive
            // The answerer's written direction may be narrower than its wish (RFC 3264 §6.1); only a wish
            // to send that the description does not carry, or one it carries no more, needs an offer.
            return said.sends != transceiver.direction.sends && (currentLocalDescription?.type == .offer || transceiver.direction.sends)
        }
    }
}

/// A transceiver as the API shows it (W3C `RTCRtpTransceiver`).
public struct TransceiverState: Hashable, Sendable {
    public var id: TransceiverID
    public var kind: MediaKind
    public var mid: String?
    public var direction: Direction
    public var currentDirection: Direction?
    public var isStopped: Bool
    public var trackID: String?
    public var ssrc: UInt32
    /// The codecs and header extensions the last exchange settled on.
    public var negotiated: RTPSectionParameters?
}

extension PeerConnectionMachine {
    /// W3C `RTCRtpTransceiver.direction` setter: negotiation is needed when it changes.
    public mutating func setDirection(_ direction: Direction, of id: TransceiverID, at now: Instant) throws(WebRTCError) {
        try requireOpen()
        guard let index = transceivers.firstIndex(where: { $0.id == id }), !transceivers[index].isStopped else {
            throw .invalidState("no live \(id)")
        }
        guard transceivers[index].direction != direction else { return }
        transceivers[index].direction = direction
        negotiationNeededFired = false
        checkNegotiationNeeded()
        pump(at: now)
    }
}
