public import SDP
public import Wire

/// The four candidate types of RFC 8445 §5.1.1, with their recommended type preferences (§5.1.2.2).
public enum ICECandidateKind: String, Hashable, Sendable, CaseIterable {
    case host, serverReflexive, peerReflexive, relayed

    /// Recommended type preference (RFC 8445 §5.1.2.2): host 126, peer-reflexive 110,
    /// server-reflexive 100, relayed 0.
    public var typePreference: UInt32 {
        switch self {
        case .host: 126
        case .peerReflexive: 110
        case .serverReflexive: 100
        case .relayed: 0
        }
    }

    /// The SDP `typ` token (RFC 8839 §5.1).
    public var sdpType: CandidateType {
        switch self {
        case .host: .host
        case .serverReflexive: .srflx
        case .peerReflexive: .prflx
        case .relayed: .relay
        }
    }

    public init?(_ type: CandidateType) {
        switch type {
        case .host: self = .host
        case .srflx: self = .serverReflexive
        case .prflx: self = .peerReflexive
        case .relay: self = .relayed
        case .other: return nil
        }
    }
}

/// An ICE candidate of a single-component UDP data stream (WebRTC with BUNDLE and rtcp-mux uses only
/// component 1; other components are refused on input, RFC 8843/8858).
public struct ICECandidate: Hashable, Sendable, CustomStringConvertible {
    public var kind: ICECandidateKind
    /// The address a peer sends to.
    public var address: TransportAddress
    /// Where the agent sends from for this candidate (RFC 8445 §5.1.1): the host address for host and
    /// reflexive candidates, the relayed address itself for relayed ones. For remote candidates, the address.
    public var base: TransportAddress
    public var priority: UInt32
    public var foundation: String
    public var component: UInt16
    /// `raddr`/`rport`: the base for reflexive candidates, the mapped address for relayed ones.
    public var relatedAddress: TransportAddress?

    public init(
        kind: ICECandidateKind, address: TransportAddress, base: TransportAddress? = nil, priority: UInt32,
        foundation: String, component: UInt16 = 1, relatedAddress: TransportAddress? = nil
    ) {
        self.kind = kind
        self.address = address
        self.base = base ?? address
        self.priority = priority
        self.foundation = foundation
        self.component = component
        self.relatedAddress = relatedAddress
    }

    /// RFC 8445 §5.1.2.1: `2^24·type preference + 2^8·local preference + (256 − component ID)`.
    /// Inputs outside their ranges (type preference 0–126, local preference 0–65535, component 1–256)
    /// are clamped, so the result is always a valid 31-bit priority.
    public static func priority(typePreference: UInt32, localPreference: UInt32, component: UInt16 = 1) -> UInt32 {
        let type = min(typePreference, 126)
        let local = min(localPreference, 65_535)
        let componentTerm = 256 - UInt32(min(max(component, 1), 256))
        return type << 24 | local << 8 | componentTerm
    }

    /// The foundation (RFC 8445 §5.1.1.3): equal for candidates of the same type, base IP address,
    /// STUN/TURN server IP address and transport, different otherwise. It is the decimal CRC-32 of those
    /// four facts, so it needs no table, is stable across restarts, and is 1–10 `ice-char`s.
    public static func foundation(kind: ICECandidateKind, baseAddress: IPAddress, server: IPAddress?, transport: String = "udp") -> String {
        let key = "\(kind.rawValue)|\(baseAddress)|\(server.map { "\($0)" } ?? "-")|\(transport.lowercased())"
        return String(CRC32.checksum(Array(key.utf8)))
    }

    /// The local preference of a candidate's base: 65535 for the best, lower for later ones.
    var localPreference: UInt32 { (priority >> 8) & 0xFFFF }

    /// The candidate in the SDP model, for `a=candidate` or trickle (RFC 8839 §5.1).
    public var sdpCandidate: Candidate {
        Candidate(
            foundation: foundation, component: component, transport: "udp", priority: priority,
            address: "\(address.address)", port: address.port, type: kind.sdpType,
            relatedAddress: relatedAddress.map { "\($0.address)" }, relatedPort: relatedAddress?.port)
    }

    /// A remote candidate from the SDP model; nil when it cannot be used here: not UDP, not component 1,
    /// an FQDN (mDNS names need a resolver the machine does not have), or an unknown type.
    public init?(remote candidate: Candidate) {
        guard candidate.transport.lowercased() == "udp", candidate.component == 1,
            let ip = IPAddress(candidate.address), let kind = ICECandidateKind(candidate.type),
            candidate.priority >= 1, candidate.priority <= Candidate.maximumPriority
        else { return nil }
        var related: TransportAddress? = nil
        if let text = candidate.relatedAddress, let relatedIP = IPAddress(text) {
            related = TransportAddress(relatedIP, port: candidate.relatedPort ?? 0)
        }
        let address = TransportAddress(ip, port: candidate.port)
        self.init(kind: kind, address: address, priority: candidate.priority, foundation: candidate.foundation,
                  relatedAddress: related)
    }

    /// `host 127.0.0.1:5000 (2130706431)`.
    public var description: String { "\(kind.rawValue) \(address) (\(priority))" }
}

/// RFC 8421 §4: local preferences for host addresses that favour IPv6 but interleave the families, so
/// a broken IPv6 path costs one pacing slot, not all of them. Returns one preference per address, in order.
func hostLocalPreferences(_ addresses: [TransportAddress]) -> [UInt32] {
    let v6 = addresses.indices.filter { addresses[$0].address.isIPv6 }
    let v4 = addresses.indices.filter { !addresses[$0].address.isIPv6 }
    var order: [Int] = []
    for index in 0..<max(v6.count, v4.count) {
        if index < v6.count { order.append(v6[index]) }
        if index < v4.count { order.append(v4[index]) }
    }
    var preferences = [UInt32](repeating: 0, count: addresses.count)
    for (rank, index) in order.enumerated() { preferences[index] = UInt32(max(0, 65_535 - rank)) }
    return preferences
}

/// Removes redundant candidates (RFC 8445 §5.1.3): a candidate whose transport address and base equal
/// those of a candidate with a higher priority (earlier, on ties) is dropped.
public func pruneRedundantCandidates(_ candidates: [ICECandidate]) -> [ICECandidate] {
    var kept: [ICECandidate] = []
    for candidate in candidates.sorted(by: { $0.priority > $1.priority }) {
        if !kept.contains(where: { $0.address == candidate.address && $0.base == candidate.base }) {
            kept.append(candidate)
        }
    }
    return kept
}
