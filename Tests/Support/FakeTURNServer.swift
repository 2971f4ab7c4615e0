import SansIO
import STUN
import Wire

/// A TURN server small enough to read, built from the STUN codec, for the client's machine tests: it
/// authenticates with long-term credentials (401, 438), keeps one allocation, and records what the
/// client asked for. Knobs make it misbehave the ways a test needs. It is a `DatagramMachine` too (it
/// answers at once and keeps no timers), so any driver can run it.
///
/// With ``relaysToPeers`` on it is a working relay for the simulator: it answers STUN Binding requests
/// (so it is a STUN server too), sends what the client relays to peers from the relayed address, and
/// hands datagrams that peers with a permission send to the relayed address back to the client (as
/// ChannelData on a bound channel, else as a Data indication). A driver must then route the relayed
/// address to this machine as well as ``address``. One allocation at a time, as before.
public struct FakeTURNServer: DatagramMachine {
    public enum Input: DatagramInput, Sendable {
        case received(Datagram)
    }

    public enum Output: DatagramOutput, Hashable, Sendable {
        case transmit(Datagram)
        public var transmission: Datagram? {
            if case .transmit(let datagram) = self { return datagram }
            return nil
        }
    }

    private var answers: [Datagram] = []

    public mutating func handle(_ input: Input, at now: Instant) {
        if case .received(let datagram) = input { answers += handle(datagram) }
    }

    public mutating func handleTimeout(at now: Instant) {}

    public mutating func poll() -> Output? { answers.isEmpty ? nil : .transmit(answers.removeFirst()) }

    public var nextDeadline: Instant? { nil }

    public let address: TransportAddress
    public let username: String
    public let password: String
    public var realm = "crucible.test"
    public var nonce = "nonce-0"
    /// The LIFETIME granted to Allocate and Refresh.
    public var lifetime: UInt32 = 600
    public var relayed = TransportAddress(IPAddress.v4(0xC000_020F), port: 50_000)  // 192.0.2.15, never on a wire

    /// Be a working relay and a STUN server (see the type's comment); off, the server only records.
    public var relaysToPeers = false
    /// The client's address as the server saw it when it allocated: where relayed data goes.
    public private(set) var clientAddress: TransportAddress?

    /// Answer the next this many authenticated requests with 438 and a fresh nonce.
    public var staleNoncesToSend = 0
    /// Sign responses with a wrong key.
    public var corruptIntegrity = false
    /// Answer requests of this method with this error code.
    public var rejecting: (method: STUNMethod, code: UInt16)?

    public private(set) var requests: [STUNMessage] = []
    public private(set) var permissions: Set<IPAddress> = []
    public private(set) var channels: [UInt16: TransportAddress] = [:]
    public private(set) var allocated = false
    /// Data the client relayed to peers, with how it came (true: ChannelData).
    public private(set) var relayedToPeers: [(peer: TransportAddress, data: [UInt8], viaChannel: Bool)] = []
    private var nonceCounter = 0
    private var indicationCounter: UInt64 = 1000

    public init(address: TransportAddress, username: String, password: String) {
        self.address = address
        self.username = username
        self.password = password
    }

    public var key: STUNKey {
        // The server side of RFC 8489 §9.2.2; ASCII credentials make the preparation moot.
        (try? STUNCredentials.longTermKey(username: username, realm: realm, password: password, preparation: .saslPrep))
            ?? STUNKey(bytes: [])
    }

    /// Everything the server sends back for one datagram from the client.
    public mutating func handle(_ datagram: Datagram) -> [Datagram] {
        if relaysToPeers, allocated, datagram.destination == relayed { return fromPeer(datagram) }
        let payload = datagram.payload
        if let first = payload.first, (64...79).contains(first) {
            if let message = try? ChannelData.parse(payload), let peer = channels[message.channelNumber] {
                relayedToPeers.append((peer, Array(message.data), true))
                return toPeer(peer, Array(message.data))
            }
            return []
        }
        guard let message = try? STUNMessage.parse(payload) else { return [] }
        if message.type.messageClass == .indication {
            if message.type.method == .send, case .xorPeerAddress(let peer)? = message.value(of: .xorPeerAddress),
                case .data(let data)? = message.value(of: .data), permissions.contains(peer.address) {
                relayedToPeers.append((peer, data, false))
                return toPeer(peer, data)
            }
            return []
        }
        guard message.type.messageClass == .request else { return [] }
        if relaysToPeers, message.type == .bindingRequest {
            // RFC 8489 §7.3.1: a Binding request needs no credentials; the answer is the source seen.
            let response = STUNMessage(type: .bindingSuccess, transactionID: message.transactionID,
                                       values: [.xorMappedAddress(datagram.source)])
            return [Datagram(from: address, to: datagram.source, payload: response.withFingerprint().serialize())]
        }
        requests.append(message)
        return [Datagram(from: address, to: datagram.source, payload: respond(to: message, from: datagram.source))]
    }

