/// Hexadecimal text for bytes, as vectors, corpora and the command line write them.
public enum Hex {
    /// A hex-decoding failure: the character at `offset` (in characters) is not a hex digit, or a digit
    /// is left without its pair.
    public struct DecodingError: Error, Hashable, Sendable, CustomStringConvertible {
        public let offset: Int
        public let reason: String
        public var description: String { "hex at character \(offset): \(reason)" }
    }

    /// Decodes hex digits, ignoring whitespace, `:` and `-` separators and an optional `0x` prefix per
    /// group, so `"00 01"`, `"0x0001"` and `"00:01"` all give `[0, 1]`.
    public static func decode(_ text: some StringProtocol) throws(DecodingError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count / 2)
        var pending: UInt8? = nil
        var previous: UInt8 = 0
        for (offset, character) in text.utf8.enumerated() {
            defer { previous = character }
            switch character {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"),
                UInt8(ascii: ":"), UInt8(ascii: "-"):
                if pending != nil { throw DecodingError(offset: offset, reason: "odd number of digits in a group") }
                continue
            case UInt8(ascii: "x"), UInt8(ascii: "X"):
                if previous == UInt8(ascii: "0"), pending == 0 {
                    pending = nil
                    continue
                }
                throw DecodingError(offset: offset, reason: "unexpected 'x'")
            default:
                guard let nibble = nibbleValue(character) else {
                    throw DecodingError(offset: offset, reason: "'\(Character(Unicode.Scalar(character)))' is not a hex digit")
                }
                if let high = pending {
                    bytes.append(high << 4 | nibble)
                    pending = nil
                } else {
                    pending = nibble
                }
            }
        }
        if pending != nil { throw DecodingError(offset: text.utf8.count, reason: "odd number of digits") }
        return bytes
    }

    /// Lower-case hex digits, optionally grouped by `separator` between bytes.
    public static func encode<Bytes: Sequence>(_ bytes: Bytes, separator: String = "") -> String
    where Bytes.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for (index, byte) in bytes.enumerated() {
            if index > 0 { text.append(contentsOf: separator.utf8) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// An unsigned integer as hex digits zero-padded to its type's width, behind `prefix`:
    /// `integer(UInt16(0x8022))` is `"0x8022"`, `integer(UInt32(1), prefix: "")` is `"00000001"`.
    public static func integer<Value: FixedWidthInteger & UnsignedInteger>(_ value: Value, prefix: String = "0x") -> String {
        let digits = String(value, radix: 16)
        return prefix + String(repeating: "0", count: max(0, Value.bitWidth / 4 - digits.count)) + digits
    }

    private static func nibbleValue(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension Hex {
    /// Bytes from hex written in source code (test tables, vectors, constants), in ``decode(_:)``'s
    /// syntax. A bad digit there is the author's typo, so it stops the program with the literal's place
    /// rather than running on empty bytes. Never for input, which gets ``decode(_:)`` and its typed error.
    public static func literal(_ text: some StringProtocol, file: StaticString = #fileID, line: UInt = #line) -> [UInt8] {
        do { return try decode(text) } catch { fatalError("bad hex literal: \(error)", file: file, line: line) }
    }
}
