public import ICE
public import Wire

/// A STUN or TURN server (W3C `RTCIceServer`). URLs name IP literals (`stun:127.0.0.1:3478`,
/// `turn:[::1]:3478?transport=udp`): the engine resolves no names.
public struct IceServer: Hashable, Sendable {
    public var urls: [String]
    public var username: String?
    public var credential: String?

    public init(urls: [String], username: String? = nil, credential: String? = nil) {
        self.urls = urls
        self.username = username
        self.credential = credential
    }
}

/// W3C `RTCBundlePolicy`. The engine always bundles everything on one transport (RFC 8843
/// max-bundle); the other policies are accepted and behave as max-bundle, which every current browser
/// answers to.
public enum BundlePolicy: String, Hashable, Sendable, CaseIterable {
    case balanced, maxCompat = "max-compat", maxBundle = "max-bundle"
}

/// W3C `RTCRtcpMuxPolicy`: only `require` exists today (RFC 8829 §4.1.1).
public enum RtcpMuxPolicy: String, Hashable, Sendable, CaseIterable {
    case require
}

/// How one peer connection is set up (Ktor's `WebRtcConnectionConfig`, W3C `RTCConfiguration`).
public struct ConnectionConfiguration: Sendable {
    public var iceServers: [IceServer] = []
    public var iceTransportPolicy: IceTransportPolicy = .all
    public var bundlePolicy: BundlePolicy = .maxBundle
    public var rtcpMuxPolicy: RtcpMuxPolicy = .require
    /// W3C `iceCandidatePoolSize`: with a pool, gathering starts when the connection is made instead
    /// of at the first `setLocalDescription`.
    public var iceCandidatePoolSize = 0
    /// How often the `stats` sequence yields a report.
    public var statsRefreshRate: Duration = .seconds(1)
    /// Local addresses to bind and gather host candidates on (port 0: any free port): the allow-list of
    /// DESIGN §6, loopback by default. Each must be an address of one of the machine's interfaces, or
    /// `createPeerConnection` throws `.driver(.notLocal(…))` on the native engine; once one is not loopback,
    /// datagrams may go to any address (see ``NativeEngine``).
    public var localAddresses: [TransportAddress] = [TransportAddress(.loopbackV4, port: 0)]
    public var nomination: NominationMode = .regular
    /// Our `a=max-message-size` (RFC 8841 §6).
    public var maxMessageSize = 262_144
    /// Record the session's datagrams and key log.
    public var recording: Recording?
    /// Emit the DTLS key log (implied by `recording`).
    public var keyLog = false
    /// Offer SCTP zero checksum (RFC 9653).
    public var sctpZeroChecksum = false
    /// How long awaiting calls (`receive`, `awaitIceGatheringComplete`…) wait at most.
    public var operationTimeout: Duration = .seconds(30)
    /// Seeds the machine's random choices; nil draws one.
    public var seed: UInt64?

    public init() {}

    /// The machine's configuration; throws for server URLs the engine cannot use.
    func engineConfiguration(seed: UInt64) throws(WebRTCError) -> EngineConfiguration {
        var stun: [TransportAddress] = []
        var turn: [TURNServerConfiguration] = []
        for server in iceServers {
            for url in server.urls {
                switch try IceServerURL(url) {
                case .stun(let address):
                    stun.append(address)
                case .turn(let address):
                    guard let username = server.username, let credential = server.credential else {
                        throw .invalidState("\(url) needs a username and a credential (W3C InvalidAccessError)")
                    }
                    turn.append(TURNServerConfiguration(address: address, username: username, password: credential))
                }
            }
        }
        return EngineConfiguration(
            hostAddresses: localAddresses, stunServers: stun, turnServers: turn, iceTransportPolicy: iceTransportPolicy,
            nomination: nomination, maxMessageSize: maxMessageSize, keyLog: keyLog || recording != nil,
            sctpZeroChecksum: sctpZeroChecksum, seed: seed)
    }
}

/// A `stun:` or `turn:` URL (RFC 7064, RFC 7065) with an IP literal host; TCP and TLS transports are
/// not supported.
enum IceServerURL: Hashable {
    case stun(TransportAddress)
    case turn(TransportAddress)

    init(_ url: String) throws(WebRTCError) {
        let (scheme, rest) = url.split(separator: ":", maxSplits: 1).map(String.init).pair
        var hostPort = rest
        if let query = hostPort.firstIndex(of: "?") {
            let parameters = hostPort[hostPort.index(after: query)...]
            guard parameters == "transport=udp" else {
                throw .operationError("\(url): only UDP is supported (transport=udp)")
            }
            hostPort = String(hostPort[..<query])
        }
        let defaultPort: UInt16 = scheme == "turns" || scheme == "stuns" ? 5349 : 3478
        let address = TransportAddress(hostPort) ?? IPAddress(hostPort.trimmingBrackets).map { TransportAddress($0, port: defaultPort) }
        guard let address else {
            throw .operationError("\(url): the host must be an IP literal with an optional port")
        }
        switch scheme {
        case "stun": self = .stun(address)
        case "turn": self = .turn(address)
        default: throw .operationError("\(url): the scheme must be stun: or turn:")
        }
    }
}

private extension Array where Element == String {
    var pair: (String, String) { (first ?? "", count > 1 ? self[1] : "") }
}

private extension String {
    var trimmingBrackets: String {
        hasPrefix("[") && hasSuffix("]") ? String(dropFirst().dropLast()) : self
    }
}
