/// The field-level mutations every codec's structure-aware mutator is built from (DESIGN §4).
///
/// A codec's `mutate` picks a field of its model and hands it to one of these: integers, byte strings,
/// text and lists each have one general mechanism here, so fourteen codecs share one vocabulary of
/// changes (AFL's interesting values, edge lengths, duplication, removal, reordering) instead of
/// fourteen private ones. Everything draws from a `SeededGenerator`, so a mutant replays from its seed.
/// Hot path of the built-in engine: no Foundation, and no allocation beyond the mutated value itself.
public enum FieldMutator {
    /// Values that sit on the edges of length, count and type fields (AFL's "interesting" values),
    /// truncated to the field's width when used.
    public static let interestingValues: [UInt64] = [
        0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 63, 64, 0x7F, 0x80, 0xFF, 0x100, 0x3FFF, 0x4000,
        0x7FFF, 0x8000, 0xFFFE, 0xFFFF, 0x1_0000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFE, 0xFFFF_FFFF,
    ]

    /// Characters that separate or escape fields in text protocols: where parsers split, they break.
    public static let separatorScalars: [Unicode.Scalar] = [
        " ", "\t", ":", ";", "=", "/", ",", "-", ".", "\r", "\n", "\0", "\\", "\"", "%", "+", "*",
    ]

    /// Scalars that are valid Unicode but odd for protocol text: a BOM, zero-width and direction marks,
    /// a combining accent, the replacement character, the line separator, a non-BMP emoji, Latin-1.
    public static let oddScalars: [Unicode.Scalar] = [
        "\u{FEFF}", "\u{200B}", "\u{202E}", "\u{0301}", "\u{FFFD}", "\u{2028}", "\u{1F600}", "\u{00FF}",
        "\u{0080}", "\u{07FF}", "\u{0800}", "\u{FFFF}", "\u{10FFFF}", "\u{0085}",
    ]

    // MARK: - Integers

    /// Changes an integer field: an interesting value, a small step up or down, one flipped bit, a random
    /// value, or an edge of the type. With `bits`, the field is that many low bits wide (a 7-bit payload
    /// type, a 24-bit length) and the result stays within them, so a serializer that masks or
    /// preconditions its fields still gets a value it can write.
    public static func mutate<T: FixedWidthInteger>(_ value: inout T, bits: Int = T.bitWidth, using generator: inout SeededGenerator) {
        let width = Swift.min(Swift.max(bits, 1), T.bitWidth)
        let mask: UInt64 = width >= 64 ? .max : (1 << UInt64(width)) - 1
        let old = UInt64(truncatingIfNeeded: value) & mask
        var new: UInt64
        switch generator.below(6) {
        case 0: new = interestingValues[generator.below(interestingValues.count)]
        case 1: new = old &+ UInt64(generator.below(16) + 1)
        case 2: new = old &- UInt64(generator.below(16) + 1)
        case 3: new = old ^ (1 << UInt64(generator.below(width)))
        case 4: new = generator.next()
        default:  // an edge of the field: 0, its maximum, or either side of its midpoint
            switch generator.below(4) {
            case 0: new = 0
            case 1: new = mask
            case 2: new = mask >> 1
            default: new = (mask >> 1) &+ 1
            }
        }
        new &= mask
        if new == old { new = (old ^ 1) & mask }  // a change, always: bit 0 is inside every mask
        value = T(truncatingIfNeeded: new)
    }

    /// The value after one integer mutation (see `mutate(_:bits:using:)`).
    public static func mutated<T: FixedWidthInteger>(_ value: T, bits: Int = T.bitWidth, using generator: inout SeededGenerator) -> T {
        var copy = value
        mutate(&copy, bits: bits, using: &generator)
        return copy
    }

    // MARK: - Byte strings

