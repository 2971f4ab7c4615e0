import STUN

/// A vendor's own packet where WebRTC expects STUN, DTLS or RTP, recognised by its bytes (and, for
/// Zoom, its port), so that it is reported as that vendor's deviation rather than as broken STUN or an
/// unexpected first byte.
///
/// What each recogniser looks at was read off real captures (Zoom, WhatsApp and Discord calls); none
/// of these formats is published, so the checks are the structure the captures share and nothing more.
public enum VendorVariant: Hashable, Sendable, CustomStringConvertible {
    /// Zoom's SFU encapsulation on its media ports, UDP 8801–8810: an 8-byte header whose first byte
    /// (1–5) is the packet type, then Zoom's own payload (type 5 wraps its media).
    case zoomSFU(type: UInt8)
    /// A WhatsApp message framed as STUN (magic cookie, correct length) whose method is outside the
    /// IANA registry: wire types 0x0800–0x08FF, whose first byte RFC 7983 §7 puts in no range.
    case whatsAppMethod(type: UInt16)
    /// A STUN message of a registered method carrying WhatsApp's comprehension-required attributes
    /// 0x4000–0x40FF, which a standard receiver must refuse (RFC 8489 §6.3.1: 420 Unknown Attribute).
    case whatsAppAttributes(types: [UInt16])
    /// WhatsApp's relay health check: the ASCII text `health`, answered `OK`. The answer's first byte
    /// (0x4F) is in the TURN ChannelData range, but two bytes cannot hold a ChannelData header.
    case whatsAppHealthCheck(response: Bool)
    /// WhatsApp's 20-byte RTCP-framed packet: version 2, packet type 199 (unassigned, RFC 3550 §12.1),
    /// a length word of 2 (12 bytes), then 8 more bytes that are neither an RTCP packet nor an SRTCP
    /// trailer (RFC 3711 §3.4 needs a 4-byte index and a 10-byte tag).
    case whatsAppRTCP
    /// Discord's IP discovery: 74 bytes, type 1 (request) or 2 (response), length 70, then an SSRC, a
    /// 64-byte address and a port; no magic cookie, and the length is not a multiple of 4.
    case discordIPDiscovery(response: Bool)
    /// Discord's keep-alive: 0x1337CAFE and a 4-byte counter, whose first byte falls in the ZRTP range.
    case discordKeepAlive
    /// A STUN message carrying Microsoft's MS-TURN attributes: MS-VERSION (0x8008) or the old TURN
    /// MAGIC-COOKIE attribute (0x000F, value 0x72C64BC6), seen from Teams' relays.
    case microsoftTURN
    /// A STUN message behind a 12-byte Microsoft header (seen from Teams' media relays on UDP 3479 and
    /// 3480): 0xFF, a byte, the length of the rest after these four bytes, 8 bytes of Microsoft's own, then
    /// a STUN message with the magic cookie that runs to the datagram's end. First byte 255 is in no
    /// RFC 7983 range.
    case microsoftWrappedSTUN

    /// The vendor whose bytes these are.
    public var vendor: String {
        switch self {
        case .zoomSFU: "Zoom"
        case .whatsAppMethod, .whatsAppAttributes, .whatsAppHealthCheck, .whatsAppRTCP: "WhatsApp"
        case .discordIPDiscovery, .discordKeepAlive: "Discord"
        case .microsoftTURN, .microsoftWrappedSTUN: "Microsoft"
        }
    }

    /// The rule the packet is reported under.
    public var rule: ReplayRule {
        switch self {
        case .zoomSFU: ClassificationRules.zoom
        case .whatsAppMethod, .whatsAppAttributes, .whatsAppHealthCheck, .whatsAppRTCP: ClassificationRules.whatsApp
        case .discordIPDiscovery, .discordKeepAlive: ClassificationRules.discord
        case .microsoftTURN, .microsoftWrappedSTUN: ClassificationRules.microsoft
        }
    }