    private mutating func respond(to request: STUNMessage, from client: TransportAddress) -> [UInt8] {
        let method = request.type.method
        let id = request.transactionID
        func error(_ code: UInt16, _ extra: [STUNAttributeValue] = []) -> [UInt8] {
            let response = STUNMessage(type: STUNMessageType(method: method, messageClass: .errorResponse),
                                       transactionID: id, values: [.errorCode(STUNErrorCode(code: code))] + extra)
            return extra.isEmpty ? sign(response).serialize() : response.serialize()
        }
        // RFC 8489 §9.2.4: no integrity → 401 with realm and nonce; a bad one → 401; old nonce → 438.
        guard request.first(.messageIntegrity) != nil else {
            return error(STUNErrorCode.unauthorized, [.realm(realm), .nonce(nonce)])
        }
        guard case .username(let name)? = request.value(of: .username), name == username,
            request.verifyMessageIntegrity(key: key) == .valid
        else {
            return error(STUNErrorCode.unauthorized, [.realm(realm), .nonce(nonce)])
        }
        guard case .nonce(let given)? = request.value(of: .nonce), given == nonce, staleNoncesToSend == 0 else {
            staleNoncesToSend = max(0, staleNoncesToSend - 1)
            nonceCounter += 1
            nonce = "nonce-\(nonceCounter)"
            return error(STUNErrorCode.staleNonce, [.realm(realm), .nonce(nonce)])
        }
        if let rejecting, rejecting.method == method { return error(rejecting.code) }
        var values: [STUNAttributeValue] = []
        switch method {
        case .allocate:
            allocated = true
            clientAddress = client
            values = [.xorRelayedAddress(relayed), .xorMappedAddress(client), .lifetime(lifetime)]
        case .refresh:
            if case .lifetime(0)? = request.value(of: .lifetime) {
                allocated = false
                values = [.lifetime(0)]
            } else {
                values = [.lifetime(lifetime)]
            }
        case .createPermission:
            for attribute in request.attributes where attribute.type == .xorPeerAddress {
                if case .xorPeerAddress(let peer)? = try? attribute.decode(transactionID: id) { permissions.insert(peer.address) }
            }
        case .channelBind:
            if case .channelNumber(let number)? = request.value(of: .channelNumber),
                case .xorPeerAddress(let peer)? = request.value(of: .xorPeerAddress) {
                channels[number] = peer
                permissions.insert(peer.address)
            }
        default:
            return error(STUNErrorCode.badRequest)
        }
        let response = STUNMessage(type: STUNMessageType(method: method, messageClass: .successResponse),
                                   transactionID: id, values: values)
        return sign(response).serialize()
    }

    private func sign(_ message: STUNMessage) -> STUNMessage {
        message.withMessageIntegrity(key: corruptIntegrity ? STUNKey(bytes: Array("wrong".utf8)) : key)
    }

    /// What the client relays, as it leaves the relayed address (only when relaying).
    private func toPeer(_ peer: TransportAddress, _ data: [UInt8]) -> [Datagram] {
        guard relaysToPeers, allocated else { return [] }
        return [Datagram(from: relayed, to: peer, payload: data)]
    }

    /// A peer's datagram to the relayed address: dropped without a permission for its IP (RFC 8656
    /// §9), else ChannelData on its channel or a Data indication (§11.3, §12.4).
    private mutating func fromPeer(_ datagram: Datagram) -> [Datagram] {
        guard let clientAddress, permissions.contains(datagram.source.address) else { return [] }
        if let (number, _) = channels.first(where: { $0.value == datagram.source }) {
            return [channelData(number, datagram.payload, to: clientAddress)]
        }
        indicationCounter &+= 1
        return [dataIndication(from: datagram.source, datagram.payload, to: clientAddress, id: indicationCounter)]
    }

    /// A Data indication relaying `data` from `peer` (RFC 8656 §11.3).
    public func dataIndication(from peer: TransportAddress, _ data: [UInt8], to client: TransportAddress, id: UInt64 = 7) -> Datagram {
        let message = STUNMessage(type: STUNMessageType(method: .data, messageClass: .indication),
                                  transactionID: STUNTransactionID(high: 1, low: id),
                                  values: [.xorPeerAddress(peer), .data(data)])
        return Datagram(from: address, to: client, payload: message.serialize())
    }

    /// A ChannelData message on `channel` (RFC 8656 §12.4).
    public func channelData(_ channel: UInt16, _ data: [UInt8], to client: TransportAddress) -> Datagram {
        Datagram(from: address, to: client, payload: ChannelData(channelNumber: channel, data: data).serialize())
    }
}
