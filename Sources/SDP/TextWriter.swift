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
        guard value != 0 else { return bytes.append(0x30) }
        let start = bytes.count
        while value > 0 {
            bytes.append(UInt8(truncatingIfNeeded: value % 10) + 0x30)
            value /= 10
        }
        bytes[start...].reverse()
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
