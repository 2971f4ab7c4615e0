public import SansIO
public import STUN
public import Wire

/// A TURN client (RFC 8656) over UDP, as a sans-IO machine: it allocates a relayed address on one server
/// with long-term credentials, keeps the allocation, its permissions and its channel bindings alive, and
/// carries application data to and from peers through the relay.
///
/// Feed it ``Input`` with ``handle(_:at:)``, let time pass with ``handleTimeout(at:)``, and drain
/// ``poll()``: every ``Output/transmit(_:)`` is a datagram for the server, the other outputs report what
/// happened. It never reads a clock; transaction IDs come from the generator given at init.
///
/// Rules it keeps:
/// - the first Allocate goes without credentials; its 401 brings REALM and NONCE, and every later request
///   carries USERNAME, REALM, NONCE and MESSAGE-INTEGRITY under the long-term key (RFC 8489 §9.2);
///   a 438 Stale Nonce is retried once with the new nonce (§9.2.5);
/// - requests are retransmitted after RTO 500 ms, doubling, Rc = 7 sends, then failed after Rm × RTO
///   (RFC 8489 §6.2.1); responses are matched by transaction ID and method, and a response to an
///   authenticated request counts only when its MESSAGE-INTEGRITY verifies (§9.2.5);
/// - the allocation is refreshed before it expires, permissions every 240 s, channel bindings every
///   540 s (RFC 8656 §8, §9, §12); `.close` deletes the allocation with a Refresh of LIFETIME 0 (§8);
/// - data goes as ChannelData on a bound channel and as a Send indication otherwise, only to peers with
///   a permission; Data indications and ChannelData from unknown peers or channels are dropped and
///   counted (RFC 8656 §11.6, §12.6).
/// Every table it keeps is bounded (``maximumPendingTransactions``, ``maximumPermissions``, and the 4096
/// channel numbers).
public struct TURNClient: DatagramMachine, Sendable {
    /// What the owner asks of the client, and what the network brings it.
    public enum Input: DatagramInput, Sendable {
        /// A datagram arrived at `local`.
        case received(Datagram)
        /// Make an allocation (RFC 8656 §7).
        case allocate
        /// Refresh the allocation now instead of waiting for its timer (RFC 8656 §8).
        case refresh
        /// Install a permission for a peer address (RFC 8656 §9).
        case createPermission(IPAddress)
        /// Bind a channel to a peer (RFC 8656 §12); it also keeps a permission for the peer's address.
        case bindChannel(TransportAddress)
        /// Relay data to a peer: ChannelData when a channel is bound to it, else a Send indication.
        case send([UInt8], to: TransportAddress)
        /// Delete the allocation (a Refresh with LIFETIME 0) and stop every timer.
        case close
    }

    /// What the client has to send or to report.
    public enum Output: DatagramOutput, Hashable, Sendable {
        /// A datagram for the server.
        case transmit(Datagram)
        /// The allocation exists: the relayed address peers see, our address as the server sees it
        /// (XOR-MAPPED-ADDRESS, nil if the server left it out) and the lifetime granted.
        case allocated(relayed: TransportAddress, mapped: TransportAddress?, lifetime: Duration)
        /// A refresh succeeded; the allocation now lasts `lifetime` from here.
        case refreshed(lifetime: Duration)
        /// A permission for this address is installed (reported once, not at each refresh).
        case permissionCreated(IPAddress)
        /// A channel is bound to the peer (reported once, not at each refresh).
        case channelBound(UInt16, peer: TransportAddress)
        /// Application data relayed from a peer.
        case data([UInt8], from: TransportAddress)
        /// One operation failed; ``TURNClient/state`` says whether the allocation survived.
        case failed(TURNError)
        /// The allocation is gone (deleted by `.close`, expired, or lost) and every timer stopped.
        case closed

        public var transmission: Datagram? {
            if case .transmit(let datagram) = self { return datagram }
            return nil
        }
    }

    /// Where the allocation stands.
    public enum State: Hashable, Sendable {
        case idle
        case allocating
        case allocated
        case closing
        case closed
    }

    /// Requests in flight at most; another is refused with ``TURNError/tooManyPendingRequests``.
    public static let maximumPendingTransactions = 64
    /// Permissions (peer IP addresses) kept at most.
    public static let maximumPermissions = 1024
    /// The largest application data one Send indication or ChannelData message carries: ChannelData's
    /// 16-bit length, less room for the Send indication's header and attributes.
    public static let maximumDataLength = 65_535 - 64

