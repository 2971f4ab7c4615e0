/// Character classes and field splitting shared by every SDP line parser (RFC 8866 §9 grammar).
///
/// Parsers work on `Bytes`, slices of the input's UTF-8 bytes, and make a `String` only for a value the
/// model keeps, once, at the end. Byte slices were chosen over `Substring` for speed: a `Substring`
/// index carries UTF-16 and scalar-alignment state that every slicing operation re-checks, while a byte
/// slice is a range of integers whose bounds checks are a single comparison. Fields are split on single
/// spaces because the grammar separates fields by exactly one SP — an empty field (two spaces) is a
/// syntax error.
typealias Bytes = ArraySlice<UInt8>

enum Lexical {
    /// `token-char` of RFC 8866 §9: visible ASCII except the separators `"(),/:;<=>?@[\]{}` and space.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x21, 0x23...0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x30...0x39, 0x41...0x5A, 0x5E...0x7E: true
        default: false
        }
    }

    static func isToken(_ text: Bytes) -> Bool {
        !text.isEmpty && text.allSatisfy(isTokenByte)
    }

    /// `ice-char` of RFC 8839 §5.1: ALPHA / DIGIT / "+" / "/".
    static func isICEChars(_ text: Bytes) -> Bool {
        !text.isEmpty && text.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == 0x2B || byte == 0x2F
        }
    }

    /// A field without spaces or control characters (`byte-string` restricted to one field).
    static func isField(_ text: Bytes) -> Bool {
        !text.isEmpty && text.allSatisfy { $0 > 0x20 && $0 != 0x7F }
    }

    static func isDigits(_ text: Bytes) -> Bool {
        !text.isEmpty && text.allSatisfy { (0x30...0x39).contains($0) }
    }

    /// Fields separated by single spaces; `nil` if any field is empty. For lines with a small, variable
    /// number of fields; the candidate parser, the hottest path, walks a `FieldCursor` instead.
    static func fields(_ text: Bytes) -> [Bytes]? {
        var cursor = FieldCursor(text)
        var result: [Bytes] = []
        while let field = cursor.next() { result.append(field) }
        return cursor.isMalformed ? nil : result
    }

    /// The number of space-separated fields, or `nil` if any is empty (leading, trailing or doubled
    /// space, or no bytes at all): the check `fields` makes, without building the array.
    static func fieldCount(_ text: Bytes) -> Int? {
        guard !text.isEmpty, text.first != 0x20, text.last != 0x20 else { return nil }
        var count = 1
        var previous: UInt8 = 0
        for byte in text {
            if byte == 0x20 {
                if previous == 0x20 { return nil }
                count += 1
            }
            previous = byte
        }
        return count
    }

    /// The text after the last space (all of `text` if it has none).
    static func lastField(_ text: Bytes) -> Bytes {
        guard let index = text.lastIndex(of: 0x20) else { return text }
        return text[(index + 1)...]
    }

    /// Splits at the first `separator` byte: the head and, if present, the tail after it.
    static func splitFirst(_ text: Bytes, _ separator: UInt8) -> (Bytes, Bytes?) {
        guard let index = text.firstIndex(of: separator) else { return (text, nil) }
        return (text[..<index], text[(index + 1)...])
    }

    /// Splits at the first `separator` (ASCII) of a `Substring`, for the public `FormatParameters.pairs`.
    static func splitFirst(_ text: Substring, _ separator: Unicode.Scalar) -> (Substring, Substring?) {
        let byte = UInt8(ascii: separator)
        guard let index = text.utf8.firstIndex(of: byte) else { return (text, nil) }
        return (text[..<index], text[text.utf8.index(after: index)...])
    }

    /// Pieces between every `separator` byte, empty pieces included.
    static func split(_ text: Bytes, _ separator: UInt8) -> [Bytes] {
        var result: [Bytes] = []
        var start = text.startIndex
        while let index = text[start...].firstIndex(of: separator) {
            result.append(text[start..<index])
            start = index + 1
        }
        result.append(text[start...])
        return result
    }

    /// A decimal number as written, with leading zeros allowed (`1*DIGIT`); `nil` on overflow or non-digits.
    /// Attribute parsers use it and rely on the canonical-spelling check to keep `007` verbatim.
    static func decimal<T: FixedWidthInteger & UnsignedInteger>(_ text: Bytes, as _: T.Type = T.self) -> T? {
        guard !text.isEmpty, text.count <= 20 else { return nil }
        var value: T = 0
        for byte in text {
            guard (0x30...0x39).contains(byte) else { return nil }
            let (times, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = times.addingReportingOverflow(T(byte - 0x30))
            if overflowA || overflowB { return nil }
            value = sum
        }
        return value
    }

    /// A decimal in its only spelling (no leading zero except `0` itself), for the core lines that have no
    /// verbatim fallback (`m=` port, `t=` times, `b=` bandwidth).
    static func canonicalDecimal<T: FixedWidthInteger & UnsignedInteger>(_ text: Bytes, as _: T.Type = T.self) -> T? {
        if text.count > 1, text.first == 0x30 { return nil }
        return decimal(text, as: T.self)
    }

    /// Whether `text` is exactly the ASCII `literal`, compared byte by byte.
    static func equals(_ text: Bytes, _ literal: StaticString) -> Bool {
        // The length test first: most comparisons are against names of another length.
        guard literal.utf8CodeUnitCount == text.count else { return false }
        return literal.withUTF8Buffer { buffer in
            var index = text.startIndex
            for byte in buffer {
                if text[index] != byte { return false }
                index += 1
            }
            return true
        }
    }

    /// Whether `text` starts with the ASCII `literal`.
    static func hasPrefix(_ text: Bytes, _ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { text.starts(with: $0) }
    }

    /// The model's copy of some input bytes. The whole input was validated as UTF-8 before any line was
    /// parsed, and every slice handed here starts and ends at an ASCII byte (a separator or a line end),
    /// so decoding never repairs anything.
    static func string(_ text: Bytes) -> String { String(decoding: text, as: UTF8.self) }
}

/// Walks the space-separated fields of a value one at a time, without building an array.
///
/// `next()` gives `nil` at the end, or at an empty field (leading, trailing or doubled space), after
/// which `isMalformed` is `true`.
struct FieldCursor {
    private let text: Bytes
    private var position: Int
    private var finished = false
    private(set) var isMalformed = false

    init(_ text: Bytes) {
        self.text = text
        position = text.startIndex
    }

    /// Everything not yet returned (the remaining fields with their separators), or `nil` at the end.
    mutating func rest() -> Bytes? {
        guard !finished else { return nil }
        finished = true
        let remaining = text[position...]
        if remaining.isEmpty { isMalformed = true; return nil }
        return remaining
    }

    mutating func next() -> Bytes? {
        guard !finished else { return nil }
        // An index loop rather than `text[position...].firstIndex(of:)`: no intermediate slice.
        var end = position
        while end < text.endIndex, text[end] != 0x20 { end += 1 }
        let field = text[position..<end]
        if end == text.endIndex { finished = true } else { position = end + 1 }
        if field.isEmpty {
            finished = true
            isMalformed = true
            return nil
        }
        return field
    }
}
