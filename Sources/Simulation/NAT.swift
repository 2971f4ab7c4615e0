public import SansIO
public import Wire

/// The three behaviours RFC 4787 distinguishes, both for how a NAT reuses a mapping (§4.1) and for which
/// inbound datagrams it lets through a mapping (§5).
public enum NATBehavior: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Mapping: one public port per internal address and port, whatever the destination.
    /// Filtering: anyone may send to the mapping.
    case endpointIndependent = "endpoint-independent"
    /// Mapping: a new public port per destination IP address.
    /// Filtering: only IP addresses the internal endpoint has sent to may send back (from any port).
    case addressDependent = "address-dependent"
    /// Mapping: a new public port per destination IP address and port.
    /// Filtering: only exact addresses and ports the internal endpoint has sent to may send back.
    case addressAndPortDependent = "address-and-port-dependent"

    public var description: String { rawValue }
}

/// How a NAT behaves: its public address and its RFC 4787 behaviours.
public struct NATConfiguration: Hashable, Sendable {
    /// The NAT's address on the public internet: every mapping's public address.
    public var publicAddress: IPAddress
    public var mapping: NATBehavior
    public var filtering: NATBehavior
    /// How long a mapping lives after the last outbound datagram through it. Inbound datagrams do not
    /// refresh it (RFC 4787 §4.3 REQ-6 leaves that optional; the stricter choice finds more keepalive bugs).
    /// The default is RFC 4787 REQ-5's minimum of two minutes.
    public var mappingTimeout: Duration
    /// Whether a host may reach another host behind the same NAT through its public mapping (RFC 4787 §6).
    public var hairpinning: Bool
    /// The public ports mappings are drawn from (from the NAT's own seeded stream).
    public var ports: ClosedRange<UInt16>

    public init(
        publicAddress: IPAddress,
        mapping: NATBehavior = .endpointIndependent,
        filtering: NATBehavior = .endpointIndependent,
        mappingTimeout: Duration = .seconds(120),
        hairpinning: Bool = true,
        ports: ClosedRange<UInt16> = 1024...65535
    ) {
        self.publicAddress = publicAddress
        self.mapping = mapping
        self.filtering = filtering
        self.mappingTimeout = mappingTimeout
        self.hairpinning = hairpinning
        self.ports = ports
    }
}

/// One mapping in a NAT's table.
public struct NATMapping: Hashable, Sendable {
    /// The private address and port the mapping belongs to.
    public var internalAddress: TransportAddress
    /// The public address and port the outside sees.
    public var externalAddress: TransportAddress
    /// The remote endpoints the internal endpoint has sent to through this mapping (what filtering admits).
    public var contacted: Set<TransportAddress>
    /// When the mapping lapses unless an outbound datagram refreshes it.
    public var expiry: Instant
}

/// A NAT's state: its mappings, keyed the way its mapping behaviour asks.
///
/// Like ``Link`` it is pure and can be driven without the simulator. Outbound translation creates or
/// refreshes a mapping; inbound translation looks the mapping up by public port, drops it lazily when it
/// has expired, and applies the filtering behaviour.
public struct NAT: Sendable {
    /// What outbound translation did.
    public enum Outbound: Hashable, Sendable {
        /// The datagram leaves from `external`; `created` when this datagram made the mapping.
        case translated(external: TransportAddress, created: Bool)
        case dropped(DropReason)
    }

    /// What inbound translation did.
    public enum Inbound: Hashable, Sendable {
        /// The datagram goes on to the internal endpoint.
        case translated(internal: TransportAddress)
        case dropped(DropReason)
    }

    /// A mapping's identity under the mapping behaviour: the internal endpoint, plus the destination's
    /// address (address-dependent) or address and port (address-and-port-dependent).
    private struct Key: Hashable, Sendable {
        var internalAddress: TransportAddress
        var remoteAddress: IPAddress?
        var remotePort: UInt16?
    }

    public let name: String
    public let configuration: NATConfiguration
    private var random: SeededGenerator
    private var mappings: [Key: NATMapping] = [:]
    private var keysByPort: [UInt16: Key] = [:]