    /// The TURN server's UDP address: every request goes there, and only datagrams from it are read.
    public let server: TransportAddress
    /// The local address datagrams are sent from (the driver's channel bound to it carries them).
    public let local: TransportAddress
    /// The USERNAME of the long-term credentials, sent as given.
    public let username: String
    let password: String
    let preparation: STUNPasswordPreparation
    var generator: SeededGenerator

    public internal(set) var state: State = .idle
    /// What was dropped or retransmitted so far.
    public internal(set) var counters = TURNCounters()
    /// The relayed transport address, once allocated.
    public internal(set) var relayedAddress: TransportAddress?
    /// The realm and nonce the server gave, and the long-term key derived from them.
    var credentials: Credentials?

    var transactions: [STUNTransactionID: Transaction] = [:]
    var nextSequence: UInt64 = 0
    var allocationRefreshAt: Instant?
    var allocationExpiresAt: Instant?
    var permissions: [IPAddress: Permission] = [:]
    var channels: [TransportAddress: Channel] = [:]
    var peersByChannel: [UInt16: TransportAddress] = [:]
    var nextChannelNumber: UInt16 = ChannelData.channelNumbers.lowerBound
    var outputs = OutputQueue<Output>()

    /// A client for the allocation on `server`, sending from `local`.
    ///
    /// - Parameters:
    ///   - passwordPreparation: how the password is prepared into the long-term key
    ///     MD5(username ":" realm ":" password). `.saslPrep` (RFC 5389 §15.4, which coturn and most
    ///     deployed servers follow) leaves the realm as given; `.opaqueString` is RFC 8489 §9.2.2's.
    ///     Both give the same key for ASCII credentials.
    ///   - generator: the source of transaction IDs (seed it from a secure source in real use: RFC 8489
    ///     §5 asks for unpredictable IDs).
    public init(
        server: TransportAddress, local: TransportAddress, username: String, password: String,
        passwordPreparation: STUNPasswordPreparation = .saslPrep, generator: SeededGenerator
    ) {
        self.server = server
        self.local = local
        self.username = username
        self.password = password
        self.preparation = passwordPreparation
        self.generator = generator
    }

    // MARK: - Machine

    public mutating func handle(_ input: Input, at now: Instant) {
        switch input {
        case .received(let datagram): receive(datagram, at: now)
        case .allocate: allocate(at: now)
        case .refresh:
            guard state == .allocated else { return emit(.failed(.notAllocated)) }
            refreshAllocation(at: now)
        case .createPermission(let address): createPermission(address, at: now)
        case .bindChannel(let peer): bindChannel(peer, at: now)
        case .send(let data, let peer): send(data, to: peer, at: now)
        case .close: close(at: now)
        }
    }

    public mutating func handleTimeout(at now: Instant) {
        // Oldest first, so the order of outputs is a function of the inputs alone (a Dictionary's
        // iteration order changes from run to run).
        let due = transactions.filter { $0.value.deadline <= now }.sorted { $0.value.sequence < $1.value.sequence }
        for (id, transaction) in due where transactions[id] != nil {  // an earlier failure may have closed all
            retransmitOrFail(id, transaction, at: now)
        }

        guard state == .allocated else { return }
        if let expiry = allocationExpiresAt, expiry <= now {
            emit(.failed(.allocationExpired))
            return finishClosing()
        }
        if let refreshAt = allocationRefreshAt, refreshAt <= now { refreshAllocation(at: now) }
        for (address, permission) in permissions.sorted(by: { $0.value.sequence < $1.value.sequence }) {
            if let refreshAt = permission.refreshAt, refreshAt <= now { requestPermission(address, at: now) }
        }
        for (peer, channel) in channels.sorted(by: { $0.value.number < $1.value.number }) {
            if let refreshAt = channel.refreshAt, refreshAt <= now { requestChannel(channel.number, peer, at: now) }
        }
    }

    public mutating func poll() -> Output? {
        outputs.next()
    }

