import SansIO
import STUN
import TURN
import Wire

/// How an `ICEEndpoint` carries outputs between its agent, its TURN clients and the network.
extension ICEEndpoint {
    /// The machine contract inside: drain the agent and every client, routing each output, until none
    /// has anything more (each route only hands a finite batch on, so this ends). Then, once every
    /// allocation has settled, the agent learns that relay gathering is over.
    mutating func settle(at now: Instant) {
        var progress = true
        while progress {
            progress = false
            while let output = agent.poll() {
                progress = true
                routeAgentOutput(output, at: now)
            }
            for index in relays.indices {
                while let output = relays[index].client.poll() {
                    progress = true
                    routeClientOutput(output, of: index, at: now)
                }
            }
            if !relayGatheringReported, !relays.isEmpty, relays.allSatisfy(\.isSettled) {
                relayGatheringReported = true
                agent.handle(.relayGatheringFinished, at: now)
                progress = true
            }
        }
    }

    // MARK: From the network

    /// A datagram from a TURN server to the host address its client sends from is the client's,
    /// unless it is a STUN Binding message: those answer the agent's own server-reflexive requests
    /// (RFC 8445 §5.1.1.2; one server often offers both STUN and TURN). Everything else is the agent's.
    mutating func receive(_ datagram: Datagram, at now: Instant) {
        let index = relays.firstIndex {
            $0.server.address == datagram.source && $0.client.local == datagram.destination
        }
        if let index, !Self.isBindingMessage(datagram.payload) {
            relays[index].client.handle(.received(datagram), at: now)
        } else {
            agent.handle(.received(datagram), at: now)
        }
    }

    /// RFC 8489 §5: the top two bits are zero, the magic cookie follows the type and length, and the
    /// method bits of the type say Binding (RFC 7983 §7 demultiplexing puts ChannelData at 64–79).
    static func isBindingMessage(_ payload: [UInt8]) -> Bool {
        guard payload.count >= 20, payload[0] & 0xC0 == 0 else { return false }
        let cookie = UInt32(payload[4]) << 24 | UInt32(payload[5]) << 16 | UInt32(payload[6]) << 8 | UInt32(payload[7])
        guard cookie == STUNMessage.magicCookie else { return false }
        let type = STUNMessageType(wireValue: UInt16(payload[0]) << 8 | UInt16(payload[1]))
        return type.method == .binding
    }

    // MARK: From the agent

    mutating func routeAgentOutput(_ output: ICEOutput, at now: Instant) {
        switch output {
        case .transmit(let datagram):
            if let index = relays.firstIndex(where: { $0.relayed == datagram.source }) {
                sendThroughRelay(index, datagram, at: now)
            } else {
                outputs.append(output)
            }
        case .sockets(.release(let addresses)):
            // A host base a TURN client allocates from stays bound: its relayed candidate lives on.
            let released = addresses.filter { address in !relays.contains { $0.client.local == address } }
            if !released.isEmpty { outputs.append(.sockets(.release(released))) }
        case .selectedPairChanged(let pair):
            outputs.append(output)
            guard configuration.bindsChannelForSelectedPair, pair.local.kind == .relayed,
                let index = relays.firstIndex(where: { $0.relayed == pair.local.base }),
                relays[index].client.state == .allocated,
                !relays[index].channelPeers.contains(pair.remote.address)
            else { return }
            relays[index].channelPeers.insert(pair.remote.address)
            relays[index].client.handle(.bindChannel(pair.remote.address), at: now)
        default:
            outputs.append(output)
        }
    }

    /// RFC 8656 §9: the server relays to a peer only once a permission for its IP address exists, so a
    /// datagram for a new peer asks for one and waits (bounded) until `.permissionCreated`.
    mutating func sendThroughRelay(_ index: Int, _ datagram: Datagram, at now: Instant) {
        guard relays[index].client.state == .allocated else {
            relays[index].dropped += 1
            return
        }
        let peer = datagram.destination
        if relays[index].client.hasPermission(for: peer.address) {
            relays[index].client.handle(.send(datagram.payload, to: peer), at: now)
            return
        }
        if relays[index].waiting.count < configuration.maximumQueuedPerAllocation {
            relays[index].waiting.append(datagram)
        } else {
            relays[index].dropped += 1
        }
        // The client sends one CreatePermission per address and ignores repeats while it is in flight.
        relays[index].client.handle(.createPermission(peer.address), at: now)
    }

    // MARK: From a TURN client

    mutating func routeClientOutput(_ output: TURNClient.Output, of index: Int, at now: Instant) {
        switch output {
        case .transmit(let datagram):
            outputs.append(.transmit(datagram))
        case .allocated(let relayed, let mapped, _):
            relays[index].phase = .allocated(relayed: relayed)
            relays[index].relayed = relayed
            // The related address of a relayed candidate is the mapped address (RFC 8445 §5.1.1.2); a
            // server that left XOR-MAPPED-ADDRESS out gets the host address instead.
            agent.handle(.addRelayedCandidate(relayed: relayed, mapped: mapped ?? relays[index].client.local), at: now)
        case .failed(let error):
            if case .allocating = relays[index].phase, relays[index].client.state != .allocating {
                relays[index].phase = .failed(error)
            } else if error.concernsPermission {
                // Which address failed is not said: drop what waits without a permission, the agent
                // retransmits and so asks again.
                let client = relays[index].client
                let before = relays[index].waiting.count
                relays[index].waiting.removeAll { !client.hasPermission(for: $0.destination.address) }
                relays[index].dropped += before - relays[index].waiting.count
            }
        case .permissionCreated(let address):
            let ready = relays[index].waiting.filter { $0.destination.address == address }
            relays[index].waiting.removeAll { $0.destination.address == address }
            for datagram in ready {
                relays[index].client.handle(.send(datagram.payload, to: datagram.destination), at: now)
            }
        case .data(let payload, let peer):
            guard let relayed = relays[index].relayed else { return }
            agent.handle(.received(Datagram(from: peer, to: relayed, payload: payload)), at: now)
        case .closed:
            relays[index].phase = .closed
            relays[index].dropped += relays[index].waiting.count
            relays[index].waiting.removeAll()
        case .refreshed, .channelBound:
            break
        }
    }
}

extension TURNError {
    /// Whether the failed operation was a CreatePermission.
    var concernsPermission: Bool {
        switch self {
        case .timedOut(let method), .rejected(let method, _), .staleNonce(let method), .malformedResponse(let method, _):
            method == .createPermission
        case .tooManyPermissions:
            true
        default:
            false
        }
    }
}
