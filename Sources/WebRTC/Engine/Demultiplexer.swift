/// What a datagram on the bundled transport carries, by its first byte (RFC 7983 §7, as updated by
/// RFC 9443 §3 for TURN channels).
enum PacketClass: Hashable, Sendable {
    /// 0–3.
    case stun
    /// 20–63.
    case dtls
    /// 64–79.
    case turnChannel
    /// 128–191: RTP and RTCP (told apart by the payload type, RFC 5761 §4).
    case rtp
    /// Anything else, or an empty datagram: dropped.
    case unknown

    init(firstByte: UInt8?) {
        switch firstByte {
        case .some(0...3): self = .stun
        case .some(20...63): self = .dtls
        case .some(64...79): self = .turnChannel
        case .some(128...191): self = .rtp
        default: self = .unknown
        }
    }
}
