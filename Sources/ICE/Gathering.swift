import SDP
import SansIO
import STUN
import Wire

/// Local candidates (RFC 8445 §5.1) and remote candidates (§5.3, RFC 8838).
extension ICEAgent {
    /// Host candidates now; server-reflexive ones through the pacer; relayed ones from the TURN seam.
    /// Under the `.relay` policy only relayed candidates are offered (W3C `RTCIceTransportPolicy`), and a
    /// lite agent offers host candidates only (RFC 8445 §2.5).
    mutating func startGathering() {
        guard gatheringState == .new else { return }
        setGatheringState(.gathering)
        guard configuration.transportPolicy == .all else { return }
        for host in hostCandidates { addLocalCandidate(host) }
        guard !configuration.isLite else { return }
        for host in hostCandidates {
            for server in configuration.stunServers where server.address.isIPv6 == host.address.address.isIPv6 {
                gatherQueue.append((host, server))
            }
        }
    }

    /// Adds an offered candidate unless it is redundant (RFC 8445 §5.1.3), signals it, and pairs it.
    mutating func addLocalCandidate(_ candidate: ICECandidate) {
        if localCandidates.contains(where: { $0.address == candidate.address && $0.base == candidate.base }) { return }
        localCandidates.append(candidate)
        emit(.localCandidate(candidate))
        for remote in remoteCandidates { pair(local: candidate, remote: remote) }
    }

    /// Sends the next queued STUN server request (paced with the checks, RFC 8445 §14).
    mutating func sendGatherRequest() {
        guard !gatherQueue.isEmpty else { return }
        let (base, server) = gatherQueue.removeFirst()
        let id = newTransactionID()
        pendingServerReflexive += 1
        startTransaction(
            id, .serverReflexive(base: base, server: server),
            Datagram(from: base.address, to: server, payload: ICEAgent.serverRequest(id)),
            key: nil, rto: configuration.retransmission.minimumRTO)
    }

    /// A STUN server answered: a success with a mapped address gives a server-reflexive candidate whose
    /// base is the host and whose foundation names the server (§5.1.1.2–5.1.1.3); a candidate equal to
    /// its host (no NAT) is redundant and dropped.
    mutating func serverResponded(_ message: STUNMessage, base: ICECandidate, server: TransportAddress) {
        pendingServerReflexive -= 1
        // A base a restart has replaced since the request went out gives the new generation nothing.
        guard message.type.messageClass == .successResponse, currentBases.contains(base.address) else { return }
        let mapped: TransportAddress
        if case .xorMappedAddress(let address)? = message.value(of: .xorMappedAddress) {
            mapped = address
        } else if case .mappedAddress(let address)? = message.value(of: .mappedAddress) {
            mapped = address
        } else {
            return
        }
        let candidate = ICECandidate(
            kind: .serverReflexive, address: mapped, base: base.address,
            priority: ICECandidate.priority(typePreference: ICECandidateKind.serverReflexive.typePreference,
                                            localPreference: base.localPreference),
            foundation: ICECandidate.foundation(kind: .serverReflexive, baseAddress: base.address.address, server: server.address),
            relatedAddress: base.address)
        if pruneRedundantCandidates(localCandidates + [candidate]).contains(candidate) {
            addLocalCandidate(candidate)
        }
    }

    /// The TURN seam: a relayed candidate is a local base of its own (RFC 8445 §5.1.1.2).
    mutating func addRelayedCandidate(relayed: TransportAddress, mapped: TransportAddress) {
        guard !configuration.isLite else { return }
        let relayCount = localCandidates.filter { $0.kind == .relayed }.count
        let candidate = ICECandidate(
            kind: .relayed, address: relayed, base: relayed,
            priority: ICECandidate.priority(typePreference: ICECandidateKind.relayed.typePreference,
                                            localPreference: UInt32(max(0, 65_535 - relayCount))),
            foundation: ICECandidate.foundation(kind: .relayed, baseAddress: relayed.address, server: nil),
            relatedAddress: mapped)
        addLocalCandidate(candidate)
    }

    // MARK: Remote side