    public var nextDeadline: Instant? {
        var earliest: Instant?
        func consider(_ instant: Instant?) {
            guard let instant else { return }
            if earliest.map({ instant < $0 }) ?? true { earliest = instant }
        }
        for transaction in transactions.values { consider(transaction.deadline) }
        if state == .allocated {
            consider(allocationRefreshAt)
            consider(allocationExpiresAt)
            for permission in permissions.values { consider(permission.refreshAt) }
            for channel in channels.values { consider(channel.refreshAt) }
        }
        return earliest
    }

    // MARK: - Queries

    /// The channel number bound (or being bound) to `peer`.
    public func channel(for peer: TransportAddress) -> UInt16? { channels[peer]?.number }

    /// Whether a permission for `address` is installed.
    public func hasPermission(for address: IPAddress) -> Bool { permissions[address]?.installed ?? false }

    /// Requests in flight.
    public var pendingRequests: Int { transactions.count }

    // MARK: - Inputs

    private mutating func allocate(at now: Instant) {
        guard state == .idle || state == .closed else { return emit(.failed(.alreadyAllocated)) }
        state = .allocating
        start(.allocate, staleNonceRetried: false, at: now)
    }

    private mutating func refreshAllocation(at now: Instant) {
        guard !transactions.values.contains(where: { $0.purpose == .refresh(deleting: false) }) else { return }
        allocationRefreshAt = nil
        start(.refresh(deleting: false), staleNonceRetried: false, at: now)
    }

    private mutating func createPermission(_ address: IPAddress, at now: Instant) {
        guard state == .allocated else { return emit(.failed(.notAllocated)) }
        if let existing = permissions[address] {
            // Installed or on its way: the refresh timer keeps it; say so again if it is there.
            if existing.installed { emit(.permissionCreated(address)) }
            return
        }
        guard permissions.count < Self.maximumPermissions else { return emit(.failed(.tooManyPermissions)) }
        permissions[address] = Permission(sequence: takeSequence())
        requestPermission(address, at: now)
    }

    private mutating func requestPermission(_ address: IPAddress, at now: Instant) {
        permissions[address]?.refreshAt = nil
        start(.createPermission(address), staleNonceRetried: false, at: now)
    }

    private mutating func bindChannel(_ peer: TransportAddress, at now: Instant) {
        guard state == .allocated else { return emit(.failed(.notAllocated)) }
        if let existing = channels[peer] {
            if existing.bound { emit(.channelBound(existing.number, peer: peer)) }
            return
        }
        guard let number = freeChannelNumber() else { return emit(.failed(.channelsExhausted)) }
        channels[peer] = Channel(number: number)
        peersByChannel[number] = peer
        requestChannel(number, peer, at: now)
    }

    private mutating func requestChannel(_ number: UInt16, _ peer: TransportAddress, at now: Instant) {
        channels[peer]?.refreshAt = nil
        start(.channelBind(number, peer), staleNonceRetried: false, at: now)
    }

    /// The next unbound channel number, searching the 4096 numbers once round from where the last
    /// search ended.
    private mutating func freeChannelNumber() -> UInt16? {
        let range = ChannelData.channelNumbers
        for _ in 0..<range.count {
            let candidate = nextChannelNumber
            nextChannelNumber = candidate == range.upperBound ? range.lowerBound : candidate + 1
            if peersByChannel[candidate] == nil { return candidate }
        }
        return nil
    }

    private mutating func send(_ data: [UInt8], to peer: TransportAddress, at now: Instant) {
        guard state == .allocated else { return emit(.failed(.notAllocated)) }
        guard data.count <= Self.maximumDataLength else { return emit(.failed(.dataTooLarge(data.count))) }
        // A channel does not stand in for a permission: the server relays ChannelData only while the
        // peer's address has one (RFC 8656 §12.4), and a permission whose refresh failed is gone
        // although the channel lives on.
        guard hasPermission(for: peer.address) else { return emit(.failed(.noPermission(peer.address))) }
        if let channel = channels[peer], channel.bound {
            // RFC 8656 §12.5: over UDP the ChannelData message need not be padded.
            return transmit(ChannelData(channelNumber: channel.number, data: data).serialize())
        }
        // RFC 8656 §11.1: a Send indication carries XOR-PEER-ADDRESS and DATA, and no credentials.
        let id = STUNTransactionID.random(using: &generator)
        let indication = STUNMessage(
            type: STUNMessageType(method: .send, messageClass: .indication), transactionID: id,
            values: [.xorPeerAddress(peer), .data(data)])
        transmit(indication.serialize())
    }

