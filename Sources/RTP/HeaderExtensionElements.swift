public import Wire

/// One RFC 8285 extension element: a local identifier and its data.
public struct RTPExtensionElement: Hashable, Sendable {
    /// 1–14 in the one-byte form, 1–255 in the two-byte form.
    public var id: UInt8
    /// 1–16 bytes in the one-byte form, 0–255 in the two-byte form.
    public var data: [UInt8]

    public init(id: UInt8, data: [UInt8]) {
        self.id = id
        self.data = data
    }
}

/// The decoded body of an RFC 8285 header extension, with the padding between elements kept in place
/// so that the body re-serialises byte for byte.
public struct RTPExtensionElements: Hashable, Sendable {
    public enum Form: Hashable, Sendable {
        /// Profile 0xBEDE (RFC 8285 §4.2).
        case oneByte
        /// Profile 0x100X; `appBits` is the low nibble of the profile (RFC 8285 §4.3).
        case twoByte(appBits: UInt8)

        public var profile: UInt16 {
            switch self {
            case .oneByte: 0xBEDE
            case .twoByte(let appBits): 0x1000 | UInt16(appBits & 0x0F)
            }
        }
    }

    public enum Item: Hashable, Sendable {
        case element(RTPExtensionElement)
        /// Zero octets between or after elements (RFC 8285 §4.1 allows them anywhere).
        case padding(Int)
        /// One-byte form only: an ID 15 octet and everything after it, which RFC 8285 §4.2 says to
        /// stop processing at; kept verbatim.
        case stopped([UInt8])
    }

    public var form: Form
    public var items: [Item]

    public init(form: Form, items: [Item]) {
        self.form = form
        self.items = items
    }

    /// A body with just these elements, in order, padded to a word boundary when serialised.
    public init(form: Form, elements: [RTPExtensionElement]) {
        self.init(form: form, items: elements.map { .element($0) })
    }

    public var elements: [RTPExtensionElement] {
        items.compactMap { if case .element(let element) = $0 { element } else { nil } }
    }

    /// The data of the element with `id`, if present.
    public func element(id: UInt8) -> [UInt8]? {
        elements.first { $0.id == id }?.data
    }

    /// Decodes an extension body. Returns nil when the profile is not one of RFC 8285's.
    ///
    /// `offset` is where the body starts in the packet, for error positions.
    public static func decode(_ headerExtension: RTPHeaderExtension, offset: Int = 0) throws(RTPError) -> RTPExtensionElements? {
        let form: Form
        if headerExtension.profile == 0xBEDE {
            form = .oneByte
        } else if headerExtension.profile & 0xFFF0 == 0x1000 {
            form = .twoByte(appBits: UInt8(headerExtension.profile & 0x0F))
        } else {
            return nil
        }
        let data = Array(headerExtension.data)
        var items: [Item] = []
        var index = 0
        func addPadding() {
            if case .padding(let count) = items.last {
                items[items.count - 1] = .padding(count + 1)
            } else {
                items.append(.padding(1))
            }
        }
        while index < data.count {
            let byte = data[index]
            if byte == 0 {
                addPadding()
                index += 1
                continue
            }
            let id: UInt8
            let length: Int
            let headerSize: Int
            switch form {
            case .oneByte:
                id = byte >> 4
                if id == 15 {
                    items.append(.stopped(Array(data[index...])))
                    return RTPExtensionElements(form: form, items: items)
                }
                // An ID of 0 with a non-zero length is not padding: RFC 8285 §4.2 reserves it.
                guard id != 0 else {
                    throw RTPError(.extensionElement, at: offset + index, "one-byte element with ID 0 and length \(byte & 0x0F)")
                }
                length = Int(byte & 0x0F) + 1
                headerSize = 1
            case .twoByte:
                id = byte
                guard index + 1 < data.count else {
                    throw RTPError(.extensionElement, at: offset + index, "two-byte element header cut by the end of the extension")
                }
                length = Int(data[index + 1])
                headerSize = 2
            }
            let start = index + headerSize
            guard start + length <= data.count else {
                throw RTPError(
                    .extensionElement, at: offset + index,
                    "element \(id) of \(length) byte(s) runs past the extension (\(data.count - start) left)")
            }
            items.append(.element(RTPExtensionElement(id: id, data: Array(data[start..<(start + length)]))))
            index = start + length
        }
        return RTPExtensionElements(form: form, items: items)
    }

    /// The header extension carrying these elements, padded with zeros to a word boundary.
    ///
    /// Elements that do not fit their form (one-byte: ID 1–14, 1–16 bytes) are written with their
    /// fields truncated; `RTPExtensionElements.random` only makes fitting ones.
    public func encode() -> RTPHeaderExtension {
        var writer = ByteWriter()
        for item in items {
            switch item {
            case .element(let element):
                switch form {
                case .oneByte:
                    let length = max(1, min(16, element.data.count))
                    writer.writeUInt8((element.id & 0x0F) << 4 | UInt8(length - 1))
                    writer.writeBytes(element.data.prefix(length))
                    if element.data.count < length { writer.writeZeros(length - element.data.count) }
                case .twoByte:
                    let length = min(255, element.data.count)
                    writer.writeUInt8(element.id)
                    writer.writeUInt8(UInt8(length))
                    writer.writeBytes(element.data.prefix(length))
                }
            case .padding(let count):
                writer.writeZeros(max(0, count))
            case .stopped(let bytes):
                writer.writeBytes(bytes)
            }
        }
        let remainder = writer.count % 4
        if remainder != 0 { writer.writeZeros(4 - remainder) }
        return RTPHeaderExtension(profile: form.profile, data: writer.bytes)
    }
}
