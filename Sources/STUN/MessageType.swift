/// The class of a STUN message (RFC 8489 §5): the two bits C1 C0 of the message type.
public enum STUNClass: UInt8, Hashable, Sendable, CaseIterable {
    case request = 0b00
    case indication = 0b01
    case successResponse = 0b10
    case errorResponse = 0b11

    /// The name used in RFC text and in descriptions.
    public var name: String {
        switch self {
        case .request: "request"
        case .indication: "indication"
        case .successResponse: "success response"
        case .errorResponse: "error response"
        }
    }
}

/// A STUN method: a 12-bit number (RFC 8489 §5, §18.2). Methods this codec does not know are kept as
/// their number.
public struct STUNMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 12-bit method number; the constructor masks anything above bit 11.
    public let rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue & 0x0FFF }

    public static let binding = STUNMethod(rawValue: 0x001)  // RFC 8489 §18.2
    public static let allocate = STUNMethod(rawValue: 0x003)  // RFC 8656 §17
    public static let refresh = STUNMethod(rawValue: 0x004)
    public static let send = STUNMethod(rawValue: 0x006)
    public static let data = STUNMethod(rawValue: 0x007)
    public static let createPermission = STUNMethod(rawValue: 0x008)
    public static let channelBind = STUNMethod(rawValue: 0x009)

    /// The registered name, or nil for a method this codec does not know.
    public var name: String? {
        switch rawValue {
        case 0x001: "Binding"
        case 0x003: "Allocate"
        case 0x004: "Refresh"
        case 0x006: "Send"
        case 0x007: "Data"
        case 0x008: "CreatePermission"
        case 0x009: "ChannelBind"
        default: nil
        }
    }

    public var description: String { name ?? "method 0x\(String(rawValue, radix: 16))" }
}

/// The 14-bit message type: a method and a class, whose bits are interleaved on the wire (RFC 8489 §5,
/// Figure 3): `M11..M7 C1 M6..M4 C0 M3..M0`.
public struct STUNMessageType: Hashable, Sendable, CustomStringConvertible {
    public var method: STUNMethod
    public var messageClass: STUNClass

    public init(method: STUNMethod, messageClass: STUNClass) {
        self.method = method
        self.messageClass = messageClass
    }

    /// Splits a 14-bit wire value; bits 14 and 15 are ignored (the parser rejects them before).
    public init(wireValue: UInt16) {
        let m = (wireValue & 0x000F) | ((wireValue >> 1) & 0x0070) | ((wireValue >> 2) & 0x0F80)
        let c = ((wireValue >> 4) & 0x1) | ((wireValue >> 7) & 0x2)
        method = STUNMethod(rawValue: m)
        messageClass = STUNClass(rawValue: UInt8(c)) ?? .request  // c < 4: always a case
    }

    /// The 14-bit value as written in the first two bytes of the header.
    public var wireValue: UInt16 {
        let m = method.rawValue
        let c = UInt16(messageClass.rawValue)
        return (m & 0x000F) | ((m & 0x0070) << 1) | ((m & 0x0F80) << 2) | ((c & 0x1) << 4) | ((c & 0x2) << 7)
    }

    public static let bindingRequest = STUNMessageType(method: .binding, messageClass: .request)
    public static let bindingSuccess = STUNMessageType(method: .binding, messageClass: .successResponse)
    public static let bindingError = STUNMessageType(method: .binding, messageClass: .errorResponse)
    public static let bindingIndication = STUNMessageType(method: .binding, messageClass: .indication)

    public var description: String { "\(method) \(messageClass.name)" }
}

/// The 96-bit transaction ID (RFC 8489 §5), held inline so a parse allocates nothing for it.
public struct STUNTransactionID: Hashable, Sendable, CustomStringConvertible {
    /// Bytes 0–3 of the ID.
    public var high: UInt32
    /// Bytes 4–11 of the ID.
    public var low: UInt64

    public init(high: UInt32, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The ID from exactly 12 bytes; nil for any other count.
    public init?<Bytes: Collection>(bytes: Bytes) where Bytes.Element == UInt8 {
        guard bytes.count == 12 else { return nil }
        var high: UInt32 = 0
        var low: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            if index < 4 { high = high << 8 | UInt32(byte) } else { low = low << 8 | UInt64(byte) }
        }
        self.init(high: high, low: low)
    }

    /// The 12 bytes in wire order.
    public var bytes: [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(12)
        for shift in stride(from: 24, through: 0, by: -8) { result.append(UInt8(truncatingIfNeeded: high >> UInt32(shift))) }
        for shift in stride(from: 56, through: 0, by: -8) { result.append(UInt8(truncatingIfNeeded: low >> UInt64(shift))) }
        return result
    }

    /// A fresh ID from `generator` (RFC 8489 §5 asks for a cryptographically random one in real use:
    /// pass `SystemRandomNumberGenerator` there).
    public static func random<R: RandomNumberGenerator>(using generator: inout R) -> STUNTransactionID {
        STUNTransactionID(high: UInt32.random(in: .min ... .max, using: &generator), low: generator.next())
    }

    /// Lowercase hex, 24 digits.
    public var description: String {
        bytes.map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined()
    }
}