    private mutating func close(at now: Instant) {
        switch state {
        case .idle, .closed, .allocating:
            transactions.removeAll()
            finishClosing()
        case .allocated:
            transactions.removeAll()
            state = .closing
            start(.refresh(deleting: true), staleNonceRetried: false, at: now)
        case .closing:
            break
        }
    }

    /// Forgets the allocation and everything that hangs on it, and reports `.closed`.
    mutating func finishClosing() {
        state = .closed
        transactions.removeAll()
        relayedAddress = nil
        allocationRefreshAt = nil
        allocationExpiresAt = nil
        permissions.removeAll()
        channels.removeAll()
        peersByChannel.removeAll()
        emit(.closed)
    }

    // MARK: - Transactions

    /// Sends a new request for `purpose` and keeps it for retransmission and matching.
    mutating func start(_ purpose: Purpose, staleNonceRetried: Bool, at now: Instant) {
        guard transactions.count < Self.maximumPendingTransactions else {
            return fail(purpose, .tooManyPendingRequests, at: now)
        }
        let id = STUNTransactionID.random(using: &generator)
        var request = STUNMessage(type: STUNMessageType(method: purpose.method, messageClass: .request),
                                  transactionID: id, values: purpose.attributes)
        if let credentials {
            // RFC 8489 §9.2.4: USERNAME, REALM and NONCE, then MESSAGE-INTEGRITY over all of them.
            request.attributes += [
                STUNAttribute(.username(username), transactionID: id),
                STUNAttribute(.realm(credentials.realm), transactionID: id),
                STUNAttribute(.nonce(credentials.nonce), transactionID: id),
            ]
            request = request.withMessageIntegrity(key: credentials.key)
        }
        let bytes = request.serialize()
        transactions[id] = Transaction(
            purpose: purpose, bytes: bytes, key: credentials?.key, sendCount: 1,
            deadline: now + TURNTiming.retransmissionWait(afterSend: 1), sequence: takeSequence(),
            staleNonceRetried: staleNonceRetried)
        transmit(bytes)
    }

    private mutating func retransmitOrFail(_ id: STUNTransactionID, _ transaction: Transaction, at now: Instant) {
        guard transaction.sendCount < TURNTiming.requestCount else {
            transactions[id] = nil
            return fail(transaction.purpose, .timedOut(transaction.purpose.method), at: now)
        }
        var updated = transaction
        updated.sendCount += 1
        updated.deadline = now + TURNTiming.retransmissionWait(afterSend: updated.sendCount)
        transactions[id] = updated
        counters.retransmissions += 1
        transmit(transaction.bytes)
    }

    /// Reports a failed request and undoes what it was for.
    mutating func fail(_ purpose: Purpose, _ error: TURNError, at now: Instant) {
        emit(.failed(error))
        switch purpose {
        case .allocate:
            if state == .allocating { state = .idle }
        case .refresh(let deleting):
            if deleting {
                finishClosing()
            } else if case .rejected(_, let code) = error, code.code == STUNErrorCode.allocationMismatch {
                // RFC 8656 §8: 437 to a Refresh means the server has no such allocation any more.
                finishClosing()
            }
            // Otherwise the allocation lives until its expiry timer, which reports it.
        case .createPermission(let address):
            permissions[address] = nil
        case .channelBind(let number, let peer):
            channels[peer] = nil
            peersByChannel[number] = nil
        }
    }

    // MARK: - Output

    mutating func emit(_ output: Output) { outputs.append(output) }

    mutating func transmit(_ payload: [UInt8]) {
        emit(.transmit(Datagram(from: local, to: server, payload: payload)))
    }

    mutating func takeSequence() -> UInt64 {
        defer { nextSequence &+= 1 }
        return nextSequence
    }
}

// MARK: - State kept per request, permission and channel

extension TURNClient {
    /// What a request is for: decides its method, its attributes, and what its answer does.
    enum Purpose: Hashable, Sendable {
        case allocate
        /// A Refresh; `deleting` sends LIFETIME 0 (RFC 8656 §8).
        case refresh(deleting: Bool)
        case createPermission(IPAddress)
        case channelBind(UInt16, TransportAddress)

