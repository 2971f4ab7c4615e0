/// Which protocol a datagram on a WebRTC 5-tuple carries, from its first byte (RFC 7983 §7, as updated
/// by RFC 9443 §4 for TURN channels and QUIC).
public enum PacketFamily: String, Hashable, Sendable, CaseIterable {
    /// 0–3: STUN (RFC 8489).
    case stun
    /// 16–19: ZRTP (RFC 6189); not used by WebRTC, so a finding when seen.
    case zrtp
    /// 20–63: DTLS (RFC 6347, 9147).
    case dtls
    /// 64–79: TURN ChannelData (RFC 8656 §12).
    case turnChannel = "turn-channel"
    /// 128–191: RTP and RTCP (RFC 3550; RFC 5761 tells them apart by payload type).
    case rtp
    /// Anything else (empty datagrams included): RFC 7983 says drop it.
    case unknown

    /// The family of a datagram that starts with `firstByte`.
    public init(firstByte: UInt8) {
        switch firstByte {
        case 0...3: self = .stun
        case 16...19: self = .zrtp
        case 20...63: self = .dtls
        case 64...79: self = .turnChannel
        case 128...191: self = .rtp
        default: self = .unknown
        }
    }

    /// The family of a datagram.
    public init<Bytes: Collection>(datagram: Bytes) where Bytes.Element == UInt8 {
        guard let first = datagram.first else {
            self = .unknown
            return
        }
        self.init(firstByte: first)
    }
}
