import SansIO
import STUN
import Wire

/// Sending checks, taking their responses, nominating (RFC 8445 §6.1.4, §7.2, §8.1).
extension ICEAgent {
    /// Whether the agent may send checks now: a full agent that knows the peer's credentials.
    var canCheck: Bool { !configuration.isLite && remoteKey != nil && remoteCredentials != nil }

    /// Arms the pacer when there is something to send: one transaction per Ta (RFC 8445 §14.2).
    mutating func schedulePacing() {
        let hasWork = !gatherQueue.isEmpty || (canCheck && checkList.hasPendingChecks)
        guard hasWork else {
            nextPacingAt = nil
            return
        }
        guard nextPacingAt == nil else { return }
        nextPacingAt = max(now, (lastPacedAt ?? now) + configuration.ta)
        if lastPacedAt == nil { nextPacingAt = now }
    }

    /// One pacing slot: a STUN server request, else a triggered check, else an ordinary check (§6.1.4.2).
    mutating func pace() {
        nextPacingAt = nil
        if !gatherQueue.isEmpty {
            sendGatherRequest()
        } else if canCheck, let key = checkList.nextCheck() {
            sendCheck(key)
        } else {
            return
        }
        lastPacedAt = now
        schedulePacing()
    }

    /// Sends a check on the pair (RFC 8445 §7.2.4): the pair goes In-Progress; the RTO is
    /// max(minimum, Ta × (Waiting + In-Progress pairs)) (§14.3).
    mutating func sendCheck(_ key: PairKey) {
        guard let entry = checkList.entry(key), let remoteCredentials, let remoteKey else { return }
        let nominating = role == .controlling && (configuration.nomination == .aggressive || entry.nominationRequested)
        let id = newTransactionID()
        let priority = ICECandidate.priority(
            typePreference: ICECandidateKind.peerReflexive.typePreference, localPreference: entry.pair.local.localPreference)
        let payload = checkRequest(
            id, localUfrag: localCredentials.ufrag, remote: remoteCredentials, remoteKey: remoteKey,
            priority: priority, useCandidate: nominating)
        if let previous = entry.transaction { cancelTransaction(previous) }
        checkList.update(key) {
            $0.state = .inProgress
            $0.transaction = id
        }
        let active = checkList.activeCount
        var rto = configuration.ta * active
        if rto < configuration.retransmission.minimumRTO { rto = configuration.retransmission.minimumRTO }
        startTransaction(
            id, .check(key, nominating: nominating, role: role),
            Datagram(from: key.localBase, to: key.remote, payload: payload), key: remoteKey, rto: rto)
    }

    /// A response: matched to its transaction by ID, authenticated with the key of its request; anything
    /// else is dropped (a forged error cannot fail a pair).
    mutating func handleResponse(_ message: STUNMessage, _ datagram: Datagram) {
        // RFC 8489 §6.3: a response belongs to a transaction by ID and method; every request the agent
        // sends is a Binding request, so a response of another method (an authenticated Allocate success
        // with a check's ID) must not validate a pair.
        guard message.type.method == .binding, let transaction = transactions[message.transactionID] else { return }
        if let key = transaction.key {
            guard message.verifyMessageIntegrity(key: key) == .valid else { return }
        }
        switch transaction.purpose {
        case .serverReflexive(let base, let server):
            guard datagram.source == server, datagram.destination == base.address else { return }
            transactions[message.transactionID] = nil
            serverResponded(message, base: base, server: server)
        case .consent(let key):
            transactions[message.transactionID] = nil
            guard message.type.messageClass == .successResponse, datagram.source == key.remote,
                datagram.destination == key.localBase, var consent, consent.pair == key
            else { return }
            // RFC 7675 §5.1: an authenticated success response refreshes consent.
            consent.lastResponse = now
            consent.disconnected = false
            self.consent = consent
        case .check(let key, let nominating, let sentRole):
            transactions[message.transactionID] = nil
            checkResponded(message, datagram, key: key, nominating: nominating, sentRole: sentRole,
                           id: message.transactionID, cancelled: transaction.cancelled)
        }
    }