    /// Whether the packet is otherwise a standard message that the codec and the stateful rules should
    /// still see (only the vendor's attributes are foreign).
    public var isOtherwiseStandard: Bool {
        switch self {
        case .whatsAppAttributes, .microsoftTURN: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .zoomSFU(let type): "Zoom SFU encapsulation, packet type \(type)"
        case .whatsAppMethod(let type): "WhatsApp STUN-framed message of type 0x\(hex(type)) (method outside the IANA registry)"
        case .whatsAppAttributes(let types):
            "STUN message with WhatsApp's comprehension-required attribute(s) " + types.map { "0x" + hex($0) }.joined(separator: ", ")
        case .discordIPDiscovery(let response): "Discord IP discovery \(response ? "response" : "request") (74 bytes, no magic cookie)"
        case .discordKeepAlive: "Discord keep-alive (0x1337CAFE)"
        case .whatsAppHealthCheck(let response): "WhatsApp relay health check \(response ? "answer \"OK\"" : "\"health\"") (ASCII, not STUN or ChannelData)"
        case .whatsAppRTCP: "WhatsApp RTCP-framed packet of type 199 with an 8-byte trailer (not SRTCP: no index and tag)"
        case .microsoftTURN: "STUN message with Microsoft's MS-TURN attributes (MS-VERSION / MAGIC-COOKIE)"
        case .microsoftWrappedSTUN: "STUN message behind Microsoft's 12-byte header (first byte 255)"
        }
    }

    /// The vendor variant `payload` is, or nil. `flow` gives the ports; without it, Zoom (which only
    /// its port tells) is not recognised.
    public static func recognise(_ payload: [UInt8], flow: Flow? = nil) -> VendorVariant? {
        if let discord = discord(payload) { return discord }
        if let whatsApp = whatsApp(payload) { return whatsApp }
        if isMicrosoftTURN(payload) { return .microsoftTURN }
        if isMicrosoftWrappedSTUN(payload) { return .microsoftWrappedSTUN }
        if let flow, isZoomMediaPort(flow), isZoomSFUShaped(payload) { return .zoomSFU(type: payload[0]) }
        return nil
    }

    /// Zoom's documented media ports for its clients, UDP 8801–8810.
    static func isZoomMediaPort(_ flow: Flow) -> Bool {
        (8801...8810).contains(flow.a.port) || (8801...8810).contains(flow.b.port)
    }

    /// First byte 1–5 and more than the 8-byte header, and neither RFC 8489 nor RFC 3489 STUN (Zoom's
    /// web client sends standard ICE on the same port). Types 1 and 2 have a zero second byte.
    static func isZoomSFUShaped(_ payload: [UInt8]) -> Bool {
        guard payload.count > 8, (1...5).contains(payload[0]) else { return false }
        if payload[0] <= 2, payload[1] != 0 { return false }
        return !STUNMessage.looksLikeSTUN(payload) && ClassicSTUNMessage.recognise(payload) == nil
    }

    private static func discord(_ payload: [UInt8]) -> VendorVariant? {
        if payload.count == 8, payload.starts(with: [0x13, 0x37, 0xCA, 0xFE]) { return .discordKeepAlive }
        guard payload.count == 74, payload[0] == 0, payload[2] == 0, payload[3] == 70 else { return nil }
        switch payload[1] {
        case 1: return .discordIPDiscovery(response: false)
        case 2: return .discordIPDiscovery(response: true)
        default: return nil
        }
    }

    /// STUN framing (magic cookie, length to the end) whose first attributes include MS-VERSION or the
    /// MAGIC-COOKIE attribute. Only attributes before the first one that breaks RFC 8489's padding are
    /// read, which is where Microsoft's relays put these two.
    private static func isMicrosoftTURN(_ payload: [UInt8]) -> Bool {
        guard payload.count >= STUNMessage.headerLength + 8, payload[0] & 0xC0 == 0,
            payload[4] == 0x21, payload[5] == 0x12, payload[6] == 0xA4, payload[7] == 0x42,
            Int(payload[2]) << 8 | Int(payload[3]) == payload.count - STUNMessage.headerLength
        else { return false }
        var offset = STUNMessage.headerLength
        while payload.count - offset >= 4 {
            let attribute = UInt16(payload[offset]) << 8 | UInt16(payload[offset + 1])
            let length = Int(payload[offset + 2]) << 8 | Int(payload[offset + 3])
            if attribute == 0x8008 { return true }
            if attribute == 0x000F, length == 4, payload.count - offset >= 8,
                Array(payload[(offset + 4)..<(offset + 8)]) == [0x72, 0xC6, 0x4B, 0xC6]
            {
                return true
            }
            guard length % 4 == 0 else { return false }
            offset += 4 + length
        }
        return false
    }

    /// 0xFF, the length of what follows the first four bytes, and STUN framing from offset 12.
    private static func isMicrosoftWrappedSTUN(_ payload: [UInt8]) -> Bool {
        let stun = 12
        guard payload.count >= stun + STUNMessage.headerLength, payload[0] == 0xFF,
            Int(payload[2]) << 8 | Int(payload[3]) == payload.count - 4
        else { return false }
        return payload[stun] & 0xC0 == 0 && payload[(stun + 4)..<(stun + 8)].elementsEqual([0x21, 0x12, 0xA4, 0x42])
            && Int(payload[stun + 2]) << 8 | Int(payload[stun + 3]) == payload.count - stun - STUNMessage.headerLength
    }

    private static func whatsApp(_ payload: [UInt8]) -> VendorVariant? {
        // Lengths first: this runs on every datagram of a capture.
        if payload.count == 6, payload.elementsEqual("health".utf8) { return .whatsAppHealthCheck(response: false) }
        if payload.count == 2, payload.elementsEqual("OK".utf8) { return .whatsAppHealthCheck(response: true) }
        if payload.count == 20, payload.starts(with: [0x80, 199, 0, 2]) { return .whatsAppRTCP }
        // STUN framing: magic cookie and a length that is the rest of the datagram (RFC 8489 §5).
        guard payload.count >= STUNMessage.headerLength, payload[0] & 0xC0 == 0,
            payload[4] == 0x21, payload[5] == 0x12, payload[6] == 0xA4, payload[7] == 0x42,
            Int(payload[2]) << 8 | Int(payload[3]) == payload.count - STUNMessage.headerLength
        else { return nil }
        let type = UInt16(payload[0]) << 8 | UInt16(payload[1])
        if payload[0] == 0x08 { return .whatsAppMethod(type: type) }
        guard payload[0] <= 0x03 else { return nil }
        var foreign: [UInt16] = []
        var offset = STUNMessage.headerLength
        while payload.count - offset >= 4 {
            let attribute = UInt16(payload[offset]) << 8 | UInt16(payload[offset + 1])
            let length = Int(payload[offset + 2]) << 8 | Int(payload[offset + 3])
            if attribute & 0xFF00 == 0x4000, !foreign.contains(attribute) { foreign.append(attribute) }
            offset += 4 + length + STUNAttribute.paddingCount(forValueLength: length)
        }
        return foreign.isEmpty ? nil : .whatsAppAttributes(types: foreign)
    }
}

private func hex(_ value: UInt16) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}
