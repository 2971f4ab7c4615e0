import NIOCore
public import Wire

/// Which IP addresses a driver may use: the allow-list of DESIGN §6 (tests and tools stay on loopback
/// unless told otherwise).
public enum AddressPolicy: Hashable, Sendable {
    /// 127.0.0.0/8 and ::1 only: the default.
    case loopbackOnly
    /// Exactly these addresses.
    case only(Set<IPAddress>)
    /// Any address: for a deployment that means it.
    case any

    /// Whether `address` is on the list.
    public func allows(_ address: IPAddress) -> Bool {
        switch self {
        case .loopbackOnly: address.isLoopback
        case .only(let addresses): addresses.contains(address)
        case .any: true
        }
    }
}

/// What a ``UDPDriver`` binds and where it may send.
public struct UDPDriverConfiguration: Sendable {
    /// The local addresses to bind, one datagram channel each; port 0 asks the system for a free port
    /// (``UDPDriver/boundAddresses`` reports which).
    public var localAddresses: [TransportAddress]
    /// Which local addresses may be bound; any other makes ``UDPDriver/start(configuration:group:makeMachine:)``
    /// throw before anything is bound.
    public var localPolicy: AddressPolicy
    /// Which destinations datagrams may go to; a transmission elsewhere is dropped and counted.
    public var remotePolicy: AddressPolicy
    /// A pcapng file that receives every datagram in and out, written as it goes; nil for none.
    public var recordingPath: String?

    public init(
        localAddresses: [TransportAddress], localPolicy: AddressPolicy = .loopbackOnly,
        remotePolicy: AddressPolicy = .loopbackOnly, recordingPath: String? = nil
    ) {
        self.localAddresses = localAddresses
        self.localPolicy = localPolicy
        self.remotePolicy = remotePolicy
        self.recordingPath = recordingPath
    }
}

/// Why a driver could not start.
public enum UDPDriverError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The configuration lists no local address.
    case noLocalAddresses
    /// A local address is not on the allow-list (``UDPDriverConfiguration/localPolicy``).
    case addressNotAllowed(TransportAddress)
    /// A local address belongs to none of this machine's interfaces (or is the wildcard address, which
    /// names no interface an ICE candidate could carry); `available` lists the addresses it has.
    case notLocal(TransportAddress, available: [IPAddress])
    /// The system refused to bind the address.
    case bindFailed(TransportAddress, String)
    /// The recording file cannot be created or written.
    case recording(String)

    public var description: String {
        switch self {
        case .noLocalAddresses: "no local address to bind"
        case .addressNotAllowed(let address): "\(address) is not on the allow-list"
        case .notLocal(let address, let available):
            "\(address.address) is not an address of this machine (its addresses: "
                + (available.isEmpty ? "none found" : available.map(\.description).joined(separator: ", ")) + ")"
        case .bindFailed(let address, let reason): "cannot bind \(address): \(reason)"
        case .recording(let reason): "recording: \(reason)"
        }
    }
}

/// What a driver carried and what it dropped.
public struct UDPDriverCounters: Hashable, Sendable {
    /// Datagrams received and handed to the machine.
    public var received = 0
    /// Datagrams sent.
    public var sent = 0
    /// Transmissions whose source is no bound address.
    public var droppedNoChannel = 0
    /// Transmissions to a destination the remote policy refuses.
    public var droppedDestination = 0
    /// Datagrams that arrived before the machine was installed or after the driver stopped.
    public var droppedNotRunning = 0
    /// Sends the system reported as failed.
    public var sendErrors = 0
    /// Sockets the machine asked for that could not be bound (or that the allow-list refused).
    public var bindFailures = 0

    public init() {}
}

/// The addresses of this machine's network interfaces, which are the only ones a driver can bind.
public enum LocalInterfaces {
    /// Every address of every interface (loopback included), in the system's order, without duplicates.
    public static func addresses() -> [IPAddress] {
        var found: [IPAddress] = []
        for device in (try? System.enumerateDevices()) ?? [] {
            guard let text = device.address?.ipAddress, let address = IPAddress(text), !found.contains(address) else { continue }
            found.append(address)
        }
        return found
    }

    /// Throws ``UDPDriverError/notLocal(_:available:)`` for the first of `addresses` that no interface
    /// holds. Loopback addresses (127.0.0.0/8, ::1) always pass: the kernel routes all of 127/8 to `lo`.
    public static func check(_ addresses: [TransportAddress]) throws(UDPDriverError) {
        var available: [IPAddress]?
        for requested in addresses where !requested.address.isLoopback {
            let local = available ?? Self.addresses()
            available = local
            guard local.contains(requested.address) else { throw .notLocal(requested, available: local) }
        }
    }
}
