/// Why an `SRTPTransport` dropped a packet instead of passing it on. Every refusal has exactly one.
///
/// Nothing that guards security is tolerated (DESIGN §1.7): a packet with any of these reasons is gone,
/// and none of its bytes, decrypted or not, reach the caller.
public enum SRTPDropReason: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Too short for its header, index and tag, not RTP version 2 (RFC 3550 §5.1), or otherwise of a
    /// shape libsrtp refuses before any cryptography.
    case malformed
    /// The tag did not verify (RFC 3711 §3.3 step 5, RFC 7714 §9.2): wrong keys, or altered bytes,
    /// including an altered SRTCP E flag or index, which the tag covers (RFC 3711 §3.4).
    case authenticationFailed
    /// Inbound: the index was seen before or is older than the replay window (RFC 3711 §3.3.2).
    /// Outbound: the index was protected before; libsrtp refuses that while `allow_repeat_tx` is off.
    case replayed
    /// The SSRC is not one of those the caller said to expect (`SRTPTransport.expectedSSRCs`).
    case unknownSSRC
    /// A new SSRC arrived while the transport already tracked its bound of inbound streams.
    case tooManyStreams
    /// The master key protected as many packets as it may (RFC 3711 §9.2); only new keys help.
    case keyExpired
    /// libsrtp failed for a reason none of the above names.
    case libraryFailure

    public var description: String { rawValue }

    /// The reason for an `SRTPError` from a session.
    init(_ error: SRTPError) {
        switch error {
        case .authenticationFailed: self = .authenticationFailed
        case .replayed: self = .replayed
        case .malformedPacket: self = .malformed
        // The only key error a session raises while running is libsrtp's key_expired.
        case .badKey: self = .keyExpired
        case .unsupportedProfile, .libraryFailure: self = .libraryFailure
        }
    }
}

/// Whether a packet is RTP or RTCP: SRTP and SRTCP differ in header, index and tag (RFC 3711 §3.1, §3.4).
public enum SRTPPacketKind: String, Hashable, Sendable, CaseIterable {
    case rtp
    case rtcp
}

/// One packet an `SRTPTransport` refused, as the error its methods throw.
public struct SRTPDrop: Error, Hashable, Sendable, CustomStringConvertible {
    public let reason: SRTPDropReason
    public let kind: SRTPPacketKind
    /// The SSRC the packet named (RTP header bytes 8–11, RTCP bytes 4–7), nil when too short to name one.
    public let ssrc: UInt32?

    public init(reason: SRTPDropReason, kind: SRTPPacketKind, ssrc: UInt32?) {
        self.reason = reason
        self.kind = kind
        self.ssrc = ssrc
    }

    public var description: String {
        let source = ssrc.map { " from SSRC 0x\(String($0, radix: 16))" } ?? ""
        return "\(kind == .rtp ? "SRTP" : "SRTCP") packet\(source) dropped: \(reason)"
    }
}

/// What an `SRTPTransport` did: packets and bytes through each way, RTP and RTCP apart, and every drop
/// by its reason. A plain value; the transport hands out copies.
public struct SRTPStatistics: Hashable, Sendable {
    /// Counts of one kind of packet going one way.
    public struct Flow: Hashable, Sendable {
        /// Packets protected (outbound) or verified and decrypted (inbound).
        public var packets = 0
        /// Their bytes as they are on the wire: SRTP and SRTCP packets, with index and tag.
        public var bytes = 0
        /// Packets refused, by reason.
        public var dropped = DropCounts()

        public init() {}
    }

    /// One counter per `SRTPDropReason`.
    public struct DropCounts: Hashable, Sendable {
        private var counts = [Int](repeating: 0, count: SRTPDropReason.allCases.count)

        public init() {}

        public subscript(reason: SRTPDropReason) -> Int {
            get { counts[Self.slot(reason)] }
            set { counts[Self.slot(reason)] = newValue }
        }

        /// Packets refused for any reason.
        public var total: Int { counts.reduce(0, +) }

        private static func slot(_ reason: SRTPDropReason) -> Int {
            // allCases lists every case, so the index exists.
            SRTPDropReason.allCases.firstIndex(of: reason) ?? 0
        }
    }

    /// RTP and RTCP going one way.
    public struct Direction: Hashable, Sendable {
        public var rtp = Flow()
        public var rtcp = Flow()

        public init() {}

        public subscript(kind: SRTPPacketKind) -> Flow {
            get { kind == .rtp ? rtp : rtcp }
            set { if kind == .rtp { rtp = newValue } else { rtcp = newValue } }
        }
    }

    /// What we protected and sent (or refused to protect).
    public var outbound = Direction()
    /// What we received: unprotected, or dropped.
    public var inbound = Direction()

    public init() {}
}