    mutating func setRemoteCredentials(_ credentials: ICECredentials, isLite: Bool) {
        if let current = remoteCredentials, current != credentials {
            // The peer restarted (RFC 8445 §9): the old generation's candidates and checks go; the
            // selected pair and its consent stay until a new pair is selected.
            resetChecks()
        }
        remoteCredentials = credentials
        remoteKey = ICEAgent.key(for: credentials.pwd)
        remoteIsLite = isLite
        // A full agent facing a lite one takes the controlling role (RFC 8445 §6.1.1).
        if isLite, !configuration.isLite, role != .controlling { switchRole(to: .controlling) }
    }

    /// A signalled remote candidate (RFC 8838 §11): stored within the limit, paired with every local
    /// candidate of its family. A peer-reflexive one already learned from a check is upgraded in place.
    mutating func addRemoteCandidate(_ sdp: Candidate) {
        guard var candidate = ICECandidate(remote: sdp) else { return }
        if let ufrag = sdp.ufrag, let remote = remoteCredentials, ufrag != remote.ufrag { return }
        if let index = remoteCandidates.firstIndex(where: { $0.address == candidate.address }) {
            remoteCandidates[index] = candidate
            return
        }
        guard remoteCandidates.count < configuration.limits.maximumRemoteCandidates else { return }
        candidate.base = candidate.address
        remoteCandidates.append(candidate)
        guard !configuration.isLite else { return }
        for local in localCandidates { pair(local: local, remote: candidate) }
    }

    /// Forms a pair when families match (§6.1.2.2); a server-reflexive local candidate is replaced by its
    /// base (§6.1.2.4), so it pairs as the host candidate; peer-reflexive local candidates are not paired.
    mutating func pair(local: ICECandidate, remote: ICECandidate) {
        guard local.address.address.isIPv6 == remote.address.address.isIPv6, local.kind != .peerReflexive,
            checkList.state != .completed
        else { return }
        var local = local
        if local.kind == .serverReflexive {
            guard let host = hostCandidates.first(where: { $0.address == local.base }) else { return }
            local = host
        }
        if configuration.transportPolicy == .relay, local.kind != .relayed { return }
        checkList.add(ICECandidatePair(local: local, remote: remote), role: role)
    }

    /// Forgets the remote generation: candidates, pairs, transactions of checks.
    mutating func resetChecks() {
        remoteCandidates.removeAll()
        checkList = CheckList(maximumSize: configuration.limits.maximumCheckListSize)
        transactions = transactions.filter {
            if case .check = $0.value.purpose { return false }
            return true
        }
        remoteEndOfCandidates = false
        firstSuccessAt = nil
        failedLatched = false
    }

    /// ICE restart (RFC 8445 §9): new local credentials; the remote's must follow. The selected pair
    /// keeps carrying data and consent, on its base, until a pair of the new generation is selected.
    ///
    /// With ``RestartBases/fresh`` (the default) the new generation's host candidates are on new
    /// sockets: the agent asks the driver for one new base per current one and stays `gathering` until
    /// `basesBound` answers; relayed candidates are offered again at once. With ``RestartBases/reuse``
    /// (and under the `.relay` policy) the local candidates are re-offered as they are, so gathering goes
    /// `gathering` → `complete` at once unless a server request is still running.
    mutating func restart() {
        if selectedPair != nil, consent?.lost != true {
            previousLocal = (localCredentials, localKey)
            // What the peer proved over this generation's pairs stays proved for its data (§12.2).
            previousGenerationPairs = Set(checkList.entries.filter { $0.isValid || $0.peerChecked }.map(\.key)
                .prefix(configuration.limits.maximumCheckListSize))
        } else {
            selectedPair = nil
            consent = nil
            previousGenerationPairs.removeAll()
        }
        localCredentials = ICECredentials.random(using: &generator)
        localKey = ICEAgent.key(for: localCredentials.pwd)
        remoteCredentials = nil
        remoteKey = nil
        resetChecks()
        guard gatheringState != .new else { return }
        setGatheringState(.gathering)
        guard configuration.restartBases == .fresh, configuration.transportPolicy == .all else {
            let offered = localCandidates.filter { $0.kind != .peerReflexive }
            localCandidates.removeAll()
            for candidate in offered { addLocalCandidate(candidate) }
            return
        }
        // A restart before the previous one's bases arrived replaces the same bases; the late answer is
        // then released when it comes.
        let replacing = pendingBases?.replacing ?? hostCandidates.filter { currentBases.contains($0.address) }
        let relayed = localCandidates.filter { $0.kind == .relayed }
        localCandidates.removeAll()
        // Server requests still queued are for the bases being replaced.
        gatherQueue.removeAll()
        if !replacing.isEmpty {
            let request = nextSocketRequest
            nextSocketRequest += 1
            pendingBases = (request, replacing)
            emit(.sockets(.bind(request: request, addresses: replacing.map { TransportAddress($0.address.address, port: 0) })))
        }
        for candidate in relayed { addLocalCandidate(candidate) }
    }

