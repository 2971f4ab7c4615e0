public import SansIO
public import TURN
public import Wire

/// A TURN server an endpoint allocates relayed candidates on (RFC 8656, RFC 8445 §5.1.1.2), with the
/// long-term credentials it accepts (W3C `RTCIceServer` with a `turn:` URL over UDP).
public struct TURNServerConfiguration: Hashable, Sendable, CustomStringConvertible {
    public var address: TransportAddress
    public var username: String
    public var password: String

    public init(address: TransportAddress, username: String, password: String) {
        self.address = address
        self.username = username
        self.password = password
    }

    public var description: String { "turn:\(address) (\(username))" }
}

/// Everything an `ICEEndpoint` is told when it is made: the agent's configuration and the TURN servers.
public struct ICEEndpointConfiguration: Sendable {
    /// The agent's configuration. Its `expectsRelayedCandidates` is set by the endpoint (true when it
    /// runs at least one TURN client), whatever it says here.
    public var ice: ICEConfiguration
    /// TURN servers; one allocation is made per host address × server of the same family.
    public var turnServers: [TURNServerConfiguration]
    /// Datagrams the agent sends from a relayed address to a peer whose permission is still being
    /// created are held, at most this many per allocation; later ones are dropped (and counted), as the
    /// network would drop them: the agent retransmits its checks.
    public var maximumQueuedPerAllocation: Int
    /// Whether to bind a channel to the remote address of a selected relayed pair (RFC 8656 §12), so
    /// its data goes as 4-byte-header ChannelData rather than as Send and Data indications.
    public var bindsChannelForSelectedPair: Bool

    public init(
        ice: ICEConfiguration, turnServers: [TURNServerConfiguration] = [], maximumQueuedPerAllocation: Int = 32,
        bindsChannelForSelectedPair: Bool = true
    ) {
        self.ice = ice
        self.turnServers = turnServers
        self.maximumQueuedPerAllocation = maximumQueuedPerAllocation
        self.bindsChannelForSelectedPair = bindsChannelForSelectedPair
    }
}

/// One TURN allocation of an endpoint, as its owner can see it.
public struct ICERelayStatus: Hashable, Sendable {
    public enum Phase: Hashable, Sendable {
        /// Gathering has not started.
        case idle
        case allocating
        /// The relayed candidate was handed to the agent.
        case allocated(relayed: TransportAddress)
        /// The allocation could not be made; gathering went on without it.
        case failed(TURNError)
        /// Deallocated (`.close`), expired or lost.
        case closed
    }

    public var server: TURNServerConfiguration
    /// The host address the allocation is made from.
    public var base: TransportAddress
    public var phase: Phase
    /// Datagrams from the agent dropped because the queue waiting for a permission was full, because the
    /// permission could not be created, or because the allocation was gone when they were sent.
    public var droppedWaitingForPermission: Int
}

/// The ICE agent together with its TURN allocations: the one `DatagramMachine` an engine runs for a
/// transport (RFC 8445 with RFC 8656 relays).
///
/// It speaks the agent's own `ICEInput` and `ICEOutput`, so whatever drives an `ICEAgent` drives an
/// endpoint; the relay plumbing stays inside:
/// - for each host address × TURN server of the same family a `TURNClient` allocates on
///   `.startGathering`; each allocation becomes the agent's relayed candidate (its mapped address the
///   related address), and once every allocation has succeeded or failed the agent is told that relay
///   gathering is over;
/// - a datagram the agent sends from a relayed address goes through that allocation's client, after a
///   permission for the peer's IP address exists (RFC 8656 §9): until then it waits in a small queue;
///   a selected relayed pair gets a channel (RFC 8656 §12);
/// - data a client relays from a peer reaches the agent as a datagram from the peer to the relayed
///   address; a datagram from a TURN server to the host it serves goes to the agent when it is a STUN
///   Binding message (the same server may be the agent's STUN server) and to the client otherwise;
/// - `.close` closes the agent and deallocates every allocation (a Refresh with LIFETIME 0, RFC 8656 §8).
public struct ICEEndpoint: DatagramMachine, Sendable {
    public typealias Input = ICEInput
    public typealias Output = ICEOutput

