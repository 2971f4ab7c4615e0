/// The rules for packets that are recognised but are not the STUN, DTLS and RTP that WebRTC speaks:
/// RFC 3489 messages and vendors' own variants. They are reported instead of the codec's refusal, so a
/// reader learns what the bytes are rather than that they are broken.
public enum ClassificationRules {
    /// RFC 3489 §11.1 had no magic cookie; RFC 8489 §5 put it in the first 32 bits of the transaction
    /// ID, and §12 is how a receiver tells the two apart. ICE's checks (RFC 8445 §7) are RFC 5389/8489 STUN.
    public static let stunClassic = ReplayRule(
        id: "STUN.classic", reference: "RFC 3489 §11.1, RFC 8489 §5, §12", severity: .warning,
        summary: "STUN messages carry the magic cookie 0x2112A442 (an RFC 3489 message has none)")
    /// Zoom's SFU encapsulation on its media ports: not STUN, DTLS, RTP or RTCP (RFC 7983 §7).
    public static let zoom = ReplayRule(
        id: "Vendor.zoom", reference: "RFC 7983 §7", severity: .warning,
        summary: "datagrams on a WebRTC 5-tuple are standard STUN, DTLS, TURN or RTP (Zoom's SFU encapsulation is none)")
    /// WhatsApp's STUN-framed messages: methods outside the IANA registry and comprehension-required
    /// attributes no standard receiver knows (RFC 8489 §6.3.1, §18.2–18.3); and its relay's own packets
    /// in the ChannelData and RTCP ranges: an ASCII health check and a type-199 packet that is not SRTCP
    /// (RFC 7983 §7, RFC 3711 §3.4).
    public static let whatsApp = ReplayRule(
        id: "Vendor.whatsapp", reference: "RFC 8489 §6.3.1, §18.2, §18.3; RFC 7983 §7", severity: .warning,
        summary: "STUN methods and comprehension-required attributes are registered ones, datagrams are STUN, TURN or SRTP (WhatsApp's are not)")
    /// Discord's UDP voice messages that share the STUN and ZRTP ranges: IP discovery without the magic
    /// cookie and a 0x1337CAFE keep-alive (RFC 7983 §7, RFC 8489 §5).
    public static let discord = ReplayRule(
        id: "Vendor.discord", reference: "RFC 7983 §7, RFC 8489 §5", severity: .warning,
        summary: "datagrams in the STUN range are RFC 8489 STUN (Discord's IP discovery and keep-alive are not)")

    /// Microsoft's TURN ([MS-TURN], Teams and Skype for Business): STUN messages with its MS-VERSION
    /// attribute and the old TURN MAGIC-COOKIE attribute, whose attributes are not padded to a multiple
    /// of four bytes as RFC 8489 §14 requires; and STUN behind a 12-byte header of Microsoft's own, whose
    /// first byte (255) RFC 7983 §7 puts in no range.
    public static let microsoft = ReplayRule(
        id: "Vendor.microsoft", reference: "RFC 8489 §5, §14; RFC 7983 §7; [MS-TURN] §2.2", severity: .warning,
        summary: "STUN attributes are padded to a multiple of 4 bytes and STUN starts the datagram (Microsoft's MS-TURN messages and relays' wrapped STUN do not)")

    /// In catalogue order.
    public static let rules = [stunClassic, zoom, whatsApp, discord, microsoft]
}
