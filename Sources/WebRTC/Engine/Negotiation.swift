import DTLS
import ICE
public import JSEP
import SDP
import Wire
public import SansIO

/// JSEP (RFC 9429) on the machine: descriptions in and out, and what each one starts.
extension PeerConnectionMachine {
    public var signalingState: SignalingState { signaling.state }
    /// The description in force: the pending one while an exchange runs, else the current one (W3C
    /// `localDescription` / `remoteDescription`).
    public var localDescription: NegotiatedDescription? { pendingLocalDescription ?? currentLocalDescription }
    public var remoteDescription: NegotiatedDescription? { pendingRemoteDescription ?? currentRemoteDescription }

    /// W3C `createOffer` (JSEP §5.2.1). An ICE restart asked for with ``restartIce(at:)`` gives the offer
    /// new credentials (RFC 8839 §4.4.1.1.1).
    public mutating func createOffer(at now: Instant) throws(WebRTCError) -> String {
        try requireOpen()
        guard signaling.state == .stable || signaling.state == .haveLocalOffer else {
            throw .invalidState("createOffer in \(signaling.state.rawValue)")
        }
        if restartRequested, ice != nil {
            restartRequested = false
            ice?.handle(.restart, at: now)
            localCandidates.removeAll()
            pump(at: now)
        }
        sessionVersion += 1
        assignMids()
        let offer = OfferAnswer.makeOffer(localParameters(), previous: currentLocalDescription)
        lastOffer = offer
        return offer
    }

    /// W3C `createAnswer` (JSEP §5.3.1): answers the remote offer; `.pranswer` for a provisional one.
    public mutating func createAnswer(type: DescriptionType = .answer, at now: Instant) throws(WebRTCError) -> String {
        try requireOpen()
        guard signaling.state == .haveRemoteOffer || signaling.state == .haveLocalPranswer,
            let offer = pendingRemoteDescription
        else { throw .invalidState("createAnswer in \(signaling.state.rawValue)") }
        sessionVersion += 1
        do {
            let answer = try OfferAnswer.makeAnswer(to: offer, localParameters(), type: type)
            lastAnswer = answer
            return answer
        } catch {
            throw .invalidDescription(error)
        }
    }

    /// W3C `setLocalDescription`. The first one starts gathering (the ICE role follows from who offered,
    /// RFC 8445 §6.1.1); an answer or pranswer also readies DTLS.
    public mutating func setLocalDescription(_ type: DescriptionType, sdp: String, at now: Instant) throws(WebRTCError) {
        try requireOpen()
        try requireMove(type, from: .local)
        if type == .rollback {
            try apply(.rollback, from: .local, at: now)
            pendingLocalDescription = nil
            return
        }
        let description: NegotiatedDescription
        do {
            description = try OfferAnswer.parse(sdp, type: type, answering: type == .offer ? nil : pendingRemoteDescription)
        } catch {
            throw .invalidDescription(error)
        }
        guard description.credentials == localCredentials, description.fingerprints.contains(localFingerprint) else {
            throw .invalidModification("the description's ICE credentials or fingerprint are not this connection's")
        }
        try apply(type, from: .local, at: now)
        if type == .offer {
            pendingLocalDescription = description
        } else {
            pendingLocalDescription = nil
            currentLocalDescription = description
            if type == .answer, let remote = pendingRemoteDescription {
                currentRemoteDescription = remote
                pendingRemoteDescription = nil
            }
        }
        startICE(offering: type == .offer, at: now)
        if type == .answer || type == .pranswer, let remote = remoteDescription {
            try prepareDTLS(local: description, remote: remote, at: now)
        }
        exchangeCompleted(at: now)
        negotiationSettled()
        pump(at: now)
    }

