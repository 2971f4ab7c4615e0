import SansIO
import STUN
import Wire

/// Answering checks (RFC 8445 §7.3) and learning from them.
extension ICEAgent {
    /// A Binding request. In order: authentication (400/401 with no state at all, RFC 8489 §9.1.3),
    /// unknown comprehension-required attributes (420), ICE attributes (400), role conflict (487,
    /// §7.3.1.1); then the success response (§7.3.1.2), a peer-reflexive remote candidate (§7.3.1.3), a
    /// triggered check (§7.3.1.4) and nomination (§7.3.1.5).
    mutating func handleRequest(_ message: STUNMessage, _ datagram: Datagram) {
        guard message.type.method == .binding else { return }
        let id = message.transactionID
        func reply(_ payload: [UInt8]) {
            emit(.transmit(Datagram(from: datagram.destination, to: datagram.source, payload: payload)))
        }
        guard case .username(let username)? = message.value(of: .username),
            message.first(.messageIntegrity) != nil
        else {
            reply(ICEAgent.errorResponse(id, code: STUNErrorCode.badRequest, reason: "Bad Request", key: nil))
            return
        }
        // USERNAME is "<our ufrag>:<their ufrag>" (§7.2.2); ours may be the previous generation's while
        // the selected pair is still of it (consent after a restart).
        let ours = username.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let key: STUNKey
        let isPreviousGeneration: Bool
        if ours == localCredentials.ufrag {
            key = localKey
            isPreviousGeneration = false
        } else if let previousLocal, ours == previousLocal.credentials.ufrag {
            key = previousLocal.key
            isPreviousGeneration = true
        } else {
            reply(ICEAgent.errorResponse(id, code: STUNErrorCode.unauthorized, reason: "Unauthorized", key: nil))
            return
        }
        guard message.verifyMessageIntegrity(key: key) == .valid else {
            reply(ICEAgent.errorResponse(id, code: STUNErrorCode.unauthorized, reason: "Unauthorized", key: nil))
            return
        }
        let unknown = message.unknownComprehensionRequired
        guard unknown.isEmpty else {
            reply(ICEAgent.errorResponse(id, code: STUNErrorCode.unknownAttribute, reason: "Unknown Attribute", key: key, unknown: unknown))
            return
        }
        let peerRole: (role: ICERole, tieBreaker: UInt64)
        if case .iceControlling(let value)? = message.value(of: .iceControlling) {
            peerRole = (.controlling, value)
        } else if case .iceControlled(let value)? = message.value(of: .iceControlled) {
            peerRole = (.controlled, value)
        } else {
            reply(ICEAgent.errorResponse(id, code: STUNErrorCode.badRequest, reason: "Missing ICE role", key: key))
            return
        }
        guard case .priority(let priority)? = message.value(of: .priority), priority > 0 else {
            reply(ICEAgent.errorResponse(id, code: STUNErrorCode.badRequest, reason: "Missing PRIORITY", key: key))
            return
        }
        // §7.3.1.1: the agent with the larger tie-breaker keeps the contested role; a lite agent is always
        // controlled and never asks the peer to change.
        if peerRole.role == role, !configuration.isLite {
            if (role == .controlling) == (tieBreaker >= peerRole.tieBreaker) {
                reply(ICEAgent.errorResponse(id, code: STUNErrorCode.roleConflict, reason: "Role Conflict", key: key))
                return
            }
            switchRole(to: role == .controlling ? .controlled : .controlling)
        }
        reply(ICEAgent.successResponse(id, mapped: datagram.source, key: key))
        guard !isPreviousGeneration else {
            // Not learned from: the previous generation's pairs are not checked any more (RFC 8445 §9).
            // The peer proved it knows that generation's password, so the data it sends over the pair
            // is taken until the new generation has a selected pair (§12.2).
            if previousGenerationPairs.count < configuration.limits.maximumCheckListSize {
                previousGenerationPairs.insert(PairKey(localBase: datagram.destination, remote: datagram.source))
            }
            return
        }
        learnFromCheck(datagram, priority: priority, useCandidate: message.first(.useCandidate) != nil)
    }

    /// The state an authenticated check may create, within the limits.
    mutating func learnFromCheck(_ datagram: Datagram, priority: UInt32, useCandidate: Bool) {
        let localBase = datagram.destination
        guard let local = hostCandidates.first(where: { $0.address == localBase })
            ?? localCandidates.first(where: { $0.kind == .relayed && $0.address == localBase })
        else { return }
        if configuration.transportPolicy == .relay, local.kind != .relayed { return }
        guard let remote = remoteCandidate(for: datagram.source, priority: priority) else { return }
        guard let key = checkList.add(ICECandidatePair(local: local, remote: remote), role: role),
            let entry = checkList.entry(key)
        else { return }
        checkList.update(key) { $0.peerChecked = true }
        if configuration.isLite {
            // A lite agent's pairs are validated by the peer's checks alone (RFC 8445 §2.5, §7.3.1.5).
            checkList.update(key) {
                $0.state = .succeeded
                $0.isValid = true
                if useCandidate { $0.isNominated = true }
            }
            if useCandidate { updateSelection() }
            return
        }
        let nominate = useCandidate && role == .controlled
        switch entry.state {
        case .succeeded:
            if nominate {
                checkList.update(key) { $0.isNominated = true }
                updateSelection()
            }
            return
        case .inProgress:
            if let id = entry.transaction { cancelTransaction(id) }
            checkList.trigger(key)
        case .waiting, .frozen, .failed:
            checkList.trigger(key)
        }
        if nominate { checkList.update(key) { $0.nominateOnSuccess = true } }
    }

    /// The remote candidate a check came from, learning a peer-reflexive one (§7.3.1.3) when the address
    /// is new and both the total and the per-window limits allow it.
    mutating func remoteCandidate(for source: TransportAddress, priority: UInt32) -> ICECandidate? {
        if let known = remoteCandidates.first(where: { $0.address == source }) { return known }
        let limits = configuration.limits
        if now >= peerReflexiveWindowStart + limits.peerReflexiveWindow {
            peerReflexiveWindowStart = now
            peerReflexiveInWindow = 0
        }
        guard remoteCandidates.count < limits.maximumRemoteCandidates,
            peerReflexiveInWindow < limits.maximumPeerReflexivePerWindow
        else { return nil }
        peerReflexiveInWindow += 1
        // The foundation only has to differ from the others' (§7.3.1.3); the address makes it so.
        let candidate = ICECandidate(
            kind: .peerReflexive, address: source, priority: priority,
            foundation: ICECandidate.foundation(kind: .peerReflexive, baseAddress: source.address, server: nil))
        remoteCandidates.append(candidate)
        return candidate
    }
}