    mutating func checkResponded(
        _ message: STUNMessage, _ datagram: Datagram, key: PairKey, nominating: Bool, sentRole: ICERole,
        id: STUNTransactionID, cancelled: Bool
    ) {
        guard let entry = checkList.entry(key) else { return }
        // A response to a cancelled or superseded check still counts (§7.3.1.4); a late error cannot
        // undo a pair that has succeeded since. A late success is harmless: it can only add a nomination.
        if message.type.messageClass == .errorResponse, entry.transaction != id, entry.state == .succeeded { return }
        if message.type.messageClass == .errorResponse {
            if case .errorCode(let error)? = message.value(of: .errorCode), error.code == STUNErrorCode.roleConflict {
                // §7.2.5.1: switch to the role opposite the one the request claimed, then retry.
                if sentRole == role { switchRole(to: sentRole == .controlling ? .controlled : .controlling) }
                checkList.trigger(key)
            } else {
                checkList.update(key) { $0.state = .failed }
            }
            return
        }
        // §7.2.5.2.1: the response must come from where the request went, to where it came from.
        guard datagram.source == key.remote, datagram.destination == key.localBase else {
            checkList.update(key) { $0.state = .failed }
            return
        }
        if case .xorMappedAddress(let mapped)? = message.value(of: .xorMappedAddress) {
            learnLocalPeerReflexive(mapped: mapped, base: entry.pair.local)
        }
        let nominated = nominating || (role == .controlled && entry.nominateOnSuccess)
        checkList.update(key) {
            // A success on an earlier transaction of a pair whose nominating check is queued (Waiting)
            // must not take it out of the queue: the USE-CANDIDATE check still has to go out (§8.1.1).
            // Two transactions per pair are common: an ordinary check and a triggered one (§7.3.1.4).
            if !($0.nominationRequested && !nominated && $0.state == .waiting) { $0.state = .succeeded }
            $0.isValid = true
            if $0.transaction == id { $0.transaction = nil }
            if nominated {
                $0.isNominated = true
                $0.nominationRequested = false
            }
        }
        if firstSuccessAt == nil { firstSuccessAt = now }
        checkList.unfreeze(foundation: entry.pair.foundation)
        updateSelection()
        considerNomination()
    }

    /// §7.2.5.3.1: a mapped address that is no local candidate is a peer-reflexive local candidate with the
    /// pair's base; it is not signalled.
    mutating func learnLocalPeerReflexive(mapped: TransportAddress, base: ICECandidate) {
        guard !localCandidates.contains(where: { $0.address == mapped }),
            !hostCandidates.contains(where: { $0.address == mapped }),
            localCandidates.filter({ $0.kind == .peerReflexive }).count < configuration.limits.maximumRemoteCandidates
        else { return }
        localCandidates.append(ICECandidate(
            kind: .peerReflexive, address: mapped, base: base.base,
            priority: ICECandidate.priority(typePreference: ICECandidateKind.peerReflexive.typePreference,
                                            localPreference: base.localPreference),
            foundation: ICECandidate.foundation(kind: .peerReflexive, baseAddress: base.base.address, server: nil)))
    }

    /// Role change (§7.2.5.1, §7.3.1.1): pair priorities depend on it.
    mutating func switchRole(to newRole: ICERole) {
        guard newRole != role else { return }
        role = newRole
        checkList.reprioritize(role: role)
        emit(.roleChanged(role))
    }

    // MARK: Nomination

    /// Regular nomination (RFC 8445 §8.1.1): the controlling agent picks the best valid pair once no
    /// pair of higher priority is still to be checked, or `nominationDelay` after the first success, and
    /// checks it again with USE-CANDIDATE.
    mutating func considerNomination() {
        guard role == .controlling, configuration.nomination == .regular, canCheck,
            checkList.state == .running,
            !checkList.entries.contains(where: { $0.isNominated || $0.nominationRequested }),
            let best = checkList.entries.first(where: { $0.state == .succeeded })
        else { return }
        let higherPending = checkList.entries.contains {
            $0.priority > best.priority && ($0.state == .waiting || $0.state == .frozen || $0.state == .inProgress)
        }
        if higherPending, let firstSuccessAt, now < firstSuccessAt + configuration.nominationDelay { return }
        checkList.update(best.key) { $0.nominationRequested = true }
        checkList.trigger(best.key)
    }

    /// When `considerNomination` must look again although nothing arrives.
    var nominationDeadline: Instant? {
        guard role == .controlling, configuration.nomination == .regular, canCheck, let firstSuccessAt,
            checkList.state == .running,
            !checkList.entries.contains(where: { $0.isNominated || $0.nominationRequested })
        else { return nil }
        let deadline = firstSuccessAt + configuration.nominationDelay
        return deadline > now ? deadline : nil
    }

    /// The selected pair is the nominated valid pair of highest priority (§8.1.1). Selecting one
    /// completes the check list (§8.1.2), starts consent on it (RFC 7675), and retires the previous
    /// generation after a restart.
    ///
    /// Once the agent reported `failed` nothing is selected until a restart: webrtc-pc §5.6 makes
    /// `failed` terminal until ICE restarts, so a nomination arriving after it (the peer's late check)
    /// must not carry data over a transport the application was told had failed.
    mutating func updateSelection() {
        guard !failedLatched, let best = checkList.entries.first(where: { $0.isNominated && $0.isValid }) else { return }
        if checkList.state == .running {
            checkList.complete()
            // §8.1.2: lower-priority checks still in progress are not retransmitted any more.
            for entry in checkList.entries where entry.state == .inProgress && entry.priority < best.priority {
                if let id = entry.transaction { cancelTransaction(id) }
            }
        }
        // After a restart the new generation's pair may be the same two addresses; it is selected
        // again all the same, so consent moves to the new credentials.
        let generationChanged = previousLocal != nil || (consent != nil && consent?.remote != remoteCredentials)
        guard best.pair != selectedPair || generationChanged else { return }
        selectedPair = best.pair
        previousLocal = nil
        previousGenerationPairs.removeAll()
        emit(.selectedPairChanged(best.pair))
        startConsent(on: best.key)
    }
}