    /// W3C `setRemoteDescription`: the peer's ICE credentials and candidates go to the agent; an answer
    /// or pranswer readies DTLS; new credentials in an offer restart ICE on our side too (RFC 8445 §9).
    public mutating func setRemoteDescription(_ type: DescriptionType, sdp: String, at now: Instant) throws(WebRTCError) {
        try requireOpen()
        try requireMove(type, from: .remote)
        if type == .rollback {
            try apply(.rollback, from: .remote, at: now)
            pendingRemoteDescription = nil
            return
        }
        let description: NegotiatedDescription
        do {
            description = try OfferAnswer.parse(
                sdp, type: type, answering: type == .offer ? nil : pendingLocalDescription, mode: .tolerant)
        } catch {
            throw .invalidDescription(error)
        }
        for deviation in description.deviations { counters.tolerated[deviation.tolerance.rule, default: 0] += 1 }
        let previous = currentRemoteDescription
        try apply(type, from: .remote, at: now)
        if type == .offer {
            pendingRemoteDescription = description
            if let previous, OfferAnswer.isICERestart(from: previous, to: description), ice != nil {
                ice?.handle(.restart, at: now)
                localCandidates.removeAll()
            }
        } else {
            pendingRemoteDescription = nil
            currentRemoteDescription = description
            if type == .answer, let local = pendingLocalDescription {
                currentLocalDescription = local
                pendingLocalDescription = nil
            }
        }
        giveRemoteTransport(description, at: now)
        applyRemoteMedia(description, at: now)
        if type == .answer || type == .pranswer, let local = localDescription {
            try prepareDTLS(local: local, remote: description, at: now)
        }
        exchangeCompleted(at: now)
        negotiationSettled()
        pump(at: now)
    }

    /// W3C `addIceCandidate` (trickle, RFC 8838): nil or an empty line is end-of-candidates.
    public mutating func addIceCandidate(_ line: String?, sdpMid: String?, sdpMLineIndex: Int?, at now: Instant) throws(WebRTCError) {
        try requireOpen()
        guard let remote = remoteDescription else {
            throw .invalidState("addIceCandidate before setRemoteDescription")
        }
        let candidate: Candidate?
        do {
            candidate = try OfferAnswer.candidate(line ?? "", sdpMid: sdpMid, sdpMLineIndex: sdpMLineIndex, in: remote)
        } catch {
            throw .invalidCandidate(error)
        }
        if let candidate {
            if ice != nil { ice?.handle(.addRemoteCandidate(candidate), at: now) } else { pendingRemoteCandidates.append(candidate) }
        } else {
            if ice != nil { ice?.handle(.endOfRemoteCandidates, at: now) } else { pendingRemoteEndOfCandidates = true }
        }
        pump(at: now)
    }

    /// W3C `restartIce`: the next offer restarts ICE; negotiation is needed.
    public mutating func restartIce(at now: Instant) {
        guard !isClosed else { return }
        restartRequested = true
        negotiationNeededFired = false
        checkNegotiationNeeded()
    }

    /// W3C `close`: channels and the association end, DTLS says close_notify, ICE stops; nothing after.
    public mutating func close(at now: Instant) {
        guard !isClosed else { return }
        media.close()
        channels.handle(.abort, at: now)
        pump(at: now)
        if dtlsStarted { dtls?.handle(.close, at: now) }
        pump(at: now)
        ice?.handle(.close, at: now)
        pump(at: now)
        signaling.close()
        isClosed = true
        emit(.signalingStateChanged(.closed))
        if dtlsState != .new { setDTLSState(.closed) }
        updateConnectionState()
    }

    // MARK: Helpers

    func requireOpen() throws(WebRTCError) {
        if isClosed { throw .invalidState("the peer connection is closed") }
    }

    /// InvalidStateError for a move webrtc-pc §4.3.1's table forbids, before the description is read:
    /// §4.4.1.5 checks the signalling state first, so a description set in the wrong state is refused for
    /// the state whatever its content (the peer-connection fuzz target found the content judged first).
    func requireMove(_ type: DescriptionType, from source: DescriptionSource) throws(WebRTCError) {
        guard SignalingStateMachine.transition(from: signaling.state, type, source) != nil else {
            throw .invalidState(JSEPError.invalidState(signaling.state, type, source).description)
        }
    }

    mutating func apply(_ type: DescriptionType, from source: DescriptionSource, at now: Instant) throws(WebRTCError) {
        let before = signaling.state
        do {
            _ = try signaling.apply(type, from: source)
        } catch {
            throw .invalidState(error.description)
        }
        if signaling.state != before { emit(.signalingStateChanged(signaling.state)) }
    }

    /// What our next description says about us.
    func localParameters() -> LocalSessionParameters {
        var parameters = LocalSessionParameters(
            sessionID: sessionID, sessionVersion: sessionVersion, credentials: localCredentials,
            fingerprint: localFingerprint, candidates: localCandidates.map(\.sdpCandidate),
            endOfCandidates: iceGatheringState == .complete, sctpPort: configuration.sctpPort,
            maxMessageSize: configuration.maxMessageSize,
            includesDataChannel: !channels.channels.isEmpty || currentLocalDescription?.dataSection != nil)
        parameters.media = localMediaSections
        parameters.establishedSetup = dtlsRole.map { $0 == .client ? .active : .passive }
        return parameters
    }