    /// Changes a byte string: flips a bit, sets a byte, inserts or deletes a run, resizes it to an edge
    /// length (empty, one byte, one under or over a multiple of four, `maxLength`), or replaces it with
    /// random bytes. The result is never longer than `maxLength`.
    public static func mutate(_ bytes: inout [UInt8], maxLength: Int = 1024, using generator: inout SeededGenerator) {
        let limit = Swift.max(maxLength, 0)
        let operation = generator.below(8)
        if bytes.isEmpty, operation < 4 {
            if limit > 0 { bytes.append(generator.byte()) }
            return
        }
        switch operation {
        case 0:  // flip one bit
            bytes[generator.below(bytes.count)] ^= 1 << UInt8(generator.below(8))
        case 1:  // set one byte to a random or edge value
            let index = generator.below(bytes.count)
            switch generator.below(5) {
            case 0: bytes[index] = 0
            case 1: bytes[index] = 0xFF
            case 2: bytes[index] = 0x7F
            case 3: bytes[index] = 0x80
            default: bytes[index] = generator.byte()
            }
        case 2:  // delete a run
            let start = generator.below(bytes.count)
            let length = 1 + generator.below(Swift.min(16, bytes.count - start))
            bytes.removeSubrange(start..<(start + length))
        case 3:  // duplicate a run in place
            let start = generator.below(bytes.count)
            let length = 1 + generator.below(Swift.min(16, bytes.count - start, Swift.max(limit - bytes.count, 0) + 1))
            if bytes.count + length <= limit { bytes.insert(contentsOf: bytes[start..<(start + length)], at: start) }
            else { bytes.removeLast() }
        case 4:  // insert random bytes
            let room = Swift.max(limit - bytes.count, 0)
            guard room > 0 else { bytes.removeLast(); return }
            let at = generator.below(bytes.count + 1)
            let count = 1 + generator.below(Swift.min(8, room))
            for offset in 0..<count { bytes.insert(generator.byte(), at: at + offset) }
        case 5:  // resize to an edge length, zero-filled or cut: empty, one byte, one less or more, the
                 // next multiple of four or one short of it, the maximum
            let edge: Int
            switch generator.below(7) {
            case 0: edge = 0
            case 1: edge = 1
            case 2: edge = bytes.count - 1
            case 3: edge = bytes.count + 1
            case 4: edge = (bytes.count | 3) + 1
            case 5: edge = (bytes.count & ~3) + 3
            default: edge = limit
            }
            let length = Swift.min(Swift.max(edge, 0), limit)
            if length < bytes.count { bytes.removeLast(bytes.count - length) }
            else { bytes.append(contentsOf: repeatElement(0, count: length - bytes.count)) }
        case 6:  // replace with random bytes of a random length
            let length = generator.below(Swift.min(limit, 64) + 1)
            bytes.removeAll(keepingCapacity: true)
            for _ in 0..<length { bytes.append(generator.byte()) }
        default:  // fill with one repeated byte
            let fill: UInt8 = generator.chance(2) ? 0 : generator.byte()
            for index in bytes.indices { bytes[index] = fill }
        }
    }

    /// The slice form of `mutate(_:maxLength:using:)`, for models that keep values as slices of the input.
    public static func mutate(_ bytes: inout ArraySlice<UInt8>, maxLength: Int = 1024, using generator: inout SeededGenerator) {
        var copy = Array(bytes)
        mutate(&copy, maxLength: maxLength, using: &generator)
        bytes = copy[...]
    }

    // MARK: - Text

    /// Changes text by whole Unicode scalars, so the result is always valid UTF-8: inserts, deletes or
    /// replaces a character (ASCII, a separator, an odd scalar, or one of `tokens`), duplicates a run,
    /// truncates, or empties it. The result's UTF-8 form is at most `maxUTF8` bytes.
    public static func mutate(_ text: inout String, maxUTF8: Int = 512, tokens: [String] = [], using generator: inout SeededGenerator) {
        var scalars = Array(text.unicodeScalars)
        func randomScalar(_ generator: inout SeededGenerator) -> [Unicode.Scalar] {
            switch generator.below(tokens.isEmpty ? 3 : 4) {
            case 0: return [Unicode.Scalar(UInt8(0x20 + generator.below(0x5F)))]
            case 1: return [separatorScalars[generator.below(separatorScalars.count)]]
            case 2: return [oddScalars[generator.below(oddScalars.count)]]
            default: return Array(tokens[generator.below(tokens.count)].unicodeScalars)
            }
        }
        let operation = generator.below(7)
        switch operation {
        case 0 where !scalars.isEmpty:  // replace one
            let index = generator.below(scalars.count)
            scalars.replaceSubrange(index...index, with: randomScalar(&generator))
        case 1 where !scalars.isEmpty:  // delete a run
            let start = generator.below(scalars.count)
            scalars.removeSubrange(start..<(start + 1 + generator.below(Swift.min(8, scalars.count - start))))
        case 2 where !scalars.isEmpty:  // duplicate a run
            let start = generator.below(scalars.count)
            let run = scalars[start..<(start + 1 + generator.below(Swift.min(16, scalars.count - start)))]
            scalars.insert(contentsOf: run, at: start)
        case 3 where !scalars.isEmpty:  // truncate
            scalars.removeLast(1 + generator.below(scalars.count))
        case 4:  // make it empty or very long
            if generator.chance(2) || scalars.isEmpty { scalars = generator.chance(2) ? [] : randomScalar(&generator) }
            else { while scalars.count < maxUTF8 { scalars.append(contentsOf: scalars) } }
        default:  // insert one
            scalars.insert(contentsOf: randomScalar(&generator), at: generator.below(scalars.count + 1))
        }
        var result = String(String.UnicodeScalarView(scalars))
        if result.utf8.count > maxUTF8 {
            var kept = String.UnicodeScalarView()
            var size = 0
            for scalar in result.unicodeScalars {
                size += UTF8.width(scalar)
                if size > maxUTF8 { break }
                kept.append(scalar)
            }
            result = String(kept)
        }
        if result == text { result = text.isEmpty ? "x" : String(text.dropLast()) }
        text = result
    }

