public import SansIO
public import Wire

/// A deterministic network: runs any set of ``SansIO/DatagramMachine``s on a virtual clock, carries their
/// datagrams over simulated links and NATs, and records every event in a ``Trace``.
///
/// ## Model
/// - **Time.** Events (a datagram leaving an uplink, a datagram reaching a host, a host's timer) are
///   ordered by instant, then by the order they were scheduled, so ties always break the same way.
///   Each host has at most one timer, set at its machine's ``SansIO/Machine/nextDeadline`` and replaced
///   (not added to) when the deadline moves.
/// - **The machine contract.** After every input or timeout the simulator drains ``SansIO/Machine/poll()``
///   until nil, sends each transmission, hands every other output to the host's observer (and the trace),
///   then re-reads the deadline.
/// - **Topology.** A host lives in one realm (the internet or a private network behind a NAT) and owns one
///   or more transport addresses there; a datagram whose source its host does not own is dropped.
/// - **Sockets.** A machine may ask for more addresses while it runs (``SansIO/SocketRequest``): a bind
///   gives it a new port on an IP address its host owns, answered as an event at the same instant, and a
///   release gives addresses up. Ports come from one counter over the dynamic range (RFC 6335 §6), so a
///   released port is not handed out again soon, as with a kernel.
/// - **Path.** A datagram from A to B crosses A's uplink, is routed at the instant it leaves it (through
///   A's NAT outbound, through B's NAT inbound), then crosses B's downlink. The NATs add no delay.
/// - **Randomness.** Every link and NAT draws from its own stream derived from the seed and its name, so
///   a run is a function of the seed and the set-up, and adding a host does not change the draws of links
///   it does not send through. Machines that need randomness take `seed.generator(label:)` at init.
/// - **Copies.** The simulator is a struct, but a copy is an independent fork of the run only while
///   every hosted machine is a value all the way down. A machine that holds a reference shares it with
///   the copy: `DTLSEndpoint` is a class over OpenSSL state that cannot be duplicated, so two copies of
///   a run whose peer connections have exchanged descriptions drive one DTLS endpoint between them.
///   Observers and the ``tap`` are closures, shared by the copies too. To run a scenario again, build
///   it again from its seed (DTLS bytes repeat only when the endpoints are seeded, see `DTLSEndpoint`).
///
/// Out of scope for now: nested NATs, ICMP, TCP, per-path (rather than per-host) link conditions, and a
/// delay inside the core network (give it to the uplinks).
public struct Simulator {
    public let seed: SimulationSeed
    /// The virtual clock: the instant of the event being handled, or the last `run(until:)` bound.
    public private(set) var now = Instant.zero
    public private(set) var trace: Trace
    /// Datagrams dropped while routing (source not owned, no route, NAT filtering and the like), by reason.
    /// Link drops are in each link's ``LinkStatistics``.
    public private(set) var routingDrops: [DropReason: Int] = [:]
    /// How many events may run at one instant before the simulator calls the run a livelock and stops.
    public var maximumEventsPerInstant = 100_000
    /// Set when the run stopped because machines kept the clock from advancing; ``step()`` does nothing after.
    public private(set) var isStalled = false
    /// Sees every datagram a host puts on its uplink (as its machine sent it) and every datagram a host's
    /// machine receives (as it arrives, after NAT translation): the hook a driver uses to write a capture.
    public var tap: ((TapRecord) -> Void)?
    /// Decides what enters a host's uplink for every datagram its machine sends (after ``tap`` has seen
    /// it as sent): the datagram, another one (a corrupted copy), or nil to lose it, counted in
    /// ``routingDrops`` as ``DropReason/scripted``. For faults a link model does not express (lose the
    /// first DATA packet, alter one record); the trace records what it did. Like the tap, a closure shared
    /// by copies of the simulator: a fault that keeps state (a count) should depend only on what it sees.
    public var fault: ((TapRecord) -> Datagram?)?

    private struct Timer {
        /// The deadline the machine asked for (possibly in the past).
        var requested: Instant
        var key: EventQueue<Event>.Key
    }

    private struct Host {
        var name: String
        var realm: RealmID
        var addresses: [TransportAddress]
        var machine: any AnyMachineSlot
        var uplink: Link
        var downlink: Link
        var timer: Timer?
    }

    private struct Realm {
        var name: String
        var nat: NAT?
        var owners: [TransportAddress: HostID] = [:]
    }