    /// Back in `stable` after an exchange: media settles on what was agreed, and the data channels start
    /// if a data section was just negotiated on a connected transport.
    mutating func exchangeCompleted(at now: Instant) {
        startChannelsIfNegotiated(at: now)
        guard signaling.state == .stable else { return }
        settleMedia(at: now)
    }

    /// Makes the ICE endpoint on the first local description: offerer controlling, answerer controlled
    /// (RFC 8445 §6.1.1; a lite peer makes us controlling, which the agent handles).
    mutating func startICE(offering: Bool, at now: Instant) {
        guard ice == nil else { return }
        let iceConfiguration = ICEConfiguration(
            hostAddresses: configuration.hostAddresses, stunServers: configuration.stunServers,
            transportPolicy: configuration.iceTransportPolicy, nomination: configuration.nomination,
            credentials: initialCredentials, expectsRelayedCandidates: !configuration.turnServers.isEmpty)
        let endpointConfiguration = ICEEndpointConfiguration(ice: iceConfiguration, turnServers: configuration.turnServers)
        var endpoint = ICEEndpoint(
            configuration: endpointConfiguration, role: offering ? .controlling : .controlled,
            generator: SeededGenerator(seed: generator.next()))
        endpoint.handle(.startGathering, at: now)
        ice = endpoint
        if let remote = remoteDescription { giveRemoteTransport(remote, at: now) }
    }

    /// Hands the peer's credentials and candidates to the agent (or keeps them until it exists).
    mutating func giveRemoteTransport(_ remote: NegotiatedDescription, at now: Instant) {
        pendingRemoteCandidates.append(contentsOf: remote.candidates)
        pendingRemoteEndOfCandidates = pendingRemoteEndOfCandidates || remote.endOfCandidates
        guard ice != nil else { return }
        let credentials = remote.credentials
        ice?.handle(.setRemoteCredentials(ufrag: credentials.ufrag, pwd: credentials.pwd, isLite: remote.iceLite), at: now)
        for candidate in pendingRemoteCandidates { ice?.handle(.addRemoteCandidate(candidate), at: now) }
        pendingRemoteCandidates.removeAll()
        if pendingRemoteEndOfCandidates {
            ice?.handle(.endOfRemoteCandidates, at: now)
            pendingRemoteEndOfCandidates = false
        }
    }

    /// After a description is applied: a completed exchange satisfies the needs it covered.
    mutating func negotiationSettled() {
        guard signaling.state == .stable else { return }
        negotiationNeededFired = false
        checkNegotiationNeeded()
    }

    /// W3C §4.7.3 "update the negotiation-needed flag", for what this engine negotiates: a data channel
    /// without a negotiated data section, a requested ICE restart, and transceivers the current
    /// description does not match. Fired in `stable` only.
    mutating func checkNegotiationNeeded() {
        guard !isClosed, signaling.state == .stable, !negotiationNeededFired else { return }
        let needsDataSection = !channels.channels.isEmpty && currentLocalDescription?.dataSection == nil
        guard needsDataSection || restartRequested || mediaNeedsNegotiation else { return }
        negotiationNeededFired = true
        emit(.negotiationNeeded)
    }
}

extension PeerConnectionMachine {
    /// W3C `iceCandidatePoolSize` > 0: gathering starts before any description. The ICE role is
    /// provisional (controlling) and corrected by the agent's role-conflict handling if we answer.
    public mutating func pregather(at now: Instant) {
        guard ice == nil, !isClosed else { return }
        startICE(offering: true, at: now)
        pump(at: now)
    }
}

extension PeerConnectionMachine {
    /// The local description as W3C `localDescription` shows it: the one set, with every candidate
    /// gathered since and `a=end-of-candidates` once gathering is complete (RFC 8838 §4.3). This is what
    /// a peer that does not trickle (the webrtc-echoes convention) sends.
    public func localDescriptionWithCandidates() -> (type: DescriptionType, sdp: String)? {
        guard let local = localDescription else { return nil }
        switch local.type {
        case .offer:
            return (.offer, OfferAnswer.makeOffer(localParameters(), previous: currentLocalDescription))
        case .answer, .pranswer:
            guard let offer = remoteDescription, let sdp = try? OfferAnswer.makeAnswer(to: offer, localParameters(), type: local.type)
            else { return (local.type, local.sdp) }
            return (local.type, sdp)
        case .rollback:
            return nil
        }
    }
}