    public init(name: String, configuration: NATConfiguration, seed: SimulationSeed) {
        self.name = name
        self.configuration = configuration
        random = seed.generator(label: "nat:\(name)/ports")
    }

    /// The mappings in the table, live or not yet noticed to have expired, ordered by public port.
    public var mappingTable: [NATMapping] {
        mappings.values.sorted { $0.externalAddress.port < $1.externalAddress.port }
    }

    /// The live mapping that `internalAddress` would use towards `remote` at `now`, if there is one.
    public func mapping(from internalAddress: TransportAddress, to remote: TransportAddress, at now: Instant) -> NATMapping? {
        guard let mapping = mappings[key(internalAddress, remote)], now < mapping.expiry else { return nil }
        return mapping
    }

    /// Translates a datagram from `internalAddress` to `remote` leaving at `now`: finds or creates the
    /// mapping, refreshes it, and remembers `remote` for filtering.
    public mutating func translateOutbound(from internalAddress: TransportAddress, to remote: TransportAddress, at now: Instant) -> Outbound {
        let key = key(internalAddress, remote)
        var created = false
        if let existing = mappings[key], now >= existing.expiry {
            remove(key)
        }
        if mappings[key] == nil {
            guard let port = allocatePort(at: now) else { return .dropped(.natPortsExhausted) }
            let external = TransportAddress(configuration.publicAddress, port: port)
            mappings[key] = NATMapping(internalAddress: internalAddress, externalAddress: external, contacted: [], expiry: now)
            keysByPort[port] = key
            created = true
        }
        mappings[key]?.contacted.insert(remote)
        mappings[key]?.expiry = now + configuration.mappingTimeout
        guard let external = mappings[key]?.externalAddress else { return .dropped(.natNoMapping) }
        return .translated(external: external, created: created)
    }

    /// Translates a datagram from `remote` arriving at public port `port` at `now`, or says why it is dropped.
    public mutating func translateInbound(from remote: TransportAddress, toPort port: UInt16, at now: Instant) -> Inbound {
        guard let key = keysByPort[port], let mapping = mappings[key] else { return .dropped(.natNoMapping) }
        guard now < mapping.expiry else {
            remove(key)
            return .dropped(.natNoMapping)
        }
        let admitted: Bool
        switch configuration.filtering {
        case .endpointIndependent: admitted = true
        case .addressDependent: admitted = mapping.contacted.contains { $0.address == remote.address }
        case .addressAndPortDependent: admitted = mapping.contacted.contains(remote)
        }
        return admitted ? .translated(internal: mapping.internalAddress) : .dropped(.natFiltered)
    }

    private func key(_ internalAddress: TransportAddress, _ remote: TransportAddress) -> Key {
        switch configuration.mapping {
        case .endpointIndependent: Key(internalAddress: internalAddress)
        case .addressDependent: Key(internalAddress: internalAddress, remoteAddress: remote.address)
        case .addressAndPortDependent: Key(internalAddress: internalAddress, remoteAddress: remote.address, remotePort: remote.port)
        }
    }

    private mutating func remove(_ key: Key) {
        if let port = mappings.removeValue(forKey: key)?.externalAddress.port {
            keysByPort[port] = nil
        }
    }

    /// A free public port drawn from the NAT's stream; expired mappings give theirs back when the range is full.
    private mutating func allocatePort(at now: Instant) -> UInt16? {
        let low = UInt64(configuration.ports.lowerBound)
        let span = UInt64(configuration.ports.upperBound) - low
        for _ in 0..<32 {
            let port = UInt16(truncatingIfNeeded: low + random.upTo(span))
            if keysByPort[port] == nil { return port }
        }
        for (key, mapping) in mappings where now >= mapping.expiry {
            remove(key)
        }
        // A linear probe from a drawn start finds a free port if there is one.
        let start = random.upTo(span)
        for step in 0...span {
            let port = UInt16(truncatingIfNeeded: low + (start + step) % (span + 1))
            if keysByPort[port] == nil { return port }
        }
        return nil
    }
}