    // MARK: - Lists

    /// Changes a list: removes one element, duplicates one, swaps two, moves one, inserts a fresh one
    /// (from `fresh`, if given), or changes one in place (with `element`, if given). The list never grows
    /// beyond `maxCount`. Returns whether an operation applied (false for an empty list with no `fresh`).
    @discardableResult
    public static func mutate<Element>(
        _ list: inout [Element], maxCount: Int = 64, using generator: inout SeededGenerator,
        fresh: ((inout SeededGenerator) -> Element)? = nil,
        element: ((inout Element, inout SeededGenerator) -> Bool)? = nil
    ) -> Bool {
        for _ in 0..<4 {  // an operation may not fit this list (swap needs two): try another
            switch generator.below(7) {
            case 0 where !list.isEmpty:
                list.remove(at: generator.below(list.count))
                return true
            case 1 where !list.isEmpty && list.count < maxCount:
                let index = generator.below(list.count)
                list.insert(list[index], at: generator.below(list.count + 1))
                return true
            case 2 where list.count >= 2:
                let first = generator.below(list.count)
                var second = generator.below(list.count - 1)
                if second >= first { second += 1 }
                list.swapAt(first, second)
                return true
            case 3 where list.count >= 2:
                let moved = list.remove(at: generator.below(list.count))
                list.insert(moved, at: generator.below(list.count + 1))
                return true
            case 4 where fresh != nil && list.count < maxCount:
                if let fresh { list.insert(fresh(&generator), at: generator.below(list.count + 1)) }
                return true
            case 5, 6:
                if let element, !list.isEmpty {
                    let index = generator.below(list.count)
                    if element(&list[index], &generator) { return true }
                }
            default:
                continue
            }
        }
        if !list.isEmpty { list.removeLast(); return true }
        return false
    }

    /// Another case of a small enumeration than `value`, when it has another.
    public static func mutate<T: CaseIterable & Equatable>(_ value: inout T, using generator: inout SeededGenerator) where T.AllCases == [T] {
        let cases = T.allCases
        guard cases.count > 1 else { return }
        var next = cases[generator.below(cases.count)]
        if next == value { next = cases[(cases.firstIndex(of: value).map { $0 + 1 } ?? 0) % cases.count] }
        value = next
    }
}

extension SeededGenerator {
    /// A number in `0..<bound` (0 for a bound ≤ 1): the mutators' cheap choice, with a bias below 2⁻⁵⁰
    /// for the small bounds they use.
    @inline(__always)
    public mutating func below(_ bound: Int) -> Int {
        bound <= 1 ? 0 : Int(truncatingIfNeeded: next() % UInt64(bound))
    }

    /// True one time in `n`.
    @inline(__always)
    public mutating func chance(_ n: Int) -> Bool { below(n) == 0 }

    /// One random byte.
    @inline(__always)
    public mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }

    /// One element of a non-empty array (the first one of an empty array is a caller's mistake; it
    /// gives nil rather than trapping).
    @inline(__always)
    public mutating func element<T>(of array: [T]) -> T? {
        array.isEmpty ? nil : array[below(array.count)]
    }
}

extension Array where Element == UInt8 {
    /// The bytes of an unsigned integer, big-endian, in `width` bytes: dictionary tokens for type codes.
    public init<T: FixedWidthInteger>(bigEndian value: T, width: Int = T.bitWidth / 8) {
        self = (0..<width).map { UInt8(truncatingIfNeeded: value >> T(8 * (width - 1 - $0))) }
    }
}
