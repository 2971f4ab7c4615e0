/// Appends SDP text as UTF-8 bytes: the one renderer behind serialisation and the canonical-spelling
/// check, so both agree by construction. Bytes rather than `String` appends keep rendering cheap.
struct TextWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }
    mutating func append(_ text: Substring) { bytes.append(contentsOf: text.utf8) }
    mutating func append(byte: UInt8) { bytes.append(byte) }
    mutating func space() { bytes.append(0x20) }

    /// A decimal number in canonical spelling.
    mutating func append<T: FixedWidthInteger & UnsignedInteger>(number: T) {
        var value = UInt64(number)
        var digits = 1
        var limit: UInt64 = 10
        while digits < 20, value >= limit {
            digits += 1
            limit = limit &* 10
        }
        // Room first, then the digits from the right. (Reversing `bytes[start...]` in place instead made
        // the slice share the buffer, so every number copied the whole array.)
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0x30, count: digits))
        var index = start + digits
        while value > 0 {
            index -= 1
            bytes[index] = UInt8(truncatingIfNeeded: value % 10) + 0x30
            value /= 10
        }
    }

    /// Items separated by `separator`.
    mutating func join<C: Collection>(_ items: C, separator: UInt8, _ write: (inout TextWriter, C.Element) -> Void) {
        var first = true
        for item in items {
            if !first { bytes.append(separator) }
            first = false
            write(&self, item)
        }
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }
}