    public let configuration: ICEEndpointConfiguration
    /// The agent inside: its candidates, pairs, states.
    public internal(set) var agent: ICEAgent
    var relays: [Relay]
    var outputs = OutputQueue<ICEOutput>()
    var relayGatheringReported = false

    /// One allocation: its client and the agent's datagrams waiting for a permission.
    struct Relay: Sendable {
        var client: TURNClient
        var server: TURNServerConfiguration
        var phase: ICERelayStatus.Phase = .idle
        /// The relayed address once allocated; kept after the allocation ends, so the agent's datagrams
        /// from it are still recognised (and dropped) rather than sent from an address no socket has.
        var relayed: TransportAddress?
        var waiting: [Datagram] = []
        var dropped = 0
        /// The peers a channel was asked for, so each selected relayed pair is bound once (at most one per
        /// selection; the client's 4096 channel numbers bound it too).
        var channelPeers: Set<TransportAddress> = []

        var isSettled: Bool {
            switch phase {
            case .idle, .allocating: false
            case .allocated, .failed, .closed: true
            }
        }
    }

    /// Makes an endpoint. The generator seeds the agent and every TURN client (each its own stream, so a
    /// fixed seed gives a reproducible run).
    public init(configuration: ICEEndpointConfiguration, role: ICERole, generator: SeededGenerator) {
        self.configuration = configuration
        var generator = generator
        var relays: [Relay] = []
        if !configuration.ice.isLite {
            var bases: [TransportAddress] = []
            for base in configuration.ice.hostAddresses where !bases.contains(base) { bases.append(base) }
            for base in bases {
                for server in configuration.turnServers where server.address.address.isIPv6 == base.address.isIPv6 {
                    let client = TURNClient(
                        server: server.address, local: base, username: server.username, password: server.password,
                        generator: SeededGenerator(seed: generator.next()))
                    relays.append(Relay(client: client, server: server))
                }
            }
        }
        self.relays = relays
        var ice = configuration.ice
        ice.expectsRelayedCandidates = !relays.isEmpty
        agent = ICEAgent(configuration: ice, role: role, generator: SeededGenerator(seed: generator.next()))
    }

    /// Every allocation, in configuration order (host addresses, then servers).
    public var relayStatuses: [ICERelayStatus] {
        relays.map {
            ICERelayStatus(server: $0.server, base: $0.client.local, phase: $0.phase,
                           droppedWaitingForPermission: $0.dropped)
        }
    }

    /// The TURN clients, for inspection (their counters, permissions and channels).
    public var turnClients: [TURNClient] { relays.map(\.client) }

    // MARK: Machine

    public mutating func handle(_ input: ICEInput, at now: Instant) {
        switch input {
        case .received(let datagram):
            receive(datagram, at: now)
        case .startGathering:
            agent.handle(.startGathering, at: now)
            for index in relays.indices where relays[index].phase == .idle {
                relays[index].phase = .allocating
                relays[index].client.handle(.allocate, at: now)
            }
        case .addRelayedCandidate, .relayGatheringFinished:
            // The endpoint reports its own allocations; from outside these would only confuse the agent
            // about when relay gathering ends.
            return
        case .close:
            agent.handle(.close, at: now)
            for index in relays.indices {
                relays[index].waiting.removeAll()
                relays[index].client.handle(.close, at: now)
            }
        default:
            agent.handle(input, at: now)
        }
        settle(at: now)
    }

    public mutating func handleTimeout(at now: Instant) {
        agent.handleTimeout(at: now)
        for index in relays.indices { relays[index].client.handleTimeout(at: now) }
        settle(at: now)
    }

    public mutating func poll() -> ICEOutput? {
        outputs.next()
    }

    public var nextDeadline: Instant? {
        var earliest = agent.nextDeadline
        for relay in relays {
            if let deadline = relay.client.nextDeadline, earliest.map({ deadline < $0 }) ?? true { earliest = deadline }
        }
        return earliest
    }
}