    private enum Event {
        case leftUplink(HostID, Datagram)
        case arrived(HostID, Datagram)
        case injected(HostID, Datagram)
        case bound(HostID, request: UInt64, addresses: [TransportAddress?])
    }

    private var hosts: [Host] = []
    private var realms: [Realm] = [Realm(name: "internet", nat: nil)]
    private var realmsByPublicAddress: [IPAddress: RealmID] = [:]
    private var queue = EventQueue<Event>()
    private var eventsAtThisInstant = 0
    /// The next port a bind with port 0 tries (RFC 6335 §6: 49152–65535).
    private var nextEphemeralPort = Self.ephemeralPorts.lowerBound
    private static let ephemeralPorts: ClosedRange<UInt16> = 49_152...65_535

    /// A simulation driven by `seed`, keeping `traceRetention` of its trace as text.
    public init(seed: SimulationSeed, traceRetention: Trace.Retention = .last(10_000)) {
        self.seed = seed
        trace = Trace(retention: traceRetention)
    }

    // MARK: Building the network

    /// Adds a private network behind a NAT whose public address is on the internet.
    public mutating func addPrivateRealm(_ name: String, nat configuration: NATConfiguration) -> RealmID {
        precondition(realmsByPublicAddress[configuration.publicAddress] == nil, "two NATs share \(configuration.publicAddress)")
        precondition(
            !realms[0].owners.keys.contains { $0.address == configuration.publicAddress },
            "a public host already uses \(configuration.publicAddress)"
        )
        let id = RealmID(index: realms.count)
        realms.append(Realm(name: name, nat: NAT(name: name, configuration: configuration, seed: seed)))
        realmsByPublicAddress[configuration.publicAddress] = id
        record(
            name,
            "realm nat \(configuration.publicAddress) mapping=\(configuration.mapping) filtering=\(configuration.filtering)"
                + " timeout=\(Trace.format(.zero + configuration.mappingTimeout))s hairpinning=\(configuration.hairpinning)"
        )
        return id
    }

    /// Adds a host running `machine`, owning `addresses` in `realm`, and services it at once (drains its
    /// outputs, arms its timer).
    ///
    /// - Parameter observer: receives the machine's outputs that are not datagrams, with their instant.
    @discardableResult
    public mutating func addHost<M: DatagramMachine>(
        _ name: String,
        addresses: [TransportAddress],
        in realm: RealmID = .internet,
        uplink: LinkConditions = .perfect,
        downlink: LinkConditions = .perfect,
        machine: M,
        observer: ((M.Output, Instant) -> Void)? = nil
    ) -> HostID {
        precondition(realms.indices.contains(realm.index), "no realm \(realm.index)")
        precondition(!hosts.contains { $0.name == name }, "two hosts named \(name)")
        let id = HostID(index: hosts.count)
        for address in addresses {
            precondition(realms[realm.index].owners[address] == nil, "\(address) is owned twice in \(realms[realm.index].name)")
            precondition(
                realm != .internet || realmsByPublicAddress[address.address] == nil,
                "\(address) is a NAT's public address"
            )
            realms[realm.index].owners[address] = id
        }
        hosts.append(
            Host(
                name: name, realm: realm, addresses: addresses,
                machine: MachineSlot(machine, describingOutputs: true, observer: observer),
                uplink: Link(name: "\(name)/uplink", conditions: uplink, seed: seed),
                downlink: Link(name: "\(name)/downlink", conditions: downlink, seed: seed),
                timer: nil
            )
        )
        record(id, "join realm=\(realms[realm.index].name) addresses=\(addresses.map(\.description).joined(separator: ","))")
        drain(id)
        return id
    }

    /// Changes the conditions of a host's uplink from now on (its statistics and random streams carry on).
    public mutating func setUplink(_ host: HostID, _ conditions: LinkConditions) {
        hosts[host.index].uplink.conditions = conditions
    }

    /// Changes the conditions of a host's downlink from now on.
    public mutating func setDownlink(_ host: HostID, _ conditions: LinkConditions) {
        hosts[host.index].downlink.conditions = conditions
    }

    // MARK: Looking inside

    /// The name the host was added with, as the trace prints it.
    public func name(of host: HostID) -> String { hosts[host.index].name }

    /// The transport addresses the host owns in its realm.
    public func addresses(of host: HostID) -> [TransportAddress] { hosts[host.index].addresses }

    /// The host's machine as it is now, if it is an `M`.
    public func machine<M>(_ host: HostID, as type: M.Type = M.self) -> M? {
        hosts[host.index].machine.unboxed as? M
    }

