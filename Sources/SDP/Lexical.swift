/// Character classes and field splitting shared by every SDP line parser (RFC 8866 §9 grammar).
///
/// Everything works on a line's value that is already valid UTF-8; fields are split on single spaces
/// because the grammar separates fields by exactly one SP — an empty field (two spaces) is a syntax error.
enum Lexical {
    /// `token-char` of RFC 8866 §9: visible ASCII except the separators `"(),/:;<=>?@[\]{}` and space.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x21, 0x23...0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x30...0x39, 0x41...0x5A, 0x5E...0x7E: true
        default: false
        }
    }

    static func isToken(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy(isTokenByte)
    }

    /// `ice-char` of RFC 8839 §5.1: ALPHA / DIGIT / "+" / "/".
    static func isIceChars(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == 0x2B || byte == 0x2F
        }
    }

    /// A field without spaces or control characters (`byte-string` restricted to one field).
    static func isField(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 > 0x20 && $0 != 0x7F }
    }

    /// Fields separated by single spaces; `nil` if any field is empty. Splits on bytes, not Characters,
    /// so a combining mark after a space cannot hide the separator.
    static func fields(_ text: Substring) -> [Substring]? {
        var result: [Substring] = []
        let utf8 = text.utf8
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            if utf8[index] == 0x20 {
                if index == start { return nil }
                result.append(text[start..<index])
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        if start == utf8.endIndex { return nil }
        result.append(text[start..<utf8.endIndex])
        return result
    }

    /// Splits at the first `separator` byte (ASCII): the head and, if present, the tail after it.
    static func splitFirst(_ text: Substring, _ separator: Unicode.Scalar) -> (Substring, Substring?) {
        let byte = UInt8(ascii: separator)
        guard let index = text.utf8.firstIndex(of: byte) else { return (text, nil) }
        return (text[..<index], text[text.utf8.index(after: index)...])
    }

    /// Pieces between every `separator` byte (ASCII), empty pieces included.
    static func split(_ text: Substring, _ separator: Unicode.Scalar) -> [Substring] {
        let byte = UInt8(ascii: separator)
        var result: [Substring] = []
        let utf8 = text.utf8
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            if utf8[index] == byte {
                result.append(text[start..<index])
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        result.append(text[start..<utf8.endIndex])
        return result
    }

    /// A decimal number as written, with leading zeros allowed (`1*DIGIT`); `nil` on overflow or non-digits.
    /// Attribute parsers use it and rely on the canonical-spelling check to keep `007` verbatim.
    static func decimal<T: FixedWidthInteger & UnsignedInteger>(_ text: Substring, as _: T.Type = T.self) -> T? {
        guard !text.isEmpty, text.utf8.count <= 20 else { return nil }
        var value: T = 0
        for byte in text.utf8 {
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
    static func canonicalDecimal<T: FixedWidthInteger & UnsignedInteger>(_ text: Substring, as _: T.Type = T.self) -> T? {
        if text.utf8.count > 1, text.utf8.first == 0x30 { return nil }
        return decimal(text, as: T.self)
    }

    /// Whether `text` is exactly `bytes`, compared as UTF-8 without Unicode-aware string comparison.
    static func equals(_ text: Substring, _ bytes: [UInt8]) -> Bool {
        if let result = text.utf8.withContiguousStorageIfAvailable({ storage in
            bytes.withUnsafeBufferPointer { $0.elementsEqual(storage) }
        }) { return result }
        return text.utf8.elementsEqual(bytes)
    }

    static func isDigits(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { (0x30...0x39).contains($0) }
    }
}