        var method: STUNMethod {
            switch self {
            case .allocate: .allocate
            case .refresh: .refresh
            case .createPermission: .createPermission
            case .channelBind: .channelBind
            }
        }

        /// The attributes before the credentials.
        var attributes: [STUNAttributeValue] {
            switch self {
            case .allocate: [.requestedTransport(17)]  // UDP (RFC 8656 §7.1)
            case .refresh(let deleting): deleting ? [.lifetime(0)] : []
            case .createPermission(let address): [.xorPeerAddress(TransportAddress(address, port: 0))]
            case .channelBind(let number, let peer): [.channelNumber(number), .xorPeerAddress(peer)]
            }
        }
    }

    struct Transaction: Sendable {
        var purpose: Purpose
        /// The request as sent, sent again unchanged on retransmission (RFC 8489 §6.2.1).
        var bytes: [UInt8]
        /// The key the request was signed with, nil when it carried no MESSAGE-INTEGRITY. Its response
        /// must be signed with the same key (RFC 8489 §9.2.4), even when a 401 or 438 to another request
        /// changed the realm (and so the client's key) since it was sent.
        var key: STUNKey?
        var authenticated: Bool { key != nil }
        var sendCount: Int
        var deadline: Instant
        var sequence: UInt64
        var staleNonceRetried: Bool
    }

    struct Credentials: Sendable {
        var realm: String
        var nonce: String
        var key: STUNKey
    }

    struct Permission: Sendable {
        var sequence: UInt64
        var installed = false
        /// When to send the next CreatePermission; nil while one is in flight.
        var refreshAt: Instant?
    }

    struct Channel: Sendable {
        var number: UInt16
        var bound = false
        /// When to send the next ChannelBind; nil while one is in flight.
        var refreshAt: Instant?
    }
}

// MARK: - State changes the response handling makes

extension TURNClient {
    func pendingTransaction(_ id: STUNTransactionID) -> Transaction? { transactions[id] }

    mutating func finishTransaction(_ id: STUNTransactionID) { transactions[id] = nil }

    func peersByChannelNumber(_ number: UInt16) -> TransportAddress? {
        guard let peer = peersByChannel[number], channels[peer]?.bound == true else { return nil }
        return peer
    }

    var realmInUse: String? { credentials?.realm }

    var permissionCount: Int { permissions.count }

    /// Takes a realm and nonce from a 401 or 438; the key is derived again only when the realm changed.
    mutating func updateCredentials(realm: String, nonce: String) throws(TURNError) {
        if let credentials, credentials.realm == realm {
            self.credentials?.nonce = nonce
            return
        }
        do {
            let key = try STUNCredentials.longTermKey(
                username: username, realm: realm, password: password, algorithm: .md5, preparation: preparation)
            credentials = Credentials(realm: realm, nonce: nonce, key: key)
        } catch {
            throw .credentials(error.description)
        }
    }

    mutating func startAllocation(relayed: TransportAddress, lifetime: Duration, at now: Instant) {
        state = .allocated
        relayedAddress = relayed
        renewAllocation(lifetime: lifetime, at: now)
    }

    mutating func renewAllocation(lifetime: Duration, at now: Instant) {
        allocationExpiresAt = now + lifetime
        allocationRefreshAt = now + TURNTiming.allocationRefreshDelay(lifetime: lifetime)
    }

    /// Marks the permission installed and schedules its refresh; true when it was not installed before.
    mutating func installPermission(_ address: IPAddress, at now: Instant) -> Bool {
        guard var permission = permissions[address] else { return false }
        let wasInstalled = permission.installed
        permission.installed = true
        permission.refreshAt = now + TURNTiming.permissionRefresh
        permissions[address] = permission
        return !wasInstalled
    }

    mutating func addInstalledPermission(_ address: IPAddress, at now: Instant) {
        permissions[address] = Permission(
            sequence: takeSequence(), installed: true, refreshAt: now + TURNTiming.permissionRefresh)
    }

    /// Marks the channel bound and schedules its refresh; true when it was not bound before.
    mutating func confirmChannel(_ number: UInt16, _ peer: TransportAddress, at now: Instant) -> Bool {
        guard var channel = channels[peer], channel.number == number else { return false }
        let wasBound = channel.bound
        channel.bound = true
        channel.refreshAt = now + TURNTiming.channelRefresh
        channels[peer] = channel
        return !wasBound
    }
}