    /// What the host's uplink (host → network) did so far.
    public func uplinkStatistics(_ host: HostID) -> LinkStatistics { hosts[host.index].uplink.statistics }
    /// What the host's downlink (network → host) did so far.
    public func downlinkStatistics(_ host: HostID) -> LinkStatistics { hosts[host.index].downlink.statistics }

    /// The NAT in front of a private realm (nil for the internet).
    public func nat(_ realm: RealmID) -> NAT? { realms[realm.index].nat }

    /// The trace hash so far (see ``Trace/hash``).
    public var traceHash: String { trace.hash }

    /// Runs `body` on `host`'s machine at the current instant, as an application call into it (an API
    /// request, a scripted fault), then drains its outputs and re-arms its timer like any other event.
    /// Nil when the host runs a machine of another type.
    public mutating func perform<M: DatagramMachine, Result>(
        on host: HostID, as type: M.Type = M.self, _ body: (inout M, Instant) -> Result
    ) -> Result? {
        guard let result = hosts[host.index].machine.perform(as: type, at: now, body) else { return nil }
        record(host, "perform")
        drain(host)
        return result
    }

    // MARK: Running

    /// Sends `datagram` from `host` at `instant` (not before now) as if its machine had: for unsolicited
    /// traffic and scripted faults.
    public mutating func inject(_ datagram: Datagram, from host: HostID, at instant: Instant) {
        queue.schedule(.injected(host, datagram), at: max(instant, now))
    }

    /// The instant of the next event, nil when nothing is scheduled.
    public var nextEventInstant: Instant? { isStalled ? nil : nextKey()?.instant }

    /// Runs the next event; false when there is none (or the run has stalled).
    @discardableResult
    public mutating func step() -> Bool {
        guard !isStalled, let key = nextKey() else { return false }
        if key.instant > now {
            now = key.instant
            eventsAtThisInstant = 0
        }
        eventsAtThisInstant += 1
        if eventsAtThisInstant > maximumEventsPerInstant {
            isStalled = true
            trace.record("\(Trace.format(now)) - stalled: more than \(maximumEventsPerInstant) events without the clock advancing")
            return false
        }
        if let firstKey = queue.firstKey, firstKey == key, let (_, event) = queue.popFirst() {
            handle(event)
        } else if let host = hosts.indices.first(where: { hosts[$0].timer?.key == key }) {
            fireTimer(HostID(index: host))
        }
        return true
    }

    /// Runs every event due up to and including `deadline`, then moves the clock to `deadline`.
    public mutating func run(until deadline: Instant) {
        while let next = nextKey(), next.instant <= deadline, step() {}
        if !isStalled { now = max(now, deadline) }
    }

    /// Runs for `duration` of virtual time.
    public mutating func run(for duration: Duration) {
        run(until: now + duration)
    }

    /// Runs until `condition` holds (checked before every event) or no event is due by `limit`; true when
    /// the condition held.
    @discardableResult
    public mutating func run(until condition: (Simulator) -> Bool, limit: Instant) -> Bool {
        while !condition(self) {
            guard let next = nextKey(), next.instant <= limit, step() else {
                if !isStalled { now = max(now, limit) }
                return condition(self)
            }
        }
        return true
    }

    // MARK: Events

    private func nextKey() -> EventQueue<Event>.Key? {
        var best = queue.firstKey
        for host in hosts {
            if let key = host.timer?.key, best.map({ key < $0 }) ?? true { best = key }
        }
        return best
    }

    private mutating func handle(_ event: Event) {
        switch event {
        case .injected(let host, let datagram):
            record(host, "inject")
            transmit(datagram, from: host)
        case .leftUplink(let host, let datagram):
            route(datagram, from: host)
        case .arrived(let host, let datagram):
            record(host, "deliver \(Self.describe(datagram))")
            tap?(TapRecord(instant: now, host: host, point: .received, datagram: datagram))
            hosts[host.index].machine.receive(datagram, at: now)
            drain(host)
        case .bound(let host, let request, let addresses):
            record(host, "bound #\(request)")
            hosts[host.index].machine.socketsBound(request: request, addresses: addresses, at: now)
            drain(host)
        }
    }

    private mutating func fireTimer(_ host: HostID) {
        hosts[host.index].timer = nil
        record(host, "timer")
        hosts[host.index].machine.timeout(at: now)
        drain(host)
    }