    /// The driver bound (or failed to bind) the new host bases of a restart: each becomes a host
    /// candidate of the new generation with the priority and foundation of the base it replaces (same
    /// IP address, so same foundation, RFC 8445 §5.1.1.3); where binding failed, the old base serves
    /// the new generation too (§9 allows it). Server-reflexive candidates are gathered from the new bases.
    mutating func basesBound(request: UInt64, addresses: [TransportAddress?]) {
        let known = Set(hostCandidates.map(\.address))
        guard let pending = pendingBases, pending.request == request else {
            // An answer nobody waits for (a second restart came first, or a driver's repeat).
            let unused = addresses.compactMap { $0 }.filter { !known.contains($0) }
            if !unused.isEmpty { emit(.sockets(.release(unused))) }
            return
        }
        pendingBases = nil
        var current: [ICECandidate] = []
        var unusable: [TransportAddress] = []
        for (index, old) in pending.replacing.enumerated() {
            let bound = index < addresses.count ? addresses[index] : nil
            if let bound, bound.address == old.address.address, !known.contains(bound),
                !current.contains(where: { $0.address == bound }) {
                current.append(ICECandidate(kind: .host, address: bound, priority: old.priority, foundation: old.foundation))
            } else {
                if let bound, !known.contains(bound) { unusable.append(bound) }
                current.append(old)
            }
        }
        for extra in addresses.dropFirst(pending.replacing.count) {
            if let extra, !known.contains(extra) { unusable.append(extra) }
        }
        if !unusable.isEmpty { emit(.sockets(.release(unusable))) }
        for candidate in current where !known.contains(candidate.address) { hostCandidates.append(candidate) }
        currentBases = Set(current.map(\.address))
        for host in current { addLocalCandidate(host) }
        guard !configuration.isLite else { return }
        for host in current {
            for server in configuration.stunServers where server.address.isIPv6 == host.address.address.isIPv6 {
                gatherQueue.append((host, server))
            }
        }
    }

    /// Releases the host bases of earlier generations that carry nothing any more: those neither of the
    /// current generation, nor the selected pair's (data and consent, RFC 7675), nor in a pair of the
    /// check list (the peer may have checked an old base with the new credentials). So however many
    /// restarts a session has, it holds the current generation's bases and at most the few in use.
    mutating func releaseIdleBases() {
        // Runs after every input, datagrams included: without a base of an earlier generation (no restart,
        // or all released) there is nothing to look for.
        guard !closed, hostCandidates.contains(where: { !currentBases.contains($0.address) }) else { return }
        var keep = currentBases
        if let pendingBases { keep.formUnion(pendingBases.replacing.map(\.address)) }
        if let selectedPair { keep.insert(selectedPair.local.base) }
        if let consent { keep.insert(consent.pair.localBase) }
        for entry in checkList.entries { keep.insert(entry.key.localBase) }
        let idle = hostCandidates.map(\.address).filter { !keep.contains($0) }
        guard !idle.isEmpty else { return }
        hostCandidates.removeAll { !keep.contains($0.address) }
        // Nothing more leaves a released base: its retransmissions and server requests stop.
        for (id, transaction) in transactions where idle.contains(transaction.datagram.source) {
            transactions[id] = nil
            if case .serverReflexive = transaction.purpose { pendingServerReflexive -= 1 }
        }
        previousGenerationPairs = previousGenerationPairs.filter { !idle.contains($0.localBase) }
        emit(.sockets(.release(idle)))
    }
}
