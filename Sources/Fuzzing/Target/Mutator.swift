public import Wire

/// Byte-level mutation in the manner of AFL's havoc stage, plus splicing between corpus entries.
///
/// Deterministic: the same generator state gives the same mutants. Sizes stay bounded by `maxLength`,
/// so a campaign's memory does not grow with its length.
public struct Mutator: Sendable {
    public var generator: SeededGenerator
    public let maxLength: Int
    /// Tokens the havoc stage inserts or writes over the input (the target's dictionary).
    public var dictionary: [[UInt8]]
    /// Values that sit on edges of length and type fields (AFL's interesting values).
    static let interesting16: [UInt16] = [0, 1, 3, 4, 0x7F, 0x80, 0xFF, 0x100, 0x3FFF, 0x4000, 0x7FFF, 0x8000, 0xFFFF]

    public init(seed: UInt64, maxLength: Int = 4096, dictionary: [[UInt8]] = []) {
        generator = SeededGenerator(seed: seed)
        self.maxLength = maxLength
        self.dictionary = dictionary.filter { !$0.isEmpty }
    }

    /// A mutant of `input` after 1 to 8 stacked havoc operations.
    public mutating func havoc(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...8, using: &generator) { mutateOnce(&bytes) }
        return bytes
    }

    /// The head of `first` joined to the tail of `second` at random cut points.
    public mutating func splice(_ first: [UInt8], _ second: [UInt8]) -> [UInt8] {
        let head = Int.random(in: 0...first.count, using: &generator)
        let tail = Int.random(in: 0...second.count, using: &generator)
        return Array((first.prefix(head) + second.suffix(second.count - tail)).prefix(maxLength))
    }

    /// Random bytes of a random length up to `limit`.
    public mutating func randomBytes(upTo limit: Int) -> [UInt8] {
        (0..<Int.random(in: 0...limit, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    private mutating func position(in bytes: [UInt8]) -> Int { Int.random(in: 0..<bytes.count, using: &generator) }

    private mutating func mutateOnce(_ bytes: inout [UInt8]) {
        let operation = Int.random(in: 0..<(dictionary.isEmpty ? 9 : 11), using: &generator)
        if bytes.isEmpty, operation < 6 {
            bytes.append(UInt8.random(in: 0...255, using: &generator))
            return
        }
        switch operation {
        case 0:  // flip one bit
            let index = position(in: bytes)
            bytes[index] ^= 1 << UInt8.random(in: 0...7, using: &generator)
        case 1:  // set a random byte
            bytes[position(in: bytes)] = UInt8.random(in: 0...255, using: &generator)
        case 2:  // add or subtract a little
            let index = position(in: bytes)
            bytes[index] = bytes[index] &+ UInt8.random(in: 0...70, using: &generator) &- 35
        case 3:  // an interesting 16-bit value, big-endian (where lengths and types live)
            guard bytes.count >= 2 else { return }
            let index = Int.random(in: 0...(bytes.count - 2), using: &generator)
            let value = Self.interesting16.randomElement(using: &generator)!
            bytes[index] = UInt8(value >> 8)
            bytes[index + 1] = UInt8(value & 0xFF)
        case 4:  // delete a block
            let start = position(in: bytes)
            let length = Int.random(in: 1...min(16, bytes.count - start), using: &generator)
            bytes.removeSubrange(start..<(start + length))
        case 5:  // duplicate a block in place
            let start = position(in: bytes)
            let length = Int.random(in: 1...min(32, bytes.count - start), using: &generator)
            bytes.insert(contentsOf: bytes[start..<(start + length)], at: start)
        case 6:  // insert random bytes
            let at = Int.random(in: 0...bytes.count, using: &generator)
            bytes.insert(contentsOf: randomBytes(upTo: 8), at: at)
        case 7:  // truncate
            bytes.removeLast(Int.random(in: 0...bytes.count, using: &generator))
        case 9:  // insert a dictionary token
            let token = dictionary.randomElement(using: &generator)!
            bytes.insert(contentsOf: token, at: Int.random(in: 0...bytes.count, using: &generator))
        case 10:  // write a dictionary token over the input
            let token = dictionary.randomElement(using: &generator)!
            guard bytes.count >= token.count else { return }
            let at = Int.random(in: 0...(bytes.count - token.count), using: &generator)
            bytes.replaceSubrange(at..<(at + token.count), with: token)
        default:  // overwrite a block with a copy of another
            guard bytes.count >= 2 else { return }
            let length = Int.random(in: 1...min(16, bytes.count / 2), using: &generator)
            let from = Int.random(in: 0...(bytes.count - length), using: &generator)
            let to = Int.random(in: 0...(bytes.count - length), using: &generator)
            let block = Array(bytes[from..<(from + length)])
            bytes.replaceSubrange(to..<(to + length), with: block)
        }
        if bytes.count > maxLength { bytes.removeLast(bytes.count - maxLength) }
    }
}