    /// The machine contract's second and third steps: drain the outputs, then re-read the deadline.
    private mutating func drain(_ host: HostID) {
        while let output = hosts[host.index].machine.poll(at: now) {
            switch output {
            case .transmission(let datagram): transmit(datagram, from: host)
            case .sockets(let request): handleSocketRequest(request, from: host)
            case .other(let text): record(host, "output \(text)")
            }
        }
        let requested = hosts[host.index].machine.nextDeadline
        guard requested != hosts[host.index].timer?.requested else { return }
        hosts[host.index].timer = requested.map {
            Timer(requested: $0, key: .init(instant: max($0, now), sequence: queue.takeSequence()))
        }
    }

    // MARK: Sockets

    /// A machine's ``SansIO/SocketRequest``: a bind takes a new address per entry and answers with an
    /// event at this instant (after the outputs being drained, as a driver's bind completes later); a
    /// release gives the host's addresses up, so datagrams to them have no route any more.
    private mutating func handleSocketRequest(_ request: SocketRequest, from host: HostID) {
        switch request {
        case .bind(let id, let requested):
            let bound = requested.map { bindAddress($0, for: host) }
            record(host, "bind #\(id) \(bound.map { $0?.description ?? "-" }.joined(separator: ","))")
            queue.schedule(.bound(host, request: id, addresses: bound), at: now)
        case .release(let addresses):
            let realm = hosts[host.index].realm
            let owned = addresses.filter { hosts[host.index].addresses.contains($0) }
            hosts[host.index].addresses.removeAll { owned.contains($0) }
            for address in owned { realms[realm.index].owners[address] = nil }
            record(host, "release \(owned.map(\.description).joined(separator: ","))")
        }
    }

    /// A new address for `host` on the IP address of `requested`, which the host must already own one
    /// address on: the requested port when it is not 0 and free, else the next free dynamic port. Nil
    /// when the host has no such IP address or no port is free.
    private mutating func bindAddress(_ requested: TransportAddress, for host: HostID) -> TransportAddress? {
        let realm = hosts[host.index].realm
        guard hosts[host.index].addresses.contains(where: { $0.address == requested.address }) else { return nil }
        func isFree(_ address: TransportAddress) -> Bool {
            realms[realm.index].owners[address] == nil
                && (realm != .internet || realmsByPublicAddress[address.address] == nil)
        }
        var chosen: TransportAddress?
        if requested.port != 0, isFree(requested) {
            chosen = requested
        } else {
            for _ in 0..<Self.ephemeralPorts.count {
                let candidate = TransportAddress(requested.address, port: nextEphemeralPort)
                nextEphemeralPort = nextEphemeralPort == Self.ephemeralPorts.upperBound
                    ? Self.ephemeralPorts.lowerBound : nextEphemeralPort + 1
                if isFree(candidate) {
                    chosen = candidate
                    break
                }
            }
        }
        guard let chosen else { return nil }
        realms[realm.index].owners[chosen] = host
        hosts[host.index].addresses.append(chosen)
        return chosen
    }

    // MARK: The network

    private mutating func transmit(_ sent: Datagram, from host: HostID) {
        record(host, "send \(Self.describe(sent))")
        guard hosts[host.index].addresses.contains(sent.source) else {
            drop(sent, .sourceNotOwned, by: host, at: "host")
            return
        }
        let sighting = TapRecord(instant: now, host: host, point: .sent, datagram: sent)
        tap?(sighting)
        var datagram = sent
        if let fault {
            guard let altered = fault(sighting) else {
                drop(sent, .scripted, by: host, at: "host")
                return
            }
            if altered != sent { record(host, "alter \(Self.describe(altered))") }
            datagram = altered
        }
        let size = Link.packetSize(payloadCount: datagram.payload.count, isIPv6: datagram.destination.address.isIPv6)
        switch hosts[host.index].uplink.offer(packetSize: size, at: now) {
        case .dropped(let reason):
            record(host, "drop \(reason) uplink \(Self.describe(datagram))")
        case .delivered(let exits):
            for exit in exits {
                if exit.isDuplicate { record(host, "duplicate uplink") }
                if exit.isReordered { record(host, "hold uplink") }
                queue.schedule(.leftUplink(host, datagram), at: exit.instant)
            }
        }
    }

