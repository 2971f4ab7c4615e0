/// One attribute as it appears on the wire: a type, the value bytes and the padding bytes after them.
///
/// The value is kept as raw bytes (a slice of the parsed datagram, so parsing copies nothing), and typed
/// views are decoded on demand with `decode(transactionID:)`. Unknown attributes therefore round-trip
/// byte for byte like known ones.
public struct STUNAttribute: Hashable, Sendable {
    public var type: STUNAttributeType
    /// The value bytes, without padding. A slice: index it from `value.startIndex`.
    public var value: ArraySlice<UInt8>
    /// The padding bytes packed big-endian from the top byte down: RFC 5769 pads with spaces, and a
    /// parse keeps them so the message re-serialises exactly. Bits beyond `paddingCount` bytes are zero.
    public private(set) var paddingBits: UInt32

    /// An attribute with zero padding, as a sender writes it (RFC 8489 §14).
    public init<Bytes: Sequence>(type: STUNAttributeType, value: Bytes) where Bytes.Element == UInt8 {
        self.type = type
        self.value = ArraySlice(value)
        self.paddingBits = 0
    }

    /// An attribute with the given padding content (only the first `paddingCount` bytes are used).
    public init<Bytes: Sequence>(type: STUNAttributeType, value: ArraySlice<UInt8>, padding: Bytes)
    where Bytes.Element == UInt8 {
        self.type = type
        self.value = value
        var bits: UInt32 = 0
        var shift: UInt32 = 24
        for (index, byte) in padding.enumerated() where index < STUNAttribute.paddingCount(forValueLength: value.count) {
            bits |= UInt32(byte) << shift
            shift &-= 8
        }
        self.paddingBits = bits
    }

    init(type: STUNAttributeType, value: ArraySlice<UInt8>, paddingBits: UInt32) {
        self.type = type
        self.value = value
        self.paddingBits = paddingBits
    }

    /// Number of padding bytes after a value of `length` bytes: to the next multiple of 4.
    @inline(__always)
    public static func paddingCount(forValueLength length: Int) -> Int { (4 - (length & 3)) & 3 }

    public var paddingCount: Int { STUNAttribute.paddingCount(forValueLength: value.count) }

    /// The padding bytes.
    public var padding: [UInt8] {
        (0..<paddingCount).map { UInt8(truncatingIfNeeded: paddingBits >> UInt32(24 - 8 * $0)) }
    }

    /// Bytes this attribute takes in a message: header, value, padding.
    public var encodedLength: Int { 4 + value.count + paddingCount }
}

/// A STUN message (RFC 8489 §5–6): type, transaction ID and attributes in wire order.
///
/// `STUNMessage.parse` accepts exactly the bytes a receiver may process further (see `STUNRule` for what
/// is an error); everything else a receiver must look at is a property here:
/// `unknownComprehensionRequired`, `authenticatedAttributes`, `attributesIgnoredAfterIntegrity`,
/// `verifyMessageIntegrity(key:)`, `verifyMessageIntegritySHA256(key:)`.
public struct STUNMessage: Hashable, Sendable {
    /// The fixed value in bytes 4–7 of every RFC 5389/8489 message.
    public static let magicCookie: UInt32 = 0x2112_A442
    /// Bytes in the header.
    public static let headerLength = 20

    public var type: STUNMessageType
    public var transactionID: STUNTransactionID
    public var attributes: [STUNAttribute]

    public init(type: STUNMessageType, transactionID: STUNTransactionID, attributes: [STUNAttribute] = []) {
        self.type = type
        self.transactionID = transactionID
        self.attributes = attributes
    }

    /// A message whose attributes are encoded from typed values (XOR addresses use `transactionID`).
    public init(type: STUNMessageType, transactionID: STUNTransactionID, values: [STUNAttributeValue]) {
        self.init(type: type, transactionID: transactionID)
        attributes = values.map { STUNAttribute($0, transactionID: transactionID) }
    }

    /// The value of the header's length field: bytes of attributes, padding included.
    public var attributesLength: Int {
        var length = 0
        for index in attributes.indices { length += attributes[index].encodedLength }
        return length
    }

    /// The first attribute of `type`, if any.
    public func first(_ type: STUNAttributeType) -> STUNAttribute? {
        attributes.first { $0.type == type }
    }

    /// The typed value of the first attribute of `type`, or nil when absent or not decodable.
    public func value(of type: STUNAttributeType) -> STUNAttributeValue? {
        guard let attribute = first(type) else { return nil }
        return try? attribute.decode(transactionID: transactionID)
    }

    /// Types of comprehension-required attributes (below 0x8000) that this codec does not know, in
    /// order of appearance, without repeats: what a server lists in UNKNOWN-ATTRIBUTES of a 420
    /// response (RFC 8489 §6.3.1.1). Not a parse error, because a response or indication with them is
    /// only to be ignored.
    public var unknownComprehensionRequired: [UInt16] {
        var result: [UInt16] = []
        for attribute in attributes
        where attribute.type.isComprehensionRequired && attribute.type.name == nil
            && !result.contains(attribute.type.rawValue) {
            result.append(attribute.type.rawValue)
        }
        return result
    }

    /// Index of the first MESSAGE-INTEGRITY or MESSAGE-INTEGRITY-SHA256 attribute.
    public var firstIntegrityIndex: Int? {
        attributes.firstIndex { $0.type == .messageIntegrity || $0.type == .messageIntegritySHA256 }
    }

    /// The attributes an integrity check covers and a receiver acts on: everything before the first
    /// MESSAGE-INTEGRITY(-SHA256) (RFC 8489 §14.5–14.6), or every attribute when there is none.
    public var authenticatedAttributes: ArraySlice<STUNAttribute> {
        guard let index = firstIntegrityIndex else { return attributes[...] }
        return attributes[..<index]
    }

    /// Attributes a receiver must ignore because they follow the integrity attribute: all except a
    /// FINGERPRINT and a MESSAGE-INTEGRITY-SHA256 directly after MESSAGE-INTEGRITY (RFC 8489 §14.5–14.6).
    public var attributesIgnoredAfterIntegrity: [STUNAttribute] {
        guard let index = firstIntegrityIndex else { return [] }
        var ignored: [STUNAttribute] = []
        var previous = attributes[index].type
        for attribute in attributes[(index + 1)...] {
            let allowed = attribute.type == .fingerprint
                || (attribute.type == .messageIntegritySHA256 && previous == .messageIntegrity)
            if !allowed { ignored.append(attribute) }
            previous = attribute.type
        }
        return ignored
    }
}
