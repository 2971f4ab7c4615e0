/// The outline of an RFC 3489 ("classic STUN") message: what a receiver can tell from a datagram that
/// has STUN's structure but not the magic cookie of RFC 8489.
///
/// RFC 3489 §11.1 gives the header as a 16-bit type, a 16-bit length and a 128-bit transaction ID; RFC
/// 8489 §5 later fixed the first 32 bits of that ID to the magic cookie 0x2112A442, which is how §12
/// (backwards compatibility) tells the two apart. `STUNMessage.parse` refuses a classic message under
/// `STUNRule.magicCookie`; `recognise(_:)` names it instead, so a checker can report "an RFC 3489
/// message" rather than "broken STUN".
///
/// Recognition is structural, never a parse of attribute values: the top two bits of the type are zero,
/// the length is a multiple of 4 and equals the bytes after the 20-byte header, and the attribute TLVs
/// (4-byte aligned, RFC 3489 §11.2) walk exactly to the end. Anything shorter than a header, or with the
/// magic cookie (or one damaged in its last byte), is not classic.
public struct ClassicSTUNMessage: Hashable, Sendable, CustomStringConvertible {
    /// The 16-bit message type as written (RFC 3489 §11.1; the top two bits are zero).
    public let messageType: UInt16
    /// The 16-byte transaction ID (RFC 3489 §11.1).
    public let transactionID: [UInt8]
    /// The attribute types in wire order.
    public let attributeTypes: [UInt16]

    /// The structure of `bytes` if they are a classic message, nil otherwise. Never traps; allocates
    /// at most one entry per 4 bytes of input.
    public static func recognise(_ bytes: [UInt8]) -> ClassicSTUNMessage? {
        let header = STUNMessage.headerLength
        guard bytes.count >= header else { return nil }
        func word16(_ offset: Int) -> Int { Int(bytes[offset]) << 8 | Int(bytes[offset + 1]) }
        let type = UInt16(word16(0))
        let length = word16(2)
        let cookie = UInt32(word16(4)) << 16 | UInt32(word16(6))
        // A field that matches the cookie in its first 24 bits is an RFC 8489 cookie with damage, not the
        // start of a random RFC 3489 transaction ID (odds 2^-24).
        guard type & 0xC000 == 0, cookie >> 8 != STUNMessage.magicCookie >> 8, length & 3 == 0, length == bytes.count - header
        else { return nil }
        var types: [UInt16] = []
        var offset = header
        while offset < bytes.count {
            guard bytes.count - offset >= 4 else { return nil }
            let valueLength = word16(offset + 2)
            // RFC 3489 §11.2 attributes are multiples of 4 long; tolerate RFC 5389-style padding as well.
            let end = offset + 4 + valueLength + STUNAttribute.paddingCount(forValueLength: valueLength)
            guard end <= bytes.count else { return nil }
            types.append(UInt16(word16(offset)))
            offset = end
        }
        return ClassicSTUNMessage(messageType: type, transactionID: Array(bytes[4..<header]), attributeTypes: types)
    }

    /// The RFC 3489 §11.1 name of the message type, or nil for a type that RFC does not define.
    public var name: String? {
        switch messageType {
        case 0x0001: "Binding Request"
        case 0x0101: "Binding Response"
        case 0x0111: "Binding Error Response"
        case 0x0002: "Shared Secret Request"
        case 0x0102: "Shared Secret Response"
        case 0x0112: "Shared Secret Error Response"
        default: nil
        }
    }

    public var description: String {
        let type = name ?? "type 0x" + String(messageType, radix: 16)
        return "RFC 3489 \(type) with \(attributeTypes.count) attribute(s)"
    }
}