    /// Routing at the instant a datagram leaves its sender's uplink: within the realm, out through the
    /// realm's NAT (or back in through it, when hairpinning), then across the internet and in through the
    /// destination's NAT.
    private mutating func route(_ original: Datagram, from sender: HostID) {
        var datagram = original
        let realm = hosts[sender.index].realm
        if realm != .internet {
            if let owner = realms[realm.index].owners[datagram.destination] {
                enterDownlink(datagram, of: owner)
                return
            }
            guard let nat = realms[realm.index].nat else {
                drop(datagram, .noRoute, by: sender, at: realms[realm.index].name)
                return
            }
            let hairpin = datagram.destination.address == nat.configuration.publicAddress
            if hairpin, !nat.configuration.hairpinning {
                drop(datagram, .natNoHairpinning, by: sender, at: "nat:\(nat.name)")
                return
            }
            switch realms[realm.index].nat?.translateOutbound(from: datagram.source, to: datagram.destination, at: now) {
            case .translated(let external, let created):
                if created { record(sender, "nat \(nat.name) map \(datagram.source)>\(external) towards \(datagram.destination)") }
                datagram.source = external
            case .dropped(let reason):
                drop(datagram, reason, by: sender, at: "nat:\(nat.name)")
                return
            case nil:
                return
            }
            if hairpin {
                inbound(datagram, through: realm, by: sender)
                return
            }
        }
        if let owner = realms[0].owners[datagram.destination] {
            enterDownlink(datagram, of: owner)
        } else if let target = realmsByPublicAddress[datagram.destination.address] {
            inbound(datagram, through: target, by: sender)
        } else {
            drop(datagram, .noRoute, by: sender, at: "internet")
        }
    }

    /// Through a NAT from the internet side: filtering, then the destination rewritten to the mapping's owner.
    private mutating func inbound(_ original: Datagram, through realm: RealmID, by sender: HostID) {
        var datagram = original
        guard let verdict = realms[realm.index].nat?.translateInbound(from: datagram.source, toPort: datagram.destination.port, at: now)
        else { return }
        switch verdict {
        case .dropped(let reason):
            drop(datagram, reason, by: sender, at: "nat:\(realms[realm.index].name)")
        case .translated(let internalAddress):
            datagram.destination = internalAddress
            guard let owner = realms[realm.index].owners[internalAddress] else {
                drop(datagram, .noRoute, by: sender, at: realms[realm.index].name)
                return
            }
            enterDownlink(datagram, of: owner)
        }
    }

    private mutating func enterDownlink(_ datagram: Datagram, of host: HostID) {
        let size = Link.packetSize(payloadCount: datagram.payload.count, isIPv6: datagram.destination.address.isIPv6)
        switch hosts[host.index].downlink.offer(packetSize: size, at: now) {
        case .dropped(let reason):
            record(host, "drop \(reason) downlink \(Self.describe(datagram))")
        case .delivered(let exits):
            for exit in exits {
                if exit.isDuplicate { record(host, "duplicate downlink") }
                if exit.isReordered { record(host, "hold downlink") }
                queue.schedule(.arrived(host, datagram), at: exit.instant)
            }
        }
    }

    private mutating func drop(_ datagram: Datagram, _ reason: DropReason, by host: HostID, at place: String) {
        routingDrops[reason, default: 0] += 1
        record(host, "drop \(reason) \(place) \(Self.describe(datagram))")
    }

    // MARK: Trace

    private mutating func record(_ host: HostID, _ event: String) {
        record(hosts[host.index].name, event)
    }

    private mutating func record(_ subject: String, _ event: String) {
        trace.record("\(Trace.format(now)) \(subject) \(event)")
    }

    /// `source>destination len=N sum=xxxxxxxx`: the checksum (FNV-1a, 32 bits) makes the trace hash depend
    /// on payloads too.
    private static func describe(_ datagram: Datagram) -> String {
        var sum: UInt32 = 0x811C_9DC5
        for byte in datagram.payload { sum = (sum ^ UInt32(byte)) &* 0x0100_0193 }
        let digits = String(sum, radix: 16)
        return "\(datagram.source)>\(datagram.destination) len=\(datagram.payload.count) sum=\(String(repeating: "0", count: 8 - digits.count))\(digits)"
    }
}

/// A datagram seen by ``Simulator/tap``.
public struct TapRecord: Hashable, Sendable {
    public enum Point: String, Hashable, Sendable {
        /// Put on the host's uplink, addresses as the machine wrote them.
        case sent
        /// Handed to the host's machine, addresses as it sees them.
        case received
    }

    public var instant: Instant
    public var host: HostID
    public var point: Point
    public var datagram: Datagram
}
