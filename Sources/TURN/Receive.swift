import SansIO
import STUN
import Wire

/// What the client does with a datagram from the network: ChannelData and Data indications become
/// `.data`, responses finish their transactions.
extension TURNClient {
    mutating func receive(_ datagram: Datagram, at now: Instant) {
        guard datagram.source == server else {
            counters.foreignSource += 1
            return
        }
        let payload = datagram.payload
        // RFC 8656 §12 / RFC 7983 §7: a first byte of 64–79 is ChannelData, 0–3 is STUN.
        if let first = payload.first, (64...79).contains(first) {
            return receiveChannelData(payload)
        }
        guard let message = try? STUNMessage.parse(payload) else {
            counters.malformed += 1
            return
        }
        switch message.type.messageClass {
        case .indication:
            receiveIndication(message)
        case .successResponse, .errorResponse:
            receiveResponse(message, at: now)
        case .request:
            counters.ignored += 1  // a client serves no requests
        }
    }

    private mutating func receiveChannelData(_ payload: [UInt8]) {
        guard let message = try? ChannelData.parse(payload) else {
            counters.malformed += 1
            return
        }
        guard let peer = peersByChannelNumber(message.channelNumber) else {
            counters.unknownChannel += 1
            return
        }
        emit(.data(Array(message.data), from: peer))
    }

    /// RFC 8656 §11.6: a Data indication needs XOR-PEER-ADDRESS and DATA, and a permission for the peer.
    private mutating func receiveIndication(_ message: STUNMessage) {
        guard message.type.method == .data else {
            counters.ignored += 1
            return
        }
        guard case .xorPeerAddress(let peer)? = message.value(of: .xorPeerAddress),
            case .data(let data)? = message.value(of: .data)
        else {
            counters.malformed += 1
            return
        }
        guard hasPermission(for: peer.address) else {
            counters.unknownPeer += 1
            return
        }
        emit(.data(data, from: peer))
    }

    private mutating func receiveResponse(_ message: STUNMessage, at now: Instant) {
        guard let transaction = pendingTransaction(message.transactionID),
            transaction.purpose.method == message.type.method
        else {
            counters.unmatchedResponses += 1
            return
        }
        let method = message.type.method
        var errorCode: STUNErrorCode?
        if message.type.messageClass == .errorResponse {
            guard case .errorCode(let code)? = message.value(of: .errorCode) else {
                counters.malformed += 1  // RFC 8489 §14.8: an error response has an ERROR-CODE
                return
            }
            errorCode = code
        }
        // 401 and 438 come before integrity: they bring the realm and nonce the key needs
        // (RFC 8489 §9.2.5). They cannot make the client loop: each request retries at most once.
        if let code = errorCode?.code, code == STUNErrorCode.unauthorized || code == STUNErrorCode.staleNonce {
            finishTransaction(message.transactionID)
            return retryWithCredentials(transaction, message, code: code, at: now)
        }
        if let key = transaction.key {
            guard message.verifyMessageIntegrity(key: key) == .valid else {
                // RFC 8489 §9.2.5: discard as if never received; the transaction goes on.
                counters.badIntegrity += 1
                return
            }
        }
        finishTransaction(message.transactionID)
        let unknown = message.unknownComprehensionRequired
        guard unknown.isEmpty else {
            // RFC 8489 §6.3.3–6.3.4: a response with comprehension-required attributes the client does not
            // know fails its transaction.
            let types = unknown.map { "0x" + String($0, radix: 16) }.joined(separator: ", ")
            return fail(transaction.purpose, .malformedResponse(method, "unknown comprehension-required \(types)"), at: now)
        }
        if let errorCode {
            return fail(transaction.purpose, .rejected(method, errorCode), at: now)
        }
        succeed(transaction.purpose, message, at: now)
    }

    /// Answers a 401 or 438: take the realm and nonce, derive the key, and send the request again under a
    /// new transaction ID.
    private mutating func retryWithCredentials(
        _ transaction: Transaction, _ message: STUNMessage, code: UInt16, at now: Instant
    ) {
        let method = transaction.purpose.method
        if code == STUNErrorCode.unauthorized, transaction.authenticated {
            return fail(transaction.purpose, .unauthorized, at: now)
        }
        if code == STUNErrorCode.staleNonce, transaction.staleNonceRetried {
            return fail(transaction.purpose, .staleNonce(method), at: now)
        }
        guard case .nonce(let nonce)? = message.value(of: .nonce) else {
            return fail(transaction.purpose, .malformedResponse(method, "\(code) without NONCE"), at: now)
        }
        let realm: String
        if case .realm(let given)? = message.value(of: .realm) {
            realm = given
        } else if let known = realmInUse {
            realm = known  // a 438 may leave the realm out: it has not changed
        } else {
            return fail(transaction.purpose, .malformedResponse(method, "\(code) without REALM"), at: now)
        }
        do throws(TURNError) {
            try updateCredentials(realm: realm, nonce: nonce)
        } catch {
            return fail(transaction.purpose, error, at: now)
        }
        start(transaction.purpose, staleNonceRetried: code == STUNErrorCode.staleNonce, at: now)
    }

    private mutating func succeed(_ purpose: Purpose, _ message: STUNMessage, at now: Instant) {
        switch purpose {
        case .allocate:
            guard state == .allocating else { return }
            guard case .xorRelayedAddress(let relayed)? = message.value(of: .xorRelayedAddress) else {
                state = .idle
                return emit(.failed(.malformedResponse(.allocate, "no XOR-RELAYED-ADDRESS")))
            }
            guard case .lifetime(let seconds)? = message.value(of: .lifetime) else {
                state = .idle
                return emit(.failed(.malformedResponse(.allocate, "no LIFETIME")))
            }
            var mapped: TransportAddress?
            if case .xorMappedAddress(let address)? = message.value(of: .xorMappedAddress) { mapped = address }
            let lifetime = TURNTiming.lifetime(seconds: seconds)
            startAllocation(relayed: relayed, lifetime: lifetime, at: now)
            emit(.allocated(relayed: relayed, mapped: mapped, lifetime: lifetime))
        case .refresh(let deleting):
            if deleting { return finishClosing() }
            guard state == .allocated else { return }
            // RFC 8656 §8: the response's LIFETIME is the new lifetime; absent, the default 600 s.
            var seconds: UInt32 = 600
            if case .lifetime(let given)? = message.value(of: .lifetime) { seconds = given }
            let lifetime = TURNTiming.lifetime(seconds: seconds)
            renewAllocation(lifetime: lifetime, at: now)
            emit(.refreshed(lifetime: lifetime))
        case .createPermission(let address):
            guard state == .allocated else { return }
            if installPermission(address, at: now) { emit(.permissionCreated(address)) }
        case .channelBind(let number, let peer):
            guard state == .allocated else { return }
            if confirmChannel(number, peer, at: now) { emit(.channelBound(number, peer: peer)) }
            // RFC 8656 §12.1: the binding also installs or refreshes a permission for the peer's address;
            // the client keeps that permission alive with CreatePermission from now on.
            if permissions[peer.address] == nil, permissionCount < Self.maximumPermissions {
                addInstalledPermission(peer.address, at: now)
            }
        }
    }
}
